"""Markdown and CSV tables of ``EvaluationResults``: table 20 (R-EMI / R-EMID), the estimator diagnostics,
the comparison with a baseline RPM and the analyses (shift severity, theorem 3.4's bound, judges)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from remid.core.schema import EVAL_SUBSETS
from remid.evaluation.results import (
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


def _ci(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f" [{ci[0]:.3f}, {ci[1]:.3f}]"


@dataclass(frozen=True)
class Mark:
    """A footnote symbol put on a cell whose subset estimate ``applies``, and the footnote saying why."""

    symbol: str
    applies: Callable[[SubsetEstimate], bool]
    note: str


EMPTY_WARN = 0.5  # share of empty RPM responses above which a cell is marked EMPTY_MARK
CAP_WARN = 0.2  # share of RPM responses cut at generation.sampling.max_new_tokens above which CAP_MARK is put
UNINFORMATIVE_MARK, EMPTY_MARK, CAP_MARK = "†", "‡", "§"
UNINFORMATIVE_NOTE = (f"{UNINFORMATIVE_MARK} the estimator is near chance on this subset (see the estimator table): "
                      "numbers on this subset are not informative.")
EMPTY_NOTE = f"{EMPTY_MARK} most of this RPM's responses on this subset are empty: its value there scores empty answers."
CAP_NOTE = (f"{CAP_MARK} over {CAP_WARN:.0%} of this RPM's responses on this subset ran to the token cap "
            "(generation.sampling.max_new_tokens): it may loop, or be prompted or decoded unlike its training.")
MARKS = (
    Mark(UNINFORMATIVE_MARK, lambda e: e.informative is False, UNINFORMATIVE_NOTE),
    Mark(EMPTY_MARK, lambda e: e.extra.get("empty_responses", 0.0) > EMPTY_WARN, EMPTY_NOTE),
    Mark(CAP_MARK, lambda e: (e.extra.get("responses_hit_cap") or 0.0) > CAP_WARN, CAP_NOTE),
)
AVG_NOTE = f"{UNINFORMATIVE_MARK} on Avg.: it averages in subsets where the estimator is near chance."


LEXICAL_MARK = "¶"
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


def marks_of(est: SubsetEstimate) -> str:
    """The symbols of every ``MARKS`` entry that applies to ``est`` († near chance, ‡ empty, § token cap)."""
    return "".join(m.symbol for m in MARKS if m.applies(est))


def _footnotes(results: EvaluationResults) -> list[str]:
    estimates = [e for m in results.models for e in m.subsets.values()]
    return [m.note for m in MARKS if any(m.applies(e) for e in estimates)]


def caption(results: EvaluationResults, metric: str) -> str:
    """What the cells are and which split they come from (the dev split said in capitals)."""
    split = results.split_note.upper() if results.split_note else "test split"
    return f"Cells: {results.metric_name(metric)} [95% bootstrap CI]; {split}."


def remid_table_markdown(results: EvaluationResults, metric: str = "r_emi") -> str:
    """Markdown laid out like paper table 20: a family header line, then ID and the 11 shifted subsets, Avg.

    Each cell is the value, its marks (``MARKS``) and its 95% bootstrap interval; a footnote per mark used,
    and a caption naming the metric and the split (a dev-split table also says so on its first line).
    """
    rows = table_rows(results, metric)  # checks the metric
    header = ["Model (method)", *COLUMN_LABELS.values(), "Avg."]
    lines = ["| " + " | ".join(FAMILY_HEADER) + " |", "|" + "---|" * len(header), "| " + " | ".join(header) + " |"]
    if results.split_note:
        lines = [f"**{results.split_note.upper()}**", "", *lines]
    averaged_uninformative = False
    for model, (label, values, avg) in zip(results.models, rows, strict=True):
        cells, flagged = [], False
        for subset, value in zip(EVAL_SUBSETS, values, strict=True):
            est = model.subsets.get(subset)
            if value is None or est is None:
                cells.append(MISSING)
                continue
            flagged |= est.informative is False
            cells.append(_fmt(value) + marks_of(est) + _ci(getattr(est, f"{metric}_ci")))
        averaged_uninformative |= flagged
        lines.append("| " + " | ".join([label, *cells, _fmt(avg) + (UNINFORMATIVE_MARK if flagged else "")]) + " |")
    notes = _footnotes(results) + ([AVG_NOTE] if averaged_uninformative else [])
    return "\n".join([*lines, "", caption(results, metric), *(f"\n{n}" for n in notes)])


def estimator_records(results: EvaluationResults) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` of the estimator table, one row per subset (markdown, W&B).

    The reference matrix log p(y_j | x_i, r_i) is the same for every RPM, so its columns come from
    the first model; each model adds the same rank for its own response matrix. "per response" is the
    diagonal's rank in its column (contexts compared for one response, the contrast equation 2
    makes, and the verdict); "in row" its rank among the responses scored under one context.
    Columns are ``(header, cell(first model's estimate))`` pairs in ``estimator_columns``.
    """
    if not results.models:
        return [], []
    first = results.models[0]
    columns = estimator_columns(results)
    header = ["Subset", *(h for h, _ in columns), *(f"{m.name} rank" for m in results.models), "Informative"]
    rows = []
    for subset in EVAL_SUBSETS:
        est = first.subsets.get(subset)
        if est is None:
            continue
        ranks = []
        for model in results.models:
            diag = (model.subsets[subset].diagnostics or {}).get("model") if subset in model.subsets else None
            ranks.append(MISSING if diag is None else f"{diag['column_mean_rank']:.1f}")
        verdict = {True: "yes", False: "NO: near chance", None: "not checked"}[est.informative]
        rows.append([COLUMN_LABELS.get(subset, subset) + f" ({subset})", *(cell(est) for _, cell in columns),
                     *ranks, verdict])
    return header, rows


def estimator_table_markdown(results: EvaluationResults) -> str:
    """Per subset: can the estimator tell matched from mismatched pairs? (``estimator_records``)"""
    header, rows = estimator_records(results)
    if not header:
        return ""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]
    if results.split_note:
        lines = [f"**{results.split_note.upper()}**", "", *lines]
    if any(below_floor(e) for e in results.models[0].subsets.values()):
        lines += ["", LEXICAL_NOTE]
    return "\n".join(lines)


def _ref(est: SubsetEstimate, text: Callable[[dict], str]) -> str:
    ref = (est.diagnostics or {}).get("ref")
    return MISSING if ref is None else text(ref)


def estimator_columns(results: EvaluationResults) -> list[tuple[str, Callable[[SubsetEstimate], str]]]:
    """The estimator table's per-subset columns: header and cell of the first model's estimate."""
    return [
        ("N", lambda e: str(e.n)),
        (f"{results.mi_name('ref')} [95% CI]",
         lambda e: f"{e.mi_ref:.3f}" + (_ci(e.mi_ref_ci) if (e.diagnostics or {}).get("ref") else "")),
        ("ref rank per response (chance)", lambda e: _ref(e, lambda r: f"{r['column_mean_rank']:.1f} "
                                                                       f"({r['chance_rank']:.1f})")
         + (LEXICAL_MARK if below_floor(e) else "")),
        ("p", lambda e: _ref(e, lambda r: f"{r['column_p_value']:.1g}")),
        ("p (Holm)", lambda e: _ref(e, lambda r: f"{(e.diagnostics.get('holm') or {}).get('ref', float('nan')):.1g}")),
        ("ref rank in row", lambda e: _ref(e, lambda r: f"{r['mean_rank']:.1f}")),
        ("ref top-1 in row (chance)", lambda e: _ref(e, lambda r: f"{r['top1']:.0%} ({r['chance_top1']:.0%})")),
        ("p (row)", lambda e: _ref(e, lambda r: f"{r['p_value']:.1g}")),
        ("lexical floor rank per response / in row",
         lambda e: MISSING if (lex := (e.diagnostics or {}).get("lexical_ref")) is None
         else f"{lex['column_mean_rank']:.1f} / {lex['mean_rank']:.1f}"),
    ]


# One row per model and subset, for CSV and W&B tables: (column, value of (model, estimate, metric)).
RECORD_COLUMNS: list[tuple[str, Callable]] = [
    ("split", lambda r, m, e, metric: r.split),
    ("model", lambda r, m, e, metric: model_label(m)),
    ("subset", lambda r, m, e, metric: e.subset),
    ("n", lambda r, m, e, metric: e.n),
    ("value", lambda r, m, e, metric: getattr(e, metric)),
    ("ci_low", lambda r, m, e, metric: (getattr(e, f"{metric}_ci") or (None, None))[0]),
    ("ci_high", lambda r, m, e, metric: (getattr(e, f"{metric}_ci") or (None, None))[1]),
    ("informative", lambda r, m, e, metric: e.informative),
    ("responses_hit_cap", lambda r, m, e, metric: e.extra.get("responses_hit_cap")),
    ("empty_responses", lambda r, m, e, metric: e.extra.get("empty_responses")),
    ("marks", lambda r, m, e, metric: marks_of(e)),
]


def table_records(results: EvaluationResults, metric: str = "r_emi") -> tuple[list[str], list[list]]:
    """``(columns, rows)``: one row per model and subset (table 20 order) with its interval and flags."""
    table_rows(results, metric)  # checks the metric
    rows = [[get(results, model, est, metric) for _, get in RECORD_COLUMNS]
            for model in results.models for subset in EVAL_SUBSETS
            if (est := model.subsets.get(subset)) is not None and getattr(est, metric) is not None]
    return [name for name, _ in RECORD_COLUMNS], rows


def remid_table_csv(results: EvaluationResults, metric: str = "r_emi") -> str:
    """CSV of the same numbers, one row per model and subset: ``split,model,subset,n,value,ci_low,ci_high,
    informative,responses_hit_cap,empty_responses,marks``; values to 6 decimals, missing ones empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns, rows = table_records(results, metric)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else f"{v:.6f}" if isinstance(v, float) else v for v in row])
    return buffer.getvalue().rstrip("\n")


def comparison_table_markdown(results: EvaluationResults) -> str:
    """R-EMI (EMI) of each RPM minus the baseline's (the first RPM), per subset, with paired 95% intervals.

    A * marks a difference whose interval excludes 0; an empty string when only one RPM was evaluated.
    """
    compared = [m for m in results.models if m.comparison]
    if not compared:
        return ""
    baseline = next(iter(compared[0].comparison.values()))["baseline"]
    header = ["Model (method)", *COLUMN_LABELS.values()]
    name = results.metric_name("r_emi")
    lines = [f"{name} minus {name} of {baseline} (paired bootstrap 95% CI; * = interval excludes 0)", "",
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
              "H_hat", "Bound", results.metric_name("r_emid"), "WinRate [95% CI]", "PointScore", "judge missing"]
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
