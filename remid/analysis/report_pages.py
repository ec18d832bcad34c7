"""The report's pages and tables as text: index.md, tables 12-13, the correlation tables and their CSVs
(``remid.analysis.report`` gathers the numbers and draws the figures)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from remid.analysis.correlations import FAMILY_NAMES, Pairs, format_p
from remid.analysis.wandb_panels import CORRELATION_COLUMNS, TABLE12_COLUMNS
from remid.evaluation.results import EvaluationResults
from remid.evaluation.tables import estimator_table_markdown, remid_table_markdown

Loaded = list[tuple[EvaluationResults, str | None]]


def merged(loaded: Loaded) -> EvaluationResults:
    """All models of several evaluations in one results object (for the R-EMI tables)."""
    first = loaded[0][0] if loaded else EvaluationResults({}, [], "")
    return EvaluationResults(first.estimator, [m for res, _ in loaded for m in res.models], first.created)


def as_number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def fmt_value(value, digits: int = 4) -> str:
    return "–" if value is None or (isinstance(value, float) and not math.isfinite(value)) else f"{value:.{digits}f}"


def _md(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                      *("| " + " | ".join(r) + " |" for r in rows)])


def _csv(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return buffer.getvalue()


def table12_markdown(rows: list[dict]) -> str:
    checks = sorted({r["check_estimator"] for r in rows if r["check_estimator"]})
    header = ["Model", "Shift Type", "ID→OOD", "D_JS(P_Xu‖Q_Xu)", "D_JS(P_Xa‖Q_Xa)", "D_JS(P_Xd‖Q_Xd)",
              "D_JS(P_X‖Q_X)", f"check ({', '.join(checks) or '–'}): u / a / d / X", "Ĥ", "Δ",
              "R-EMID Upper Bound", "R-EMID"]
    body = [[r["model"], r["family"], r["shift"], *(fmt_value(r[f"d_{k}"]) for k in ("user", "character", "dialogue", "input")),
             " / ".join(fmt_value(r[f"check_{k}"]) for k in ("user", "character", "dialogue", "input")),
             fmt_value(r["h_hat"]), fmt_value(r["delta"]), fmt_value(r["bound"]), fmt_value(r["r_emid"])] for r in rows]
    estimators = sorted({f"{r['estimator']} over {r['encoder']}" for r in rows if r["estimator"]})
    note = f"\n\nD_JS in nats, estimated with {', '.join(estimators)}." if estimators else ""
    return _md(header, body) + note


EXCLUDED_NOTE = ("n: the pairs correlated; \"+k excluded\": pairs from subsets where the estimator is not informative "
                 "(results' `informative` false), left out of r and ρ.")
SEVERITY_NOTE = " The judge-score-vs-severity rows keep those pairs: neither of their axes is the estimator's."


def _corr_cells(pairs: Pairs) -> list[str]:
    c = pairs.correlation()
    n = f"{c.n} (+{c.excluded} excluded)" if c.excluded else str(c.n)
    if not c.ok:
        return [n, f"– ({c.reason})", "–"]
    return [n, f"{c.pearson:.3f} (p = {format_p(c.pearson_p)})", f"{c.spearman:.3f} (p = {format_p(c.spearman_p)})"]


def _excluded_note(pairs: list[Pairs]) -> str:
    """The footnote of a correlation table, when some row left pairs out ("" otherwise)."""
    if not any(p.correlation().excluded for p in pairs):
        return ""
    kept = any(not p.excludes_uninformative and any(q.informative is False for q in p.points) for p in pairs)
    return f"\n\n{EXCLUDED_NOTE}" + (SEVERITY_NOTE if kept else "")


def correlation_row(key: str, pairs: Pairs) -> dict:
    return {"analysis": key, **pairs.correlation().as_dict()}


def write_tables(out: Path, report: dict, scatter: dict[str, Pairs], family_pairs: dict[str, Pairs], steps) -> None:
    t13 = [[FAMILY_NAMES.get(f, "All shifts"), *_corr_cells(p)] for f, p in family_pairs.items()]
    (out / "table12.md").write_text(table12_markdown(report["table12"]) + "\n", encoding="utf-8")
    (out / "table12.csv").write_text(_csv(TABLE12_COLUMNS, report["table12"]), encoding="utf-8")
    (out / "table13.md").write_text(_md(["Shift Type", "n", "Pearson r (p)", "Spearman ρ (p)"], t13)
                                    + _excluded_note(list(family_pairs.values())) + "\n", encoding="utf-8")
    (out / "table13.csv").write_text(_csv(CORRELATION_COLUMNS, [correlation_row(f, p) for f, p in family_pairs.items()]),
                                     encoding="utf-8")
    rows = [[k, p.name, *_corr_cells(p)] for k, p in scatter.items()]
    curve = [[str(s.n), *_corr_cells(s.pairs)[1:], str(s.correlation.excluded), fmt_value(s.mean_bound),
              fmt_value(s.mean_r_emid)] for s in steps]
    text = ("Correlations (figures 4, 5b, 2/9/10), over (model, subset) pairs\n\n"
            + _md(["Key", "Analysis", "n", "Pearson r (p)", "Spearman ρ (p)"], rows) + _excluded_note(list(scatter.values()))
            + "\n\nFigure 5a: bound vs R-EMID as the number of samples n grows\n\n"
            + _md(["n", "Pearson r (p)", "Spearman ρ (p)", "excluded", "mean bound", "mean R-EMID"], curve) + "\n")
    (out / "correlations.md").write_text(text, encoding="utf-8")
    (out / "correlations.csv").write_text(_csv(CORRELATION_COLUMNS, [correlation_row(k, p) for k, p in scatter.items()]),
                                          encoding="utf-8")
    (out / "figure5a.csv").write_text(_csv(["n", *CORRELATION_COLUMNS[1:], "mean_bound", "mean_r_emid"],
                                           [{"n": s.n, **s.correlation.as_dict(), "mean_bound": s.mean_bound,
                                             "mean_r_emid": s.mean_r_emid} for s in steps]), encoding="utf-8")


def index_markdown(report: dict, loaded: Loaded, emi: Loaded, family_pairs: dict[str, Pairs],
                   scatter: dict[str, Pairs]) -> str:
    """The page a person reads top to bottom."""
    lines = ["# R-EMI / R-EMID report", "", f"Written {report['created']} to `{report['out_dir']}`.", "",
             "## What was run", ""]
    for key, value in (report["about"] or {}).items():
        lines.append(f"- {key}: `{value}`")
    if not loaded and not emi:
        lines.append("- no evaluation results (see Failures)")
    for r, s in [*loaded, *emi]:
        n = sorted({e.n for m in r.models for e in m.subsets.values()})
        lines.append(f"- `{s or 'in-memory results'}`: estimator {r.estimator.get('name', '?')}, "
                     f"{', '.join(f'{m.name} ({m.method})' for m in r.models)}; N = {', '.join(map(str, n))}")
    if report["failures"]:
        lines += ["", "## Failures", "", "Jobs that failed; the rest of the sweep went on without them.", ""]
        for f in report["failures"]:
            error = str(f.get("error") or "")
            lines += [f"### {f.get('stage')}: {f.get('job')}", "", f"**{error.splitlines()[0] if error else '?'}**", ""]
            if f.get("log"):  # a launcher job's log file (SLURM / submitit)
                lines += [f"Log: `{f['log']}`", ""]
            if f.get("traceback"):
                lines += ["<details><summary>traceback</summary>", "", "```", f["traceback"].rstrip(), "```", "",
                          "</details>", ""]
    if report["missing_analyses"]:
        lines += ["", "## Missing analyses", "", *(f"- {m}" for m in report["missing_analyses"])]
    if loaded:
        metric, drop = merged(loaded).metric_name("r_emi"), merged(loaded).metric_name("r_emid")
        lines += ["", f"## {metric} (higher is better)", "", remid_table_markdown(merged(loaded), "r_emi"),
                  "", f"## {drop} = {metric}(ID) - {metric}(OOD) (lower is better)", "",
                  remid_table_markdown(merged(loaded), "r_emid"),
                  "", "### Estimator diagnostics", "", estimator_table_markdown(merged(loaded))]
    if emi:
        lines += ["", "## EMI baseline (no reasoning)", "", remid_table_markdown(merged(emi), "r_emi")]
    lines += ["", "### Estimator warnings", ""]
    lines += [f"- {w}" for w in report["diagnostics_warnings"]] or ["None: the estimator is informative on every subset."]
    lines += ["", "## LLM-as-a-judge", ""]
    if report["judge"]:
        labels = sorted({str(j["label"]) for j in report["judge"]})
        lines += [f"Judge: {', '.join(labels)}.", "",
                  _md(["Model", "Subset", "WinRate [95% CI]", "PointScore [95% CI]", "n", "missing (WinRate / PointScore)"],
                      [[j["model"], j["subset"], fmt_value(j["win_rate"], 3) + _ci(j["win_rate_ci"]),
                        fmt_value(j["point_score"], 2) + _ci(j["point_score_ci"]), str(j["n"]),
                        f"{j['missing'].get('win_rate', 0)} / {j['missing'].get('point_score', 0)}"]
                       for j in report["judge"]])]
    else:
        lines.append("No judge scores in these results.")
    lines += ["", "## Table 12: divergence terms and the R-EMID upper bound", "",
              table12_markdown(report["table12"]) if report["table12"] else "No divergence or bound in these results.",
              "", "## Table 13: bound vs R-EMID per shift type", "",
              _md(["Shift Type", "n", "Pearson r (p)", "Spearman ρ (p)"],
                  [[FAMILY_NAMES.get(f, "All shifts"), *_corr_cells(p)] for f, p in family_pairs.items()])
              + _excluded_note(list(family_pairs.values()))]
    titles = {"figure4.png": "Figure 4: information-theoretic metrics vs LLM-as-a-judge",
              "figure5.png": "Figure 5: tightness of the R-EMID upper bound",
              "figure2_win_rate_vs_severity.png": "Figures 2 / 10: WinRate vs shift severity",
              "figure9_point_score_vs_severity.png": "Figure 9: PointScore vs shift severity",
              "figure7.png": "Figure 7: maximum performance drop risk (R-EMID upper bound)"}
    for name, fig in report["figures"].items():
        lines += ["", f"## {titles.get(name, name)}", "", f"![{name}]({fig['file']})", "", fig["reading"]]
    lines += ["", "All coefficients: [correlations.md](correlations.md) ([csv](correlations.csv)); tables as CSV: "
              "[table12.csv](table12.csv), [table13.csv](table13.csv), [figure5a.csv](figure5a.csv); every number "
              "with its source results.json: [report.json](report.json).", "", "## Weights & Biases", ""]
    wb = report["wandb"]
    lines.append(f"Skipped ({wb['skipped']})." if "skipped" in wb else
                 f"Run `{wb['run_id']}` logged {wb['mode']} to `{wb['dir']}`: tables, interactive scatter panels and the "
                 f"figures. Upload it with\n\n```\n{wb['sync']}\n```")
    return "\n".join(lines) + "\n"


def _ci(ci) -> str:
    return f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci and all(as_number(v) is not None for v in ci) else ""
