"""Plots drawn from the results format only (never recomputed): paper figure 6 style R-EMI/R-EMID per subset."""

from __future__ import annotations

import math
from pathlib import Path

from remid.core.schema import EVAL_SUBSETS, SHIFT_FAMILIES
from remid.evaluation.results import COLUMN_LABELS, EvaluationResults, model_label

METRIC_TITLES = {"r_emi": "{name} (higher is better)", "r_emid": "{name} = {base}(ID) - {base}(OOD) (lower is better)"}
_FAMILY_OF = {subset: family for family, subsets in SHIFT_FAMILIES.items() for subset in subsets}
UNINFORMATIVE_LEGEND = "hatched, grey: estimator near chance (not informative)"


def _points(results: EvaluationResults, metric: str
            ) -> tuple[list[str], dict[str, list[tuple[float, float, float, bool]]]]:
    """Subsets present (table 20 order) and, per model, ``(value, ci_lo, ci_hi, not informative)`` per subset
    (NaN if absent)."""
    present = [s for s in EVAL_SUBSETS if any(s in m.subsets and getattr(m.subsets[s], metric) is not None
                                              for m in results.models)]
    series = {}
    for model in results.models:
        row = []
        for subset in present:
            est = model.subsets.get(subset)
            value = getattr(est, metric) if est is not None else None
            ci = getattr(est, f"{metric}_ci") if est is not None else None
            if value is None or not math.isfinite(value):
                row.append((math.nan, math.nan, math.nan, False))
            else:
                lo, hi = ci if ci is not None else (math.nan, math.nan)
                row.append((value, lo, hi, est.informative is False))
        series[model_label(model)] = row
    return present, series


def unit(results: EvaluationResults) -> str:
    """The unit of R-EMI / R-EMID: nats, per response token under the "mean" reduction (estimator.reduction)."""
    return "nats per token" if results.estimator.get("reduction", "mean") == "mean" else "nats per response"


def plot_metric(results: EvaluationResults, metric: str = "r_emi", path: str | Path | None = None):
    """Grouped bars per subset (one per model; subsets are categories, not a sequence) with 95% bootstrap
    intervals as error bars, shift families shaded, and bars on subsets where the estimator is near chance
    hatched and greyed (a legend entry says so). A dev-split plot says "DEV split" in its title.

    Returns the matplotlib figure (also written to ``path`` as PNG when given).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if metric not in METRIC_TITLES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {sorted(METRIC_TITLES)}")
    subsets, series = _points(results, metric)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.75 * len(subsets) + 2.5), 4.4))
    x = list(range(len(subsets)))
    shades = {"user": "#e8f0fb", "character": "#fbeee6", "dialogue": "#eaf6ea"}
    for family, color in shades.items():
        cols = [i for i, s in enumerate(subsets) if _FAMILY_OF[s] == family]
        if cols:
            ax.axvspan(min(cols) - 0.5, max(cols) + 0.5, color=color, zorder=0, label=f"{family} shift")
    width = 0.8 / max(1, len(series))
    flagged = False
    for k, (label, row) in enumerate(series.items()):
        offset = (k - (len(series) - 1) / 2) * width
        color = f"C{k % 10}"
        values = [v for v, _, _, _ in row]
        # A percentile interval need not contain its point estimate: clip the bar rather than fail.
        errors = [[max(0.0, v - lo) if math.isfinite(lo) else 0.0 for v, lo, _, _ in row],
                  [max(0.0, hi - v) if math.isfinite(hi) else 0.0 for v, _, hi, _ in row]]
        bars = ax.bar([i + offset for i in x], values, width=width, yerr=errors, capsize=2, color=color,
                      edgecolor="black", linewidth=0.5, label=label, zorder=3, error_kw={"linewidth": 0.8})
        for bar, (_, _, _, uninformative) in zip(bars, row, strict=True):
            if uninformative:
                bar.set_facecolor("lightgrey")
                bar.set_hatch("///")
                bar.set_edgecolor(color)
                flagged = True
    ax.axhline(0.0, color="grey", linewidth=0.8, zorder=1)
    ax.set_xlim(-0.5, len(subsets) - 0.5)
    ax.set_xticks(x, [f"{COLUMN_LABELS[s]} ({s.replace('_', ' ')})" if s != "id" else "ID" for s in subsets],
                  rotation=35, ha="right")
    name = results.metric_name(metric)
    ax.set_ylabel(f"{name} ({unit(results)})")
    estimator = results.estimator.get("name", "?")
    n = sorted({est.n for m in results.models for est in m.subsets.values()})
    split = f"{results.split_note.upper()}; " if results.split_note else ""
    title = METRIC_TITLES[metric].format(name=name, base=results.metric_name("r_emi"))
    ax.set_title(f"{split}{title}; estimator {estimator}, N = {', '.join(map(str, n))}; 95% bootstrap CI",
                 fontsize=9, color="darkred" if split else "black")
    handles, labels = ax.get_legend_handles_labels()
    if flagged:
        handles.append(Patch(facecolor="lightgrey", hatch="///", edgecolor="black"))
        labels.append(UNINFORMATIVE_LEGEND)
    ax.legend(handles, labels, fontsize=7, loc="best", ncols=2)
    fig.tight_layout()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=130)
    return fig
