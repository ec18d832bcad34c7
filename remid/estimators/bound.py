"""The upper bound on R-EMID of theorem 3.4 (eq. 1 = appendix C eq. 3) and the EMID bound (eq. 4). Pure numpy.

    R-EMID(P_XY, Q_XY; P_theta)
        <= sqrt(2/3) H_hat sum_{z in u, a, d} D_JS^{1/2}(P_{X_z} || Q_{X_z}) + 8 Delta^{1/4}

with H_hat = max_x [H(Q_{Y|x,r}) + H(P_{Y_theta|x,r})], Delta = delta_P + delta_Q and delta_P, delta_Q
bounding D_JS(P_{Y_theta} || P_Y) and D_JS(Q_{Y_theta} || Q_Y). The divergences come from
``remid.estimators.divergence`` (nats, in [0, ln 2]); the entropies from ``CachedScorer.entropies``.
Appendix C obtains eq. 3 from eq. 4 through 2 D_JS(P_X || Q_X) = (2/3) sum_z D_JS(P_{X_z} || Q_{X_z})
(eq. 5-6, marginal terms only) and sqrt(sum_z D_z) <= sum_z sqrt(D_z) (eq. 7, whose printed form misplaces
the square root), so with ``djs_input`` = the mean of the three component divergences the R-EMID bound is
never below the EMID bound.

The authors' EMID code (deeplearning-wisc/mllmshift-emi, ``EMIDupperbound``) reports by default a
"scale-adjusted" bound without H_hat, sqrt(D_JS^v) + sqrt(D_JS^t) + delta_P^{1/4} + delta_Q^{1/4}, and
with an entropy scale H * (sum of square roots) + 4 (delta_P^{1/4} + delta_Q^{1/4}); the functions here
follow the theorems as printed (8 Delta^{1/4}, which is never smaller).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from remid.estimators.divergence import LN2, representation_jsd

SHIFT_COMPONENTS: tuple[str, ...] = ("user", "character", "dialogue")  # z in {u, a, d} of eq. 1
CURVE_SIZES: tuple[int, ...] = (10, 20, 30, 50, 100, 150, 200, 300, 500, 1000, 2000, 5000)
# Keys of the per-side embedding mappings of ``bound_curve``: the three input components, then the RPM's
# responses and the golden ones (delta_P on ID, delta_Q on OOD).
CURVE_KEYS: tuple[str, ...] = (*SHIFT_COMPONENTS, "response", "golden")


def _check_term(value: float, name: str, upper: float | None = None) -> float:
    """``value`` as a float that is finite, >= 0 and (if given) <= ``upper``; ValueError naming ``name``."""
    try:
        value = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    if upper is not None and value > upper + 1e-9:
        raise ValueError(f"{name} = {value} exceeds {upper:.6f}: a Jensen-Shannon divergence in nats "
                         "is at most ln 2")
    return value


def _check_entropies(values: np.ndarray, name: str) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of per-context entropies, "
                         f"got shape {values.shape}")
    if np.isnan(values).any():
        raise ValueError(f"{name} has {int(np.isnan(values).sum())} NaN entries, first at index "
                         f"{int(np.argmax(np.isnan(values)))}")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} has infinite entries")
    if (values < 0).any():
        raise ValueError(f"{name} has negative entropies, first {values[values < 0][0]} at index "
                         f"{int(np.argmax(values < 0))}")
    return values


def h_hat(entropy_ref_ood: np.ndarray, entropy_model_ood: np.ndarray, quantile: float = 0.95) -> dict:
    """H_hat = max_x [H(Q_{Y|x,r}) + H(P_{Y_theta|x,r})] of theorem 3.4, estimated over the OOD contexts.

    ``entropy_ref_ood[i]`` is the estimator policy's predictive entropy along the golden response given
    (x_i, r_i), ``entropy_model_ood[i]`` the same policy's entropy along the RPM's response to x_i given
    (x_i, r_i) (``CachedScorer.entropies``, policy-prompt contexts holding r_i). Each is the entropy of the
    next-token distribution averaged over the response's tokens (nats per token: the scale of R-EMI's
    "mean" reduction; with the "sum" reduction it is nats per response). The max over the evaluated
    contexts stands in for the max over all of X (the authors' code never estimates H_hat): it can only
    grow with more contexts and is set by one sample, so the ``quantile`` of the per-context sums is
    reported as ``robust`` beside it.

    -> ``{"max", "robust", "quantile", "argmax", "mean", "n"}``
    """
    ref = _check_entropies(entropy_ref_ood, "entropy_ref_ood")
    model = _check_entropies(entropy_model_ood, "entropy_model_ood")
    if ref.shape != model.shape:
        raise ValueError(f"entropy_ref_ood and entropy_model_ood must align per context, got {ref.shape} "
                         f"and {model.shape}")
    if not 0.0 < quantile <= 1.0:
        raise ValueError(f"quantile must be in (0, 1], got {quantile}")
    total = ref + model  # [N] H(Q_{Y|x,r}) + H(P_{Y_theta|x,r}) per context
    return {"max": float(total.max()), "robust": float(np.quantile(total, quantile)), "quantile": quantile,
            "argmax": int(total.argmax()), "mean": float(total.mean()), "n": int(total.size)}


def _delta_terms(delta_p: float, delta_q: float) -> dict:
    delta_p = _check_term(delta_p, "delta_p", LN2)
    delta_q = _check_term(delta_q, "delta_q", LN2)
    delta = delta_p + delta_q
    return {"delta_p": delta_p, "delta_q": delta_q, "delta": delta, "delta_term": 8.0 * delta**0.25}


def remid_bound(h_hat: float, djs: Mapping[str, float], delta_p: float, delta_q: float) -> dict:
    """Theorem 3.4 (eq. 1 / 3): sqrt(2/3) H_hat sum_{z in u, a, d} sqrt(D_JS^z) + 8 (delta_P + delta_Q)^{1/4}.

    ``djs`` maps "user", "character", "dialogue" to D_JS(P_{X_z} || Q_{X_z}) in nats (other keys, such as
    those of ``component_divergences``' result, are ignored).
    -> ``{"h_hat", "djs", "delta_p", "delta_q", "delta", "sum_sqrt_djs", "divergence_term", "delta_term",
    "value"}``
    """
    h = _check_term(h_hat, "h_hat")
    missing = [z for z in SHIFT_COMPONENTS if z not in djs]
    if missing:
        raise ValueError(f"djs lacks the component divergences {missing}; expected keys {SHIFT_COMPONENTS}")
    parts = {z: _check_term(djs[z], f"djs[{z!r}]", LN2) for z in SHIFT_COMPONENTS}
    sum_sqrt = sum(math.sqrt(v) for v in parts.values())
    out = {"h_hat": h, "djs": parts, **_delta_terms(delta_p, delta_q), "sum_sqrt_djs": sum_sqrt,
           "divergence_term": math.sqrt(2.0 / 3.0) * h * sum_sqrt}
    out["value"] = out["divergence_term"] + out["delta_term"]
    return out


def emid_bound(h_hat: float, djs_input: float, delta_p: float, delta_q: float) -> dict:
    """The EMID bound of Oh et al. (2025), appendix C eq. 4: H_hat sqrt(2 D_JS(P_X || Q_X)) + 8 Delta^{1/4}.

    ``djs_input`` is D_JS of the whole input (``component_divergences(...)["input"]``): the baseline that
    does not split X into user, character and dialogue.
    -> ``{"h_hat", "djs_input", "delta_p", "delta_q", "delta", "divergence_term", "delta_term", "value"}``
    """
    h = _check_term(h_hat, "h_hat")
    d = _check_term(djs_input, "djs_input", LN2)
    out = {"h_hat": h, "djs_input": d, **_delta_terms(delta_p, delta_q),
           "divergence_term": h * math.sqrt(2.0 * d)}
    out["value"] = out["divergence_term"] + out["delta_term"]
    return out


def curve_sizes(n_max: int, sizes: Sequence[int] = CURVE_SIZES) -> list[int]:
    """The sizes of ``sizes`` below ``n_max``, then ``n_max`` itself, ascending."""
    if n_max < 1:
        raise ValueError(f"need n_max >= 1, got {n_max}")
    return sorted({int(n) for n in sizes if 0 < n < n_max} | {int(n_max)})


def _side(embeddings: Mapping[str, np.ndarray], name: str) -> dict[str, np.ndarray]:
    missing = [k for k in CURVE_KEYS if k not in embeddings]
    if missing:
        raise ValueError(f"{name} lacks {missing}; expected embeddings for {CURVE_KEYS}")
    side = {k: np.asarray(embeddings[k]) for k in CURVE_KEYS}
    lengths = {k: len(v) for k, v in side.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"{name} arrays must have one row per sample, got lengths {lengths}")
    return side


def bound_curve(id_embeddings: Mapping[str, np.ndarray], ood_embeddings: Mapping[str, np.ndarray],
                entropy_ref_ood: np.ndarray, entropy_model_ood: np.ndarray, r_emid: Callable[[int], float],
                sizes: Sequence[int] | None = None,
                divergence: Callable[[np.ndarray, np.ndarray], float] = representation_jsd,
                robust: bool = False, h_at: Callable[[int], dict] | None = None) -> list[dict]:
    """The bound of theorem 3.4 and R-EMID against the sample size, from the first n samples (paper figure 5).

    ``id_embeddings`` / ``ood_embeddings`` map each of ``CURVE_KEYS`` to an [N, D] array, row i from
    sample i: the user, character and dialogue texts, the RPM's response and the golden one. For each n
    of ``sizes`` (default: ``curve_sizes`` of the smaller side), the first n rows of each give the three
    D_JS(P_{X_z} || Q_{X_z}), delta_P = D_JS(ID responses || ID golden) and delta_Q likewise on OOD (all
    by ``divergence``), H_hat from the first n OOD entropies (``h_hat``; its ``robust`` quantile if
    ``robust``) or, given ``h_at``, ``h_at(n)`` (an ``h_hat``-shaped dict, e.g. the RPM's own entropies over
    the first n samples), and ``r_emid(n)`` is called for the R-EMID on the same first n samples.
    -> one ``{"n", "bound", "r_emid", **remid_bound terms}`` per n, ascending
    """
    p, q = _side(id_embeddings, "id_embeddings"), _side(ood_embeddings, "ood_embeddings")
    ref = _check_entropies(entropy_ref_ood, "entropy_ref_ood")
    model = _check_entropies(entropy_model_ood, "entropy_model_ood")
    n_ood = len(q["user"])
    if len(ref) != n_ood or len(model) != n_ood:
        raise ValueError(f"need one OOD entropy per OOD sample ({n_ood}), got {len(ref)} and {len(model)}")
    n_max = min(len(p["user"]), n_ood)
    sizes = curve_sizes(n_max) if sizes is None else sorted({int(n) for n in sizes})
    if not sizes or sizes[0] < 1 or sizes[-1] > n_max:
        raise ValueError(f"sizes must lie in 1..{n_max} (the smaller of the ID and OOD samples), got {sizes}")
    curve = []
    for n in sizes:
        h = h_at(n) if h_at is not None else h_hat(ref[:n], model[:n])
        terms = remid_bound(h["robust"] if robust else h["max"],
                            {z: divergence(p[z][:n], q[z][:n]) for z in SHIFT_COMPONENTS},
                            divergence(p["response"][:n], p["golden"][:n]),
                            divergence(q["response"][:n], q["golden"][:n]))
        curve.append({"n": n, "bound": terms["value"], "r_emid": float(r_emid(n)), **terms})
    return curve
