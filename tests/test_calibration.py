"""Known-answer calibration (remid.analysis.calibration): derangements, curves and the files it writes."""

import json

import numpy as np
import pytest

from remid.analysis.calibration import FRACTIONS, calibrate, derangement, write_calibration
from remid.estimators.club import club_mi


def test_derangements_move_exactly_the_planted_share():
    rng = np.random.default_rng(0)
    for n in (2, 7, 24):
        for p in FRACTIONS:
            perm = derangement(n, p, rng)
            moved = int((perm != np.arange(n)).sum())
            assert sorted(perm) == list(range(n))
            assert moved == (0 if p == 0 else max(2, round(p * n)))


def test_planted_dependence_is_recovered_and_no_dependence_reads_zero():
    rng = np.random.default_rng(3)
    n = 24
    dependent = rng.normal(size=(n, n)) + 2.0 * np.eye(n)  # each response scores highest under its own context
    blind = rng.normal(size=(n, n))  # no dependence at all
    cal = calibrate({"id": dependent, "german": blind}, draws=10, n_boot=100)
    good, null = cal["subsets"]["id"], cal["subsets"]["german"]
    g = good["golden_mi"]
    assert g["values"][0] == pytest.approx(club_mi(dependent))  # p = 0: the matrix as scored
    assert g["monotone"] and g["spearman"] == pytest.approx(1.0) and g["zero_at_p1"] and good["passes"]
    r = good["planted_rpm_r_emi"]
    assert r["values"][0] == pytest.approx(0.0) and r["values"][-1] == pytest.approx(g["values"][-1] - g["values"][0])
    assert r["ci"][-1][1] < 0  # with every pair broken the planted RPM is clearly below the goldens
    assert not null["passes"]  # nothing planted: no curve to find
    assert all(lo <= v <= hi for v, (lo, hi) in zip(g["values"], g["ci"], strict=True))


def test_calibration_files_are_written(tmp_path):
    rng = np.random.default_rng(1)
    logp = {"id": rng.normal(size=(8, 8)) + 3 * np.eye(8), "german": rng.normal(size=(8, 8))}
    write_calibration(tmp_path, logp, {"id": True, "german": False})
    data = json.loads((tmp_path / "calibration.json").read_text())
    assert set(data["subsets"]) == {"id", "german"} and data["informative"] == {"id": True, "german": False}
    assert (tmp_path / "calibration.png").stat().st_size > 1000
    assert "german" in (tmp_path / "calibration.md").read_text()


@pytest.mark.parametrize("form", ["paper", "authors"])
def test_every_pair_broken_reads_equation_2s_independence_value_not_zero(form):
    """Strong dependence, small N: with every pair broken the true matches sit among the negatives, so equation 2
    reads -I(p=0) / (N - 1) (clearly below 0 here); that is the known answer the check holds it to, in the
    CLUB form the estimator is configured with."""
    rng = np.random.default_rng(5)
    n = 16
    logp = 0.05 * rng.normal(size=(n, n)) + 6.0 * np.eye(n)
    cal = calibrate({"id": logp}, draws=10, n_boot=100, form=form)
    g = cal["subsets"]["id"]["golden_mi"]
    assert cal["club_form"] == form and g["values"][0] == pytest.approx(club_mi(logp, form))
    assert g["expected_at_p1"] == pytest.approx(-g["values"][0] / (n - 1))
    assert g["ci"][-1][1] < 0 and not g["zero_at_p1"]
    assert g["values"][-1] == pytest.approx(g["expected_at_p1"], abs=0.05)
    assert g["independent_at_p1"] and cal["subsets"]["id"]["passes"]
