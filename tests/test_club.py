"""Paper equation 2 (CLUB), its sampled-negatives form and the bootstrap intervals."""

import time

import numpy as np
import pytest
from scipy.stats import chisquare

from remid.estimators.club import (
    bootstrap_mi,
    bootstrap_remid,
    club_mi,
    club_mi_sampled,
    sample_negative_pairs,
)

HAND = np.array([[-1.0, -4.0, -6.0],
                 [-5.0, -2.0, -7.0],
                 [-3.0, -8.0, -3.0]])


def test_equation_2_on_a_hand_made_matrix():
    # diagonal: (-1 - 2 - 3) / 3 = -2
    # all nine entries: (-1 - 4 - 6 - 5 - 2 - 7 - 3 - 8 - 3) / 9 = -39 / 9 = -4.3333...
    # I = -2 - (-4.3333...) = 2.3333...
    assert club_mi(HAND) == pytest.approx(7.0 / 3.0)


def test_responses_independent_of_the_input_carry_no_information():
    row = np.array([-3.0, -1.0, -2.0, -5.0])
    assert club_mi(np.tile(row, (4, 1))) == pytest.approx(row.mean() - row.mean())


@pytest.mark.parametrize(("matrix", "message"), [
    (np.zeros((2, 3)), "square"),
    (np.zeros(4), "square"),
    (np.zeros((1, 1)), r"N >= 2"),
    (np.array([[0.0, np.nan], [np.nan, 0.0]]), r"2 non-finite entries \(2 NaN, 0 inf\), first at index \(0, 1\)"),
    (np.array([[0.0, 0.0], [-np.inf, 0.0]]), r"1 inf\), first at index \(1, 0\)"),
])
def test_bad_matrices_are_rejected(matrix, message):
    with pytest.raises(ValueError, match=message):
        club_mi(matrix)


def test_negative_pairs_are_off_diagonal_and_uniform():
    n, k = 100, 9000  # k < n(n-1): sampled, not enumerated
    pairs = sample_negative_pairs(n, k, np.random.default_rng(0))
    assert pairs.shape == (k, 2) and (pairs[:, 0] != pairs[:, 1]).all()
    rows = np.bincount(pairs[:, 0], minlength=n)
    cols = np.bincount(pairs[:, 1], minlength=n)
    offsets = np.bincount((pairs[:, 1] - pairs[:, 0]) % n, minlength=n)[1:]  # j - i over the n - 1 others
    for counts in (rows, cols, offsets):
        assert chisquare(counts).pvalue > 1e-3
    everything = sample_negative_pairs(5, 20, np.random.default_rng(0))
    assert len(everything) == 20 and len({tuple(p) for p in everything}) == 20
    assert (everything[:, 0] != everything[:, 1]).all()
    assert len(sample_negative_pairs(5, 10**6, np.random.default_rng(0))) == 20


def test_sampled_negatives_are_exact_with_all_pairs_and_unbiased_otherwise():
    rng = np.random.default_rng(1)
    logp = rng.normal(-3, 1, size=(20, 20)) + np.diag(rng.normal(1, 0.2, 20))
    exact, diag = club_mi(logp), np.diag(logp)
    everything = sample_negative_pairs(20, 20 * 19, rng)
    assert club_mi_sampled(diag, everything, logp[everything[:, 0], everything[:, 1]], 20) == pytest.approx(exact)
    estimates = []
    for seed in range(2000):
        pairs = sample_negative_pairs(20, 50, np.random.default_rng(seed))
        estimates.append(club_mi_sampled(diag, pairs, logp[pairs[:, 0], pairs[:, 1]], 20))
    standard_error = np.std(estimates) / np.sqrt(len(estimates))
    assert 0 < standard_error < 0.01  # a real sample, not the exact value in disguise
    assert np.mean(estimates) == pytest.approx(exact, abs=4 * standard_error)


def test_sampled_form_validates_its_inputs():
    with pytest.raises(ValueError, match="one value per"):
        club_mi_sampled(np.zeros(3), np.array([[0, 1]]), np.zeros(2), 3)
    with pytest.raises(ValueError, match="off-diagonal"):
        club_mi_sampled(np.zeros(3), np.array([[1, 1]]), np.zeros(1), 3)
    with pytest.raises(ValueError, match="values has 1 non-finite"):
        club_mi_sampled(np.zeros(3), np.array([[0, 1]]), np.array([np.nan]), 3)


def _matrices(rng, n):
    model = rng.normal(-3, 1, size=(n, n)) + np.diag(np.full(n, 1.5))
    ref = rng.normal(-3, 1, size=(n, n)) + np.diag(np.full(n, 2.5))
    return model, ref


def _resample_by_hand(logp, idx):
    """Equation 2 on one resample, pairs of positions holding the same sample left out of the negatives."""
    m = logp[idx][:, idx]
    n = len(idx)
    different = idx[:, None] != idx[None, :]
    diag = np.mean(np.diag(m))
    return diag - (n * diag + n * (n - 1) * m[different].mean()) / n**2


def test_bootstrap_resamples_rows_and_columns_together():
    rng = np.random.default_rng(3)
    model, ref = _matrices(rng, 12)
    idx = np.random.default_rng(7).integers(0, 12, size=(200, 12))  # the same stream bootstrap_mi draws
    by_hand = [_resample_by_hand(model, i) - _resample_by_hand(ref, i) for i in idx]
    assert bootstrap_mi(model, ref, n_boot=200, seed=7)["r_emi"] == pytest.approx(
        tuple(np.percentile(by_hand, [2.5, 97.5])))


def test_bootstrap_does_not_count_a_repeated_sample_as_its_own_negative():
    # Every matched pair scores -1, every mismatched one -4: each resample has the same true
    # information, so the interval must collapse onto the estimate. Counting the copies of a
    # repeated sample as negatives would pull every resample below it (by about 3 / N).
    n = 16
    logp = np.full((n, n), -4.0) + np.diag(np.full(n, 3.0))
    lo, hi = bootstrap_mi(logp, logp - 1.0, n_boot=300, seed=0)["mi_model"]
    assert lo == pytest.approx(club_mi(logp)) and hi == pytest.approx(club_mi(logp))


def test_bootstrap_interval_contains_the_estimate_and_narrows_with_n():
    rng = np.random.default_rng(2)
    widths = []
    for n in (16, 128):
        model, ref = _matrices(rng, n)
        ci = bootstrap_mi(model, ref, n_boot=500, seed=0)
        assert ci["mi_model"][0] <= club_mi(model) <= ci["mi_model"][1]
        assert ci["mi_ref"][0] <= club_mi(ref) <= ci["mi_ref"][1]
        assert ci["r_emi"][0] <= club_mi(model) - club_mi(ref) <= ci["r_emi"][1]
        widths.append(ci["r_emi"][1] - ci["r_emi"][0])
    assert widths[1] < 0.6 * widths[0]
    (id_model, id_ref), (ood_model, ood_ref) = _matrices(rng, 32), _matrices(rng, 24)
    lo, hi = bootstrap_remid(id_model, id_ref, ood_model, ood_ref, n_boot=300, seed=0)
    point = (club_mi(id_model) - club_mi(id_ref)) - (club_mi(ood_model) - club_mi(ood_ref))
    assert lo <= point <= hi
    with pytest.raises(ValueError, match="differ in shape"):
        bootstrap_mi(id_model, ood_ref)


def test_bootstrap_is_fast():
    model, ref = _matrices(np.random.default_rng(4), 64)
    start = time.perf_counter()
    bootstrap_mi(model, ref, n_boot=1000)
    assert time.perf_counter() - start < 1.0


def test_the_authors_form_averages_the_off_diagonal_pairs_only():
    # diagonal mean -2; off-diagonal: (-4 - 6 - 5 - 7 - 3 - 8) / 6 = -5.5; authors: -2 - (-5.5) = 3.5
    assert club_mi(HAND, "authors") == pytest.approx(3.5)
    assert club_mi(HAND, "paper") == pytest.approx(2.0 / 3.0 * club_mi(HAND, "authors"))  # (N - 1) / N x authors
    rng = np.random.default_rng(0)
    logp = rng.normal(size=(7, 7))
    pairs = sample_negative_pairs(7, 10**6, rng)  # all 42 off-diagonal pairs
    values = logp[pairs[:, 0], pairs[:, 1]]
    assert club_mi_sampled(np.diag(logp), pairs, values, 7, "authors") == pytest.approx(club_mi(logp, "authors"))
    some = sample_negative_pairs(7, 5, rng, replace=False)
    assert club_mi_sampled(np.diag(logp), some, logp[some[:, 0], some[:, 1]], 7, "authors") == pytest.approx(
        np.diag(logp).mean() - logp[some[:, 0], some[:, 1]].mean())
    with pytest.raises(ValueError, match="estimator.club_form"):
        club_mi(HAND, "diagonal")


def test_bootstrap_keeps_the_configured_form():
    from remid.estimators.club import _resampled_mi

    rng = np.random.default_rng(1)
    logp = rng.normal(size=(6, 6)) + 2 * np.eye(6)
    identity = np.arange(6)[None, :]
    assert _resampled_mi(logp, identity, "authors")[0] == pytest.approx(club_mi(logp, "authors"))
    assert _resampled_mi(logp, identity, "paper")[0] == pytest.approx(club_mi(logp, "paper"))
    ref = rng.normal(size=(6, 6))
    paper, authors = bootstrap_mi(logp, ref, 200, 0), bootstrap_mi(logp, ref, 200, 0, "authors")
    assert authors["mi_model"][0] > paper["mi_model"][0]  # no diagonal in the negatives: larger MI


def test_authors_negatives_sets_the_authors_form_and_verify_recomputes_in_it(hydra_ctx, tmp_path):
    from remid.analysis.summary import summarize
    from remid.estimators.build import check_estimator_config
    from remid.estimators.matrices import save_matrices
    from remid.estimators.remi import SubsetScores
    from remid.evaluation.results import EvaluationResults, ModelResults
    from remid.evaluation.verify import verify

    assert hydra_ctx("evaluate", []).estimator.club_form == "paper"
    cfg = hydra_ctx("evaluate", ["experiment=authors_negatives"])
    assert cfg.estimator.club_form == "authors"
    cfg.estimator.club_form = "both"
    with pytest.raises(ValueError, match="estimator.club_form"):
        check_estimator_config(cfg.estimator)
    rng = np.random.default_rng(2)
    model, ref = rng.normal(size=(4, 4)), rng.normal(size=(4, 4)) + np.eye(4)
    scores = SubsetScores(club_mi(model, "authors"), club_mi(ref, "authors"), [f"x{i}" for i in range(4)],
                          ["a", "b", "c", "d"], ["e", "f", "g", "h"], model, ref, club_form="authors")
    save_matrices(tmp_path, "rpm", "id", scores)
    estimator = {"policy": "pretrained:remi_tiny_policy", "reduction": "mean", "dtype": "float32",
                 "club_form": "authors"}
    EvaluationResults(estimator, [ModelResults("rpm", "sft", "tiny", summarize({"id": scores}, 20, 0))],
                      "now").to_json(tmp_path / "results.json")
    assert verify(tmp_path, entries=0) == []
    EvaluationResults({**estimator, "club_form": "paper"}, [ModelResults("rpm", "sft", "tiny", summarize(
        {"id": scores}, 20, 0))], "now").to_json(tmp_path / "results.json")
    assert [p.split(":")[0] for p in verify(tmp_path, entries=0)] == ["rpm__id model", "rpm__id ref"]
