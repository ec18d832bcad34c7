"""The report directory from hand-built results: tables 12-13, correlations, figures, report.json, index.md, W&B."""

from __future__ import annotations

import json
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats
from synthetic_results import analysed_results, flag_uninformative

from remid.analysis.correlations import FAMILY_OF, Pairs, Point, remid_vs_winrate_drop, severity_pairs
from remid.analysis.figures import figure7, least_squares, scatter_figure, severity_figure
from remid.analysis.report import build_report, main
from remid.evaluation.plots import UNINFORMATIVE_LEGEND

FILES = ["index.md", "report.json", "table12.md", "table12.csv", "table13.md", "table13.csv", "correlations.md",
         "correlations.csv", "figure5a.csv", "figure4.png", "figure5.png", "figure7.png",
         "figure2_win_rate_vs_severity.png", "figure9_point_score_vs_severity.png"]


def _estimate(res, model: str, subset: str):
    return next(m for m in res.models if m.name == model).subsets[subset]


@pytest.mark.slow
def test_report_numbers_are_the_inputs_and_scipy_on_them(tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "offline")
    res = analysed_results()
    path = tmp_path / "eval" / "results.json"
    res.to_json(path)
    emi = analysed_results(seed=5)
    emi.estimator = {"name": "emi"}
    out = tmp_path / "report"
    report = build_report([path], [emi], out_dir=out, wandb="offline", about={"command": "test"})
    assert all((out / name).exists() for name in FILES)
    assert json.loads((out / "report.json").read_text())["table12"] == report["table12"]
    # table 12: one row per (model, shifted subset), every number read from the inputs, traceable to results.json
    rows = report["table12"]
    assert len(rows) == 16 and {r["source"] for r in rows} == {str(path.resolve())}
    table12 = (out / "table12.md").read_text()
    for row in rows:
        est = _estimate(res, row["model"], row["subset"])
        for key in ("user", "character", "dialogue", "input"):
            assert row[f"d_{key}"] == est.divergence[key] and row[f"check_{key}"] == est.divergence["check"][key]
        assert row["bound"] == est.bound["value"] and row["r_emid"] == est.r_emid
        assert f"| {row['shift']} | {row['d_user']:.4f} | {row['d_character']:.4f} |" in table12
        assert f"{row['bound']:.4f}" in table12
    assert "check (classifier)" in table12 and "knn over char_ngram" in table12
    # table 13: Pearson / Spearman of bound vs R-EMID per family = scipy over the same inputs
    table13 = (out / "table13.md").read_text()
    for family in ("user", "character", "dialogue", "all"):
        ests = [e for m in res.models for s, e in m.subsets.items() if s != "id" and family in ("all", FAMILY_OF[s])]
        xs, ys = [e.bound["value"] for e in ests], [e.r_emid for e in ests]
        got = report["table13"][family]["correlation"]
        assert got["n"] == len(xs)
        assert got["pearson"] == pytest.approx(stats.pearsonr(xs, ys).statistic)
        assert got["spearman_p"] == pytest.approx(stats.spearmanr(xs, ys).pvalue)
        assert f"| {got['n']} | {got['pearson']:.3f} (p = " in table13
    # figure 4: R-EMI vs WinRate on every subset, EMI panel from the baseline
    xs = [e.r_emi for m in res.models for e in m.subsets.values()]
    ys = [e.judge["win_rate"] for m in res.models for e in m.subsets.values()]
    assert report["correlations"]["4c"]["correlation"]["pearson"] == pytest.approx(stats.pearsonr(xs, ys).statistic)
    assert report["correlations"]["4a"]["points"][0]["x"] == emi.models[0].subsets["id"].r_emi
    assert [s["n"] for s in report["figure5a"]] == [8, 16, 32]
    assert report["judge"][0]["missing"] == {"win_rate": 1, "point_score": 2}
    assert not [m for m in report["missing_analyses"] if "divergence" in m or "EMI" in m]
    # index.md embeds every figure, names the judge and the missing judgments, says how to sync the W&B run
    index = (out / "index.md").read_text()
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == 5 and all(f"]({name})" in index for name in pngs)
    assert "reference-based judge (offline)" in index and "| 1 / 2 |" in index
    runs = list((out / "wandb").glob("offline-run-*"))
    assert len(runs) == 1 and list(runs[0].glob("*.wandb"))
    media = runs[0] / "files" / "media"
    assert {p.name.split("_table")[0] for p in (media / "table" / "scatter").glob("*.table.json")} >= {"4a", "4c", "5b"}
    assert len(list((media / "images" / "figures").glob("*.png"))) == 5
    assert report["wandb"]["sync"] == f"wandb sync {runs[0]}" and report["wandb"]["sync"] in index


def test_report_without_analyses_says_what_is_missing_and_skips_wandb(tmp_path):
    out = tmp_path / "report"
    report = build_report(analysed_results(full=False), out_dir=out, wandb="none")
    assert all((out / name).exists() for name in FILES)
    assert "skipped" in report["wandb"] and not (out / "wandb").exists()
    missing = " ".join(report["missing_analyses"])
    assert all(f"`{name}`: present on 0 of" in missing for name in ("divergence", "bound", "judge"))
    assert "EMI/EMID baseline" in missing
    index = (out / "index.md").read_text()
    assert "## Missing analyses" in index and "nothing to read yet" in index and "Skipped" in index
    assert report["table12"] == [] and report["table13"]["all"]["correlation"]["pearson"] is None
    assert "No divergence or bound" in index


@pytest.mark.slow
def test_a_partial_input_keeps_what_is_there(tmp_path):
    res = analysed_results()
    for model in res.models:  # judge gone, bound and divergence kept
        for est in model.subsets.values():
            est.judge = None
    report = build_report(res, out_dir=tmp_path / "r", wandb=None)
    assert report["correlations"]["5b"]["correlation"]["n"] == 16
    assert report["correlations"]["4c"]["correlation"]["n"] == 0
    assert any("`judge`: present on 0 of 18" in m for m in report["missing_analyses"])


def test_scatter_titles_say_when_points_are_too_few_and_the_fit_is_least_squares():
    pairs = Pairs("bound vs R-EMID", "bound", "R-EMID", [Point("a", "sft", "german", 1.0, 0.1),
                                                         Point("a", "sft", "korean", 2.0, 0.3)])
    fig = scatter_figure(pairs)
    assert "too few points" in fig.axes[0].get_title()
    pts = [Point("m", "sft", s, x, y) for s, x, y in
           (("german", 0.1, 0.2), ("korean", 0.4, 0.5), ("chinese", 0.2, 0.1), ("film", 0.9, 1.3))]
    fig = scatter_figure(Pairs("x vs y", "x", "y", pts))
    fit = next(line for line in fig.axes[0].get_lines() if line.get_label().startswith("least squares"))
    slope, intercept = np.polyfit([p.x for p in pts], [p.y for p in pts], 1)
    assert least_squares([p.x for p in pts], [p.y for p in pts]) == pytest.approx((slope, intercept))
    assert np.asarray(fit.get_ydata()) == pytest.approx(slope * np.asarray(fit.get_xdata()) + intercept)
    assert "Pearson r = " in fit.get_label() and "Spearman ρ" in fit.get_label()
    assert "too few" not in fig.axes[0].get_title()
    plt.close("all")


def test_severity_figure_joins_each_model_in_severity_order():
    res = analysed_results()
    panels = {f: severity_pairs(res, "win_rate", f) for f in ("user", "character", "dialogue")}
    fig = severity_figure(panels, "2")
    for ax, family in zip(fig.axes[:3], panels, strict=True):
        lines = [line for line in ax.get_lines() if line.get_label() in {p.model for p in panels[family].points}]
        assert len(lines) == 2
        for line in lines:
            x = np.asarray(line.get_xdata())
            assert np.all(np.diff(x) >= 0) and len(x) == sum(p.model == line.get_label() for p in panels[family].points)
    plt.close(fig)


@pytest.mark.slow
def test_cli_reads_result_paths(tmp_path, capsys):
    res = analysed_results()
    res.to_json(tmp_path / "run" / "results.json")
    report = main([str(tmp_path / "run"), "--out", str(tmp_path / "rep"), "--wandb", "none", "--model", "tiny_qwen3/rl"])
    assert {r["model"] for r in report["table12"]} == {"tiny_qwen3/rl"} and len(report["table12"]) == 8
    assert "index.md" in capsys.readouterr().out
    assert all(math.isfinite(r["bound"]) for r in report["table12"])


def _hollow(ax) -> list:
    return [line for line in ax.get_lines() if line.get_markerfacecolor() == "none"]


def test_uninformative_points_are_hollow_and_bars_hatched_with_a_legend_entry():
    res = flag_uninformative(analysed_results(), {("tiny_qwen3/sft", "german")})
    est = res.models[0].subsets["german"]
    pairs = remid_vs_winrate_drop(res)
    ax = scatter_figure(pairs).axes[0]
    (hollow,) = _hollow(ax)
    drop = res.models[0].subsets["id"].judge["win_rate"] - est.judge["win_rate"]
    assert list(hollow.get_xdata()) == [est.r_emid] and list(hollow.get_ydata()) == pytest.approx([drop])
    sft = next(line for line in ax.get_lines() if line.get_label() == "tiny_qwen3/sft")
    assert len(sft.get_markevery()) == len(sft.get_xdata()) - 1  # its filled markers skip german
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("hollow: estimator not informative") and "left out of r, ρ" in t for t in legend)
    fit = next(t for t in legend if t.startswith("least squares"))
    assert "n = 15\n1 excluded (estimator not informative)" in fit
    severity = severity_figure({f: severity_pairs(res, "win_rate", f) for f in ("user", "character", "dialogue")}, "2")
    assert len(_hollow(severity.axes[0])) == 1 and not _hollow(severity.axes[1])
    assert any("kept in r, ρ" in t.get_text() for t in severity.axes[0].get_legend().get_texts())
    bars = figure7(res).axes[0]
    hatched = [b for b in bars.patches if b.get_hatch() == "///"]
    assert len(hatched) == 1 and hatched[0].get_height() == est.bound["value"]
    assert UNINFORMATIVE_LEGEND in [t.get_text() for t in bars.get_legend().get_texts()]
    plain = scatter_figure(remid_vs_winrate_drop(analysed_results())).axes[0]  # no flag recorded: as before
    assert not _hollow(plain) and not [t for t in plain.get_legend().get_texts() if "hollow" in t.get_text()]
    plt.close("all")


def test_report_tables_and_readings_count_the_pairs_left_out(tmp_path):
    res = flag_uninformative(analysed_results(), {("tiny_qwen3/sft", "german")})
    report = build_report(res, out_dir=tmp_path, wandb=None)
    assert report["correlations"]["4d"]["correlation"]["n"] == 15
    assert report["correlations"]["4d"]["correlation"]["excluded"] == 1
    table13 = (tmp_path / "table13.md").read_text()
    assert "| User Shift | 5 (+1 excluded) |" in table13 and "left out of r and ρ" in table13
    correlations = (tmp_path / "correlations.md").read_text()
    assert "| 4d | R-EMID vs WinRate difference | 15 (+1 excluded) |" in correlations
    assert "| severity_win_rate | WinRate vs shift severity | 16 |" in correlations
    reading = report["figures"]["figure4.png"]["reading"]
    assert "over 15 (model, subset) pairs (1 more left out: estimator not informative there)" in reading
    assert "excluded" in (tmp_path / "correlations.csv").read_text().splitlines()[0]
