"""Every prompt template of the paper, rendered from a ``Sample`` (tables 15, 17-19, 21-25).

A template gives a ``Prompt``: the user-turn ``text`` and the fixed ``response_prefix`` /
``response_suffix`` around the model's answer. The prefix is part of the *context* (prefilled at
generation, never scored); the answer plus suffix is the *target*. So training, generation and
scoring all split a sequence at the same point, and CLUB scores exactly the response tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from remid.core.schema import Sample

CORE_FEATURES_MARKER = "[Core Features of the Golden Response]"
# The tags around an RPM's answer (table 21): every RPM prompt's response prefix / suffix, and where generation stops.
RESPONSE_OPEN, RESPONSE_CLOSE = "<Agent Response>", "</Agent Response>"

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


def _role_play(persona: str, character: str, sample: Sample, build) -> Prompt:
    """Table 21's layout around ``persona`` and ``character`` (already padded); ``build`` rebuilds it shortened."""
    text = (
        f"<User Persona>{persona}</User Persona>\n"
        f"<Agent Character>{character}</Agent Character>\n"
        f"<Dialogue Context> {dialogue_text(sample)} </Dialogue Context>"
    )
    return Prompt(text, f"{RESPONSE_OPEN} ", f" {RESPONSE_CLOSE}", _shortening(build, sample))


def rpm_prompt(sample: Sample) -> Prompt:
    """Table 21: the prompt and expected output for SFT / GRPO role-playing models."""
    return _role_play(f" {sample.user_persona} ", f" {character_text(sample)} ", sample, rpm_prompt)


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
    """Table 18: the policy without reasoning, p(y | x) (the EMI baseline); the reasoning reward scores y given x and r."""
    return Prompt(_input_block(sample), "## Agent Response\n", "", _shortening(direct_prompt, sample))


# ---- Teacher and reward templates of the RPM training methods (appendix E.1, tables 22-25) ----

DA_TOPIC_KEYS = ("possibility_1", "possibility_2", "possibility_3")
DA_DIALOGUE_KEYS = tuple(f"{who}_{i}" for i in range(1, 5) for who in ("user_query", "agent_response"))
UNKNOWN_PERSONA = "The user persona is unknown."
UNKNOWN_CHARACTER = "The agent character is unknown."
MATCH_TARGET = "100%"
THINKING_OPEN, THINKING_CLOSE = "<Thinking>", "</Thinking>"


def _json_skeleton(keys: tuple[str, ...]) -> str:
    return "“json { { " + ", ".join(f'"{k}": ""' for k in keys) + " } }”"


def da_topics_prompt(sample: Sample) -> str:
    """Table 22, step 1: three possible conversation topics for this persona and character (JSON)."""
    return (
        "Your task is to imagine how a conversation might unfold between a user with the provided persona and an "
        "agent with the specified character profile. Given the following information:\n"
        f'- User Persona: "{sample.user_persona}"\n- Agent Character Profile: "{character_text(sample)}"\n'
        "Instructions:\n1. Please provide information regarding the following aspects: 1) What topic would the user "
        "start the conversation with? 2) What questions would the user ask the agent in the middle of the "
        "conversation? 3) How would the agent respond in a way that keeps the conversation engaging and flowing "
        "forward? Use your imagination to answer these three questions for each possible scenario.\n"
        "2. Your responses should be closely aligned with both the user persona and the agent’s character, as "
        "different users and agent profiles can lead to very different conversations.\n"
        "3. Provide three distinct possibilities, each of which must adhere to the requirements in point 1 and 2.\n"
        f"4. Output the result strictly in the JSON format shown below. Output Format: {_json_skeleton(DA_TOPIC_KEYS)}"
    )


def da_dialogue_prompt(sample: Sample, context_seed: str) -> str:
    """Table 22, step 2: a 4-round dialogue grown from one step-1 topic (the "context seed"; JSON)."""
    return (
        "You are tasked with generating a realistic 4-round dialogue between a user and an agent. Given the "
        f'following information:\n- User Persona: "{sample.user_persona}"\n'
        f'- Chat History Context Seed (for background reference only): "{context_seed}"\n'
        f'- Agent Character Profile: "{character_text(sample)}"\n'
        "Instructions:\n1. Generate a natural and coherent 4-round conversation between the user and the agent.\n"
        "2. Ensure that each round logically follows from the previous one, building a meaningful interaction.\n"
        "3. The agent’s responses must reflect their personality, tone, and traits as described in the character "
        "profile.\n4. When crafting user_query_4, design it in such a way that the agent can provide a relevant and "
        "accurate response only if both the user persona and the agent’s character traits are taken into account.\n"
        "5. You may introduce new topics or scenarios not present in the context seed, as long as they align with "
        "the personas and maintain logical flow.\n"
        f"6. Output the result strictly in the JSON format shown below. Output Format: {_json_skeleton(DA_DIALOGUE_KEYS)}"
    )


def rejection_prompt(sample: Sample) -> Prompt:
    """Table 23: the table-21 prompt with persona and character withheld (DPO rejected responses)."""
    return _role_play(UNKNOWN_PERSONA, UNKNOWN_CHARACTER, sample, rejection_prompt)


def match_prompt(sample: Sample, candidate: str) -> Prompt:
    """Table 24: how well ``candidate`` matches the golden response; the scored target is ``"100%"``.

    RFT, RL and ThinkingRL reward a candidate with p_ref("100%" | this prompt) under the base model.
    """
    text = (
        f"{_input_block(sample)}\n"
        f'""Reference Golden Response: {sample.golden_response}""\n""Candidate Response: {candidate}""\n'
        "If the given Reference Golden Response matches 100% with the given user persona and agent character, then "
        "please determine what percentage of the given Candidate Response matches. Please output the percentage "
        "value directly, without analysis."
    )
    return Prompt(text, "Percentage: ", "", _shortening(lambda s: match_prompt(s, candidate), sample))


def corl_match_prompt(sample: Sample, reasoning: str, candidate: str) -> Prompt:
    """Table 19: how much of the core features r a candidate response matches, given that the golden response
    matches all of them; the scored target is ``"100%"`` after ``"Percentage: "``.

    CoRL's policy reward reads pi_ref("100%" | this prompt) for a rollout y_i and for the golden y itself.
    """
    text = (
        f"{_input_block(sample)}\n"
        f'## Core Features of the Golden Response\n"" {reasoning} ""\n'
        f'""Reference Golden Response: {sample.golden_response}""\n""Candidate Response: {candidate}""\n'
        'If the given Reference Golden Response matches 100% with the "Core Features of the Golden Response" as '
        "described, then please determine what percentage of the Core Features is matched by the given Candidate "
        "Response. Please output the percentage value directly, without analysis."
    )
    return Prompt(text, "Percentage: ", "", _shortening(lambda s: corl_match_prompt(s, reasoning, candidate), sample))


def thinking_prompt(sample: Sample) -> Prompt:
    """Table 21's prompt for a thinking RPM (ThinkingSFT/RL, "Ours"): it writes a table-25 thinking
    section, then the response: ``<Thinking> {features} </Thinking>\\n<Agent Response> {y} </Agent Response>``.
    """
    return Prompt(rpm_prompt(sample).text, f"{THINKING_OPEN} ", f" {RESPONSE_CLOSE}",
                  _shortening(thinking_prompt, sample))


def thinking_response_prompt(sample: Sample, thinking: str) -> Prompt:
    """A thinking RPM's context up to its response: ``thinking_prompt`` with the thinking section written out.
    Scores a response given the thinking ("Ours" rewards); the response plus suffix is the target."""
    return Prompt(rpm_prompt(sample).text, f"{THINKING_OPEN} {thinking.strip()} {THINKING_CLOSE}\n{RESPONSE_OPEN} ",
                  f" {RESPONSE_CLOSE}", _shortening(lambda s: thinking_response_prompt(s, thinking), sample))


def thinking_target(thinking: str, response: str) -> str:
    """The text a thinking RPM writes after ``thinking_prompt``'s prefix (suffix added by ``Prompt.target``)."""
    return f"{thinking.strip()} {THINKING_CLOSE}\n{RESPONSE_OPEN} {response.strip()}"


def split_thinking(completion: str) -> tuple[str, str]:
    """``(thinking, response)`` of a thinking RPM's completion; the response is empty when the model never
    closed its thinking section or opened its response."""
    thinking, closed, rest = completion.partition(THINKING_CLOSE)
    if not closed:
        return completion.strip(), ""
    _, opened, response = rest.partition(RESPONSE_OPEN)
    response = response if opened else rest
    return thinking.strip(), response.replace(RESPONSE_CLOSE, "").strip()


def response_after_thinking(completion: str) -> str:
    """The response part of a thinking RPM's completion (``split_thinking``'s second half)."""
    return split_thinking(completion)[1]
