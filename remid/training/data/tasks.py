"""Supervised tasks: map a ``Sample`` to ``(prompt, target response)``.

A method's yaml picks one with ``_target_`` (``_partial_: true``), so adding a task needs no branch.
"""

from __future__ import annotations

from remid.core.prompts import (
    Prompt,
    direct_prompt,
    policy_prompt,
    reasoning_prompt,
    rpm_prompt,
    thinking_prompt,
    thinking_target,
)
from remid.core.schema import Sample


def rpm_example(sample: Sample, response: str | None = None) -> tuple[Prompt, str]:
    """The role-playing model: table 21 prompt -> golden response (or ``response``: RFT's best-of-n target)."""
    return rpm_prompt(sample), sample.golden_response if response is None else response


def thinking_example(sample: Sample, thinking: str) -> tuple[Prompt, str]:
    """A thinking RPM (ThinkingSFT, "Ours"): table 21 prompt -> table 25 thinking section, then the golden response."""
    return thinking_prompt(sample), thinking_target(thinking, sample.golden_response)


def reasoner_example(sample: Sample, trace: str) -> tuple[Prompt, str]:
    """The reasoning generator q_phi1: table 15 prompt with the reference withheld -> the teacher's table 16 trace.

    ``trace`` comes from the artefact a prepare step wrote (``remid.training.methods.traces.reasoning_traces``): the
    teacher saw the reference when writing it (appendix D), the generator learns to write it without.
    """
    return reasoning_prompt(sample, with_reference=False), trace


def policy_example(sample: Sample, trace: str) -> tuple[Prompt, str]:
    """The policy model q_phi2: table 17 prompt with the teacher trace's core features r -> golden response."""
    from remid.core.reasoning import extract_core_features

    return policy_prompt(sample, extract_core_features(trace)), sample.golden_response


def direct_example(sample: Sample) -> tuple[Prompt, str]:
    """The no-reasoning scorer p(y | x): table 18 prompt -> golden response (EMI baseline)."""
    return direct_prompt(sample), sample.golden_response
