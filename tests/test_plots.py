"""Plots read the results format: the drawn points are the stored estimates and intervals."""

import math

import numpy as np
import pytest
from synthetic_results import PAPER_SFT, results

from remid.analysis.plots import plot_metric


def drawn_lines(fig):
    """``{legend label: (x, y)}`` of the plotted model lines."""
    return {bars.get_label(): (np.asarray(bars.lines[0].get_xdata()), np.asarray(bars.lines[0].get_ydata(), float))
            for bars in fig.axes[0].containers}


def test_r_emi_plot_draws_every_model_at_its_values(tmp_path):
    path = tmp_path / "plots" / "r_emi.png"
    fig = plot_metric(results(drop=("korean",)), "r_emi", path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = drawn_lines(fig)
    assert set(lines) == {"qwen3_4b (sft)", "tiny (icl)"}
    _, y = lines["qwen3_4b (sft)"]
    expected = [v for i, v in enumerate(PAPER_SFT) if i != 5]  # korean dropped: 11 subsets drawn
    assert y == pytest.approx(expected)
    _, y_tiny = lines["tiny (icl)"]
    assert y_tiny[:2] == pytest.approx([0.5, 0.25]) and all(math.isnan(v) for v in y_tiny[2:])
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "ID" and "korean" not in ticks and ticks[-1] == "word level"


def test_r_emid_plot_leaves_id_out_and_unknown_metric_fails(tmp_path):
    fig = plot_metric(results(), "r_emid")
    _, y = drawn_lines(fig)["qwen3_4b (sft)"]
    assert len(y) == 11 and y[0] == pytest.approx(PAPER_SFT[0] - PAPER_SFT[1])
    with pytest.raises(ValueError, match="unknown metric"):
        plot_metric(results(), "winrate")
