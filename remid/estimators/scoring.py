"""Score log p(y_j | x_i, r_i) with the estimator's policy model, cached row by row on disk.

Every forward pass yields both reductions of equation 2's log-probs, the sum over response tokens
(equation 2 as written) and the per-token mean; both are cached and returned, the configured one
is the reported one. Cache keys name both reductions and the tokenization rules
(``SCORE_RULES``), so entries written before either existed (one reduction, older token
boundaries) are never read as current ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import torch

from remid.core.cache import JsonlCache, cache_key
from remid.models.chat import encode_context, encode_response, split_boundary
from remid.models.logprobs import REDUCTIONS, cross_logprobs, sequence_entropies, sequence_logprobs

# Bump when the ids a (context, response) text pair is scored as change (remid.models.chat rules).
SCORE_RULES = "sum+mean/boundary+bos/1"


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:24]


class CachedScorer:
    """Log-prob matrices for (context text, response text) pairs; ``context`` already holds the prefix.

    A response is scored as its tokens followed by EOS: log p of the *complete* response, so a
    truncated answer cannot outscore the whole one (an empty response is the EOS token alone).
    """

    def __init__(self, model, tokenizer, cache: JsonlCache, reduction: str = "mean", batch_size: int = 64,
                 mix=None) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(f"unknown reduction {reduction!r}; expected one of {REDUCTIONS}")
        self.model, self.tokenizer, self.cache = model, tokenizer, cache
        self.reduction, self.batch_size = reduction, batch_size
        # The copy component (remid.estimators.copy): part of every key, so plain and mixed scores never mix.
        self.mix = mix
        self.rules = SCORE_RULES if mix is None else f"{SCORE_RULES}/{mix.key}"

    def response_ids(self, response: str, context: str = "") -> list[int]:
        """The scored tokens: ``response`` (led by the context's trailing spaces, see ``remid.models.chat``) + EOS."""
        return encode_response(self.tokenizer, context, response) + [self.tokenizer.eos_token_id]

    def matrices(self, contexts: list[str], responses: list[str],
                 progress: Callable[[], None] | None = None) -> dict[str, np.ndarray]:
        """``{reduction: N x M matrix}`` (equation 2) for every reduction, each context's KV cache shared."""
        leads = {split_boundary(c)[1] for c in contexts}
        if len(leads) > 1:
            raise ValueError(f"contexts of one matrix end in different whitespace {sorted(map(repr, leads))}: "
                             "they must share one response prefix")
        resp_ids = [self.response_ids(r, contexts[0]) for r in responses]
        digest = _digest(responses)
        out = {name: np.empty((len(contexts), len(responses)), dtype=np.float64) for name in REDUCTIONS}
        for i, context in enumerate(contexts):
            key = cache_key("row", context, digest, self.rules)
            rows = self.cache.get(key)
            if rows is None:
                values = cross_logprobs(self.model, [encode_context(self.tokenizer, context)], resp_ids, REDUCTIONS,
                                        self.tokenizer.pad_token_id, self.batch_size, mix=self.mix)
                rows = {name: values[name][0].tolist() for name in REDUCTIONS}
                self.cache.put(key, rows)
            for name in REDUCTIONS:
                out[name][i] = rows[name]
            if progress is not None:
                progress()
        return out

    def matrix(self, contexts: list[str], responses: list[str],
               progress: Callable[[], None] | None = None) -> np.ndarray:
        """The full N x M matrix of the configured reduction."""
        return self.matrices(contexts, responses, progress)[self.reduction]

    @torch.inference_mode()
    def pairs_all(self, contexts: list[str], responses: list[str], pairs: np.ndarray) -> dict[str, np.ndarray]:
        """``{reduction: log p(responses[j] | contexts[i])}`` for each row (i, j) of ``pairs`` [K, 2]. -> [K] each"""
        keys = [cache_key("pair", contexts[i], responses[j], self.rules) for i, j in pairs]
        missing = [k for k, key in enumerate(keys) if key not in self.cache]
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start:start + self.batch_size]
            ctx = [encode_context(self.tokenizer, contexts[pairs[k][0]]) for k in chunk]
            resp = [self.response_ids(responses[pairs[k][1]], contexts[pairs[k][0]]) for k in chunk]
            values = sequence_logprobs(self.model, ctx, resp, REDUCTIONS, self.tokenizer.pad_token_id, self.mix)
            self.cache.put_many([(keys[k], {name: float(values[name][n]) for name in REDUCTIONS})
                                 for n, k in enumerate(chunk)])
        return {name: np.array([self.cache.get(key)[name] for key in keys], dtype=np.float64) for name in REDUCTIONS}

    def pairs(self, contexts: list[str], responses: list[str], pairs: np.ndarray) -> np.ndarray:
        """log p(responses[j] | contexts[i]) of the configured reduction for each row (i, j) of ``pairs``. -> [K]"""
        return self.pairs_all(contexts, responses, pairs)[self.reduction]


    @torch.inference_mode()
    def entropies_all(self, contexts: list[str], responses: list[str]) -> dict[str, np.ndarray]:
        """``{reduction: H(p(. | contexts[k], earlier tokens))}`` along ``responses[k]``, in nats. -> [K] each

        One value per aligned (context, response) pair: the entropy of the next-token distribution at
        each scored token (the response's tokens + EOS, as ``pairs``), summed or per-token mean, both
        from one forward pass and cached under their own key prefix. The per-pair term of theorem 3.4's
        H_hat (``remid.estimators.bound.h_hat``).
        """
        if len(contexts) != len(responses):
            raise ValueError(f"{len(contexts)} contexts but {len(responses)} responses: "
                             "entropies need aligned pairs")
        keys = [cache_key("entropy", c, r, SCORE_RULES) for c, r in zip(contexts, responses, strict=True)]
        first: dict[str, int] = {}  # each uncached pair once, however often it repeats
        for k, key in enumerate(keys):
            if key not in self.cache:
                first.setdefault(key, k)
        missing = list(first.values())
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start:start + self.batch_size]
            ctx = [encode_context(self.tokenizer, contexts[k]) for k in chunk]
            resp = [self.response_ids(responses[k], contexts[k]) for k in chunk]
            values = sequence_entropies(self.model, ctx, resp, REDUCTIONS, self.tokenizer.pad_token_id)
            self.cache.put_many([(keys[k], {name: float(values[name][n]) for name in REDUCTIONS})
                                 for n, k in enumerate(chunk)])
        return {name: np.array([self.cache.get(key)[name] for key in keys], dtype=np.float64)
                for name in REDUCTIONS}

    def entropies(self, contexts: list[str], responses: list[str]) -> np.ndarray:
        """Predictive entropy along each aligned (context, response) pair, configured reduction. -> [K]"""
        return self.entropies_all(contexts, responses)[self.reduction]
