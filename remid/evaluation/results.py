"""The one results format: per-subset estimates per model and JSON on disk (tables: ``remid.evaluation.tables``)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from remid.core.atomic import write_text_atomic
from remid.core.schema import EVAL_SUBSETS
from remid.estimators.diagnostics import ALPHA

# Column labels, in EVAL_SUBSETS order, grouped by shift family. Paper table 20 writes "G." for German and
# Gaming and "T." for theater and turn-level; here every label names one subset (languages by ISO code).
COLUMN_LABELS: dict[str, str] = {
    "id": "ID", "german": "De", "spanish": "Es", "chinese": "Zh", "japanese": "Ja", "korean": "Ko",
    "literature": "Lit.", "film": "Film", "theater": "Thea.", "gaming": "Game", "turn_level": "Turn",
    "word_level": "Word",
}
# First header line: the family name over the first column of its group (model, ID, 5 user, 4 char, 2 dial, Avg).
FAMILY_HEADER: list[str] = ["", "", "User shift", "", "", "", "", "Character shift", "", "", "",
                            "Dialogue shift", "", ""]
METRICS = ("r_emi", "r_emid")
MISSING = "–"


def metric_names(reasoning: bool) -> dict[str, str]:
    """What tables and plots call each field: R-EMI, R-EMID, I(X_R; Y_...) for an estimator with reasoning
    r = f_R(x); EMI, EMID, I(X; Y_...) (definition 3.1) for one without (``estimator.reasoner`` null)."""
    x, prefix = ("X_R", "R-") if reasoning else ("X", "")
    return {"r_emi": f"{prefix}EMI", "r_emid": f"{prefix}EMID", "mi_model": f"I({x}; Y_model)",
            "mi_ref": f"I({x}; Y_ref)", "inputs": x}


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
    mi_model_ci: tuple[float, float] | None = None
    mi_ref_ci: tuple[float, float] | None = None
    # Estimator diagnostics per matrix ("model", "ref"; and the lexical floor's "lexical_model", "lexical_ref"):
    # remid.estimators.diagnostics.PairDiagnostics fields; "holm": {"ref", "model"} Holm-corrected column p-values.
    diagnostics: dict[str, dict] | None = None
    # Both reductions' MI terms ("reductions": {"sum"|"mean": {...}}), prompts that lost dialogue turns
    # ("truncated_prompts", "reasoning_truncated_prompts"), shares at the token cap / without the marker.
    extra: dict = field(default_factory=dict)
    # Analyses (issue 12), each None when not computed: shift severity (remid.estimators.divergence:
    # {"user", "character", "dialogue", "input"} JSDs in nats and the cross-check estimator's values), the
    # theorem 3.4 bound (remid.estimators.bound: terms, value and the sample-size curve) and LLM-as-a-judge
    # scores (remid.judge: WinRate, PointScore, per-judge values, missing counts, the judge's label).
    divergence: dict | None = None
    bound: dict | None = None
    judge: dict | None = None

    @property
    def informative(self) -> bool | None:
        """Whether the estimator tells matched from mismatched reference pairs on this subset.

        True when each reference response's own context ranks above chance among the contexts
        scoring it (the contrast equation 2 makes; p < 0.01 after Holm's correction across the evaluated
        subsets, ``diagnostics["holm"]``, or uncorrected where absent) and the 95% interval of I(X_R; Y_ref)
        lies above 0; None when not checked (sampled negatives).
        """
        ref = (self.diagnostics or {}).get("ref")
        if ref is None or self.mi_ref_ci is None:
            return None
        holm = (self.diagnostics.get("holm") or {}).get("ref")
        passed = holm < ALPHA if holm is not None else ref["informative"]  # uncorrected: column_p_value < ALPHA
        return bool(passed) and self.mi_ref_ci[0] > 0


@dataclass
class ModelResults:
    """All subset estimates of one trained RPM."""

    name: str
    method: str
    base_model: str
    subsets: dict[str, SubsetEstimate] = field(default_factory=dict)
    # Per subset, against the first RPM evaluated (the baseline): {"baseline", "diff", "ci"}, where diff =
    # R-EMI - R-EMI(baseline) with a paired-bootstrap 95% interval (remid.estimators.club.bootstrap_difference).
    comparison: dict[str, dict] = field(default_factory=dict)


@dataclass
class EvaluationResults:
    """One evaluation run: estimator settings, per-model results, ISO creation time, and the data split
    evaluated ("test", reported; or "dev", where choices are made)."""

    estimator: dict
    models: list[ModelResults]
    created: str
    split: str = "test"

    @property
    def uses_reasoning(self) -> bool:
        """Whether the estimator conditioned on reasoning r = f_R(x) (R-EMI), or on x alone (the EMI baseline:
        ``estimator.reasoner`` null; results that do not record it are R-EMI's)."""
        return bool(self.estimator.get("reasoner", True))

    @property
    def names(self) -> dict[str, str]:
        """``metric_names`` of this estimator's kind (results.json records them as ``names``)."""
        return metric_names(self.uses_reasoning)

    def metric_name(self, metric: str) -> str:
        """``r_emi`` -> "R-EMI" ("EMI" without reasoning), ``r_emid`` -> "R-EMID" ("EMID")."""
        if metric not in METRICS:
            raise KeyError(metric)
        return self.names[metric]

    def mi_name(self, responses: str = "ref") -> str:
        """The estimated information, ``I(X_R; Y_ref)`` with reasoning, ``I(X; Y_ref)`` without."""
        return f"I({self.names['inputs']}; Y_{responses})"

    @property
    def split_note(self) -> str:
        """"" on the test split (reported); a note to put beside every output of the dev split."""
        return "" if self.split == "test" else f"{self.split.upper()} split (data.eval_split={self.split}), not test"

    def to_json(self, path: str | Path) -> None:
        """Write atomically (``remid.core.atomic``: a temp file in the same folder, then renamed)."""
        data = asdict(self)
        data["names"] = self.names  # derived from the estimator, for readers of the JSON
        for model, raw in zip(self.models, data["models"], strict=True):
            for name, est in model.subsets.items():
                raw["subsets"][name]["informative"] = est.informative
        text = json.dumps(data, indent=2, ensure_ascii=False)
        write_text_atomic(path, text)

    @classmethod
    def from_json(cls, path: str | Path) -> EvaluationResults:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        models = []
        for m in data["models"]:
            subsets = {name: _subset_from_dict(s) for name, s in m["subsets"].items()}
            models.append(ModelResults(m["name"], m["method"], m["base_model"], subsets, m.get("comparison", {})))
        return cls(data["estimator"], models, data["created"], data.get("split", "test"))


def _subset_from_dict(s: dict) -> SubsetEstimate:
    s = dict(s)
    s["r_emi_ci"] = tuple(s["r_emi_ci"])
    for key in ("r_emid_ci", "mi_model_ci", "mi_ref_ci"):
        s[key] = tuple(s[key]) if s.get(key) is not None else None
    s.pop("informative", None)  # derived, written for readers of the JSON
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
