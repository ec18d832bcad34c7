"""Findings 1 and 2 as paired bootstrap tests: planted family and method gaps are recovered, a null reads null."""

import numpy as np
import pytest

from remid.analysis.claims import family_gap, method_gap, summarize_draws
from remid.core.schema import EVAL_SUBSETS, SHIFT_FAMILIES
from remid.estimators.club import club_mi

N = 32


def planted(strength: float, rng: np.random.Generator, n: int = N, noise: float = 1.0) -> np.ndarray:
    """log p(y_j | x_i): every pair's noise, plus ``strength`` on the matched pairs; equation 2 in its paper
    form reads about strength (1 - 1/n)."""
    return rng.normal(0.0, noise, (n, n)) + strength * np.eye(n)


def world(model_strength: dict[str, float], rng, ref: dict[str, np.ndarray] | None = None,
          noise: float = 1.0) -> dict:
    """One RPM's (model, ref) matrices on every subset; the reference pairs carry strength 2 unless given."""
    ref = ref or {s: planted(2.0, rng, noise=noise) for s in EVAL_SUBSETS}
    return {s: (planted(model_strength.get(s, 1.5), rng, noise=noise), ref[s]) for s in EVAL_SUBSETS}


def test_a_planted_user_gap_is_recovered_with_its_size():
    rng = np.random.default_rng(0)
    strengths = {s: 0.5 for s in SHIFT_FAMILIES["user"]}  # the RPM keeps less of the context under user shift
    gap = family_gap([world(strengths, rng)], "user", "character", n_boot=400, seed=1)
    assert gap["value"] == pytest.approx(1.0 * (1 - 1 / N), abs=0.25)  # planted: 1.5 - 0.5 nats
    assert gap["resolved"] and gap["ci"][0] > 0 and gap["p"] < 0.01 and gap["n_needed"] is None


def test_the_gap_is_equation_2_on_the_matrices():
    rng = np.random.default_rng(1)
    mats = world({"german": 0.2, "film": 3.0}, rng)
    remi = {s: club_mi(m) - club_mi(r) for s, (m, r) in mats.items()}
    expected = (np.mean([remi[s] for s in SHIFT_FAMILIES["dialogue"]])
                - np.mean([remi[s] for s in SHIFT_FAMILIES["user"]]))
    assert family_gap([mats], "user", "dialogue", n_boot=50)["value"] == pytest.approx(expected, abs=1e-12)


def test_with_no_gap_the_test_rejects_at_about_its_level():
    """Null world: every subset alike. A 95% test must reject in about 5% of independent worlds (here at most
    5 of 40, a binomial tail of p < 0.02 for a true 5% rate), and the unresolved ones say what N would do."""
    rejected, needed = 0, []
    for k in range(40):
        gap = family_gap([world({}, np.random.default_rng(100 + k))], "user", "character", n_boot=300, seed=k)
        rejected += gap["resolved"]
        if not gap["resolved"] and gap["n_needed"]:
            needed.append(gap["n_needed"])
    assert rejected <= 5
    assert needed and min(needed) >= N  # an unresolved difference needs at least the samples drawn


def test_a_better_method_is_told_apart_on_shared_samples():
    rng = np.random.default_rng(2)
    ref = {s: planted(2.0, rng, noise=0.3) for s in EVAL_SUBSETS}
    strong = world({s: 1.5 for s in EVAL_SUBSETS}, rng, ref, noise=0.3)  # keeps its ID level everywhere
    weak = world({"id": 1.5, **{s: 0.7 for s in EVAL_SUBSETS if s != "id"}}, rng, ref, noise=0.3)  # degrades OOD
    gap = method_gap(strong, weak, n_boot=400, seed=3)
    # noise 0.3 per entry: each equation-2 term moves by about 0.3 / sqrt(N) = 0.05; 0.2 is four of them
    assert gap["value"] == pytest.approx(0.8 * (1 - 1 / N), abs=0.2) and gap["resolved"]
    assert gap["ood_r_emi"]["value"] == pytest.approx(0.8 * (1 - 1 / N), abs=0.2)
    assert method_gap(strong, strong, n_boot=50)["value"] == 0.0


def test_rpms_scored_on_other_samples_are_refused():
    rng = np.random.default_rng(3)
    with pytest.raises(ValueError, match="reference matrices differ on 'id'"):
        method_gap(world({}, rng), world({}, rng), n_boot=10)


def test_the_samples_needed_follow_the_measured_spread():
    draws = np.random.default_rng(4).normal(0.1, 0.1, 4000)  # d = 0.1, sd = 0.1: unresolved at N = 24
    out = summarize_draws(0.1, draws, n=24)
    assert not out["resolved"] and out["sd"] == pytest.approx(0.1, rel=0.05)
    assert out["n_needed"] == pytest.approx(24 * 1.96**2, rel=0.1)  # N (w / d)^2, w = 1.96 sd for normal draws
