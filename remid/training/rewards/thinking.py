"""Rewards of the thinking RPMs (ThinkingRL, "Ours": appendix E.1-E.2) on completions that think, then answer.

Same signature as ``remid.training.rewards.base``: ``(prompts, completions, **columns) -> list[float | None]``.
"""

from __future__ import annotations

import torch

from remid.core.schema import Sample
from remid.training.rewards.base import (
    POLICY,
    Reward,
    ScoringModel,
    _samples,
    check_reduction,
    policy_reward,
    table19_ratio,
)


class ResponseOnly:
    """Apply ``reward`` to the response part of thinking completions (ThinkingRL: the table 24 reward reads y,
    not the thinking). A completion that never closed its thinking section has no response: scored as empty."""

    def __init__(self, reward: Reward) -> None:
        self.reward = reward

    def to(self, device) -> ResponseOnly:
        if callable(getattr(self.reward, "to", None)):
            self.reward.to(device)
        return self

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        from remid.core.prompts import split_thinking

        return self.reward(prompts, [split_thinking(c)[1] for c in completions], **columns)


class ThinkingReasoningReward(ScoringModel):
    """"Ours" (appendix E.2), CoRL's generator reward on one model: log p(y | x, r_i), the golden response's
    per-token mean log-prob after the rollout's own thinking section r_i (``thinking_response_prompt``).

    ``model="policy"`` scores with the live policy, as CoRL scores with the current q_phi2. Departure: the
    per-token mean, not table 18's sum, keeps it on the scale of the [0, 1] response reward it is added to.
    """

    def __init__(self, model: str = POLICY, max_prompt_tokens: int | None = None, dtype: str = "float32",
                 batch_size: int = 16) -> None:
        super().__init__(model, max_prompt_tokens, dtype, batch_size, add_eos=True)

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        from remid.core.prompts import split_thinking, thinking_response_prompt

        samples = _samples(columns, len(completions))
        prompts_ = [thinking_response_prompt(s, split_thinking(c)[0]) for s, c in zip(samples, completions, strict=True)]
        return self.logprobs(prompts_, [s.golden_response for s in samples], "mean").tolist()


class ThinkingResponseReward(ScoringModel):
    """"Ours" (appendix E.2), CoRL's policy reward on one model, read as CoRL reads it (table 19,
    ``table19_ratio``): p_ref("100%" | match prompt with x, r_i and y_i) / p_ref("100%" | same with the golden
    y), capped at 1, r_i and y_i the rollout's thinking and response, under the frozen ``model`` (the
    ThinkingSFT start). A rollout without a response scores None (not scorable). ``reduction`` as
    ``table19_ratio``: "sum" (default, the paper's) or "mean" (the authors' code). The literal ratio of
    sequence probabilities is ``ThinkingSequenceRatioReward``."""

    add_eos = False

    def __init__(self, model: str, max_prompt_tokens: int | None = None, dtype: str = "float32",
                 batch_size: int = 16, reduction: str = "sum") -> None:
        super().__init__(model, max_prompt_tokens, dtype, batch_size, add_eos=self.add_eos)
        self.reduction = check_reduction(reduction)

    def ratio(self, samples: list[Sample], thinking: list[str], responses: list[str]) -> torch.Tensor:
        return table19_ratio(self, samples, thinking, responses, self.reduction)

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        from remid.core.prompts import split_thinking

        samples = _samples(columns, len(completions))
        parts = [split_thinking(c) for c in completions]
        keep = [i for i, (_, y) in enumerate(parts) if y]
        out: list[float | None] = [None] * len(completions)
        if keep:
            values = self.ratio([samples[i] for i in keep], [parts[i][0] for i in keep], [parts[i][1] for i in keep])
            for i, value in zip(keep, values.tolist(), strict=True):
                out[i] = value
        return out


class ThinkingSequenceRatioReward(ThinkingResponseReward):
    """The literal reading of "Ours"' policy reward: min(p_ref(y_i | x, r_i) / p_ref(y | x, r_i), 1) as a ratio
    of summed sequence probabilities (EOS included) under the table 25 prompt with the rollout's thinking.
    Rollouts of a policy that starts at p_ref are usually likelier than the golden text, so this often
    sits at 1 and carries little signal; kept for comparison (not the default)."""

    add_eos = True

    def ratio(self, samples: list[Sample], thinking: list[str], responses: list[str]) -> torch.Tensor:
        from remid.core.prompts import thinking_response_prompt

        prompts_ = [thinking_response_prompt(s, r) for s, r in zip(samples, thinking, strict=True)]
        candidate = self.logprobs(prompts_, responses)
        reference = self.logprobs(prompts_, [s.golden_response for s in samples])
        return policy_reward(candidate, reference)
