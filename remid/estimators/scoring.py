"""Score log p(y_j | x_i, r_i) with the estimator's policy model, cached row by row on disk."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import torch

from remid.cache import JsonlCache, cache_key
from remid.models.chat import encode
from remid.models.logprobs import cross_logprobs, sequence_logprobs


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:24]


class CachedScorer:
    """Log-prob matrices for (context text, response text) pairs; ``context`` already holds the prefix.

    A response is scored as its tokens followed by EOS: log p of the *complete* response, so a
    truncated answer cannot outscore the whole one (an empty response is the EOS token alone).
    """

    def __init__(self, model, tokenizer, cache: JsonlCache, reduction: str = "mean", batch_size: int = 64) -> None:
        self.model, self.tokenizer, self.cache = model, tokenizer, cache
        self.reduction, self.batch_size = reduction, batch_size

    def response_ids(self, response: str) -> list[int]:
        return encode(self.tokenizer, response) + [self.tokenizer.eos_token_id]

    def matrix(self, contexts: list[str], responses: list[str],
               progress: Callable[[], None] | None = None) -> np.ndarray:
        """The full N x M matrix (equation 2), each context's KV cache shared across all responses."""
        resp_ids = [self.response_ids(r) for r in responses]
        digest = _digest(responses)
        out = np.empty((len(contexts), len(responses)), dtype=np.float64)
        for i, context in enumerate(contexts):
            key = cache_key("row", context, digest, self.reduction)
            row = self.cache.get(key)
            if row is None:
                row = cross_logprobs(self.model, [encode(self.tokenizer, context)], resp_ids, self.reduction,
                                     self.tokenizer.pad_token_id, self.batch_size)[0].tolist()
                self.cache.put(key, row)
            out[i] = row
            if progress is not None:
                progress()
        return out

    @torch.inference_mode()
    def pairs(self, contexts: list[str], responses: list[str], pairs: np.ndarray) -> np.ndarray:
        """log p(responses[j] | contexts[i]) for each row (i, j) of ``pairs`` [K, 2]. -> [K]"""
        keys = [cache_key("pair", contexts[i], responses[j], self.reduction) for i, j in pairs]
        missing = [k for k, key in enumerate(keys) if key not in self.cache]
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start:start + self.batch_size]
            ctx = [encode(self.tokenizer, contexts[pairs[k][0]]) for k in chunk]
            resp = [self.response_ids(responses[pairs[k][1]]) for k in chunk]
            values = sequence_logprobs(self.model, ctx, resp, self.reduction, self.tokenizer.pad_token_id)
            self.cache.put_many([(keys[k], float(v)) for k, v in zip(chunk, values.tolist(), strict=True)])
        return np.array([self.cache.get(key) for key in keys], dtype=np.float64)
