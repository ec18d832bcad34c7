"""Markdown and CSV tables of ``EvaluationResults``: table 20 (R-EMI / R-EMID), the estimator diagnostics,
the comparison with a baseline RPM and the analyses (shift severity, theorem 3.4's bound, judges)."""

from __future__ import annotations

import csv
import io

from remid.data.schema import EVAL_SUBSETS
from remid.results import (
    COLUMN_LABELS,
    FAMILY_HEADER,
    MISSING,
    EvaluationResults,
    SubsetEstimate,
    model_label,
    table_rows,
)


def _fmt(value: float | None) -> str:
    return MISSING if value is None else f"{value:.3f}"


EMPTY_WARN = 0.5  # share of empty RPM responses above which a cell is marked EMPTY_MARK
EMPTY_MARK = "‡"
EMPTY_NOTE = f"{EMPTY_MARK} most of this RPM's responses on this subset are empty: its R-EMI there scores empty answers."
UNINFORMATIVE_MARK = "†"
UNINFORMATIVE_NOTE = (f"{UNINFORMATIVE_MARK} the estimator is near chance on this subset (see the estimator table): "
                      "numbers on this subset are not informative.")


LEXICAL_MARK = "§"
LEXICAL_NOTE = (f"{LEXICAL_MARK} the estimator ranks own contexts worse than the lexical floor (character n-gram "
                "TF-IDF between context and golden response, remid.estimators.lexical): it misses dependence that "
                "plain string matching finds.")


def below_floor(est: SubsetEstimate) -> bool:
    """Whether the estimator's per-response rank of own contexts is worse than the lexical floor's (goldens)."""
    diag = est.diagnostics or {}
    ref, lexical = diag.get("ref"), diag.get("lexical_ref")
    return ref is not None and lexical is not None and ref["column_mean_rank"] > lexical["column_mean_rank"]


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
    header = ["Subset", "N", "I(X_R; Y_ref) [95% CI]", "ref rank per response (chance)", "p", "p (Holm)",
              "ref rank in row", "ref top-1 in row (chance)", "p (row)", "lexical floor rank per response / in row",
              *(f"{m.name} rank" for m in results.models), "Informative"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for subset in EVAL_SUBSETS:
        est = first.subsets.get(subset)
        if est is None:
            continue
        ref = (est.diagnostics or {}).get("ref")
        diag = est.diagnostics or {}
        if ref is None:
            cells = [f"{est.mi_ref:.3f}", MISSING, MISSING, MISSING, MISSING, MISSING, MISSING]
        else:
            holm = (diag.get("holm") or {}).get("ref")
            cells = [f"{est.mi_ref:.3f}{_ci(est.mi_ref_ci)}",
                     f"{ref['column_mean_rank']:.1f} ({ref['chance_rank']:.1f})" + (
                         LEXICAL_MARK if below_floor(est) else ""), f"{ref['column_p_value']:.1g}",
                     MISSING if holm is None else f"{holm:.1g}",
                     f"{ref['mean_rank']:.1f}", f"{ref['top1']:.0%} ({ref['chance_top1']:.0%})", f"{ref['p_value']:.1g}"]
        lexical = diag.get("lexical_ref")
        cells.append(MISSING if lexical is None else f"{lexical['column_mean_rank']:.1f} / {lexical['mean_rank']:.1f}")
        ranks = []
        for model in results.models:
            diag = (model.subsets[subset].diagnostics or {}).get("model") if subset in model.subsets else None
            ranks.append(MISSING if diag is None else f"{diag['column_mean_rank']:.1f}")
        verdict = {True: "yes", False: "NO: near chance", None: "not checked"}[est.informative]
        lines.append("| " + " | ".join([COLUMN_LABELS.get(subset, subset) + f" ({subset})", str(est.n), *cells,
                                         *ranks, verdict]) + " |")
    if any(below_floor(e) for e in first.subsets.values()):
        lines += ["", LEXICAL_NOTE]
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
