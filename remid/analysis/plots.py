"""Plots drawn from the results format only (never recomputed): paper figure 6 style R-EMI/R-EMID."""

from __future__ import annotations

import math
from pathlib import Path

from remid.data.schema import EVAL_SUBSETS, SHIFT_FAMILIES
from remid.results import COLUMN_LABELS, EvaluationResults, model_label

METRIC_TITLES = {"r_emi": "R-EMI (higher is better)", "r_emid": "R-EMID = R-EMI(ID) - R-EMI(OOD) (lower is better)"}
_FAMILY_OF = {subset: family for family, subsets in SHIFT_FAMILIES.items() for subset in subsets}


def _points(results: EvaluationResults, metric: str) -> tuple[list[str], dict[str, list[tuple[float, float, float]]]]:
    """Subsets present (table 20 order) and, per model, ``(value, ci_lo, ci_hi)`` per subset (NaN if absent)."""
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
                row.append((math.nan, math.nan, math.nan))
            else:
                lo, hi = ci if ci is not None else (math.nan, math.nan)
                row.append((value, lo, hi))
        series[model_label(model)] = row
    return present, series


def plot_metric(results: EvaluationResults, metric: str = "r_emi", path: str | Path | None = None):
    """One line per model over the subsets, 95% bootstrap intervals as error bars; shift families shaded.

    Returns the matplotlib figure (also written to ``path`` as PNG when given).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if metric not in METRIC_TITLES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {sorted(METRIC_TITLES)}")
    subsets, series = _points(results, metric)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.75 * len(subsets) + 2.5), 4.2))
    x = list(range(len(subsets)))
    shades = {"user": "#e8f0fb", "character": "#fbeee6", "dialogue": "#eaf6ea"}
    for family, color in shades.items():
        cols = [i for i, s in enumerate(subsets) if _FAMILY_OF[s] == family]
        if cols:
            ax.axvspan(min(cols) - 0.5, max(cols) + 0.5, color=color, zorder=0, label=f"{family} shift")
    width = 0.35 / max(1, len(series))
    for k, (label, row) in enumerate(series.items()):
        offset = (k - (len(series) - 1) / 2) * width
        values = [v for v, _, _ in row]
        # A percentile interval need not contain its point estimate: clip the bar rather than fail.
        errors = [[max(0.0, v - lo) if math.isfinite(lo) else 0.0 for v, lo, _ in row],
                  [max(0.0, hi - v) if math.isfinite(hi) else 0.0 for v, _, hi in row]]
        ax.errorbar([i + offset for i in x], values, yerr=errors, marker="o", capsize=3, linewidth=1.4,
                    label=label, zorder=3)
    ax.axhline(0.0, color="grey", linewidth=0.8, zorder=1)
    ax.set_xlim(-0.5, len(subsets) - 0.5)
    ax.set_xticks(x, [COLUMN_LABELS[s] if s == "id" else s.replace("_", " ") for s in subsets], rotation=35,
                  ha="right")
    ax.set_ylabel(metric.replace("_", "-").upper())
    estimator = results.estimator.get("name", "?")
    n = sorted({est.n for m in results.models for est in m.subsets.values()})
    ax.set_title(f"{METRIC_TITLES[metric]}; estimator {estimator}, N = {', '.join(map(str, n))}; 95% bootstrap CI",
                 fontsize=9)
    ax.legend(fontsize=7, loc="best", ncols=2)
    fig.tight_layout()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=130)
    return fig
