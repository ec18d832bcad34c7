"""The paper's analysis figures, drawn from ``remid.analysis.correlations`` pairs (PNG, matplotlib Agg).

- figure 4 (a-d): metric vs judge scatter plots with a least-squares line, the Pearson / Spearman
  coefficients and p-values in the legend;
- figure 5: (a) the bound-vs-R-EMID correlation as the sample size grows, beside the mean bound and the mean
  R-EMID; (b) the bound vs R-EMID scatter;
- figures 2, 9, 10: judge score vs shift severity D_JS(P_X || Q_X), one panel per shift family, x sorted by
  severity, each model's points joined in that order;
- figure 7: the R-EMID upper bound per method and shift (grouped bars, lower is better).

A panel with too few points to fit or correlate still draws what it has and says so in its title. Points and
bars from subsets where the estimator is not informative are drawn hollow or hatched, with a legend entry; the
coefficients leave them out where an axis is the estimator's and say how many (``Pairs.kept``).
Every function returns the figure and writes it to ``path`` when one is given.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from remid.analysis.bound_pairs import CurveStep, bound_value
from remid.analysis.correlations import (
    EXCLUDED_WHY,
    FAMILY_NAMES,
    FAMILY_OF,
    SHIFT_NAMES,
    Pairs,
    Sourced,
    estimates,
    format_p,
)
from remid.core.schema import EVAL_SUBSETS
from remid.estimators.diagnostics import ALPHA
from remid.evaluation.plots import UNINFORMATIVE_LEGEND
from remid.evaluation.results import model_label

DPI = 130


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: str | Path | None):
    fig.tight_layout()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=DPI)
    return fig


def least_squares(x: list[float], y: list[float]) -> tuple[float, float] | None:
    """``(slope, intercept)`` of the least-squares line over the finite pairs; None when x has < 2 values."""
    pts = [(a, b) for a, b in zip(x, y, strict=True) if math.isfinite(a) and math.isfinite(b)]
    if len({a for a, _ in pts}) < 2:
        return None
    slope, intercept = np.polyfit([a for a, _ in pts], [b for _, b in pts], 1)
    return float(slope), float(intercept)


def _colors(models: list[str]) -> dict[str, str]:
    cycle = [f"C{i}" for i in range(10)]
    return {m: cycle[i % len(cycle)] for i, m in enumerate(dict.fromkeys(models))}


def uninformative_legend(pairs: Pairs) -> str:
    """The legend entry of the hollow points: where the estimator is not informative, and whether they count."""
    counted = "left out of r, ρ" if pairs.excludes_uninformative else "kept in r, ρ: no axis is the estimator's"
    return f"hollow: {EXCLUDED_WHY}\n(Holm p ≥ {ALPHA:g} or I(·; Y_ref) CI ∋ 0), {counted}"


def draw_scatter(ax, pairs: Pairs, title: str, join: bool = False) -> None:
    """Points coloured by model, the least-squares line labelled with both coefficients and p-values.

    ``join`` connects each model's points in x order (the severity figures). Points from subsets where the
    estimator is not informative are drawn hollow, with a legend entry; the line and the coefficients are
    fitted on the other points when the analysis leaves them out (``Pairs.kept``).
    """
    from matplotlib.lines import Line2D

    corr = pairs.correlation()
    colors = _colors([p.model for p in pairs.points])
    flagged = False
    for model, color in colors.items():
        pts = sorted((p.x, p.y, p.informative is False) for p in pairs.points if p.model == model)
        filled = [i for i, (_, _, hollow) in enumerate(pts) if not hollow]
        ax.plot([a for a, _, _ in pts], [b for _, b, _ in pts], "o" + ("-" if join else ""), color=color,
                markersize=4, linewidth=0.8, alpha=0.85, label=model, markevery=filled)
        hollow = [(a, b) for a, b, h in pts if h]
        if hollow:
            flagged = True
            ax.plot([a for a, _ in hollow], [b for _, b in hollow], "o", markerfacecolor="none", markeredgecolor=color,
                    markersize=5, linestyle="none", label="_uninformative", gid="uninformative")
    kept = pairs.kept
    fit = least_squares([p.x for p in kept], [p.y for p in kept])
    if fit is not None and corr.ok:
        xs = np.linspace(min(p.x for p in kept if math.isfinite(p.x)), max(p.x for p in kept if math.isfinite(p.x)), 50)
        ax.plot(xs, fit[0] * xs + fit[1], "k--", linewidth=1.2,
                label=f"least squares\nPearson r = {corr.pearson:.3f} (p = {format_p(corr.pearson_p)})\n"
                      f"Spearman ρ = {corr.spearman:.3f} (p = {format_p(corr.spearman_p)}), n = {corr.n}"
                      + (f"\n{corr.excluded} excluded ({EXCLUDED_WHY})" if corr.excluded else ""))
    if not corr.ok:
        title = f"{title}\ntoo few points to correlate ({corr.reason}{corr.excluded_note()})"
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(pairs.x_label, fontsize=8)
    ax.set_ylabel(pairs.y_label, fontsize=8)
    if pairs.points:
        handles, labels = ax.get_legend_handles_labels()
        if flagged:
            handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="none", markeredgecolor="grey"))
            labels.append(uninformative_legend(pairs))
        ax.legend(handles, labels, fontsize=6, loc="best")


def scatter_figure(pairs: Pairs, title: str | None = None, path: str | Path | None = None):
    """One scatter plot with its regression line (figure 4 panel, figure 5b)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 4.2))
    draw_scatter(ax, pairs, title or pairs.name)
    return _save(fig, path)


FIGURE4_TITLES = {"4a": "(a) EMI vs WinRate", "4b": "(b) EMID vs WinRate difference",
                  "4c": "(c) R-EMI vs WinRate", "4d": "(d) R-EMID vs WinRate difference"}


def figure4(panels: dict[str, Pairs], path: str | Path | None = None):
    """Figure 4: the four metric-vs-judge panels, 2 x 2."""
    plt = _pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(10.5, 8.4))
    for ax, key in zip(axes.flat, FIGURE4_TITLES, strict=True):
        pairs = panels.get(key) or Pairs(FIGURE4_TITLES[key], "", "", missing=["not computed"])
        title = FIGURE4_TITLES[key]
        if not pairs.points and pairs.missing == ["no EMI baseline results"]:
            title += " (no EMI baseline results)"
        draw_scatter(ax, pairs, title)
    return _save(fig, path)


def figure5(steps: list[CurveStep], scatter: Pairs, path: str | Path | None = None):
    """Figure 5: (a) correlation of bound and R-EMID vs sample size, with both means; (b) their scatter plot."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4))
    ns = [s.n for s in steps]
    title = "(a) bound vs R-EMID as the sample size grows"
    if steps:
        for key, label, marker in (("pearson", "Pearson", "o"), ("spearman", "Spearman", "s")):
            left.plot(ns, [_nan(getattr(s.correlation, key)) for s in steps], marker + "-", label=label)
        left.set_ylabel("correlation", fontsize=8)
        twin = left.twinx()
        twin.plot(ns, [_nan(s.mean_bound) for s in steps], "^:", color="C3", label="mean bound")
        twin.plot(ns, [_nan(s.mean_r_emid) for s in steps], "v:", color="C2", label="mean R-EMID")
        twin.set_ylabel("mean over pairs [nats]", fontsize=8)
        handles = left.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
        left.legend(handles, [h.get_label() for h in handles], fontsize=6, loc="best")
        if not any(s.correlation.ok for s in steps):
            title += f"\ntoo few points at every n ({steps[-1].correlation.reason})"
        if steps[-1].correlation.excluded:
            title += f"\n{steps[-1].correlation.excluded} pairs excluded ({EXCLUDED_WHY})"
    else:
        title += "\nno bound curve in these results"
    left.set_title(title, fontsize=9)
    left.set_xlabel("samples used for the bound (n)", fontsize=8)
    draw_scatter(right, scatter, "(b) bound vs R-EMID (all samples)")
    return _save(fig, path)


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def severity_figure(panels: dict[str, Pairs], figure: str, path: str | Path | None = None):
    """Figures 2 / 9 / 10: judge score vs D_JS(P_X || Q_X) per shift family (user, character, dialogue)."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(FAMILY_NAMES), figsize=(15, 4.4))
    for ax, family in zip(axes, FAMILY_NAMES, strict=True):
        pairs = panels[family]
        draw_scatter(ax, pairs, f"Figure {figure}: {FAMILY_NAMES[family]}", join=True)
        by_subset: dict[str, list[float]] = {}
        for p in pairs.points:
            if math.isfinite(p.x):
                by_subset.setdefault(p.subset, []).append(p.x)
        if by_subset:  # subset names above the axis at their (mean) severity, in severity order
            order = sorted(by_subset, key=lambda s: np.mean(by_subset[s]))
            top = ax.secondary_xaxis("top")
            top.set_xticks([float(np.mean(by_subset[s])) for s in order], [SHIFT_NAMES[s] for s in order],
                           fontsize=6, rotation=30)
    return _save(fig, path)


def figure7(results: Sourced | list[Sourced], path: str | Path | None = None):
    """Figure 7: the R-EMID upper bound (theorem 3.4) per RPM and shift ID -> OOD, grouped bars, lower is better;
    bars of subsets where the estimator is not informative hatched and greyed, with a legend entry."""
    from matplotlib.patches import Patch

    plt = _pyplot()
    values: dict[str, dict[str, float]] = {}
    uninformative: set[tuple[str, str]] = set()
    for model, est, _ in estimates(results, shifted_only=True):
        bound = bound_value(est)
        if bound is not None:
            values.setdefault(model_label(model), {})[est.subset] = bound
            if est.informative is False:
                uninformative.add((model_label(model), est.subset))
    subsets = [s for s in EVAL_SUBSETS if any(s in v for v in values.values())]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(subsets) + 2.5), 4.2))
    title = "Figure 7: maximum performance drop risk, R-EMID upper bound (lower is better)"
    if not values:
        title += "\nno bound in these results"
    width = 0.8 / max(1, len(values))
    shades = {"user": "#e8f0fb", "character": "#fbeee6", "dialogue": "#eaf6ea"}
    for family, color in shades.items():
        cols = [i for i, s in enumerate(subsets) if FAMILY_OF[s] == family]
        if cols:
            ax.axvspan(min(cols) - 0.5, max(cols) + 0.5, color=color, zorder=0)
    for k, (label, row) in enumerate(values.items()):
        offset = (k - (len(values) - 1) / 2) * width
        bars = ax.bar([i + offset for i in range(len(subsets))], [row.get(s, math.nan) for s in subsets], width,
                      label=label, zorder=3, color=f"C{k % 10}")
        for bar, subset in zip(bars, subsets, strict=True):
            if (label, subset) in uninformative:
                bar.set_facecolor("lightgrey")
                bar.set_hatch("///")
                bar.set_edgecolor(f"C{k % 10}")
    ax.set_xticks(range(len(subsets)), [f"ID→{SHIFT_NAMES[s]}" for s in subsets], rotation=35, ha="right",
                  fontsize=7)
    ax.set_ylabel("R-EMID upper bound [nats]", fontsize=8)
    ax.set_title(title, fontsize=9)
    if values:
        handles, labels = ax.get_legend_handles_labels()
        if uninformative:
            handles.append(Patch(facecolor="lightgrey", hatch="///", edgecolor="black"))
            labels.append(UNINFORMATIVE_LEGEND)
        ax.legend(handles, labels, fontsize=7, loc="best")
    return _save(fig, path)
