"""Estimator diagnostics: the diagonal's rank within its row, against chance, on hand-made matrices."""

import numpy as np
import pytest

from remid.estimators.diagnostics import diagonal_ranks, pair_diagnostics


def test_ranks_by_hand():
    logp = np.array([[-1.0, -2.0, -3.0],   # diagonal best: rank 0
                     [-1.0, -2.0, -2.0],   # one above, one tie: 1 + 0.5
                     [-1.0, -1.0, -3.0]])  # two above: 2
    assert diagonal_ranks(logp).tolist() == [0.0, 1.5, 2.0]


def test_a_perfect_estimator_ranks_every_diagonal_first():
    rng = np.random.default_rng(0)
    logp = rng.normal(-5, 1, size=(48, 48)) + np.eye(48) * 20
    d = pair_diagnostics(logp)
    assert d.mean_rank == 0 and d.top1 == 1.0 and d.column_mean_rank == 0 and d.column_top1 == 1.0
    assert d.chance_rank == 23.5 and d.chance_top1 == pytest.approx(1 / 48)
    assert d.informative and d.p_value < 1e-10 and d.column_p_value < 1e-10


def test_a_blind_estimator_is_at_chance_and_flagged():
    rng = np.random.default_rng(1)
    row_effect = rng.normal(0, 3, size=(48, 1))  # contexts differ, responses do not depend on them
    logp = row_effect + rng.normal(-5, 1, size=(48, 48))
    d = pair_diagnostics(logp)
    assert abs(d.mean_rank - d.chance_rank) < 3 * np.sqrt((48**2 - 1) / (12 * 48))
    assert not d.informative and d.p_value > 0.01 and d.column_p_value > 0.01


def test_constant_rows_are_chance_not_perfect():
    # Every response scored the same in each row: ties count half, so nothing is "the maximum".
    d = pair_diagnostics(np.tile(np.arange(6.0)[:, None], (1, 6)))
    assert d.mean_rank == 2.5 and d.top1 == 0 and not d.informative


def test_an_anti_estimator_has_a_high_p_value():
    logp = -np.eye(10) * 5  # every diagonal entry the row minimum
    d = pair_diagnostics(logp)
    assert d.mean_rank == 9 and d.p_value > 0.99 and d.column_p_value > 0.99 and not d.informative


@pytest.mark.parametrize("shape", [(3, 4), (1, 1), (5,)])
def test_bad_shapes_are_rejected(shape):
    with pytest.raises(ValueError, match="square"):
        pair_diagnostics(np.zeros(shape))


def test_null_distribution_is_calibrated():
    # Under a blind estimator the one-sided p-value should be roughly uniform: ~1% below 0.01.
    rng = np.random.default_rng(2)
    draws = [pair_diagnostics(rng.normal(size=(32, 32))) for _ in range(1000)]
    assert sum(d.informative for d in draws) <= 25 and sum(d.p_value < 0.01 for d in draws) <= 25


def test_columns_cancel_what_rows_cannot():
    # Response 0 is easy under every context (a short formula): it tops every row, yet each response
    # is still scored best by its own context, which is what equation 2 contrasts.
    n = 8
    logp = np.eye(n) * 0.5 + np.array([3.0] + [0.0] * (n - 1))[None, :]
    d = pair_diagnostics(logp)
    assert d.column_mean_rank == 0 and d.column_p_value < 1e-3 and d.informative
    assert d.top1 == 1 / n and d.mean_rank == pytest.approx((n - 1) / n)


def test_a_context_blind_response_ranking_is_not_informative():
    # Rows differ only by a per-response offset: every context ranks the responses the same way, and
    # no context favours its own response. Row ranks vary with the offsets; columns are all ties.
    logp = np.tile(np.linspace(-1, -3, 10), (10, 1))
    d = pair_diagnostics(logp)
    assert d.column_mean_rank == 4.5 and not d.informative
