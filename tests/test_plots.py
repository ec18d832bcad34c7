"""Plots read the results format: the drawn bars are the stored estimates and intervals, one group per subset."""

import math

import numpy as np
import pytest
from synthetic_results import PAPER_SFT, results, with_diagnostics

from remid.evaluation.plots import UNINFORMATIVE_LEGEND, plot_metric


def drawn_bars(fig):
    """``{legend label: bar container}`` of the plotted models."""
    from matplotlib.container import BarContainer

    return {c.get_label(): c for c in fig.axes[0].containers if isinstance(c, BarContainer)}


def heights(bars) -> np.ndarray:
    return np.asarray([b.get_height() for b in bars], float)


def test_r_emi_plot_draws_every_model_as_bars_at_its_values(tmp_path):
    path = tmp_path / "plots" / "r_emi.png"
    fig = plot_metric(results(drop=("korean",)), "r_emi", path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bars = drawn_bars(fig)
    assert set(bars) == {"qwen3_4b (sft)", "tiny (icl)"}
    joined = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) > 2 and ln.get_linestyle() != "None"]
    assert not joined  # no line joins the subsets
    expected = [v for i, v in enumerate(PAPER_SFT) if i != 5]  # korean dropped: 11 subsets drawn
    assert heights(bars["qwen3_4b (sft)"]) == pytest.approx(expected)
    y_tiny = heights(bars["tiny (icl)"])
    assert y_tiny[:2] == pytest.approx([0.5, 0.25]) and all(math.isnan(v) for v in y_tiny[2:])
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "ID" and "Ko (korean)" not in ticks and ticks[-1] == "Word (word level)"
    assert fig.axes[0].get_ylabel() == "R-EMI (nats per token)"


def test_r_emid_plot_leaves_id_out_and_unknown_metric_fails(tmp_path):
    fig = plot_metric(results(), "r_emid")
    y = heights(drawn_bars(fig)["qwen3_4b (sft)"])
    assert len(y) == 11 and y[0] == pytest.approx(PAPER_SFT[0] - PAPER_SFT[1])
    with pytest.raises(ValueError, match="unknown metric"):
        plot_metric(results(), "winrate")


def test_near_chance_subsets_are_hatched_with_a_legend_entry_and_dev_says_dev():
    res = with_diagnostics({"id": True, "german": False})
    res.split = "dev"
    fig = plot_metric(res, "r_emi")
    bars = list(drawn_bars(fig)["qwen3_4b (sft)"])
    assert bars[1].get_hatch() == "///" and not bars[0].get_hatch()  # german near chance, id informative
    assert UNINFORMATIVE_LEGEND in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert fig.axes[0].get_title().startswith("DEV SPLIT")
