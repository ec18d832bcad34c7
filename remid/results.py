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
    mi_model_ci: tuple[float, float] | None = None
    mi_ref_ci: tuple[float, float] | None = None
    # Estimator diagnostics per matrix ("model", "ref"): remid.estimators.diagnostics.PairDiagnostics fields.
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
        scoring it (p < 0.01, the contrast equation 2 makes) and the 95% interval of I(X_R; Y_ref)
        lies above 0; None when not checked (sampled negatives).
        """
        ref = (self.diagnostics or {}).get("ref")
        if ref is None or self.mi_ref_ci is None:
            return None
        return bool(ref["informative"]) and self.mi_ref_ci[0] > 0


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
    """One evaluation run: estimator settings, per-model results, ISO creation time."""

    estimator: dict
    models: list[ModelResults]
    created: str

    def to_json(self, path: str | Path) -> None:
        """Write atomically (temp file in the same folder + ``os.replace``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        for model, raw in zip(self.models, data["models"], strict=True):
            for name, est in model.subsets.items():
                raw["subsets"][name]["informative"] = est.informative
        text = json.dumps(data, indent=2, ensure_ascii=False)
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
            models.append(ModelResults(m["name"], m["method"], m["base_model"], subsets, m.get("comparison", {})))
        return cls(data["estimator"], models, data["created"])


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


def _fmt(value: float | None) -> str:
    return MISSING if value is None else f"{value:.3f}"


EMPTY_WARN = 0.5  # share of empty RPM responses above which a cell is marked EMPTY_MARK
EMPTY_MARK = "‡"
EMPTY_NOTE = f"{EMPTY_MARK} most of this RPM's responses on this subset are empty: its R-EMI there scores empty answers."
UNINFORMATIVE_MARK = "†"
UNINFORMATIVE_NOTE = (f"{UNINFORMATIVE_MARK} the estimator is near chance on this subset (see the estimator table): "
                      "numbers on this subset are not informative.")


def uninformative_subsets(results: EvaluationResults) -> list[str]:
    """Subsets (EVAL_SUBSETS order) where some model's estimate is flagged as not informative."""
    flagged = {name for m in results.models for name, e in m.subsets.items() if e.informative is False}
    return [s for s in EVAL_SUBSETS if s in flagged]


def _marks(est: SubsetEstimate) -> str:
    """† where the estimator is near chance, ‡ where most of the RPM's responses are empty."""
    return ((UNINFORMATIVE_MARK if est.informative is False else "")
            + (EMPTY_MARK if est.extra.get("empty_responses", 0.0) > EMPTY_WARN else ""))


def remid_table_markdown(results: EvaluationResults, metric: str = "r_emi") -> str:
    """Markdown laid out like paper table 20: a family header line, then ID G. S. C. J. K. L. F. T. G. T. W. Avg.

    A value on a subset where the estimator cannot tell matched from mismatched pairs carries a †
    and the table a footnote saying so.
    """
    header = ["Model (method)", *COLUMN_LABELS.values(), "Avg."]
    lines = ["| " + " | ".join(FAMILY_HEADER) + " |", "|" + "---|" * len(header), "| " + " | ".join(header) + " |"]
    for model, (label, values, avg) in zip(results.models, table_rows(results, metric), strict=True):
        cells = [_fmt(v) + (_marks(model.subsets[s]) if v is not None else "")
                 for s, v in zip(EVAL_SUBSETS, values, strict=True)]
        lines.append("| " + " | ".join([label, *cells, _fmt(avg)]) + " |")
    if uninformative_subsets(results):
        lines += ["", UNINFORMATIVE_NOTE]
    if any(e.extra.get("empty_responses", 0.0) > EMPTY_WARN for m in results.models for e in m.subsets.values()):
        lines += ["", EMPTY_NOTE]
    return "\n".join(lines)


def _ci(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f" [{ci[0]:.3f}, {ci[1]:.3f}]"


def estimator_table_markdown(results: EvaluationResults) -> str:
    """Per subset: can the estimator tell matched from mismatched pairs? (estimator diagnostics)

    The reference matrix log p(y_j | x_i, r_i) is the same for every RPM, so its columns come from
    the first model; each model adds the same rank for its own response matrix. "per response" is the
    diagonal's rank in its column (contexts compared for one response, the contrast equation 2
    makes, and the verdict); "in row" its rank among the responses scored under one context.
    """
    if not results.models:
        return ""
    first = results.models[0]
    header = ["Subset", "N", "I(X_R; Y_ref) [95% CI]", "ref rank per response (chance)", "p",
              "ref rank in row", "ref top-1 in row (chance)", "p (row)",
              *(f"{m.name} rank" for m in results.models), "Informative"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for subset in EVAL_SUBSETS:
        est = first.subsets.get(subset)
        if est is None:
            continue
        ref = (est.diagnostics or {}).get("ref")
        if ref is None:
            cells = [f"{est.mi_ref:.3f}", MISSING, MISSING, MISSING, MISSING, MISSING]
        else:
            cells = [f"{est.mi_ref:.3f}{_ci(est.mi_ref_ci)}",
                     f"{ref['column_mean_rank']:.1f} ({ref['chance_rank']:.1f})", f"{ref['column_p_value']:.1g}",
                     f"{ref['mean_rank']:.1f}", f"{ref['top1']:.0%} ({ref['chance_top1']:.0%})", f"{ref['p_value']:.1g}"]
        ranks = []
        for model in results.models:
            diag = (model.subsets[subset].diagnostics or {}).get("model") if subset in model.subsets else None
            ranks.append(MISSING if diag is None else f"{diag['column_mean_rank']:.1f}")
        verdict = {True: "yes", False: "NO: near chance", None: "not checked"}[est.informative]
        lines.append("| " + " | ".join([COLUMN_LABELS.get(subset, subset) + f" ({subset})", str(est.n), *cells,
                                         *ranks, verdict]) + " |")
    return "\n".join(lines)


def remid_table_csv(results: EvaluationResults, metric: str = "r_emi") -> str:
    """CSV of the same table: ``model,<12 subset names>,avg``; missing cells empty, 6 decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["model", *EVAL_SUBSETS, "avg"])
    for label, values, avg in table_rows(results, metric):
        writer.writerow([label, *("" if v is None else f"{v:.6f}" for v in [*values, avg])])
    return buffer.getvalue().rstrip("\n")


def comparison_table_markdown(results: EvaluationResults) -> str:
    """R-EMI of each RPM minus the baseline's (the first RPM), per subset, with paired 95% intervals.

    A * marks a difference whose interval excludes 0; an empty string when only one RPM was evaluated.
    """
    compared = [m for m in results.models if m.comparison]
    if not compared:
        return ""
    baseline = next(iter(compared[0].comparison.values()))["baseline"]
    header = ["Model (method)", *COLUMN_LABELS.values()]
    lines = [f"R-EMI minus R-EMI of {baseline} (paired bootstrap 95% CI; * = interval excludes 0)", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for model in compared:
        cells = []
        for subset in EVAL_SUBSETS:
            c = model.comparison.get(subset)
            if c is None:
                cells.append(MISSING)
                continue
            lo, hi = c["ci"]
            cells.append(f"{c['diff']:+.3f}{'*' if lo > 0 or hi < 0 else ''} [{lo:+.3f}, {hi:+.3f}]")
        lines.append("| " + " | ".join([model_label(model), *cells]) + " |")
    return "\n".join(lines)


def significant_differences(results: EvaluationResults) -> list[str]:
    """Plain-words list of the differences to the baseline whose 95% interval excludes 0."""
    out = []
    for model in results.models:
        for subset, c in model.comparison.items():
            lo, hi = c["ci"]
            if lo > 0 or hi < 0:
                out.append(f"{model.name} {'above' if lo > 0 else 'below'} {c['baseline']} on {subset}: "
                           f"{c['diff']:+.3f} [{lo:+.3f}, {hi:+.3f}]")
    return out


def analysis_table_markdown(results: EvaluationResults) -> str:
    """Per model and subset: shift severity (D_JS per input component), theorem 3.4's bound next to the
    R-EMID it bounds, and the judge's WinRate / PointScore; "" when no analysis was computed."""
    rows = [(m, s, m.subsets[s]) for m in results.models for s in EVAL_SUBSETS if s in m.subsets]
    if not any(e.divergence or e.bound or e.judge for _, _, e in rows):
        return ""
    labels = sorted({e.judge["label"] for _, _, e in rows if e.judge})
    header = ["Model (method)", "Subset", "D_JS user", "D_JS character", "D_JS dialogue", "D_JS input (check)",
              "H_hat", "Bound", "R-EMID", "WinRate [95% CI]", "PointScore", "judge missing"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for model, subset, e in rows:
        d, b, j = e.divergence or {}, e.bound or {}, e.judge or {}
        check = (d.get("check") or {}).get("input")
        cells = [_fmt(d.get(z)) for z in ("user", "character", "dialogue")]
        cells.append(_fmt(d.get("input")) + ("" if check is None else f" ({check:.3f})"))
        cells += [_fmt(b.get("h_hat")), _fmt(b.get("value")), _fmt(e.r_emid)]
        ci = j.get("win_rate_ci") or [None, None]
        cells.append(_fmt(j.get("win_rate")) + ("" if None in ci else f" [{ci[0]:.3f}, {ci[1]:.3f}]"))
        cells.append(_fmt(j.get("point_score")))
        missing = j.get("missing") or {}
        cells.append(MISSING if not j else f"{missing.get('win_rate', 0)} / {missing.get('point_score', 0)} of {j['n']}")
        lines.append("| " + " | ".join([model_label(model), f"{COLUMN_LABELS.get(subset, subset)} ({subset})", *cells])
                     + " |")
    if labels:
        lines += ["", "Judge: " + "; ".join(labels) + ". D_JS in nats (max ln 2 = 0.693), ID test vs the subset."]
    return "\n".join(lines)
