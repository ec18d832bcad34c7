"""Rewards: plain callables ``(prompts, completions, **columns) -> list[float | None]``.

``prompts`` are the rendered contexts, ``completions`` the texts the policy wrote, and ``columns``
carry per-completion data (``sample``: the ``Sample`` each completion answers; CoRL adds
``reasoning``). ``None`` means "cannot score this one". Several rewards are stacked with
``combine`` (weighted, each logged under its own name); ``sanitize`` turns whatever a reward
returned into a tensor and a validity mask without ever raising.

The model-based rewards of the paper all score text with the one log-prob function
(``remid.models.logprobs.sequence_logprobs`` over ``remid.models.chat.encode_pair``):
``MatchProbabilityReward`` (table 24: RFT, RL, ThinkingRL) and the two CoRL rewards (section 3.3,
appendix D, tables 17-19).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any, NamedTuple

import torch

from remid.core.prompts import MATCH_TARGET, Prompt, corl_match_prompt, match_prompt, policy_prompt
from remid.core.schema import Sample
from remid.training.losses.grpo import nanstd

Reward = Callable[..., list[float | None]]
POLICY = "policy"  # a scoring model spec meaning "the policy being trained" (bound at fit start)
log = logging.getLogger(__name__)


def sanitize(values: Any, name: str, n: int, completions: Sequence[str] | None = None
             ) -> tuple[torch.Tensor, torch.Tensor, dict[str, int]]:
    """``(rewards [n] float32, valid [n] bool, counts)`` from what reward ``name`` returned; never raises.

    None, NaN, +-inf and non-numbers are invalid (0.0 in the tensor); a result that is not a
    sequence of ``n`` values makes all ``n`` invalid. Empty completions are scored like any other
    but counted (``counts["empty"]``, when ``completions`` is given). Invalid values are logged
    as a warning naming the reward.
    """
    counts = {"none": 0, "nan": 0, "inf": 0, "not_number": 0, "wrong_length": 0, "invalid": 0,
              "empty": sum(not c.strip() for c in completions) if completions is not None else 0}
    try:
        items = list(values)
    except TypeError:
        items = None
    if items is None or len(items) != n:
        counts.update(wrong_length=1, invalid=n)
        log.warning("reward %s returned %s values for %d completions: all %d marked invalid", name,
                    len(items) if items is not None else type(values).__name__, n, n)
        return torch.zeros(n), torch.zeros(n, dtype=torch.bool), counts
    rewards, valid = torch.zeros(n), torch.zeros(n, dtype=torch.bool)
    for i, value in enumerate(items):
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        if value is None:
            counts["none"] += 1
        elif isinstance(value, bool) or not isinstance(value, Real):
            counts["not_number"] += 1
        elif math.isnan(value):
            counts["nan"] += 1
        elif math.isinf(value):
            counts["inf"] += 1
        else:
            rewards[i], valid[i] = float(value), True
    counts["invalid"] = n - int(valid.sum())
    if counts["invalid"]:
        log.warning("reward %s: %d of %d values invalid (%d None, %d NaN, %d inf, %d not a number)", name,
                    counts["invalid"], n, counts["none"], counts["nan"], counts["inf"], counts["not_number"])
    return rewards, valid, counts


class RewardBatch(NamedTuple):
    """The combined rewards of one batch of completions."""

    total: torch.Tensor  # [N] sum of weight * reward over the valid rewards (0 where none is valid)
    valid: torch.Tensor  # [N] at least one reward valid
    per_reward: dict[str, torch.Tensor]  # name -> [N] raw reward, NaN where invalid
    metrics: dict[str, float]  # rewards/<name>/mean|std|invalid, reward, reward_std, empty_completions


class CombinedReward:
    """Weighted sum of named rewards, as TRL's ``sum_then_normalize``: invalid ones are left out of the
    sum; a completion with no valid reward at all is invalid (its advantage will be 0)."""

    def __init__(self, rewards: Mapping[str, tuple[Reward, float]]) -> None:
        if not rewards:
            raise ValueError("combine needs at least one reward")
        self.rewards = {name: (fn, float(weight)) for name, (fn, weight) in rewards.items()}

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> RewardBatch:
        n = len(completions)
        total, any_valid = torch.zeros(n), torch.zeros(n, dtype=torch.bool)
        per_reward, metrics, empty = {}, {}, 0
        for name, (fn, weight) in self.rewards.items():
            values, valid, counts = sanitize(fn(prompts, completions, **columns), name, n, completions)
            total += torch.where(valid, weight * values, torch.zeros(()))
            any_valid |= valid
            per_reward[name] = values.masked_fill(~valid, float("nan"))
            metrics[f"rewards/{name}/mean"] = float(torch.nanmean(per_reward[name]))
            metrics[f"rewards/{name}/std"] = float(nanstd(per_reward[name]))
            metrics[f"rewards/{name}/invalid"] = float(counts["invalid"])
            empty = counts["empty"]
        shown = total.masked_fill(~any_valid, float("nan"))
        metrics.update({"reward": float(torch.nanmean(shown)), "reward_std": float(nanstd(shown)),
                        "empty_completions": float(empty)})
        return RewardBatch(total, any_valid, per_reward, metrics)


def combine(rewards: Mapping[str, tuple[Reward, float]]) -> CombinedReward:
    """Stack ``{name: (reward, weight)}`` into one callable returning a ``RewardBatch``."""
    return CombinedReward(rewards)


# ---- Model-based rewards: log-probs of a target text under a frozen scorer -------------------------------

def reasoning_reward(reference_logps: torch.Tensor) -> torch.Tensor:
    """CoRL reward of a reasoning trace r_i (section 3.3, appendix D): log q_phi2(y | x, r_i), the summed
    log-prob of the reference response y under the policy model given x and r_i. [N] -> [N]"""
    return reference_logps.float()


def policy_reward(candidate_logps: torch.Tensor, reference_logps: torch.Tensor) -> torch.Tensor:
    """CoRL reward of a response y_i (section 3.3, appendix D): min(pi_ref(y_i | x, r) / pi_ref(y | x, r), 1),
    from summed log-probs, computed as exp(min(log ratio, 0)) so it never overflows. [N], [N] -> [N]"""
    return torch.exp(torch.clamp(candidate_logps.float() - reference_logps.float(), max=0.0))


class ScoringModel:
    """A frozen causal LM scoring ``log p(target | prompt)`` through the one log-prob function.

    ``model`` is a spec for ``remid.models.loading.load_model`` (loaded in eval mode, no gradients).
    Prompts are fitted to ``max_prompt_tokens`` (oldest dialogue turns dropped). ``to(device)``
    moves it beside the policy (the training module calls it).
    """

    def __init__(self, model: str, max_prompt_tokens: int | None = None, dtype: str = "float32",
                 batch_size: int = 16, add_eos: bool = False) -> None:
        from remid.models.loading import load_model

        self.live = model == POLICY
        if self.live:  # the policy being trained scores: bound by the training module (``bind_policy``)
            self.model = self.tokenizer = None
        else:
            self.model, self.tokenizer = load_model(model, dtype=dtype)
            self.model.eval().requires_grad_(False)
        self.max_prompt_tokens, self.batch_size, self.add_eos = max_prompt_tokens, batch_size, add_eos

    def to(self, device) -> ScoringModel:
        if not self.live:
            self.model.to(device)
        return self

    def bind_policy(self, model, tokenizer) -> None:
        """Score with the live policy (``model="policy"``); a no-op for a frozen scorer."""
        if self.live:
            self.model, self.tokenizer = model, tokenizer

    @torch.inference_mode()
    def logprobs(self, prompts: list[Prompt], targets: list[str], reduction: str = "sum") -> torch.Tensor:
        """log p(target_i | prompt_i), summed (or ``"mean"`` per token; ``add_eos``: the template's suffix and
        EOS included). -> [N]"""
        if self.model is None:
            raise RuntimeError("this reward scores with the live policy: the training module must call bind_policy")
        from remid.models.chat import encode_pair, fit_prompt
        from remid.models.logprobs import sequence_logprobs

        pairs = [encode_pair(self.tokenizer, fit_prompt(self.tokenizer, p, self.max_prompt_tokens)[0], t,
                             add_eos=self.add_eos) for p, t in zip(prompts, targets, strict=True)]
        out = []
        for start in range(0, len(pairs), self.batch_size):
            chunk = pairs[start:start + self.batch_size]
            out.append(sequence_logprobs(self.model, [c for c, _ in chunk], [r for _, r in chunk], reduction,
                                         self.tokenizer.pad_token_id).float().cpu())
        return torch.cat(out) if out else torch.zeros(0)


def _samples(columns: dict, n: int) -> list[Sample]:
    samples = columns.get("sample")
    if samples is None or len(samples) != n:
        raise ValueError(f"this reward needs columns['sample'] with one Sample per completion ({n})")
    return list(samples)


class MatchProbabilityReward(ScoringModel):
    """Table 24 (RFT, RL, ThinkingRL; appendix E.1): p_ref("100%" | match prompt with the sample's golden
    response and the candidate), under a frozen reference, the base model before SFT. In [0, 1].

    The target is "100%" alone (no EOS): the probability that the answer starts with it.
    """

    def __init__(self, model_spec: str, max_prompt_tokens: int | None = None, dtype: str = "float32",
                 batch_size: int = 16) -> None:
        super().__init__(model_spec, max_prompt_tokens, dtype, batch_size, add_eos=False)

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        samples = _samples(columns, len(completions))
        prompts_ = [match_prompt(s, c) for s, c in zip(samples, completions, strict=True)]
        return torch.exp(self.logprobs(prompts_, [MATCH_TARGET] * len(completions))).tolist()


class ReasoningReward(ScoringModel):
    """CoRL reward of the reasoning generator q_phi1: log q_phi2(y | x, r_i) (``reasoning_reward``; table 18).

    Completions are reasoning traces r_i; y is the sample's golden response scored with its EOS in the
    table 17 policy prompt built from r_i's core features (the text after the marker, as evaluation
    reads r), summed over its tokens (appendix D). ``model="policy"`` scores with the live policy model:
    CoRL binds its current q_phi2 (``bind_policy``) at fit start, so the reward follows the policy as it
    co-evolves; any other spec is a frozen scorer.
    """

    def __init__(self, model: str = POLICY, max_prompt_tokens: int | None = None, dtype: str = "float32",
                 batch_size: int = 16) -> None:
        super().__init__(model, max_prompt_tokens, dtype, batch_size, add_eos=True)

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        from remid.core.reasoning import extract_core_features

        samples = _samples(columns, len(completions))
        prompts_ = [policy_prompt(s, extract_core_features(r)) for s, r in zip(samples, completions, strict=True)]
        return reasoning_reward(self.logprobs(prompts_, [s.golden_response for s in samples])).tolist()


class PolicyReward(ScoringModel):
    """CoRL reward of the policy model q_phi2: min(pi_ref(y_i | x, r) / pi_ref(y | x, r), 1) (``policy_reward``).

    Completions are responses y_i to the table 17 prompt with ``columns["reasoning"]`` (r, the core
    features). As table 19 reads these probabilities, each is the probability that the frozen reference
    ``model`` answers "100%" (no EOS) after "Percentage: " to the match prompt holding x, r, the golden y
    and a candidate (``remid.core.prompts.corl_match_prompt``): the ratio is p_ref("100%" | y_i) / p_ref("100%" | y),
    the golden response scored once per (sample, r) and shared by that prompt's rollouts. ``reduction``
    (``table19_ratio``): "sum" (default, the paper's probabilities) or "mean" (the authors' code).
    """

    def __init__(self, model: str, max_prompt_tokens: int | None = None, dtype: str = "float32",
                 batch_size: int = 16, reduction: str = "sum") -> None:
        super().__init__(model, max_prompt_tokens, dtype, batch_size, add_eos=False)
        self.reduction = check_reduction(reduction)

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        samples = _samples(columns, len(completions))
        reasoning = columns.get("reasoning")
        if reasoning is None or len(reasoning) != len(completions):
            raise ValueError("PolicyReward needs columns['reasoning'] with one reasoning text per completion")
        return table19_ratio(self, samples, list(reasoning), completions, self.reduction).tolist()


RATIO_REDUCTIONS = ("sum", "mean")


def check_reduction(reduction: str) -> str:
    """``reduction`` of a table-19 ratio reward, or a ValueError naming the key and its choices."""
    if reduction not in RATIO_REDUCTIONS:
        raise ValueError(f"the table-19 reward's reduction must be one of {list(RATIO_REDUCTIONS)}, got {reduction!r} "
                         "(set it in the reward's fn: node, e.g. method.module.policy.rewards.match.fn.reduction)")
    return reduction


def table19_ratio(scorer: ScoringModel, samples: list[Sample], reasoning: list[str], candidates: list[str],
                  reduction: str = "sum") -> torch.Tensor:
    """min(pi_ref(y_i | x, r) / pi_ref(y | x, r), 1) as table 19 reads it: p_ref("100%" | match prompt holding
    x, r and the candidate y_i) over the same with the golden y as the candidate (``remid.core.prompts.corl_match_prompt``).
    The golden is scored once per (sample, r). [N]

    ``reduction="sum"`` (default, the paper's reading): p("100%") from the summed log-probs of its tokens.
    ``"mean"`` (the authors' code): exp of the per-token mean log-prob. Where the tokenizer splits "100%" into
    k tokens, the sum's ratio is the mean's to the power k: the same order within a group, other advantages.
    """
    check_reduction(reduction)
    targets = [MATCH_TARGET] * len(candidates)
    candidate = scorer.logprobs([corl_match_prompt(s, r, c) for s, r, c in zip(samples, reasoning, candidates,
                                                                                strict=True)], targets, reduction)
    keys = [(s.sample_id, r) for s, r in zip(samples, reasoning, strict=True)]
    golden = {k: s for k, s in zip(keys, samples, strict=True)}  # one golden score per (sample, r)
    position = {k: i for i, k in enumerate(golden)}
    scored = scorer.logprobs([corl_match_prompt(s, r, s.golden_response) for (_, r), s in golden.items()],
                             targets[:len(golden)], reduction)
    return policy_reward(candidate, scored[[position[k] for k in keys]])  # [N]
