"""The one results format: per-subset estimates per model, JSON on disk, Markdown/CSV tables (table 20)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from remid.data.schema import EVAL_SUBSETS

# Paper table 20 column labels, in EVAL_SUBSETS order, grouped by shift family.
COLUMN_LABELS: dict[str, str] = {
    "id": "ID", "german": "G.", "spanish": "S.", "chinese": "C.", "japanese": "J.", "korean": "K.",
    "literature": "L.", "film": "F.", "theater": "T.", "gaming": "G.", "turn_level": "T.", "word_level": "W.",
}
# First header line: the family name over the first column of its group (model, ID, 5 user, 4 char, 2 dial, Avg).
FAMILY_HEADER: list[str] = ["", "", "User shift", "", "", "", "", "Character shift", "", "", "",
                            "Dialogue shift", "", ""]
METRICS = ("r_emi", "r_emid")
MISSING = "–"


@dataclass
class SubsetEstimate:
    """One subset's estimate for one model; ``r_emid`` is None for ID (or when there is no ID subset)."""

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
    """All subset estimates of one trained RPM."""

    name: str
    method: str
    base_model: str
    subsets: dict[str, SubsetEstimate] = field(default_factory=dict)


@dataclass
class EvaluationResults:
    """One evaluation run: estimator settings, per-model results, ISO creation time."""

    estimator: dict
    models: list[ModelResults]
    created: str

    def to_json(self, path: str | Path) -> None:
        """Write atomically (temp file in the same folder + ``os.replace``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(asdict(self), indent=2, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def from_json(cls, path: str | Path) -> EvaluationResults:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        models = []
        for m in data["models"]:
            subsets = {name: _subset_from_dict(s) for name, s in m["subsets"].items()}
            models.append(ModelResults(m["name"], m["method"], m["base_model"], subsets))
        return cls(data["estimator"], models, data["created"])


def _subset_from_dict(s: dict) -> SubsetEstimate:
    s = dict(s)
    s["r_emi_ci"] = tuple(s["r_emi_ci"])
    s["r_emid_ci"] = tuple(s["r_emid_ci"]) if s.get("r_emid_ci") is not None else None
    return SubsetEstimate(**s)


def model_label(model: ModelResults) -> str:
    """Row label: ``"name (method)"``."""
    return f"{model.name} ({model.method})"


def table_rows(results: EvaluationResults, metric: str = "r_emi") -> list[tuple[str, list[float | None], float | None]]:
    """``(label, 12 values in table 20 column order, Avg.)`` per model.

    Avg. is the mean of the columns present (table 20 averages all 12 columns, ID included: the
    Qwen3-4B SFT row gives -0.057); a missing or non-finite subset is None and left out of it.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {METRICS}")
    rows = []
    for model in results.models:
        values: list[float | None] = []
        for subset in EVAL_SUBSETS:
            est = model.subsets.get(subset)
            value = getattr(est, metric) if est is not None else None
            values.append(None if value is None or not math.isfinite(value) else float(value))
        present = [v for v in values if v is not None]
        rows.append((model_label(model), values, sum(present) / len(present) if present else None))
    return rows


def _fmt(value: float | None) -> str:
    return MISSING if value is None else f"{value:.3f}"


def remid_table_markdown(results: EvaluationResults, metric: str = "r_emi") -> str:
    """Markdown laid out like paper table 20: a family header line, then ID G. S. C. J. K. L. F. T. G. T. W. Avg."""
    header = ["Model (method)", *COLUMN_LABELS.values(), "Avg."]
    lines = ["| " + " | ".join(FAMILY_HEADER) + " |", "|" + "---|" * len(header), "| " + " | ".join(header) + " |"]
    for label, values, avg in table_rows(results, metric):
        lines.append("| " + " | ".join([label, *map(_fmt, values), _fmt(avg)]) + " |")
    return "\n".join(lines)


def remid_table_csv(results: EvaluationResults, metric: str = "r_emi") -> str:
    """CSV of the same table: ``model,<12 subset names>,avg``; missing cells empty, 6 decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["model", *EVAL_SUBSETS, "avg"])
    for label, values, avg in table_rows(results, metric):
        writer.writerow([label, *("" if v is None else f"{v:.6f}" for v in [*values, avg])])
    return buffer.getvalue().rstrip("\n")
