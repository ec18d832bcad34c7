"""Every prompt template of the paper, rendered from a ``Sample`` (tables 15, 17, 18, 21).

A template gives a ``Prompt``: the user-turn ``text`` and the fixed ``response_prefix`` /
``response_suffix`` around the model's answer. The prefix is part of the *context* (prefilled at
generation, never scored); the answer plus suffix is the *target*. So training, generation and
scoring all split a sequence at the same point, and CLUB scores exactly the response tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from remid.data.schema import Sample

CORE_FEATURES_MARKER = "[Core Features of the Golden Response]"

_CHARACTER_LABELS = {
    "character_name": "Name",
    "character_domain": "Domain",
    "character_source": "Source",
    "basic_character_information": "Basic information",
    "character_background": "Background",
    "character_personality": "Personality",
}


@dataclass(frozen=True)
class Prompt:
    """A rendered prompt: the user message and the fixed text around the expected answer."""

    text: str
    response_prefix: str
    response_suffix: str
    # The same template with the oldest dialogue turn dropped (None: one turn left, or not a sample's prompt).
    shorter: Callable[[], Prompt | None] | None = field(default=None, compare=False, repr=False)

    def target(self, response: str) -> str:
        """The expected output for ``response`` (what SFT trains on, after the prefix)."""
        return response + self.response_suffix


def _shortening(template: Callable[[Sample], Prompt], sample: Sample) -> Callable[[], Prompt | None]:
    """Re-render ``template`` without the oldest dialogue turn; header, persona and character stay."""
    def shorter() -> Prompt | None:
        if len(sample.dialogue_context) <= 1:
            return None
        return template(replace(sample, dialogue_context=sample.dialogue_context[1:]))

    return shorter


def character_text(sample: Sample) -> str:
    character = sample.agent_character
    if isinstance(character, str):
        return character
    return "\n".join(f"{label}: {character[key]}" for key, label in _CHARACTER_LABELS.items() if character.get(key))


def dialogue_text(sample: Sample) -> str:
    """``str_dialogue_context``: one line per turn, the agent speaking under its character name."""
    name = sample.character_name
    return "\n".join(f"User: {t.text}" if t.role == "user" else f"{name}: {t.text}" for t in sample.dialogue_context)


def rpm_prompt(sample: Sample) -> Prompt:
    """Table 21: the prompt and expected output for SFT / GRPO role-playing models."""
    text = (
        f"<User Persona> {sample.user_persona} </User Persona>\n"
        f"<Agent Character> {character_text(sample)} </Agent Character>\n"
        f"<Dialogue Context> {dialogue_text(sample)} </Dialogue Context>"
    )
    return Prompt(text, "<Agent Response> ", " </Agent Response>", _shortening(rpm_prompt, sample))


def _input_block(sample: Sample) -> str:
    return (
        "# Task Completion\n## Input Information\n"
        f'### User Persona\n"" {sample.user_persona} ""\n'
        f'### Agent Character\n"" {character_text(sample)} ""\n'
        f'### Dialogue Context\n"" {dialogue_text(sample)} ""'
    )


_REASONING_FORMAT = (
    "## Format Template of Generated Thought\n"
    "### Part 1: Restatement of Key Information\n"
    "#### Key Information in User Persona\n#### Key Information in Agent Character\n"
    "#### Key Information in Dialogue Context\n"
    "### Part 3: Final Feature Set of the Golden Response\n"
    f'"" {CORE_FEATURES_MARKER}\n'
    "## I. Content Characteristics\n### 1. Alignment with User Persona\n### 2. Embodiment of Agent Character\n"
    "### 3. Continuity within Dialogue Context\n## II. Style Characteristics\n"
    "### 1. Tone and Language Suitable for the User\n### 2. Expression Consistent with Agent Character\n"
    '### 3. Naturalness within Dialogue Flow ""'
)
_WITHHELD_REFERENCE = (
    "## Reference Golden Agent Response\n"
    '"" No reference is given. Analyse the input alone and infer the features that the ideal agent '
    'response should have. ""'
)


def reasoning_prompt(sample: Sample, with_reference: bool = False) -> Prompt:
    """Table 15: the reasoning generator's prompt.

    Departure: with ``with_reference=False`` (evaluation, r = f_R(x)) the golden-response slot is
    replaced by an instruction to analyse without a reference, as R-EMI requires; the format
    template is shortened to the parts the estimator reads (Part 1 and Part 3).
    """
    reference = (
        f'## Reference Golden Agent Response\n"" {sample.golden_response} ""' if with_reference else _WITHHELD_REFERENCE
    )
    text = (
        "# Task Guidelines\nBelow, I will provide you with the input information for this task, including the "
        "user persona, agent character, and dialogue context. Please generate a thought process based on the "
        "provided Format Template of Generated Thought, using the input information I give you.\n"
        f"{_input_block(sample)}\n{reference}\n"
        "> System: Please output the thought process in the specified format below.\n"
        f"{_REASONING_FORMAT}"
    )
    return Prompt(text, "## Generated Thought\n", "",
                  _shortening(lambda s: reasoning_prompt(s, with_reference), sample))


def policy_prompt(sample: Sample, reasoning: str) -> Prompt:
    """Table 17: the policy model q_phi2(y | x, r) (rollout and CLUB scoring)."""
    text = f'{_input_block(sample)}\n### Core Features of the Golden Response\n"" {reasoning} ""'
    return Prompt(text, "## Agent Response\n", "", _shortening(lambda s: policy_prompt(s, reasoning), sample))


def direct_prompt(sample: Sample) -> Prompt:
    """Table 18: p(y | x) without reasoning (reasoning-generator reward; the EMI baseline)."""
    return Prompt(_input_block(sample), "## Agent Response\n", "", _shortening(direct_prompt, sample))
