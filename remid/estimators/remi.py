"""R-EMI / EMI of one subset (definitions 3.1-3.2, equation 2) from cached generations and scores.

R-EMI = I(X_R; Y_model) - I(X_R; Y_ref), each I estimated with CLUB over the subset's N samples:
row i is the context x_i (+ reasoning r_i = f_R(x_i)), column j a response y_j.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from remid.data.schema import Sample
from remid.estimators.club import club_mi, club_mi_sampled, sample_negative_pairs
from remid.estimators.reasoner import extract_core_features
from remid.estimators.scoring import CachedScorer
from remid.generation.base import Generator, SamplingParams
from remid.models.chat import context_text
from remid.prompts import direct_prompt, policy_prompt, reasoning_prompt


@dataclass
class SubsetScores:
    """Everything eq. 2 needs for one subset, plus what was scored (for ``save_matrices``)."""

    mi_model: float
    mi_ref: float
    contexts: list[str]
    model_responses: list[str]
    ref_responses: list[str]
    logp_model: np.ndarray | None = None  # [N, N] when exact
    logp_ref: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    @property
    def r_emi(self) -> float:
        return self.mi_model - self.mi_ref


class Estimator:
    """A reasoning generator (optional: ``None`` is plain EMI) and a policy model that scores.

    ``negatives=None`` computes the full N x N term of equation 2; ``negatives=K`` scores the
    diagonal and K random off-diagonal pairs instead.
    """

    def __init__(self, scorer: CachedScorer, reasoner: Generator | None = None,
                 reasoner_tokenizer=None, reasoning_cache=None, reasoning_sampling: SamplingParams | None = None,
                 negatives: int | None = None, seed: int = 0) -> None:
        self.scorer, self.reasoner = scorer, reasoner
        self.reasoner_tokenizer, self.reasoning_cache = reasoner_tokenizer, reasoning_cache
        self.reasoning_sampling = reasoning_sampling or SamplingParams(max_new_tokens=256)
        self.negatives, self.seed = negatives, seed

    @property
    def uses_reasoning(self) -> bool:
        return self.reasoner is not None

    def reasoning(self, samples: list[Sample], progress: Callable[[int], None] | None = None) -> list[str]:
        """r_i = f_R(x_i): the core features the generator writes without seeing the reference."""
        from remid.cache import cache_key

        prompts = [context_text(self.reasoner_tokenizer, reasoning_prompt(s, with_reference=False)) for s in samples]
        keys = [cache_key("reasoning", p, self.reasoning_sampling.as_dict()) for p in prompts]
        todo = [i for i, k in enumerate(keys) if k not in self.reasoning_cache]
        batch = getattr(self.reasoner, "batch_size", 16)
        for start in range(0, len(todo), batch):
            chunk = todo[start:start + batch]
            texts = self.reasoner.generate([prompts[i] for i in chunk], self.reasoning_sampling)
            self.reasoning_cache.put_many([(keys[i], t[0]) for i, t in zip(chunk, texts, strict=True)])
            if progress is not None:
                progress(len(chunk))
        if progress is not None and len(todo) < len(samples):
            progress(len(samples) - len(todo))
        return [extract_core_features(self.reasoning_cache.get(k)) for k in keys]

    def contexts(self, samples: list[Sample], reasoning: list[str] | None) -> list[str]:
        tok = self.scorer.tokenizer
        if reasoning is None:
            return [context_text(tok, direct_prompt(s)) for s in samples]
        return [context_text(tok, policy_prompt(s, r)) for s, r in zip(samples, reasoning, strict=True)]

    def _mi(self, contexts: list[str], responses: list[str], progress) -> tuple[float, np.ndarray | None]:
        n = len(contexts)
        if self.negatives is None:
            logp = self.scorer.matrix(contexts, responses, progress)
            return club_mi(logp), logp
        pairs = sample_negative_pairs(n, self.negatives, np.random.default_rng(self.seed))
        diag = self.scorer.pairs(contexts, responses, np.stack([np.arange(n)] * 2, axis=1))
        values = self.scorer.pairs(contexts, responses, pairs)
        if progress is not None:
            for _ in range(n):
                progress()
        return club_mi_sampled(diag, pairs, values, n), None

    def score(self, samples: list[Sample], model_responses: list[str], reasoning: list[str] | None,
              progress: Callable[[], None] | None = None) -> SubsetScores:
        if len(samples) < 2:
            raise ValueError(f"CLUB needs at least 2 samples per subset, got {len(samples)}")
        contexts = self.contexts(samples, reasoning)
        refs = [s.golden_response for s in samples]
        mi_model, logp_model = self._mi(contexts, model_responses, progress)
        mi_ref, logp_ref = self._mi(contexts, refs, progress)
        return SubsetScores(mi_model, mi_ref, contexts, list(model_responses), refs, logp_model, logp_ref)
