"""A copy component for the policy model: q(y_t | .) = (1 - w) p_LM(y_t | x, r, y_<t) + w p_copy(y_t | x, r, y_<t).

The golden responses of role-play data reuse their context's words: the persona's hobby, the character's
work, the user's last question. A small policy model only partly learns to copy (in the user-shift
languages hardly at all), so CLUB (equation 2) with it reads little of that dependence, while a plain
string matcher reads much of it. Interpolating the language model with a distribution that copies from
the context is the cache language model (Kuhn and De Mori, 1990; the neural cache of Grave et al., 2017):
p_copy(v | y_<t) is the share of the context positions that continue the longest suffix of y_<t found in
the context (up to ``order`` tokens, backing off to shorter suffixes and, at length 0, to the context's
unigram distribution) whose next token is v. Both parts are distributions over the vocabulary, so q is
one too, and CLUB over q is equation 2 with another variational conditional: its matrices, diagnostics
and intervals mean what they mean for the plain policy model. ``weight = 0`` is the plain policy model.
Pure Python and torch.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class CopyMixture:
    """Interpolates per-token log-probs of the policy model with the context's n-gram copy distribution."""

    weight: float
    order: int = 2

    def __post_init__(self) -> None:
        if not 0.0 <= self.weight < 1.0:
            raise ValueError(f"estimator.copy.weight must be in [0, 1), got {self.weight!r}")
        if not isinstance(self.order, int) or self.order < 0:
            raise ValueError(f"estimator.copy.order must be a non-negative integer, got {self.order!r}")

    @property
    def key(self) -> str:
        """Part of every score cache key: scores with another mixture are other numbers."""
        return f"copy/w={self.weight!r}/o={self.order}/1"

    def continuations(self, context_ids: Sequence[int]) -> dict[tuple[int, ...], Counter]:
        """suffix (0..order tokens) -> Counter of the context tokens that follow it."""
        table: dict[tuple[int, ...], Counter] = {}
        ids = list(context_ids)
        for k, token in enumerate(ids):
            for m in range(min(self.order, k) + 1):
                table.setdefault(tuple(ids[k - m:k]), Counter())[token] += 1
        return table

    def probs(self, table: dict[tuple[int, ...], Counter], response_ids: Sequence[int]) -> list[float]:
        """p_copy of each response token given the tokens before it (the longest suffix seen in the context)."""
        out = []
        resp = list(response_ids)
        for t, token in enumerate(resp):
            p = 0.0
            for m in range(min(self.order, t), -1, -1):
                counts = table.get(tuple(resp[t - m:t]))
                if counts:
                    p = counts[token] / counts.total()
                    break
            out.append(p)
        return out

    def mix(self, table: dict[tuple[int, ...], Counter], responses: Sequence[Sequence[int]],
            scores: torch.Tensor) -> torch.Tensor:
        """Mixed log-probs of right-padded responses: ``scores`` [b, R] hold log p_LM per token -> [b, R]."""
        if self.weight == 0.0:
            return scores
        copy = torch.zeros_like(scores)
        for row, resp in enumerate(responses):
            copy[row, :len(resp)] = torch.tensor(self.probs(table, resp), dtype=scores.dtype)
        mixed = torch.logaddexp(scores + math.log1p(-self.weight), torch.log(copy) + math.log(self.weight))
        width = torch.arange(scores.shape[1], device=scores.device)[None, :]
        lengths = torch.tensor([len(r) for r in responses], device=scores.device)[:, None]
        return torch.where(width < lengths, mixed, scores)


def copy_mixture(settings) -> CopyMixture | None:
    """``estimator.copy`` ({weight, order} or null) as a mixture; null or weight 0 is the plain policy model."""
    if not settings or not settings.get("weight"):
        return None
    return CopyMixture(float(settings["weight"]), int(settings.get("order", 2)))
