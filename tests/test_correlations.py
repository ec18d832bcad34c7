"""Correlations of the paper's analyses (figures 2, 4, 5, tables 13) on constructed cases and hand-built results."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from synthetic_results import CURVE_N, SUBSETS, analysed_results, flag_uninformative

from remid.analysis.bound_pairs import bound_curve, table13
from remid.analysis.correlations import (
    correlate,
    coverage,
    figure4_pairs,
    information_share_vs_winrate,
    remi_vs_winrate,
    remid_vs_winrate_drop,
    severity_pairs,
)


def test_perfectly_linear_pairs_correlate_at_one_with_a_tiny_p():
    x = list(range(10))
    c = correlate(x, [3 * v - 2 for v in x])
    assert c.ok and c.n == 10 and c.dropped == 0
    assert c.pearson == pytest.approx(1.0) and c.spearman == pytest.approx(1.0)
    assert c.pearson_p < 1e-10 and c.spearman_p < 1e-10
    assert correlate(x, [-v for v in x]).pearson == pytest.approx(-1.0)


def test_monotone_non_linear_pairs_have_spearman_one_above_pearson():
    x = np.linspace(0, 6, 12)
    c = correlate(list(x), list(np.exp(x)))
    assert c.spearman == pytest.approx(1.0)
    assert c.pearson < 0.95
    assert c.pearson == pytest.approx(stats.pearsonr(x, np.exp(x)).statistic)


def test_constant_or_too_few_pairs_give_none_with_a_reason():
    constant = correlate([1, 2, 3, 4], [5, 5, 5, 5])
    assert constant.pearson is None and constant.spearman_p is None and "y constant" in constant.reason
    few = correlate([1.0, 2.0], [2.0, 4.0])
    assert few.pearson is None and few.n == 2 and "fewer than 3" in few.reason
    empty = correlate([], [])
    assert not empty.ok and empty.n == 0
    assert "n = 2" in few.summary()
    with pytest.raises(ValueError, match="differ in length"):
        correlate([1, 2, 3], [1, 2])


def test_non_finite_pairs_are_dropped_and_counted():
    x = [1.0, 2.0, float("nan"), 3.0, 4.0, None, 5.0, 6.0]
    y = [2.0, 1.0, 3.0, float("inf"), 5.0, 4.0, 7.0, 6.5]
    c = correlate(x, y)
    clean = [(a, b) for a, b in zip(x, y, strict=True)
             if a is not None and math.isfinite(a) and math.isfinite(b)]
    assert c.n == len(clean) == 5 and c.dropped == 3
    xs, ys = zip(*clean, strict=True)
    assert c.pearson == pytest.approx(stats.pearsonr(xs, ys).statistic)
    assert c.spearman_p == pytest.approx(stats.spearmanr(xs, ys).pvalue)


def test_figure4_pairs_read_the_judge_and_the_winrate_drop():
    res = analysed_results()
    c = remi_vs_winrate(res)
    assert len(c.points) == 2 * len(SUBSETS) and not c.missing
    d = remid_vs_winrate_drop([(res, "/x/results.json")])
    assert len(d.points) == 2 * (len(SUBSETS) - 1) and {p.source for p in d.points} == {"/x/results.json"}
    for p in d.points:
        model = next(m for m in res.models if m.name == p.model)
        assert p.x == model.subsets[p.subset].r_emid
        assert p.y == pytest.approx(model.subsets["id"].judge["win_rate"] - model.subsets[p.subset].judge["win_rate"])
    assert d.correlation().pearson == pytest.approx(stats.pearsonr(d.x, d.y).statistic)
    panels = figure4_pairs(res)
    assert panels["4a"].missing == ["no EMI baseline results"] and not panels["4a"].points
    emi_panels = figure4_pairs(res, analysed_results(seed=1))
    assert emi_panels["4a"].x_label == "EMI" and len(emi_panels["4b"].points) == 16


def test_information_share_uses_only_informative_subsets():
    res = analysed_results()
    for model in res.models:
        for name, est in model.subsets.items():
            est.mi_model, est.mi_ref = 0.02 + 0.1 * est.judge["win_rate"], 0.1
            blind = name in ("korean", "word_level")
            est.diagnostics = {"ref": {"informative": not blind}}
            est.mi_ref_ci = (0.05, 0.15)
    res.models[0].subsets["film"].mi_ref_ci = (-0.01, 0.2)  # interval spans 0: not informative either
    pairs = information_share_vs_winrate(res)
    assert len(pairs.points) == 2 * (len(SUBSETS) - 2) - 1 and len(pairs.missing) == 5
    assert all("not informative" in m for m in pairs.missing)
    for p in pairs.points:
        est = next(m for m in res.models if m.name == p.model).subsets[p.subset]
        assert p.x == pytest.approx(est.mi_model / est.mi_ref) and p.y == est.judge["win_rate"]
    assert pairs.correlation().pearson == pytest.approx(1.0)
    assert information_share_vs_winrate(analysed_results()).points == []  # no diagnostics: nothing to trust


def test_bound_correlations_per_family_and_per_sample_size():
    res = analysed_results()
    families = table13(res)
    assert {k: len(v.points) for k, v in families.items()} == {"user": 6, "character": 6, "dialogue": 4, "all": 16}
    user = families["user"]
    assert all(p.subset in ("german", "chinese", "korean") for p in user.points)
    assert user.correlation().pearson == pytest.approx(stats.pearsonr(user.x, user.y).statistic)
    steps = bound_curve(res)
    assert [s.n for s in steps] == list(CURVE_N)
    for step in steps:
        entries = [e for m in res.models for s in m.subsets.values() if s.bound for e in s.bound["curve"]
                   if e["n"] == step.n]
        xs, ys = [e["bound"] for e in entries], [e["r_emid"] for e in entries]
        assert step.correlation.pearson == pytest.approx(stats.pearsonr(xs, ys).statistic)
        assert step.mean_bound == pytest.approx(np.mean(xs))


def test_severity_pairs_and_coverage_say_what_is_missing():
    res = analysed_results()
    pairs = severity_pairs(res, "point_score", "character")
    assert len(pairs.points) == 6
    assert all(p.x == next(m for m in res.models if m.name == p.model).subsets[p.subset].divergence["input"]
               for p in pairs.points)
    with pytest.raises(ValueError, match="unknown judge score"):
        severity_pairs(res, "elo")
    bare = analysed_results(full=False)
    empty = severity_pairs(bare, "win_rate")
    assert not empty.points and len(empty.missing) == 16 and "no divergence" in empty.missing[0]
    assert not empty.correlation().ok
    assert coverage(bare) == {"divergence": {"present": 0, "expected": 16}, "bound": {"present": 0, "expected": 16},
                              "judge": {"present": 0, "expected": 18}}
    assert coverage(res)["judge"] == {"present": 18, "expected": 18}


def test_pairs_where_the_estimator_is_not_informative_are_left_out_and_counted():
    res = flag_uninformative(analysed_results(), {("tiny_qwen3/sft", "german")})
    drop = remid_vs_winrate_drop(res)
    c = drop.correlation()
    kept = [p for p in drop.points if (p.model, p.subset) != ("tiny_qwen3/sft", "german")]
    assert len(drop.points) == 16 and c.n == 15 and c.excluded == 1
    assert c.pearson == pytest.approx(stats.pearsonr([p.x for p in kept], [p.y for p in kept]).statistic)
    assert c.spearman == pytest.approx(stats.spearmanr([p.x for p in kept], [p.y for p in kept]).statistic)
    assert c.summary().endswith("n = 15; 1 excluded (estimator not informative)")
    families = table13(res)
    assert (families["user"].correlation().excluded, families["all"].correlation().n) == (1, 15)
    assert [s.correlation.excluded for s in bound_curve(res)] == [1, 1, 1]
    # judge score vs severity: neither axis is the estimator's, every pair is correlated
    severity = severity_pairs(res, "win_rate").correlation()
    assert (severity.n, severity.excluded) == (16, 0)
    # results without the flag (not checked) keep every pair and say nothing new
    plain = remid_vs_winrate_drop(analysed_results()).correlation()
    assert (plain.n, plain.excluded) == (16, 0) and "excluded" not in plain.summary()
