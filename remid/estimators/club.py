"""CLUB mutual-information estimates (paper equation 2) and bootstrap intervals. Pure numpy."""

from __future__ import annotations

import numpy as np

# CLUB's two forms (``estimator.club_form``): "paper" is equation 2 as written, the N^2 term over all N x N pairs,
# diagonal included; "authors" is the authors' code, mean(positive) - mean(negative) with the negatives the
# off-diagonal pairs only. paper = (N - 1) / N x authors on a full matrix.
CLUB_FORMS = ("paper", "authors")


def _check_matrix(logp: np.ndarray, name: str = "logp") -> np.ndarray:
    """``logp`` as a float64 N x N array; ValueError naming the problem otherwise."""
    logp = np.asarray(logp, dtype=np.float64)
    if logp.ndim != 2 or logp.shape[0] != logp.shape[1]:
        raise ValueError(f"CLUB needs a square N x N log-prob matrix, {name} has shape {logp.shape}")
    if logp.shape[0] < 2:
        raise ValueError(f"CLUB needs N >= 2 samples, {name} has N = {logp.shape[0]}")
    bad = ~np.isfinite(logp)
    if bad.any():
        first = tuple(int(x) for x in np.argwhere(bad)[0])
        n_nan = int(np.isnan(logp).sum())
        raise ValueError(f"{name} has {int(bad.sum())} non-finite entries ({n_nan} NaN, "
                         f"{int(bad.sum()) - n_nan} inf), first at index {first}")
    return logp


def _check_same_shape(a: np.ndarray, b: np.ndarray, what: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{what}: model and reference matrices differ in shape, {a.shape} vs {b.shape}")


def _check_form(form: str) -> str:
    if form not in CLUB_FORMS:
        raise ValueError(f"estimator.club_form must be one of {list(CLUB_FORMS)}, got {form!r}")
    return form


def club_mi(logp: np.ndarray, form: str = "paper") -> float:
    """Equation 2 (``form="paper"``): (1/N) sum_i logp[i, i] - (1/N^2) sum_i sum_j logp[i, j], diagonal included.

    ``logp[i, j] = log p(y_j | x_i, r_i)``. As written in the paper, the N^2 term includes the
    diagonal. ``form="authors"`` (the authors' code, and CLUB's original form): mean of the diagonal
    minus the mean over the N(N-1) off-diagonal pairs; paper = (N - 1) / N x authors.
    """
    logp = _check_matrix(logp)
    diag = np.diag(logp)
    if _check_form(form) == "authors":
        n = logp.shape[0]
        return float(diag.mean() - (logp.sum() - diag.sum()) / (n * (n - 1)))
    return float(np.mean(diag) - np.mean(logp))


def identical_pairs(texts: list[str]) -> int:
    """Ordered off-diagonal pairs (i, j), i != j, whose texts are identical. Equation 2 counts each as a negative
    pair although y_j is y_i's own text, which biases the N^2 term towards the diagonal (MI towards 0)."""
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    return sum(c * (c - 1) for c in counts.values())


def sample_negative_pairs(n: int, k: int, rng: np.random.Generator, replace: bool = True) -> np.ndarray:
    """``k`` pairs ``(i, j)`` with ``i != j``, uniform with replacement (or, ``replace=False``, ``k`` distinct
    pairs, as the authors' code draws at most 1,000 of a subset's off-diagonal pairs); all n(n-1) if
    k >= n(n-1). -> [k, 2]"""
    if n < 2:
        raise ValueError(f"need n >= 2 samples for off-diagonal pairs, got {n}")
    if k < 1:
        raise ValueError(f"need k >= 1 negative pairs, got {k}")
    if k >= n * (n - 1):
        i, j = np.nonzero(~np.eye(n, dtype=bool))
        return np.stack([i, j], axis=1)
    if not replace:
        flat = rng.choice(n * (n - 1), size=k, replace=False)  # index into the off-diagonal pairs, row-major
        i, offset = np.divmod(flat, n - 1)
        return np.stack([i, (i + 1 + offset) % n], axis=1)
    i = rng.integers(0, n, size=k)
    j = (i + rng.integers(1, n, size=k)) % n  # uniform over the n - 1 columns j != i
    return np.stack([i, j], axis=1)


def club_mi_sampled(diag: np.ndarray, pairs: np.ndarray, values: np.ndarray, n: int, form: str = "paper") -> float:
    """Equation 2 with its N^2 term estimated from K sampled off-diagonal entries.

    ``diag[i] = logp[i, i]``; ``values[m] = logp[pairs[m, 0], pairs[m, 1]]``. The estimate is
    mean(diag) - (sum(diag) + n(n-1) mean(values)) / n^2, unbiased for equation 2's full term and
    exact when every off-diagonal pair is given. The authors' code samples 1000 pairs; the
    diagonal (already computed) enters exactly so only the n(n-1) off-diagonal part is sampled.
    ``form="authors"``: mean(diag) - mean(values), the authors' code (see ``club_mi``).
    """
    _check_form(form)
    diag = np.asarray(diag, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    pairs = np.asarray(pairs)
    if n < 2 or diag.shape != (n,):
        raise ValueError(f"expected n >= 2 diagonal entries, got n = {n} and diag shape {diag.shape}")
    if pairs.ndim != 2 or pairs.shape[1] != 2 or len(values) != len(pairs) or len(values) == 0:
        raise ValueError(f"need one value per sampled [K, 2] pair, got {len(values)} values, pairs {pairs.shape}")
    if (pairs[:, 0] == pairs[:, 1]).any():
        raise ValueError("sampled pairs must be off-diagonal (i != j)")
    for name, arr in (("diag", diag), ("values", values)):
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(f"{name} has {int(bad.sum())} non-finite entries, first at index {int(np.argmax(bad))}")
    if form == "authors":
        return float(diag.mean() - values.mean())
    second = (diag.sum() + n * (n - 1) * values.mean()) / n**2
    return float(diag.mean() - second)


def _resampled_mi(logp: np.ndarray, idx: np.ndarray, form: str = "paper") -> np.ndarray:
    """Equation 2 on each bootstrap resample ``idx_b`` (a row of ``idx`` [B, N]). -> [B]

    A resample repeats some samples. ``M[idx_b][:, idx_b]`` would put the pair (y_i | x_i) of a
    repeated sample off the diagonal, counting a matched pair as a negative and biasing every
    resampled estimate downward. So the off-diagonal mean is taken over pairs of *different*
    samples only, and the estimate keeps equation 2's form:
    mean(diag) - (N mean(diag) + N(N-1) mean(off-diagonal)) / N^2 (``form="authors"``: mean(diag) -
    mean(off-diagonal)).
    """
    b, n = idx.shape
    diag = np.diag(logp)  # [N]
    flat = (idx + n * np.arange(b)[:, None]).ravel()
    counts = np.bincount(flat, minlength=b * n).reshape(b, n).astype(np.float64)  # [B, N] multiplicities
    diag_mean = counts @ diag / n  # [B]
    same = (counts**2) @ diag  # [B] entries (i, i) seen from any two positions holding sample i
    different = np.einsum("bi,bi->b", counts @ logp, counts) - same  # [B] sum over pairs of distinct samples
    n_different = n**2 - (counts**2).sum(axis=1)  # [B] >= 0; 0 only if one sample fills the resample
    off_mean = np.divide(different, n_different, out=np.full(b, np.nan), where=n_different > 0)
    if _check_form(form) == "authors":
        return diag_mean - off_mean
    return diag_mean - (n * diag_mean + n * (n - 1) * off_mean) / n**2


def _indices(n: int, n_boot: int, seed: int) -> np.ndarray:
    if n_boot < 1:
        raise ValueError(f"need n_boot >= 1, got {n_boot}")
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def bootstrap_draws(logp: np.ndarray, n_boot: int = 1000, seed: int = 0, form: str = "paper") -> np.ndarray:
    """Equation 2 (in ``form``) on ``n_boot`` resamples of the samples (as ``bootstrap_mi`` draws them, same
    seed, same resamples). -> [n_boot]"""
    logp = _check_matrix(logp)
    return _resampled_mi(logp, _indices(logp.shape[0], n_boot, seed), form)


def interval(x: np.ndarray) -> tuple[float, float]:
    """The percentile 95% interval of bootstrap draws ``x`` (NaN draws left out)."""
    lo, hi = np.nanpercentile(x, [2.5, 97.5])  # NaN: a resample of one repeated sample (tiny N only)
    return float(lo), float(hi)


def bootstrap_mi(logp_model: np.ndarray, logp_ref: np.ndarray, n_boot: int = 1000, seed: int = 0,
                 form: str = "paper") -> dict:
    """Percentile 95% intervals ``{"mi_model", "mi_ref", "r_emi": (lo, hi)}``.

    R-EMI = I_model - I_ref (definition 3.2), each I by equation 2. Samples are resampled with
    replacement (a sample keeps its context row and response column together, see
    ``_resampled_mi``), and the same resample is used for both matrices, so their correlation
    carries into the R-EMI interval.
    """
    logp_model, logp_ref = _check_matrix(logp_model, "logp_model"), _check_matrix(logp_ref, "logp_ref")
    _check_same_shape(logp_model, logp_ref, "bootstrap_mi")
    idx = _indices(logp_model.shape[0], n_boot, seed)
    mi_model, mi_ref = _resampled_mi(logp_model, idx, form), _resampled_mi(logp_ref, idx, form)
    return {"mi_model": interval(mi_model), "mi_ref": interval(mi_ref), "r_emi": interval(mi_model - mi_ref)}


def bootstrap_remid(id_model: np.ndarray, id_ref: np.ndarray, ood_model: np.ndarray, ood_ref: np.ndarray,
                    n_boot: int = 1000, seed: int = 0, form: str = "paper") -> tuple[float, float]:
    """Percentile 95% interval of R-EMID = R-EMI(ID) - R-EMI(OOD) (definition 3.3).

    ID and OOD are independent samples, so they are resampled independently (seeds ``seed`` and
    ``seed + 1``); within each, model and reference share the resample as in ``bootstrap_mi``.
    """
    id_model, id_ref = _check_matrix(id_model, "id_model"), _check_matrix(id_ref, "id_ref")
    ood_model, ood_ref = _check_matrix(ood_model, "ood_model"), _check_matrix(ood_ref, "ood_ref")
    _check_same_shape(id_model, id_ref, "bootstrap_remid (ID)")
    _check_same_shape(ood_model, ood_ref, "bootstrap_remid (OOD)")
    id_idx = _indices(id_model.shape[0], n_boot, seed)
    ood_idx = _indices(ood_model.shape[0], n_boot, seed + 1)
    id_remi = _resampled_mi(id_model, id_idx, form) - _resampled_mi(id_ref, id_idx, form)
    ood_remi = _resampled_mi(ood_model, ood_idx, form) - _resampled_mi(ood_ref, ood_idx, form)
    return interval(id_remi - ood_remi)


def bootstrap_difference(logp_a: np.ndarray, logp_b: np.ndarray, n_boot: int = 1000, seed: int = 0,
                         form: str = "paper") -> tuple[float, float]:
    """Percentile 95% interval of I_a - I_b for two RPMs scored on the same samples.

    Both RPMs' matrices share the contexts and the reference, so R-EMI_a - R-EMI_b = I_a - I_b
    (the I_ref terms cancel). The samples are resampled jointly (paired bootstrap): the interval
    reflects how much the difference, not each estimate, moves with the sample.
    """
    logp_a, logp_b = _check_matrix(logp_a, "logp_a"), _check_matrix(logp_b, "logp_b")
    _check_same_shape(logp_a, logp_b, "bootstrap_difference")
    idx = _indices(logp_a.shape[0], n_boot, seed)
    return interval(_resampled_mi(logp_a, idx, form) - _resampled_mi(logp_b, idx, form))
