"""CLUB mutual-information estimates (paper equation 2) and bootstrap intervals. Pure numpy."""

from __future__ import annotations

import numpy as np


def _check_matrix(logp: np.ndarray) -> np.ndarray:
    logp = np.asarray(logp, dtype=np.float64)
    if logp.ndim != 2 or logp.shape[0] != logp.shape[1]:
        raise ValueError(f"CLUB needs a square N x N log-prob matrix, got shape {logp.shape}")
    if logp.shape[0] < 2:
        raise ValueError(f"CLUB needs N >= 2 samples, got N = {logp.shape[0]}")
    bad = ~np.isfinite(logp)
    if bad.any():
        first = tuple(int(x) for x in np.argwhere(bad)[0])
        raise ValueError(f"log-prob matrix has {int(bad.sum())} non-finite entries (first at {first})")
    return logp


def club_mi(logp: np.ndarray) -> float:
    """Equation 2: (1/N) sum_i logp[i, i] - (1/N^2) sum_i sum_j logp[i, j] (diagonal included).

    ``logp[i, j] = log p(y_j | x_i, r_i)``.
    """
    logp = _check_matrix(logp)
    return float(np.mean(np.diag(logp)) - np.mean(logp))


def sample_negative_pairs(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` uniform off-diagonal pairs ``(i, j)``, ``i != j`` (all of them if k >= n(n-1)). -> [k, 2]"""
    if n < 2:
        raise ValueError(f"need n >= 2 samples for off-diagonal pairs, got {n}")
    if k >= n * (n - 1):
        i, j = np.nonzero(~np.eye(n, dtype=bool))
        return np.stack([i, j], axis=1)
    i = rng.integers(0, n, size=k)
    j = (i + rng.integers(1, n, size=k)) % n  # uniform over j != i
    return np.stack([i, j], axis=1)


def club_mi_sampled(diag: np.ndarray, pairs: np.ndarray, values: np.ndarray, n: int) -> float:
    """Equation 2 with the N^2 term estimated from K random off-diagonal pairs (unbiased).

    Departure: the authors' code samples 1000 pairs and averages them; here the diagonal enters the
    second term exactly and the off-diagonal mean is scaled by n(n-1), so the estimate equals
    equation 2 in expectation (and exactly when every pair is sampled).
    """
    diag = np.asarray(diag, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if diag.shape != (n,):
        raise ValueError(f"expected {n} diagonal entries, got shape {diag.shape}")
    if len(values) != len(pairs) or len(values) == 0:
        raise ValueError(f"need one value per sampled pair, got {len(values)} values for {len(pairs)} pairs")
    if not (np.isfinite(diag).all() and np.isfinite(values).all()):
        raise ValueError("non-finite log-probs among the sampled CLUB entries")
    second = (diag.sum() + n * (n - 1) * values.mean()) / n**2
    return float(diag.mean() - second)


def _resampled_mi(logp: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """CLUB of ``logp[idx][:, idx]`` for each row of ``idx`` [B, N]. -> [B]"""
    diag = np.diag(logp)[idx].mean(axis=1)  # [B]
    counts = np.stack([np.bincount(row, minlength=logp.shape[0]) for row in idx])  # [B, N]
    total = np.einsum("bi,ij,bj->b", counts, logp, counts)  # sum over resampled pairs
    return diag - total / idx.shape[1] ** 2


def _indices(n: int, n_boot: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def bootstrap_mi(logp_model: np.ndarray, logp_ref: np.ndarray, n_boot: int = 1000, seed: int = 0) -> dict:
    """Percentile 95% intervals of I_model, I_ref and R-EMI = I_model - I_ref.

    Samples are resampled with replacement (rows and columns by the same index vector), the same
    resample for both matrices.
    """
    logp_model, logp_ref = _check_matrix(logp_model), _check_matrix(logp_ref)
    idx = _indices(logp_model.shape[0], n_boot, seed)
    mi_model, mi_ref = _resampled_mi(logp_model, idx), _resampled_mi(logp_ref, idx)

    def interval(x: np.ndarray) -> tuple[float, float]:
        lo, hi = np.percentile(x, [2.5, 97.5])
        return float(lo), float(hi)

    return {"mi_model": interval(mi_model), "mi_ref": interval(mi_ref), "r_emi": interval(mi_model - mi_ref)}


def bootstrap_remid(id_model: np.ndarray, id_ref: np.ndarray, ood_model: np.ndarray, ood_ref: np.ndarray,
                    n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% interval of R-EMID = R-EMI(ID) - R-EMI(OOD), ID and OOD resampled independently."""
    id_idx = _indices(_check_matrix(id_model).shape[0], n_boot, seed)
    ood_idx = _indices(_check_matrix(ood_model).shape[0], n_boot, seed + 1)
    id_remi = _resampled_mi(id_model, id_idx) - _resampled_mi(_check_matrix(id_ref), id_idx)
    ood_remi = _resampled_mi(ood_model, ood_idx) - _resampled_mi(_check_matrix(ood_ref), ood_idx)
    lo, hi = np.percentile(id_remi - ood_remi, [2.5, 97.5])
    return float(lo), float(hi)
