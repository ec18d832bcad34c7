"""Can the estimator tell matched from mismatched pairs? Diagonal-rank diagnostics of a CLUB matrix. Pure numpy.

Equation 2 credits an estimator for scoring each context's own response ``logp[i, i]`` above the
other responses of the subset ``logp[i, j]``. Where it cannot, both mutual-information terms are
~0 and R-EMI / R-EMID read noise. For each row the rank of the diagonal entry among the row's N
entries is counted (0 = the row maximum; ties count half). A blind estimator ranks it uniformly on
0..N-1: mean rank (N - 1) / 2, top-1 fraction 1 / N. ``z`` is the distance of the observed mean
rank below chance in null standard deviations, sqrt((N^2 - 1) / (12 N)) (normal approximation,
rows taken as independent).

The same is reported by column (``column_*``: for each response y_j, the rank of its own context
among all contexts scoring it). Equation 2 is a column contrast: it equals the mean over j of
log p(y_j | x_j) - mean_i log p(y_j | x_i), so responses that are easy or hard under every context
(short, formulaic) cancel out of it, while they do move row ranks (under the per-token mean, a short
formulaic response can outscore a context's own one). So the verdict ``informative`` is the column
test: its one-sided p-value below ``alpha``. Both are reported.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

ALPHA = 0.01


@dataclass(frozen=True)
class PairDiagnostics:
    """How well one N x N matrix ranks its diagonal (matched pairs) within each row."""

    n: int
    mean_rank: float  # mean over rows of the diagonal's rank in its row, 0 = best
    chance_rank: float  # (N - 1) / 2
    top1: float  # fraction of rows whose diagonal is the strict row maximum
    chance_top1: float  # 1 / N
    z: float
    p_value: float  # row test
    column_mean_rank: float  # the same per response: rank of its own context among all contexts
    column_top1: float
    column_p_value: float
    informative: bool  # column_p_value < alpha

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (f"each response's own context ranks {self.column_mean_rank:.1f} among the contexts (chance "
                f"{self.chance_rank:.1f}, best 0), p = {self.column_p_value:.2g}; each context's own response ranks "
                f"{self.mean_rank:.1f} in its row, top-1 {self.top1:.0%} (chance {self.chance_top1:.0%}), "
                f"p = {self.p_value:.2g}")


def diagonal_ranks(logp: np.ndarray) -> np.ndarray:
    """Rank of ``logp[i, i]`` within row i: entries above it, plus half the ties. [N, N] -> [N]"""
    logp = np.asarray(logp, dtype=np.float64)
    if logp.ndim != 2 or logp.shape[0] != logp.shape[1] or logp.shape[0] < 2:
        raise ValueError(f"need a square N x N matrix with N >= 2, got shape {logp.shape}")
    diag = np.diag(logp)[:, None]  # [N, 1]
    off = ~np.eye(logp.shape[0], dtype=bool)
    above = ((logp > diag) & off).sum(axis=1)
    ties = ((logp == diag) & off).sum(axis=1)
    return above + 0.5 * ties


def _rank_test(ranks: np.ndarray) -> tuple[float, float]:
    """``(z, one-sided p)`` of a mean diagonal rank this far below chance for a blind estimator."""
    n = len(ranks)
    z = ((n - 1) / 2 - float(ranks.mean())) / math.sqrt((n * n - 1) / (12 * n))
    return z, 0.5 * math.erfc(z / math.sqrt(2))


def pair_diagnostics(logp: np.ndarray, alpha: float = ALPHA) -> PairDiagnostics:
    """Diagonal-rank diagnostics of ``logp[i, j] = log p(y_j | x_i, r_i)``, by row and by column."""
    ranks = diagonal_ranks(logp)
    columns = diagonal_ranks(np.asarray(logp).T)
    n = len(ranks)
    z, p_value = _rank_test(ranks)
    column_p_value = _rank_test(columns)[1]
    return PairDiagnostics(n=n, mean_rank=float(ranks.mean()), chance_rank=(n - 1) / 2, top1=float((ranks == 0).mean()),
                           chance_top1=1 / n, z=z, p_value=p_value, column_mean_rank=float(columns.mean()),
                           column_top1=float((columns == 0).mean()), column_p_value=column_p_value,
                           informative=column_p_value < alpha)


def holm(p_values: dict[str, float]) -> dict[str, float]:
    """Holm's step-down adjusted p-values (Holm, 1979), controlling the family-wise error rate over ``p_values``.

    Sorted ascending, the k-th smallest (k = 0..m-1) becomes max over j <= k of min(1, (m - j) p_(j)).

    >>> holm({"a": 0.01, "b": 0.04, "c": 0.03})
    {'a': 0.03, 'b': 0.06, 'c': 0.06}
    """
    order = sorted(p_values, key=p_values.get)
    m, running, out = len(order), 0.0, {}
    for k, name in enumerate(order):
        running = max(running, min(1.0, (m - k) * p_values[name]))
        out[name] = running
    return {name: out[name] for name in p_values}
