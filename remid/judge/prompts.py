"""LLM-as-a-judge templates (section 2.3, appendix B: WinRate and PointScore; the paper does not print them)."""

from __future__ import annotations

from remid.core.prompts import character_text, dialogue_text
from remid.core.schema import Sample

JUDGE_WINNER_KEY = "winner"
JUDGE_SCORE_KEY = "score"
JUDGE_WINNERS = ("A", "B", "tie")
JUDGE_SCORE_MIN, JUDGE_SCORE_MAX = 1, 10

_JUDGE_CRITERIA = (
    "Judge role-playing quality on three criteria:\n"
    "1. Character consistency: the response speaks as the agent character, with the character's knowledge, "
    "background, personality and manner of speaking, and never breaks character.\n"
    "2. Persona awareness: the response takes the user persona into account (interests, situation, language) "
    "where it matters for the reply.\n"
    "3. Coherence with the dialogue: the response answers the last user turn, follows from the dialogue context "
    "and neither contradicts nor repeats earlier turns.\n"
    "The dialogue may be in any language; a good response usually answers in the language the user writes in. "
    "Do not reward length for its own sake."
)


def _judge_input(sample: Sample) -> str:
    return (
        f"<User Persona> {sample.user_persona} </User Persona>\n"
        f"<Agent Character> {character_text(sample)} </Agent Character>\n"
        f"<Dialogue Context> {dialogue_text(sample)} </Dialogue Context>"
    )


def judge_pairwise_prompt(sample: Sample, response_a: str, response_b: str) -> str:
    """WinRate's pairwise judgment: which of two candidate next agent turns is the better role-play (JSON
    ``{"reason": ..., "winner": "A" | "B" | "tie"}``). Asked in both orders to cancel position bias."""
    return (
        "# Task\nYou are an impartial judge of role-playing dialogue. An agent plays the character below in a "
        "conversation with a user who has the persona below. Two candidate responses, A and B, continue the "
        "dialogue as the agent's next turn. Decide which one is the better response.\n"
        f"{_JUDGE_CRITERIA}\n"
        "The responses are shown in an arbitrary order: their position must not influence you. Answer \"tie\" "
        "only when neither response is better than the other.\n"
        f"# Input\n{_judge_input(sample)}\n"
        f"<Response A> {response_a} </Response A>\n<Response B> {response_b} </Response B>\n"
        "# Output\nOutput only a JSON object in this format, with a one- or two-sentence reason first:\n"
        f'{{"reason": "...", "{JUDGE_WINNER_KEY}": "A" | "B" | "tie"}}'
    )


def judge_point_prompt(sample: Sample, response: str) -> str:
    """PointScore's judgment: a 1-10 score of one candidate next agent turn (JSON ``{"reason": ..., "score": n}``)."""
    return (
        "# Task\nYou are an impartial judge of role-playing dialogue. An agent plays the character below in a "
        "conversation with a user who has the persona below. A candidate response continues the dialogue as the "
        "agent's next turn. Rate how good a response it is.\n"
        f"{_JUDGE_CRITERIA}\n"
        f"Score on an integer scale from {JUDGE_SCORE_MIN} (out of character, ignores the user, incoherent with "
        f"the dialogue) to {JUDGE_SCORE_MAX} (fully in character, suited to this user, a natural continuation of "
        "the dialogue).\n"
        f"# Input\n{_judge_input(sample)}\n<Response> {response} </Response>\n"
        "# Output\nOutput only a JSON object in this format, with a one- or two-sentence reason first:\n"
        f'{{"reason": "...", "{JUDGE_SCORE_KEY}": <an integer from {JUDGE_SCORE_MIN} to {JUDGE_SCORE_MAX}>}}'
    )
