"""One report directory for one or more evaluations: the paper's analysis tables and figures, traceably.

``build_report(results, emi_results=None, out_dir=..., wandb="offline")`` reads results.json files (or
``EvaluationResults`` objects) and writes to ``out_dir``:

- ``table12.md|csv`` (appendix B.2): per model and shift, each D_JS term, the cross-check estimator's values,
  the theorem 3.4 bound and R-EMID;
- ``table13.md|csv`` (appendix B.3): Pearson / Spearman of the bound vs R-EMID per shift family;
- ``correlations.md|csv``: figure 4 (a-d), figure 5 (b, and a: per sample size, also ``figure5a.csv``),
  the judge-score-vs-severity correlations of figures 2, 9, 10, and ``share``: I(X_R; Y_model) / I(X_R; Y_ref)
  vs WinRate on the informative subsets (``information_share_vs_winrate``, not a paper figure);
- ``figure*.png`` (``remid.analysis.figures``), ``report.json`` (every number above, each point and row with
  the results.json it came from) and ``index.md``, the page to read top to bottom;
- one W&B run (offline unless configured; ``wandb=None`` or ``"none"`` skips it) with the tables as
  ``wandb.Table``s, each scatter plot as an interactive ``wandb.plot.scatter`` panel and every PNG as an image.

Analyses a results file does not carry (no ``divergence``, ``bound`` or ``judge`` fields yet) are listed as
missing; the rest of the report is still written. CLI: ``python -m remid.analysis.report RESULTS.json ...
--emi EMI.json --out DIR [--model NAME] [--wandb offline|online|none]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from datetime import datetime, timezone
from pathlib import Path

from remid.analysis import figures as figs
from remid.analysis.correlations import (
    FAMILY_NAMES,
    FAMILY_OF,
    JUDGE_SCORES,
    SHIFT_NAMES,
    Pairs,
    bound_curve,
    bound_value,
    coverage,
    estimates,
    figure4_pairs,
    format_p,
    information_share_vs_winrate,
    severity_pairs,
    table13,
)
from remid.analysis.wandb_panels import CORRELATION_COLUMNS, TABLE12_COLUMNS, log_wandb
from remid.results import EvaluationResults
from remid.tables import estimator_table_markdown, remid_table_markdown, uninformative_subsets

Loaded = list[tuple[EvaluationResults, str | None]]


def load(items) -> Loaded:
    """Paths to results.json (or folders holding one), ``EvaluationResults`` objects or ``(results, path)``."""
    if items is None:
        return []
    if isinstance(items, (str, Path, EvaluationResults)):
        items = [items]
    out: Loaded = []
    for item in items:
        if isinstance(item, EvaluationResults):
            out.append((item, None))
        elif isinstance(item, tuple):
            out.append(item)
        else:
            path = Path(item) / "results.json" if Path(item).is_dir() else Path(item)
            out.append((EvaluationResults.from_json(path), str(path.resolve())))
    return out


def merged(loaded: Loaded) -> EvaluationResults:
    """All models of several evaluations in one results object (for the R-EMI tables)."""
    first = loaded[0][0] if loaded else EvaluationResults({}, [], "")
    return EvaluationResults(first.estimator, [m for res, _ in loaded for m in res.models], first.created)


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def table12_rows(loaded: Loaded, model: str | None = None) -> list[dict]:
    """Table 12: one row per (model, shifted subset) carrying a divergence or a bound (``model``: that one only)."""
    rows = []
    for m, est, source in estimates(loaded, shifted_only=True):
        if (model and model not in (m.name, m.name.split("/")[0])) or (est.divergence is None and est.bound is None):
            continue
        div, bound, check = est.divergence or {}, est.bound or {}, (est.divergence or {}).get("check") or {}
        rows.append({"model": m.name, "method": m.method, "family": FAMILY_NAMES.get(FAMILY_OF.get(est.subset), ""),
                     "shift": f"ID→{SHIFT_NAMES[est.subset]}", "subset": est.subset,
                     **{f"d_{k}": _num(div.get(k)) for k in ("user", "character", "dialogue", "input")},
                     "encoder": div.get("encoder"), "estimator": div.get("estimator"),
                     "check_estimator": check.get("estimator"),
                     **{f"check_{k}": _num(check.get(k)) for k in ("user", "character", "dialogue", "input")},
                     "h_hat": _num(bound.get("h_hat")), "delta": _num(bound.get("delta")), "bound": bound_value(est),
                     "r_emid": _num(est.r_emid), "source": source})
    return rows


def _f(value, digits: int = 4) -> str:
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
    body = [[r["model"], r["family"], r["shift"], *(_f(r[f"d_{k}"]) for k in ("user", "character", "dialogue", "input")),
             " / ".join(_f(r[f"check_{k}"]) for k in ("user", "character", "dialogue", "input")),
             _f(r["h_hat"]), _f(r["delta"]), _f(r["bound"]), _f(r["r_emid"])] for r in rows]
    estimators = sorted({f"{r['estimator']} over {r['encoder']}" for r in rows if r["estimator"]})
    note = f"\n\nD_JS in nats, estimated with {', '.join(estimators)}." if estimators else ""
    return _md(header, body) + note


def _corr_cells(pairs: Pairs) -> list[str]:
    c = pairs.correlation()
    if not c.ok:
        return [str(c.n), f"– ({c.reason})", "–"]
    return [str(c.n), f"{c.pearson:.3f} (p = {format_p(c.pearson_p)})", f"{c.spearman:.3f} (p = {format_p(c.spearman_p)})"]


def _corr_row(key: str, pairs: Pairs) -> dict:
    return {"analysis": key, **pairs.correlation().as_dict()}


def reading(pairs: Pairs, what: str) -> str:
    """One sentence saying what a scatter shows, from its correlation (or why it shows nothing yet)."""
    c = pairs.correlation()
    if not c.ok:
        why = "" if not pairs.missing else f"; missing: {pairs.missing[0]}" + (
            f" (and {len(pairs.missing) - 1} more)" if len(pairs.missing) > 1 else "")
        return f"{what}: nothing to read yet, {c.reason}{why}."
    strength = "weakly" if abs(c.pearson) < 0.3 else "moderately" if abs(c.pearson) < 0.6 else "strongly"
    sign = "positively" if c.pearson > 0 else "negatively"
    significant = "significant" if c.pearson_p < 0.05 else "not significant"
    return (f"{what}: over {c.n} (model, subset) pairs they correlate {strength} {sign} (Pearson r = {c.pearson:.2f}, "
            f"p = {format_p(c.pearson_p)}, {significant} at 0.05; Spearman ρ = {c.spearman:.2f}).")


def diagnostics_warnings(loaded: Loaded) -> list[str]:
    """One line per evaluation and subset where the estimator is near chance (its numbers are not informative)."""
    out = []
    for res, source in loaded:
        for subset in uninformative_subsets(res):
            out.append(f"{res.estimator.get('name', '?')} ({source or 'in memory'}): the estimator is near chance on "
                       f"{subset}; numbers on this subset are not informative.")
    return out


def judge_rows(loaded: Loaded) -> list[dict]:
    return [{"model": m.name, "subset": est.subset, "label": est.judge.get("label"), "judges": est.judge.get("judges"),
             "win_rate": _num(est.judge.get("win_rate")), "win_rate_ci": est.judge.get("win_rate_ci"),
             "point_score": _num(est.judge.get("point_score")), "point_score_ci": est.judge.get("point_score_ci"),
             "n": est.judge.get("n"), "missing": est.judge.get("missing") or {}, "source": source}
            for m, est, source in estimates(loaded) if est.judge is not None]


def missing_analyses(loaded: Loaded, emi: Loaded) -> list[str]:
    out = []
    for name, c in coverage(loaded).items():
        if c["present"] < c["expected"]:
            out.append(f"`{name}`: present on {c['present']} of {c['expected']} (model, subset) estimates"
                       + (" (not computed by this evaluation)" if c["present"] == 0 else ""))
    if not emi:
        out.append("EMI/EMID baseline: no results given (`python evaluate.py estimator=emi`), figure 4 a-b are empty")
    return out


def build_report(results, emi_results=None, *, out_dir: str | Path, wandb: str | dict | None = "offline",
                 model: str | None = None, failures: list[dict] | None = None, about: dict | None = None) -> dict:
    """Write the report directory (see the module docstring); returns the content of report.json."""
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    loaded, emi = load(results), load(emi_results)
    scatter = dict(figure4_pairs(loaded, emi or None))
    scatter["share"] = information_share_vs_winrate(loaded)
    steps = bound_curve(loaded)
    family_pairs = table13(loaded)
    scatter["5b"] = family_pairs["all"]
    severity = {score: {f: severity_pairs(loaded, score, f) for f in FAMILY_NAMES} for score in JUDGE_SCORES}
    for score, panels in severity.items():
        scatter[f"severity_{score}"] = severity_pairs(loaded, score)
        scatter.update({f"severity_{score}_{f}": p for f, p in panels.items()})
    t12 = table12_rows(loaded, model)
    what = {"4a": "EMI vs WinRate", "4b": "EMID vs WinRate difference", "4c": "R-EMI vs WinRate",
            "4d": "R-EMID vs WinRate difference", "5b": "bound vs R-EMID"}
    figures: dict[str, dict] = {}

    def draw(name: str, fig, text: str) -> None:
        fig.savefig(out / name, dpi=figs.DPI)
        plt.close(fig)
        figures[name] = {"file": name, "reading": text}

    draw("figure4.png", figs.figure4(scatter), " ".join(
        [*(reading(scatter[k], f"({k[1]}) {what[k]}") for k in ("4a", "4b", "4c", "4d")),
         reading(scatter["share"], "(not a panel of the paper's) the share I(X_R; Y_model) / I(X_R; Y_ref) vs WinRate, "
                 "on the subsets where the estimator is informative")]))
    last = steps[-1] if steps else None
    trend = ("No bound curve in these results." if last is None else
             f"At the largest sample size (n = {last.n}) the bound vs R-EMID correlation is {last.correlation.summary()}; "
             f"mean bound {_f(last.mean_bound, 3)} vs mean R-EMID {_f(last.mean_r_emid, 3)} nats.")
    draw("figure5.png", figs.figure5(steps, scatter["5b"]), f"(a) {trend} (b) {reading(scatter['5b'], what['5b'])}")
    for score, fig_no in (("win_rate", "2"), ("point_score", "9")):
        label = JUDGE_SCORES[score]
        draw(f"figure{fig_no}_{score}_vs_severity.png", figs.severity_figure(severity[score], fig_no),
             reading(scatter[f"severity_{score}"], f"{label} vs shift severity D_JS(P_X‖Q_X)"))
    bounds = [r for r in t12 if r["bound"] is not None]
    top = max(bounds, key=lambda r: r["bound"]) if bounds else None
    draw("figure7.png", figs.figure7(loaded), "No bound in these results." if top is None else
         f"The highest R-EMID upper bound (most generalization risk) is {top['bound']:.3f} for {top['model']} on "
         f"{top['shift']}; lower is better.")
    correlations = {k: p.as_dict() for k, p in scatter.items()}
    report = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "out_dir": str(out.resolve()),
        "about": about or {},
        "sources": {"results": [s for _, s in loaded], "emi_results": [s for _, s in emi]},
        "runs": [{"model": m.name, "method": m.method, "base_model": m.base_model, "estimator": r.estimator.get("name"),
                  "subsets": list(m.subsets), "n": sorted({e.n for e in m.subsets.values()}), "source": s}
                 for r, s in [*loaded, *emi] for m in r.models],
        "r_emi": [{"model": m.name, "subset": e.subset, "estimator": r.estimator.get("name"), "r_emi": e.r_emi,
                   "r_emi_ci": e.r_emi_ci, "r_emid": e.r_emid, "r_emid_ci": e.r_emid_ci, "informative": e.informative,
                   "source": s} for r, s in [*loaded, *emi] for m in r.models for e in m.subsets.values()],
        "diagnostics_warnings": diagnostics_warnings([*loaded, *emi]),
        "table12": t12,
        "table13": {f: {"shift": FAMILY_NAMES.get(f, "All shifts"), **p.as_dict()} for f, p in family_pairs.items()},
        "correlations": correlations,
        "figure5a": [s.as_dict() for s in steps],
        "judge": judge_rows(loaded),
        "missing_analyses": missing_analyses(loaded, emi),
        "failures": failures or [],
        "figures": figures,
    }
    write_tables(out, report, scatter, family_pairs, steps)
    report["wandb"] = log_wandb(report, scatter, out, wandb)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    (out / "index.md").write_text(index_markdown(report, loaded, emi, family_pairs, scatter), encoding="utf-8")
    return report


def write_tables(out: Path, report: dict, scatter: dict[str, Pairs], family_pairs: dict[str, Pairs], steps) -> None:
    t13 = [[FAMILY_NAMES.get(f, "All shifts"), *_corr_cells(p)] for f, p in family_pairs.items()]
    (out / "table12.md").write_text(table12_markdown(report["table12"]) + "\n", encoding="utf-8")
    (out / "table12.csv").write_text(_csv(TABLE12_COLUMNS, report["table12"]), encoding="utf-8")
    (out / "table13.md").write_text(_md(["Shift Type", "n", "Pearson r (p)", "Spearman ρ (p)"], t13) + "\n",
                                    encoding="utf-8")
    (out / "table13.csv").write_text(_csv(CORRELATION_COLUMNS, [_corr_row(f, p) for f, p in family_pairs.items()]),
                                     encoding="utf-8")
    rows = [[k, p.name, *_corr_cells(p)] for k, p in scatter.items()]
    curve = [[str(s.n), *_corr_cells(s.pairs)[1:], _f(s.mean_bound), _f(s.mean_r_emid)] for s in steps]
    text = ("Correlations (figures 4, 5b, 2/9/10), over (model, subset) pairs\n\n"
            + _md(["Key", "Analysis", "n", "Pearson r (p)", "Spearman ρ (p)"], rows)
            + "\n\nFigure 5a: bound vs R-EMID as the number of samples n grows\n\n"
            + _md(["n", "Pearson r (p)", "Spearman ρ (p)", "mean bound", "mean R-EMID"], curve) + "\n")
    (out / "correlations.md").write_text(text, encoding="utf-8")
    (out / "correlations.csv").write_text(_csv(CORRELATION_COLUMNS, [_corr_row(k, p) for k, p in scatter.items()]),
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
            if f.get("traceback"):
                lines += ["<details><summary>traceback</summary>", "", "```", f["traceback"].rstrip(), "```", "",
                          "</details>", ""]
    if report["missing_analyses"]:
        lines += ["", "## Missing analyses", "", *(f"- {m}" for m in report["missing_analyses"])]
    if loaded:
        lines += ["", "## R-EMI (higher is better)", "", remid_table_markdown(merged(loaded), "r_emi"),
                  "", "## R-EMID = R-EMI(ID) - R-EMI(OOD) (lower is better)", "",
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
                      [[j["model"], j["subset"], _f(j["win_rate"], 3) + _ci(j["win_rate_ci"]),
                        _f(j["point_score"], 2) + _ci(j["point_score_ci"]), str(j["n"]),
                        f"{j['missing'].get('win_rate', 0)} / {j['missing'].get('point_score', 0)}"]
                       for j in report["judge"]])]
    else:
        lines.append("No judge scores in these results.")
    lines += ["", "## Table 12: divergence terms and the R-EMID upper bound", "",
              table12_markdown(report["table12"]) if report["table12"] else "No divergence or bound in these results.",
              "", "## Table 13: bound vs R-EMID per shift type", "",
              _md(["Shift Type", "n", "Pearson r (p)", "Spearman ρ (p)"],
                  [[FAMILY_NAMES.get(f, "All shifts"), *_corr_cells(p)] for f, p in family_pairs.items()])]
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
    return f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci and all(_num(v) is not None for v in ci) else ""


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Build the analysis report (tables 12-13, figures 2, 4, 5, 7, 9).")
    parser.add_argument("results", nargs="+", help="results.json files (or evaluate run dirs) of R-EMI evaluations")
    parser.add_argument("--emi", nargs="*", default=None, help="results of the EMI baseline (estimator=emi)")
    parser.add_argument("--out", required=True, help="report directory")
    parser.add_argument("--model", default=None, help="table 12 for this model only")
    parser.add_argument("--wandb", default="offline", help="offline (default), online or none")
    args = parser.parse_args(argv)
    report = build_report(args.results, args.emi, out_dir=args.out, wandb=args.wandb, model=args.model)
    print(f"report -> {Path(args.out) / 'index.md'}")
    return report


if __name__ == "__main__":
    main()
