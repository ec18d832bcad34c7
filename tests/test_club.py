"""Equation 2 and its sampled / bootstrap variants."""

import numpy as np
import pytest

from remid.estimators.club import (
    bootstrap_mi,
    bootstrap_remid,
    club_mi,
    club_mi_sampled,
    sample_negative_pairs,
)


def test_equation_2_on_a_hand_made_matrix():
    logp = np.array([[-1.0, -4.0, -6.0],
                     [-5.0, -2.0, -7.0],
                     [-3.0, -8.0, -3.0]])
    # diagonal mean: (-1 - 2 - 3) / 3 = -2; mean of all nine entries: -39 / 9
    assert club_mi(logp) == pytest.approx(-2.0 + 39.0 / 9.0)


def test_independent_responses_give_zero_information():
    row = np.array([-3.0, -1.0, -2.0, -5.0])
    assert club_mi(np.tile(row, (4, 1))) == pytest.approx(0.0)


@pytest.mark.parametrize(("matrix", "message"), [
    (np.zeros((2, 3)), "square"), (np.zeros((1, 1)), "N >= 2"),
    (np.array([[0.0, np.nan], [np.inf, 0.0]]), "2 non-finite entries"),
])
def test_bad_matrices_are_rejected(matrix, message):
    with pytest.raises(ValueError, match=message):
        club_mi(matrix)


def test_negative_pairs_are_off_diagonal_and_uniform():
    pairs = sample_negative_pairs(5, 20000, np.random.default_rng(0))
    assert (pairs[:, 0] != pairs[:, 1]).all()
    counts = np.zeros((5, 5))
    np.add.at(counts, (pairs[:, 0], pairs[:, 1]), 1)
    off = counts[~np.eye(5, dtype=bool)]
    assert off.min() > 0.8 * off.mean() and off.max() < 1.2 * off.mean()
    assert len(sample_negative_pairs(5, 10**6, np.random.default_rng(0))) == 20


def test_sampled_negatives_agree_with_the_exact_term():
    rng = np.random.default_rng(1)
    logp = rng.normal(-3, 1, size=(20, 20)) + np.diag(rng.normal(1, 0.2, 20))
    exact = club_mi(logp)
    diag = np.diag(logp)
    everything = sample_negative_pairs(20, 10**9, rng)
    assert club_mi_sampled(diag, everything, logp[everything[:, 0], everything[:, 1]], 20) == pytest.approx(exact)
    estimates = []
    for seed in range(400):
        pairs = sample_negative_pairs(20, 50, np.random.default_rng(seed))
        estimates.append(club_mi_sampled(diag, pairs, logp[pairs[:, 0], pairs[:, 1]], 20))
    assert np.mean(estimates) == pytest.approx(exact, abs=3 * np.std(estimates) / np.sqrt(400))
    assert np.std(estimates) > 0  # a real sample, not the exact value in disguise


def test_bootstrap_interval_contains_the_estimate_and_narrows_with_n():
    rng = np.random.default_rng(2)

    def matrices(n):
        model = rng.normal(-3, 1, size=(n, n)) + np.diag(np.full(n, 1.5))
        ref = rng.normal(-3, 1, size=(n, n)) + np.diag(np.full(n, 2.5))
        return model, ref

    widths = []
    for n in (16, 128):
        model, ref = matrices(n)
        ci = bootstrap_mi(model, ref, n_boot=500, seed=0)
        point = club_mi(model) - club_mi(ref)
        assert ci["r_emi"][0] <= point <= ci["r_emi"][1]
        widths.append(ci["r_emi"][1] - ci["r_emi"][0])
    assert widths[1] < 0.75 * widths[0]
    id_model, id_ref = matrices(32)
    ood_model, ood_ref = matrices(32)
    lo, hi = bootstrap_remid(id_model, id_ref, ood_model, ood_ref, n_boot=300)
    point = (club_mi(id_model) - club_mi(id_ref)) - (club_mi(ood_model) - club_mi(ood_ref))
    assert lo <= point <= hi
