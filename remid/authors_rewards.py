"""CoRL rewards of the authors' public code, **not in the paper** (opt in: ``experiment=authors_corl``).

The paper's CoRL (section 3.3, tables 18-19) rewards the reasoning generator with log q_phi2(y | x, r_i) and
the policy with the table-19 ratio (``remid.rewards.ReasoningReward`` / ``PolicyReward``, the defaults). The
authors' code (``estimator_training/CoEvolve_RL.py``) adds, for the reasoner, a format reward (section headings
present, core features set apart) and a length reward (core-feature words / 600, capped at 1) and uses
exp(mean token log-prob) of the golden response instead of the summed log-prob; for the policy, a format
reward beside the table-19 ratio. Written here from that description, in remid's reward signature
``(prompts, completions, **columns) -> list[float | None]``.
"""

from __future__ import annotations

import math

from remid.estimators.reasoner import extract_core_features
from remid.prompts import CORE_FEATURES_MARKER, policy_prompt
from remid.rewards import ReasoningReward, _samples

# The headings of the table-15 format the reasoner is asked to follow (remid.prompts.reasoning_prompt).
REASONING_HEADINGS = ("Key Information in User Persona", "Key Information in Agent Character",
                      "Key Information in Dialogue Context", CORE_FEATURES_MARKER)
TARGET_CORE_WORDS = 600
RESPONSE_MARKUP = ("<Agent Response>", "</Agent Response>", "## ", "[Core Features")


def reasoning_format_reward(prompts: list[str], completions: list[str], **columns) -> list[float | None]:
    """1.0 when a trace holds every table-15 heading and non-empty core features after the marker, else 0.0.

    >>> reasoning_format_reward([""], [" ".join(REASONING_HEADINGS) + " warm, brief"])
    [1.0]
    """
    return [float(all(h in c for h in REASONING_HEADINGS) and bool(c.rpartition(CORE_FEATURES_MARKER)[2].strip()))
            for c in completions]


class CoreFeatureLengthReward:
    """min(words in the core features / ``target_words``, 1): the authors' push towards ~600-word feature sets."""

    def __init__(self, target_words: int = TARGET_CORE_WORDS) -> None:
        if target_words < 1:
            raise ValueError(f"target_words must be >= 1, got {target_words}")
        self.target_words = target_words

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        return [min(len(extract_core_features(c).split()) / self.target_words, 1.0) for c in completions]


class ExpMeanReasoningReward(ReasoningReward):
    """exp(mean token log-prob of the golden response under the policy given (x, r_i)), in (0, 1]: the authors'
    form of table 18's reward (which sums the log-probs)."""

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        samples = _samples(columns, len(completions))
        prompts_ = [policy_prompt(s, extract_core_features(r)) for s, r in zip(samples, completions, strict=True)]
        means = self.logprobs(prompts_, [s.golden_response for s in samples], "mean")
        return [math.exp(float(v)) for v in means]


def response_format_reward(prompts: list[str], completions: list[str], **columns) -> list[float | None]:
    """1.0 for a non-empty response free of prompt markup (tags, headings, the core-features marker), else 0.0.

    >>> response_format_reward(["", ""], ["Hello there.", "## Agent Response"])
    [1.0, 0.0]
    """
    return [float(bool(c.strip()) and not any(m in c for m in RESPONSE_MARKUP)) for c in completions]
