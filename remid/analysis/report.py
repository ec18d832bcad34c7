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
import json
from datetime import datetime, timezone
from pathlib import Path

from remid.analysis import figures as figs
from remid.analysis.bound_pairs import bound_curve, bound_value, table13
from remid.analysis.correlations import (
    EXCLUDED_WHY,
    FAMILY_NAMES,
    FAMILY_OF,
    JUDGE_SCORES,
    SHIFT_NAMES,
    Pairs,
    coverage,
    estimates,
    figure4_pairs,
    format_p,
    information_share_vs_winrate,
    severity_pairs,
)
from remid.analysis.report_pages import Loaded, as_number, fmt_value, index_markdown, write_tables
from remid.analysis.wandb_panels import log_wandb
from remid.evaluation.results import EvaluationResults
from remid.evaluation.tables import uninformative_subsets


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


def table12_rows(loaded: Loaded, model: str | None = None) -> list[dict]:
    """Table 12: one row per (model, shifted subset) carrying a divergence or a bound (``model``: that one only)."""
    rows = []
    for m, est, source in estimates(loaded, shifted_only=True):
        if (model and model not in (m.name, m.name.split("/")[0])) or (est.divergence is None and est.bound is None):
            continue
        div, bound, check = est.divergence or {}, est.bound or {}, (est.divergence or {}).get("check") or {}
        rows.append({"model": m.name, "method": m.method, "family": FAMILY_NAMES.get(FAMILY_OF.get(est.subset), ""),
                     "shift": f"ID→{SHIFT_NAMES[est.subset]}", "subset": est.subset,
                     **{f"d_{k}": as_number(div.get(k)) for k in ("user", "character", "dialogue", "input")},
                     "encoder": div.get("encoder"), "estimator": div.get("estimator"),
                     "check_estimator": check.get("estimator"),
                     **{f"check_{k}": as_number(check.get(k)) for k in ("user", "character", "dialogue", "input")},
                     "h_hat": as_number(bound.get("h_hat")), "delta": as_number(bound.get("delta")), "bound": bound_value(est),
                     "r_emid": as_number(est.r_emid), "source": source})
    return rows


def reading(pairs: Pairs, what: str) -> str:
    """One sentence saying what a scatter shows, from its correlation (or why it shows nothing yet)."""
    c = pairs.correlation()
    if not c.ok:
        why = "" if not pairs.missing else f"; missing: {pairs.missing[0]}" + (
            f" (and {len(pairs.missing) - 1} more)" if len(pairs.missing) > 1 else "")
        return f"{what}: nothing to read yet, {c.reason}{c.excluded_note()}{why}."
    strength = "weakly" if abs(c.pearson) < 0.3 else "moderately" if abs(c.pearson) < 0.6 else "strongly"
    sign = "positively" if c.pearson > 0 else "negatively"
    significant = "significant" if c.pearson_p < 0.05 else "not significant"
    left_out = f" ({c.excluded} more left out: {EXCLUDED_WHY} there)" if c.excluded else ""
    return (f"{what}: over {c.n} (model, subset) pairs{left_out} they correlate {strength} {sign} (Pearson r = "
            f"{c.pearson:.2f}, p = {format_p(c.pearson_p)}, {significant} at 0.05; Spearman ρ = {c.spearman:.2f}).")


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
             "win_rate": as_number(est.judge.get("win_rate")), "win_rate_ci": est.judge.get("win_rate_ci"),
             "point_score": as_number(est.judge.get("point_score")), "point_score_ci": est.judge.get("point_score_ci"),
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
             f"mean bound {fmt_value(last.mean_bound, 3)} vs mean R-EMID {fmt_value(last.mean_r_emid, 3)} nats.")
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
