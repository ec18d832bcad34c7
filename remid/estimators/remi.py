"""R-EMI / EMI of one subset (definitions 3.1-3.2, equation 2) from cached generations and scores.

R-EMI = I(X_R; Y_model) - I(X_R; Y_ref), each I estimated with CLUB over the subset's N samples:
row i is the context x_i (+ reasoning r_i = f_R(x_i)), column j a response y_j.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from remid.core.cache import cache_key
from remid.core.prompts import CORE_FEATURES_MARKER, Prompt, direct_prompt, policy_prompt, reasoning_prompt
from remid.core.reasoning import extract_core_features
from remid.core.schema import Sample
from remid.estimators.club import club_mi, club_mi_sampled, identical_pairs, sample_negative_pairs
from remid.estimators.lexical import lexical_matrix
from remid.estimators.scoring import CachedScorer
from remid.generation.base import Generator, SamplingParams
from remid.generation.cached import generate_cached
from remid.models.chat import context_text, encode, fit_prompt
from remid.models.logprobs import REDUCTIONS

log = logging.getLogger(__name__)


@dataclass
class SubsetScores:
    """Everything eq. 2 needs for one subset, plus what was scored (for ``save_matrices``).

    ``mi_model``/``mi_ref`` and the matrices are in the configured reduction. ``extra`` holds:
    ``reductions`` ({"sum"|"mean": {"mi_model", "mi_ref", "r_emi"}}, both from the same forward
    passes), ``logp`` ({reduction: {"model", "ref"}: [N, N]} when exact), ``truncated_prompts``
    (scoring contexts that lost their oldest turns), and with reasoning ``reasoning_truncated_prompts``,
    ``reasoning_hit_cap`` and ``reasoning_missing_marker`` (fractions of traces); ``responses_hit_cap``
    when the estimator knows the RPM's ``max_new_tokens``.
    """

    mi_model: float
    mi_ref: float
    contexts: list[str]
    model_responses: list[str]
    ref_responses: list[str]
    logp_model: np.ndarray | None = None  # [N, N] when exact
    logp_ref: np.ndarray | None = None
    extra: dict = field(default_factory=dict)
    club_form: str = "paper"  # the CLUB form mi_model / mi_ref were computed in (remid.estimators.club.CLUB_FORMS)
    # The lexical floor (remid.estimators.lexical): TF-IDF cosines of raw context i and response j. [N, N] each
    lexical_model: np.ndarray | None = None
    lexical_ref: np.ndarray | None = None

    @property
    def r_emi(self) -> float:
        return self.mi_model - self.mi_ref


def hit_cap_fraction(tokenizer, texts: list[str], max_new_tokens: int) -> float:
    """Share of generated ``texts`` that used their whole ``max_new_tokens`` budget (no EOS or stop string).

    Read back from the saved text: a completion that stopped on its own is shorter than the cap by
    the EOS / stop tokens, one that hit the cap re-tokenizes to about the cap (one token of slack for
    a leading space or a stripped stop fragment).
    """
    if not texts:
        return 0.0
    return float(np.mean([len(encode(tokenizer, " " + t)) >= max_new_tokens - 1 for t in texts]))


def missing_marker_fraction(traces: list[str]) -> float:
    """Share of reasoning traces without the "[Core Features of the Golden Response]" marker (r is the whole trace)."""
    return float(np.mean([CORE_FEATURES_MARKER not in t for t in traces])) if traces else 0.0


def check_markers(traces: list[str], threshold: float | None, max_new_tokens: int, subset: str) -> None:
    """ValueError when more than ``threshold`` of ``traces`` lack the core-features marker (None: no check)."""
    share = missing_marker_fraction(traces)
    if threshold is not None and share > threshold:
        raise ValueError(f"{share:.0%} of the reasoning traces on {subset} lack {CORE_FEATURES_MARKER!r} (allowed "
                         f"{threshold:.0%}), so r would be the whole trace: raise estimator.reasoning_max_new_tokens "
                         f"(now {max_new_tokens}; model.reasoning_max_new_tokens for CoRL) or estimator.max_missing_marker")


class Estimator:
    """A reasoning generator (optional: ``None`` is plain EMI) and a policy model that scores.

    ``negatives=None`` computes the full N x N term of equation 2; ``negatives=K`` scores the
    diagonal and K random off-diagonal pairs instead (drawn with ``seed``; ``negatives_replace=False``: K
    distinct pairs). ``max_prompt_tokens`` (``data.max_prompt_tokens``)
    fits every reasoning and scoring prompt by dropping its oldest dialogue turns.
    ``response_max_new_tokens`` (the RPM's ``generation.sampling.max_new_tokens``) enables
    ``responses_hit_cap``. ``club_form`` (``estimator.club_form``): equation 2 as written ("paper") or the
    authors' code ("authors", ``remid.estimators.club.club_mi``).
    """

    def __init__(self, scorer: CachedScorer, reasoner: Generator | None = None,
                 reasoner_tokenizer=None, reasoning_cache=None, reasoning_sampling: SamplingParams | None = None,
                 negatives: int | None = None, seed: int = 0, max_prompt_tokens: int | None = None,
                 response_max_new_tokens: int | None = None, negatives_replace: bool = True,
                 club_form: str = "paper", max_missing_marker: float | None = None) -> None:
        self.scorer, self.reasoner = scorer, reasoner
        self.max_missing_marker = max_missing_marker
        self.club_form = club_form
        self.negatives_replace = negatives_replace
        self.reasoner_tokenizer, self.reasoning_cache = reasoner_tokenizer, reasoning_cache
        self.reasoning_sampling = reasoning_sampling or SamplingParams(max_new_tokens=256)
        self.negatives, self.seed = negatives, seed
        self.max_prompt_tokens, self.response_max_new_tokens = max_prompt_tokens, response_max_new_tokens

    @property
    def uses_reasoning(self) -> bool:
        return self.reasoner is not None

    def _fit(self, tokenizer, prompts: list[Prompt]) -> tuple[list[str], int]:
        """Context texts of ``prompts`` fitted to ``max_prompt_tokens``, and how many lost turns."""
        fitted = [fit_prompt(tokenizer, p, self.max_prompt_tokens) for p in prompts]
        return [context_text(tokenizer, p) for p, _ in fitted], sum(dropped > 0 for _, dropped in fitted)

    def _reasoning_prompts(self, samples: list[Sample]) -> tuple[list[str], list[str], int]:
        """Table 15 contexts (reference withheld, fitted), their cache keys, and how many lost turns."""
        prompts, truncated = self._fit(self.reasoner_tokenizer, [reasoning_prompt(s, with_reference=False)
                                                                 for s in samples])
        return prompts, [cache_key("reasoning", p, self.reasoning_sampling.as_dict()) for p in prompts], truncated

    def reasoning(self, samples: list[Sample], progress: Callable[[int], None] | None = None) -> list[str]:
        """r_i = f_R(x_i): the core features the generator writes without seeing the reference."""
        prompts, keys, _ = self._reasoning_prompts(samples)
        traces = generate_cached(self.reasoning_cache, keys, prompts, self.reasoning_sampling, self.reasoner,
                                 progress=progress)
        check_markers(traces, self.max_missing_marker, self.reasoning_sampling.max_new_tokens,
                      samples[0].subset if samples else "")
        return [extract_core_features(t) for t in traces]

    def reasoning_stats(self, samples: list[Sample]) -> dict[str, float | int]:
        """Per subset: prompts that lost turns, and the shares of cached traces at their token cap or without the marker."""
        _, keys, truncated = self._reasoning_prompts(samples)
        traces = [self.reasoning_cache.get(k) for k in keys if k in self.reasoning_cache]
        return {"reasoning_truncated_prompts": truncated,
                "reasoning_hit_cap": hit_cap_fraction(self.reasoner_tokenizer, traces,
                                                      self.reasoning_sampling.max_new_tokens),
                "reasoning_missing_marker": missing_marker_fraction(traces)}

    def contexts(self, samples: list[Sample], reasoning: list[str] | None) -> list[str]:
        return self._contexts(samples, reasoning)[0]

    def _contexts(self, samples: list[Sample], reasoning: list[str] | None) -> tuple[list[str], int]:
        if reasoning is None:
            prompts = [direct_prompt(s) for s in samples]
        else:
            prompts = [policy_prompt(s, r) for s, r in zip(samples, reasoning, strict=True)]
        return self._fit(self.scorer.tokenizer, prompts)

    def reference_scores(self, samples: list[Sample], reasoning: list[str] | None,
                         progress: Callable[[], None] | None = None) -> tuple[list[str], dict[str, np.ndarray]]:
        """The scoring contexts and the full N x N matrices log p(y_j | x_i, r_i) of the golden responses, in every
        reduction (the reference matrix of ``score``, from the same cache)."""
        contexts, _ = self._contexts(samples, reasoning)
        return contexts, self.scorer.matrices(contexts, [s.golden_response for s in samples], progress)

    def _mi(self, contexts: list[str], responses: list[str],
            progress) -> tuple[dict[str, float], dict[str, np.ndarray] | None]:
        """CLUB (equation 2) in every reduction, and the matrices when exact."""
        n = len(contexts)
        if self.negatives is None:
            logp = self.scorer.matrices(contexts, responses, progress)
            return {name: club_mi(m, self.club_form) for name, m in logp.items()}, logp
        pairs = sample_negative_pairs(n, self.negatives, np.random.default_rng(self.seed), self.negatives_replace)
        diag = self.scorer.pairs_all(contexts, responses, np.stack([np.arange(n)] * 2, axis=1))
        values = self.scorer.pairs_all(contexts, responses, pairs)
        if progress is not None:
            for _ in range(n):
                progress()
        return {name: club_mi_sampled(diag[name], pairs, values[name], n, self.club_form) for name in REDUCTIONS}, None

    def score(self, samples: list[Sample], model_responses: list[str], reasoning: list[str] | None,
              progress: Callable[[], None] | None = None) -> SubsetScores:
        if len(samples) < 2:
            raise ValueError(f"CLUB needs at least 2 samples per subset, got {len(samples)}")
        contexts, truncated = self._contexts(samples, reasoning)
        refs = [s.golden_response for s in samples]
        mi_model, logp_model = self._mi(contexts, model_responses, progress)
        mi_ref, logp_ref = self._mi(contexts, refs, progress)
        identical = {"ref": identical_pairs(refs), "model": identical_pairs(list(model_responses))}
        extra: dict = {
            "reductions": {name: {"mi_model": mi_model[name], "mi_ref": mi_ref[name],
                                  "r_emi": mi_model[name] - mi_ref[name]} for name in REDUCTIONS},
            "truncated_prompts": truncated,
            # Identical-text off-diagonal pairs, kept as negatives (equation 2 as written).
            "identical_pairs": identical,
        }
        for side, count in identical.items():
            if count:
                log.warning("%s: %d of %d off-diagonal %s pairs have identical texts; equation 2 keeps them as "
                            "negatives (as written), which pulls that MI towards 0", samples[0].subset, count,
                            len(samples) * (len(samples) - 1), "golden" if side == "ref" else "RPM response")
        if logp_model is not None:
            extra["logp"] = {name: {"model": logp_model[name], "ref": logp_ref[name]} for name in REDUCTIONS}
        if reasoning is not None and self.uses_reasoning:
            extra.update(self.reasoning_stats(samples))
        if self.response_max_new_tokens is not None:
            extra["responses_hit_cap"] = hit_cap_fraction(self.scorer.tokenizer, list(model_responses),
                                                          self.response_max_new_tokens)
        chosen = self.scorer.reduction
        return SubsetScores(mi_model[chosen], mi_ref[chosen], contexts, list(model_responses), refs,
                            None if logp_model is None else logp_model[chosen],
                            None if logp_ref is None else logp_ref[chosen], extra, self.club_form,
                            lexical_model=lexical_matrix(samples, list(model_responses)),
                            lexical_ref=lexical_matrix(samples, refs))
