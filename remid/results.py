"""The one results format: per-subset estimates per model, JSON on disk, Markdown/CSV tables."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from remid.data.schema import EVAL_SUBSETS

# Paper table 20 column labels, grouped by shift family.
COLUMN_LABELS = {
    "id": "ID", "german": "G.", "spanish": "S.", "chinese": "C.", "japanese": "J.", "korean": "K.",
    "literature": "L.", "film": "F.", "theater": "T.", "gaming": "G.", "turn_level": "T.", "word_level": "W.",
}
FAMILY_HEADER = ["", "", "User shift", "", "", "", "", "Character shift", "", "", "", "Dialogue shift", "", ""]
MISSING = "–"


@dataclass
class SubsetEstimate:
    """One subset's estimate for one model; ``r_emid`` is None for ID (or without an ID subset)."""

    subset: str
    n: int
    mi_model: float
    mi_ref: float
    r_emi: float
    r_emi_ci: tuple[float, float]
    r_emid: float | None = None
    r_emid_ci: tuple[float, float] | None = None


@dataclass
class ModelResults:
    name: str
    method: str
    base_model: str
    subsets: dict[str, SubsetEstimate] = field(default_factory=dict)


@dataclass
class EvaluationResults:
    estimator: dict
    models: list[ModelResults]
    created: str

    def to_json(self, path: str | Path) -> None:
        """Write atomically (temp file + rename): a killed run never leaves half a file."""
        path = Path(path)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def from_json(cls, path: str | Path) -> EvaluationResults:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        models = []
        for m in data["models"]:
            subsets = {}
            for name, s in m["subsets"].items():
                s["r_emi_ci"] = tuple(s["r_emi_ci"])
                s["r_emid_ci"] = tuple(s["r_emid_ci"]) if s.get("r_emid_ci") is not None else None
                subsets[name] = SubsetEstimate(**s)
            models.append(ModelResults(m["name"], m["method"], m["base_model"], subsets))
        return cls(data["estimator"], models, data["created"])


def table_rows(results: EvaluationResults, metric: str = "r_emi") -> list[tuple[str, list[float | None], float | None]]:
    """``(label, 12 values in table 20 order, mean of those present)`` per model."""
    if metric not in {"r_emi", "r_emid"}:
        raise ValueError(f"unknown metric {metric!r}; expected 'r_emi' or 'r_emid'")
    rows = []
    for model in results.models:
        values = []
        for subset in EVAL_SUBSETS:
            est = model.subsets.get(subset)
            value = getattr(est, metric) if est is not None else None
            values.append(None if value is None or not math.isfinite(value) else value)
        present = [v for v in values if v is not None]
        label = model.name if model.method in model.name else f"{model.name} ({model.method})"
        rows.append((label, values, sum(present) / len(present) if present else None))
    return rows


def _fmt(value: float | None) -> str:
    return MISSING if value is None else f"{value:.3f}"


def remid_table_markdown(results: EvaluationResults, metric: str = "r_emi") -> str:
    """Markdown laid out like paper table 20 (rows: models; Avg. = mean of the columns present)."""
    header = ["Model (method)", *COLUMN_LABELS.values(), "Avg."]
    lines = ["| " + " | ".join(FAMILY_HEADER) + " |", "|" + "---|" * len(header), "| " + " | ".join(header) + " |"]
    for label, values, avg in table_rows(results, metric):
        lines.append("| " + " | ".join([label, *map(_fmt, values), _fmt(avg)]) + " |")
    return "\n".join(lines)


def remid_table_csv(results: EvaluationResults, metric: str = "r_emi") -> str:
    lines = [",".join(["model", *EVAL_SUBSETS, "avg"])]
    for label, values, avg in table_rows(results, metric):
        cells = ["" if v is None else f"{v:.6f}" for v in [*values, avg]]
        lines.append(",".join([f'"{label}"', *cells]))
    return "\n".join(lines)
