"""The analyses evaluate adds to each subset's R-EMI: shift severity, theorem 3.4's bound and the judges.

Each function reads what the evaluation already holds (samples, the RPM's responses, the estimator's
scoring contexts and N x N matrices) and returns the dict stored on ``SubsetEstimate`` (schema in
``remid.evaluation.results``):

* ``shift_severity``: D_JS(P_z || Q_z) between the evaluated ID subset and each shifted one, for z in user
  persona, agent character, dialogue context and the whole input X (``remid.estimators.divergence``; the
  EMID reference code's representation JSD, cross-checked by a held-out classifier JSD). Data only: the
  same for every RPM.
* ``subset_bound``: the R-EMID upper bound of theorem 3.4 (eq. 1) with every term, the EMID bound (eq. 4)
  and the bound against the sample size (figure 5), per RPM and shifted subset.
* WinRate and PointScore come from the configured judge (``remid.judge.judge_responses``).

H_hat is estimated as stated in ``H_HAT_HOW`` (results.json names the source and, in ``h_hat_proxy``, what it
approximates): by default both of theorem 3.4's terms over every evaluated context, the reference side from the
estimator policy along the golden responses, the RPM side from the RPM itself
(``remid.evaluation.responses.rpm_entropies``; ``rpm_h_hat``); the estimator-policy stand-in
(``remid.estimators.bound.h_hat`` over the subset) stays as an option. The paper and the EMID reference code never
say how.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from remid.core.schema import Sample
from remid.estimators.bound import SHIFT_COMPONENTS, bound_curve, emid_bound, h_hat, remid_bound
from remid.estimators.club import club_mi
from remid.estimators.divergence import component_divergences, component_texts, jsd, response_divergence
from remid.estimators.remi import SubsetScores

H_HAT_HOW = {
    "rpm": ("theorem 3.4's max over x of [H(Q_{Y|x,r}) + H(P_{Y_theta|x,r})], over every evaluated context x (ID and "
            "each shifted subset): the reference side is the estimator policy's per-token mean entropy along the golden "
            "response given (x, r), the RPM side the RPM's own per-token mean entropy along its own response under its "
            "own prompt, in nats; h_hat_robust is the 95th percentile of the per-context sums"),
    "estimator": ("stand-in: max over the shifted subset's contexts x of [entropy of the estimator's policy along "
                  "the golden response given (x, r) + the same along the RPM's response], per-token mean entropy "
                  "in nats (the scale of R-EMI); h_hat_robust is the 95th percentile of the same sums"),
}
# Stored beside h_hat_source: what both sources approximate.
H_HAT_PROXY = ("proxy: the per-token entropy of the next-token distribution along one response (the golden one, the "
               "RPM's greedy one) stands in for the entropy of the whole response distribution H(Y | x, r)")


def rpm_h_hat(ref_entropy: dict[str, np.ndarray], rpm_entropy: dict[str, np.ndarray],
              subsets: Sequence[str] | None = None, n: int | None = None) -> dict:
    """Theorem 3.4's H_hat = max over x of [H(Q_{Y|x,r}) + H(P_{Y_theta|x,r})] over the contexts of ``subsets``
    (default: every subset of ``rpm_entropy``), the first ``n`` of each (None: all). ``ref_entropy[s][i]``: the
    estimator policy's entropy along the golden response of context i; ``rpm_entropy[s][i]``: the RPM's along its
    own response to it (``remid.estimators.bound.h_hat`` on the aligned concatenations)."""
    names = list(rpm_entropy) if subsets is None else list(subsets)
    missing = [s for s in names if s not in ref_entropy]
    if missing:
        raise ValueError(f"H_hat needs the reference-side entropies of {missing}")
    return h_hat(np.concatenate([np.asarray(ref_entropy[s])[:n] for s in names]),
                 np.concatenate([np.asarray(rpm_entropy[s])[:n] for s in names]))


def shift_severity(subsets: dict[str, list[Sample]], embedder, estimator: str = "representation",
                   check: str | None = "classifier", seed: int = 0) -> dict[str, dict]:
    """``{subset: component_divergences(ID, subset)}`` for every shifted subset; {} without an ``id`` subset."""
    base = subsets.get("id")
    if not base:
        return {}
    return {name: component_divergences(base, samples, embedder, estimator, check, seed)
            for name, samples in subsets.items() if name != "id"}


def _embed(embedder, samples: Sequence[Sample], responses: Sequence[str]) -> dict[str, np.ndarray]:
    """The curve's per-sample rows: user, character, dialogue, the RPM's response, the golden one. -> [N, D] each"""
    texts = [component_texts(s) for s in samples]
    columns = {z: [t[z] for t in texts] for z in SHIFT_COMPONENTS}
    columns.update(response=list(responses), golden=[s.golden_response for s in samples])
    flat = [t for column in columns.values() for t in column]
    unique = list(dict.fromkeys(flat))
    vectors = dict(zip(unique, np.asarray(embedder.encode(unique)), strict=True))
    return {k: np.stack([vectors[t] for t in column]) for k, column in columns.items()}


def r_emid_at(id_scores: SubsetScores, ood_scores: SubsetScores) -> Callable[[int], float]:
    """R-EMID from the first n samples of both subsets' matrices (CLUB, in the scores' form, on the leading n x n
    blocks)."""
    def r_emi(s: SubsetScores, n: int) -> float:
        return club_mi(s.logp_model[:n, :n], s.club_form) - club_mi(s.logp_ref[:n, :n], s.club_form)

    return lambda n: r_emi(id_scores, n) - r_emi(ood_scores, n)


def id_delta(id_scores: SubsetScores, embedder, estimator: str = "representation", seed: int = 0) -> float:
    """delta_P of theorem 3.4: D_JS of the RPM's responses against the golden ones on ID (once per RPM)."""
    return response_divergence(id_scores.model_responses, id_scores.ref_responses, embedder, estimator, seed)


def subset_bound(scorer, id_scores: SubsetScores, ood_scores: SubsetScores, id_samples: Sequence[Sample],
                 ood_samples: Sequence[Sample], divergence: dict, embedder, delta_p: float,
                 estimator: str = "representation", seed: int = 0,
                 rpm_entropy: dict[str, np.ndarray] | None = None,
                 ref_entropy: dict[str, np.ndarray] | None = None) -> dict:
    """Theorem 3.4's bound on R-EMID(ID -> subset) for one RPM, its terms, the EMID bound and the curve.

    ``scorer`` is the estimator's ``CachedScorer`` (its policy gives the entropies, cached); ``divergence``
    is the subset's ``shift_severity`` entry. delta_P / delta_Q are D_JS of the RPM's responses against the
    golden ones on ID (``delta_p``: ``id_delta``, the same for every subset of one RPM) / on the subset (the
    same estimator and embedder as the input terms). ``rpm_entropy`` (``remid.evaluation.responses.rpm_entropies``
    of every evaluated subset) with ``ref_entropy`` (the estimator policy's per-token mean entropies along the
    golden responses, same subsets): H_hat is ``rpm_h_hat`` over all of them (the default); None: the
    estimator-policy stand-in over this subset's contexts.
    """
    h_at = None
    if rpm_entropy is not None:
        if ref_entropy is None:
            raise ValueError("H_hat from the RPM needs ref_entropy, the reference side of theorem 3.4's sum")
        source = "rpm"
        h = rpm_h_hat(ref_entropy, rpm_entropy)
        ood = ood_samples[0].subset
        entropy_ref, entropy_model = np.asarray(ref_entropy[ood]), np.asarray(rpm_entropy[ood])
        h_at = lambda n: rpm_h_hat(ref_entropy, rpm_entropy, ("id", ood), n)  # noqa: E731  the curve: first n of each
    else:
        source = "estimator"
        entropy_ref = scorer.entropies(ood_scores.contexts, ood_scores.ref_responses)  # [M]
        entropy_model = scorer.entropies(ood_scores.contexts, ood_scores.model_responses)  # [M]
        h = h_hat(entropy_ref, entropy_model)
    delta_q = response_divergence(ood_scores.model_responses, ood_scores.ref_responses, embedder, estimator, seed)
    terms = remid_bound(h["max"], divergence, delta_p, delta_q)
    out = {**terms, "h_hat_robust": h["robust"], "h_hat_source": source, "h_hat_proxy": H_HAT_PROXY,
           "h_hat_how": H_HAT_HOW[source],
           "emid_bound": emid_bound(h["max"], divergence["input"], delta_p, delta_q)["value"]}
    if id_scores.logp_model is not None and ood_scores.logp_model is not None:
        curve = bound_curve(_embed(embedder, id_samples, id_scores.model_responses),
                            _embed(embedder, ood_samples, ood_scores.model_responses), entropy_ref, entropy_model,
                            r_emid_at(id_scores, ood_scores), divergence=partial(jsd, estimator=estimator, seed=seed),
                            h_at=h_at)
        out["curve"] = [{"n": c["n"], "bound": c["bound"], "r_emid": c["r_emid"]} for c in curve]
    return out

