"""Shift severity: Jensen-Shannon divergences between text-embedding samples (theorem 3.4, eq. 1 and 3).

Theorem 3.4 bounds R-EMID by sqrt(2/3) H_hat sum_z D_JS^{1/2}(P_{X_z} || Q_{X_z}) + 8 Delta^{1/4}, with
z over user persona, agent character and dialogue context, and Delta = delta_P + delta_Q the response
divergences D_JS(P_{Y_theta} || P_Y) and D_JS(Q_{Y_theta} || Q_Y). Every D_JS here is in nats, so it
lies in [0, ln 2]. Texts are compared through an embedder (``remid.models.embeddings``: unit rows [N, D]).

Two independent estimators that cross-check each other:

* ``representation_jsd`` -- the estimator of the EMID reference code (Oh et al. 2025,
  github.com/deeplearning-wisc/mllmshift-emi, ``main.py``: ``JSD_cov`` / ``vonNeumannEntropy``, taken
  from the representation Jensen-Shannon divergence of Hoyos-Osorio & Sanchez-Giraldo,
  github.com/uk-cliplab/representationJSD). Each sample becomes the uncentred second-moment matrix of
  its unit embeddings, rho = mean_i x_i x_i^T (trace 1: a density matrix), and
  D_JS = S((rho_P + rho_Q) / 2) - (S(rho_P) + S(rho_Q)) / 2 with S the von Neumann entropy
  -sum lambda log lambda of the trace-normalised eigenvalues. It is the Holevo quantity of the
  two-state ensemble, so at the population level it is at most the classical D_JS of the embedded
  texts (data processing) and at most ln 2. Its finite-sample estimate is biased *upward*: the
  mixture of two N-point samples has up to twice the rank of either, so two samples of one
  distribution read > 0, the more so the higher the dimension and the smaller N (measured in
  tests/test_divergence.py; two halves of the mini benchmark's ID test set read 0.08-0.21 per
  component with the char n-gram embedder, about the ~0.2 of the unshifted components in the paper's
  table 12). Compare shifts at equal sample sizes.
* ``classifier_jsd`` -- the variational (discriminator) form D_JS = ln 2 + E_P[log D] / 2 +
  E_Q[log(1 - D)] / 2, maximised by D = p / (p + q): a class-balanced, L2-regularised logistic
  regression on PCA-reduced embeddings, cross-fitted so that every sample is scored by a model that
  never saw its label. Any held-out D gives a lower bound in expectation, so it is biased *downward*
  (~0 for one distribution, clipped at 0), and it saturates just below ln 2 once the samples separate.

Their agreement in rank across shifts, not in value, is the check.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import minimize

from remid.core.prompts import character_text, dialogue_text
from remid.core.schema import Sample

LN2 = math.log(2.0)
COMPONENTS: tuple[str, ...] = ("user", "character", "dialogue", "input")
L2_GRID: tuple[float, ...] = (1e-3, 1e-2, 1e-1, 1.0)


def _check_embeddings(x: np.ndarray, name: str, min_rows: int = 1) -> np.ndarray:
    """``x`` as a finite float64 [N, D] array with N >= ``min_rows``; ValueError naming it otherwise."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D [N, D] embedding array, got shape {x.shape}")
    if x.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows, got {x.shape[0]}")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} has {int((~np.isfinite(x)).sum())} non-finite entries")
    return x


def _pair(p: np.ndarray, q: np.ndarray, min_rows: int = 1) -> tuple[np.ndarray, np.ndarray]:
    p, q = _check_embeddings(p, "p", min_rows), _check_embeddings(q, "q", min_rows)
    if p.shape[1] != q.shape[1]:
        raise ValueError(f"p and q embed in different dimensions, {p.shape[1]} vs {q.shape[1]}")
    return p, q


# --------------------------------------------------------------------------- representation JSD


def von_neumann_entropy(eigenvalues: np.ndarray) -> float:
    """-sum lambda log lambda (nats) over the positive eigenvalues, first rescaled to sum to 1."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    lam = lam[lam > 0]
    if lam.size == 0:
        raise ValueError("no positive eigenvalue: the embeddings are all zero")
    lam = lam / lam.sum()
    return float(-(lam * np.log(lam)).sum())


def _weighted_spectrum(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Eigenvalues of sum_i w_i x_i x_i^T, from the smaller of its D x D and N x N forms. -> [min(N, D)]

    sum_i w_i x_i x_i^T = A^T A with A = sqrt(w) x [N, D], and A^T A [D, D] has the nonzero spectrum of
    A A^T [N, N]: at N = 200 texts and D = 4096 the Gram form is 20x smaller.
    """
    a = x * np.sqrt(weights)[:, None]  # [N, D]
    gram = a @ a.T if a.shape[0] <= a.shape[1] else a.T @ a  # [min(N, D), min(N, D)]
    return np.linalg.eigvalsh(gram)


def representation_jsd(p: np.ndarray, q: np.ndarray) -> float:
    """Representation D_JS(P || Q) in nats, in [0, ln 2], of two embedding samples p [N, D] and q [M, D].

    The EMID reference code's estimator (``JSD_cov`` in deeplearning-wisc/mllmshift-emi; module
    docstring): rows are L2-normalised (the embedders already return unit rows), rho_P = mean_i p_i p_i^T,
    rho_Q likewise, and D_JS = S((rho_P + rho_Q) / 2) - (S(rho_P) + S(rho_Q)) / 2. The reference code
    forms the un-averaged sums P^T P and Q^T Q, so its mixture weighs the two samples by their sizes;
    here each sample weighs 1/2, as in the definition of D_JS. The two agree when N = M.
    Deterministic (no sampling).
    """
    p, q = _pair(p, q)
    p = p / np.maximum(np.linalg.norm(p, axis=1, keepdims=True), 1e-12)  # [N, D]
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)  # [M, D]
    h_p = von_neumann_entropy(_weighted_spectrum(p, np.full(len(p), 1.0 / len(p))))
    h_q = von_neumann_entropy(_weighted_spectrum(q, np.full(len(q), 1.0 / len(q))))
    both = np.concatenate([p, q])  # [N + M, D]
    weights = np.concatenate([np.full(len(p), 0.5 / len(p)), np.full(len(q), 0.5 / len(q))])
    h_mix = von_neumann_entropy(_weighted_spectrum(both, weights))
    return float(np.clip(h_mix - 0.5 * (h_p + h_q), 0.0, LN2))


# --------------------------------------------------------------------------- classifier JSD


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Class-balanced L2 logistic regression, each class's loss averaged then halved. -> [k + 1] (w, bias)

    Minimises sum_i c_i softplus(-s_i y_i) + l2 / 2 |w|^2 with s = x w + b, y in {-1, +1} and
    c_i = 1 / (2 n_{class of i}): the balanced prior of D_JS whatever the two sample sizes.
    """
    c = np.where(y > 0, 0.5 / max((y > 0).sum(), 1), 0.5 / max((y < 0).sum(), 1))  # [n]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        margin = y * (x @ w + b)  # [n]
        value = float(c @ _softplus(-margin) + 0.5 * l2 * w @ w)
        slope = -c * y / (1.0 + np.exp(np.clip(margin, -500, 500)))  # [n] d loss / d s_i
        return value, np.concatenate([x.T @ slope + l2 * w, [slope.sum()]])

    return minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x


def _held_out_terms(x: np.ndarray, y: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Per-sample log D(x) for P rows (y = +1) and log(1 - D(x)) for Q rows (y = -1). -> [n]"""
    score = x @ theta[:-1] + theta[-1]  # [n] logit of D
    return -_softplus(-y * score)


def _folds(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """A fold label in 0..k-1 for each of n items, as balanced as possible, shuffled. -> [n]"""
    return rng.permutation(np.arange(n) % k)


def _variational_jsd(terms: np.ndarray, y: np.ndarray) -> float:
    """ln 2 + E_P[log D] / 2 + E_Q[log(1 - D)] / 2 from held-out per-sample terms."""
    return LN2 + 0.5 * terms[y > 0].mean() + 0.5 * terms[y < 0].mean()


def _choose_l2(x: np.ndarray, y: np.ndarray, grid: Sequence[float], inner: int,
               rng: np.random.Generator) -> float:
    """The grid penalty with the best inner cross-fitted variational D_JS on the training rows."""
    fold = np.concatenate([_folds(int((y > 0).sum()), inner, rng), _folds(int((y < 0).sum()), inner, rng)])
    order = np.concatenate([np.flatnonzero(y > 0), np.flatnonzero(y < 0)])
    fold_of = np.empty(len(y), dtype=int)
    fold_of[order] = fold
    best, best_value = grid[0], -np.inf
    for l2 in grid:
        terms = np.empty(len(y))
        for f in range(inner):
            test = fold_of == f
            terms[test] = _held_out_terms(x[test], y[test], _fit_logistic(x[~test], y[~test], l2))
        value = _variational_jsd(terms, y)
        if value > best_value:
            best, best_value = l2, value
    return best


def _pca(x: np.ndarray, dim: int) -> np.ndarray:
    """``x`` [n, D] centred, projected on its top ``dim`` principal axes, unit variance. -> [n, <= dim]"""
    centred = x - x.mean(axis=0)
    if centred.shape[0] <= centred.shape[1]:  # Gram form: n x n instead of D x D
        eigval, eigvec = np.linalg.eigh(centred @ centred.T)  # ascending
        keep = eigval[::-1][:dim] > 1e-12 * max(eigval[-1], 1e-300)
        scores = eigvec[:, ::-1][:, :dim][:, keep] * np.sqrt(eigval[::-1][:dim][keep])  # [n, <=dim]
    else:
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        scores = centred @ vt[:dim].T
    std = scores.std(axis=0)
    return scores[:, std > 1e-12] / std[std > 1e-12]


def classifier_jsd(p: np.ndarray, q: np.ndarray, dim: int = 16, folds: int = 5, inner_folds: int = 3,
                   l2_grid: Sequence[float] = L2_GRID, repeats: int = 1, seed: int = 0) -> float:
    """Cross-fitted discriminator D_JS(P || Q) in nats, clipped to [0, ln 2], of p [N, D] and q [M, D].

    1. The pooled rows are reduced to their top ``dim`` principal components (fitted once on both
       samples without their labels, so no label leaks into the held-out folds) and standardised.
    2. Each sample is split into ``folds`` folds. For each fold, a class-balanced logistic regression
       D(x) = P(x from P) is trained on the other folds, its L2 penalty picked from ``l2_grid`` by an
       inner ``inner_folds``-fold cross-fit on those training rows only.
    3. D_JS = ln 2 + mean_P log D(x) / 2 + mean_Q log(1 - D(x)) / 2 over the held-out scores of every
       row; with ``repeats`` > 1, averaged over that many fold assignments.

    Any fixed D makes this a lower bound on D_JS, so the estimate is biased down (one distribution
    reads ~0); it is not an estimate of the representation D_JS. Deterministic given ``seed``.
    """
    p, q = _pair(p, q, min_rows=folds)
    if dim < 1 or folds < 2 or inner_folds < 2 or repeats < 1 or not l2_grid:
        raise ValueError(f"need dim >= 1, folds >= 2, inner_folds >= 2, repeats >= 1 and a penalty grid, got "
                         f"dim={dim}, folds={folds}, inner_folds={inner_folds}, repeats={repeats}, "
                         f"l2_grid={l2_grid}")
    x = _pca(np.concatenate([p, q]), min(dim, len(p) + len(q) - 1))  # [N + M, k]
    y = np.concatenate([np.ones(len(p)), -np.ones(len(q))])  # [N + M]
    if x.shape[1] == 0:  # every row identical: nothing tells P from Q
        return 0.0
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(repeats):
        fold_of = np.concatenate([_folds(len(p), folds, rng), _folds(len(q), folds, rng)])  # [N + M]
        terms = np.empty(len(y))
        for f in range(folds):
            test = fold_of == f
            l2 = _choose_l2(x[~test], y[~test], l2_grid, inner_folds, rng)
            terms[test] = _held_out_terms(x[test], y[test], _fit_logistic(x[~test], y[~test], l2))
        estimates.append(_variational_jsd(terms, y))
    return float(np.clip(np.mean(estimates), 0.0, LN2))


# --------------------------------------------------------------------------- samples and responses

CHECK_MIN_ROWS = 5  # classifier_jsd's default folds: the cross-check is skipped (and says so) below it
ESTIMATORS: dict[str, Callable[..., float]] = {"representation": representation_jsd,
                                               "classifier": classifier_jsd}


def jsd(p: np.ndarray, q: np.ndarray, estimator: str = "representation", seed: int = 0) -> float:
    """D_JS(P || Q) in nats by the named estimator (``ESTIMATORS``); ``seed`` only matters to "classifier"."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; expected one of {sorted(ESTIMATORS)}")
    return representation_jsd(p, q) if estimator == "representation" else classifier_jsd(p, q, seed=seed)


def component_texts(sample: Sample) -> dict[str, str]:
    """The input X = (X_u, X_a, X_d) of one sample as texts, plus the whole input (the three joined)."""
    parts = {"user": sample.user_persona, "character": character_text(sample),
             "dialogue": dialogue_text(sample)}
    return {**parts, "input": "\n".join(parts[z] for z in ("user", "character", "dialogue"))}


def _encode_unique(embedder, texts: list[str]) -> dict[str, np.ndarray]:
    """Each distinct text encoded once. -> {text: [D]}"""
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, np.asarray(embedder.encode(unique)), strict=True))


def component_divergences(id_samples: Sequence[Sample], ood_samples: Sequence[Sample], embedder,
                          estimator: str = "representation", check: str | None = "classifier",
                          seed: int = 0) -> dict:
    """D_JS(P_{X_z} || Q_{X_z}) for z in user, character, dialogue and the whole input (eq. 1, 3 and 4).

    -> ``{"encoder", "estimator", "user", "character", "dialogue", "input", "check": {"estimator", ...},
    "n_id", "n_ood"}``; ``check`` (another estimator, or None for none) recomputes every component.
    """
    if not id_samples or not ood_samples:
        raise ValueError(f"need ID and OOD samples, got {len(id_samples)} and {len(ood_samples)}")
    id_texts = [component_texts(s) for s in id_samples]
    ood_texts = [component_texts(s) for s in ood_samples]
    vectors = _encode_unique(embedder, [t[z] for t in id_texts + ood_texts for z in COMPONENTS])
    id_vectors = {z: np.stack([vectors[t[z]] for t in id_texts]) for z in COMPONENTS}  # [N, D] each
    ood_vectors = {z: np.stack([vectors[t[z]] for t in ood_texts]) for z in COMPONENTS}  # [M, D] each

    def divergences(name: str) -> dict[str, float]:
        return {z: jsd(id_vectors[z], ood_vectors[z], name, seed) for z in COMPONENTS}

    out = {"encoder": embedder.name, "estimator": estimator, **divergences(estimator)}
    if check is not None and min(len(id_samples), len(ood_samples)) < CHECK_MIN_ROWS:
        out["check"] = {"estimator": check, "skipped": f"needs >= {CHECK_MIN_ROWS} samples a side (folds)"}
    elif check is not None:
        out["check"] = {"estimator": check, **divergences(check)}
    return {**out, "n_id": len(id_samples), "n_ood": len(ood_samples)}


def response_divergence(model_responses: Sequence[str], golden_responses: Sequence[str], embedder,
                        estimator: str = "representation", seed: int = 0) -> float:
    """D_JS(P_{Y_theta} || P_Y) of RPM against golden responses: delta_P / delta_Q of theorem 3.4."""
    if not model_responses or not golden_responses:
        raise ValueError(f"need model and golden responses, got {len(model_responses)} and "
                         f"{len(golden_responses)}")
    vectors = _encode_unique(embedder, list(model_responses) + list(golden_responses))
    model = np.stack([vectors[t] for t in model_responses])  # [N, D]
    golden = np.stack([vectors[t] for t in golden_responses])  # [M, D]
    return jsd(model, golden, estimator, seed)
