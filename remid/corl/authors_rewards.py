"""CoRL rewards of the authors' public code, **not in the paper** (opt in: ``experiment=authors_corl``).

The paper's CoRL (section 3.3, tables 18-19) rewards the reasoning generator with log q_phi2(y | x, r_i) and
the policy with the table-19 ratio (``remid.training.rewards.base.ReasoningReward`` / ``PolicyReward``, the defaults). The
authors' code (``estimator_training/CoEvolve_RL.py``) adds, for the reasoner, a format reward (0.5 for the core
features inside a code block, 0.5 for the seven section headings) and a length reward (code-block words / 600,
capped at 1) and uses exp(mean token log-prob) of the golden response instead of the summed log-prob; for the
policy, a format reward (the "## Agent Response" heading present) beside the table-19 ratio. Written here from that
description, in remid's reward signature ``(prompts, completions, **columns) -> list[float | None]``. Adapted, and
labelled where it is done: remid renders table 15's code blocks as "" (both fences count), and prefills the
policy's heading. Which seven headings is our reading (Part 1, its three Key Information headings, Summary, Part 2,
Part 3); remid's shortened rollout prompt omits Summary and Part 2, so a reasoner that follows it earns 0.5 at most.
"""

from __future__ import annotations

import math

from remid.core.prompts import CORE_FEATURES_MARKER, policy_prompt
from remid.core.reasoning import extract_core_features
from remid.training.rewards.base import ReasoningReward, _samples

# The seven section headings of table 15's full format (Summary and Part 2 included), as the authors' reward asks.
REASONING_HEADINGS = ("Part 1: Restatement of Key Information", "Key Information in User Persona",
                      "Key Information in Agent Character", "Key Information in Dialogue Context",
                      "Summary of Key Information", "Part 2: Iterative Revision",
                      "Part 3: Final Feature Set of the Golden Response")
TARGET_CORE_WORDS = 600
# Code-block fences: the authors' ``` and, adapted, remid's rendering of table 15's block as "" (remid.core.prompts).
FENCES = ("```", '""')
POLICY_HEADING = "## Agent Response"


def code_blocks(text: str) -> list[str]:
    """The text inside each pair of fences (``` or "") of ``text``, in order."""
    out: list[str] = []
    for fence in FENCES:
        parts = text.split(fence)
        out += parts[1:-1:2] if len(parts) > 2 else []
    return out


def reasoning_format_reward(prompts: list[str], completions: list[str], **columns) -> list[float | None]:
    """The authors' reasoner format reward: 0.5 when the core-features marker is inside a code block, plus 0.5 when
    all seven table-15 headings are present.

    >>> reasoning_format_reward([""], ['"" [Core Features of the Golden Response] warm ""'])
    [0.5]
    """
    return [0.5 * any(CORE_FEATURES_MARKER in b for b in code_blocks(c)) + 0.5 * all(h in c for h in REASONING_HEADINGS)
            for c in completions]


class CoreFeatureLengthReward:
    """min(words inside code blocks / ``target_words``, 1): the authors' length reward counts code-block text only."""

    def __init__(self, target_words: int = TARGET_CORE_WORDS) -> None:
        if target_words < 1:
            raise ValueError(f"target_words must be >= 1, got {target_words}")
        self.target_words = target_words

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        return [min(sum(len(b.split()) for b in code_blocks(c)) / self.target_words, 1.0) for c in completions]


class ExpMeanReasoningReward(ReasoningReward):
    """exp(mean token log-prob of the golden response under the policy given (x, r_i)), in (0, 1]: the authors'
    form of table 18's reward (which sums the log-probs)."""

    def __call__(self, prompts: list[str], completions: list[str], **columns) -> list[float | None]:
        samples = _samples(columns, len(completions))
        prompts_ = [policy_prompt(s, extract_core_features(r)) for s, r in zip(samples, completions, strict=True)]
        means = self.logprobs(prompts_, [s.golden_response for s in samples], "mean")
        return [math.exp(float(v)) for v in means]


def response_format_reward(prompts: list[str], completions: list[str], **columns) -> list[float | None]:
    """The authors' policy format reward: 1.0 when "## Agent Response" is present, else 0.0. Adapted: remid prefills
    the heading (table 17's expected output opens with it; ``policy_prompt``'s response prefix), so a prompt ending
    in it counts; under remid's prompts the reward is then 1.0 for every rollout and moves no advantage.

    >>> response_format_reward(["... ## Agent Response", "x"], ["Hello there.", "Hello."])
    [1.0, 0.0]
    """
    return [float(POLICY_HEADING in c or p.rstrip().endswith(POLICY_HEADING)) for p, c in zip(prompts, completions,
                                                                                            strict=True)]
