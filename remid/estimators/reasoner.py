"""The offline rule-based reasoner: a deterministic stand-in for the paper's teacher LLM.

It writes a shortened table 16 trace (Part 1 restatement, Part 3 core features) from a sample's
fields. With ``with_reference=True`` it also draws on the golden response, as the teacher that
writes SFT traces does (appendix D); with ``False`` it sees only the input x.
"""

from __future__ import annotations

import re

from remid.data.schema import Sample
from remid.prompts import CORE_FEATURES_MARKER

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")
_WORD = re.compile(r"[^\W\d_]{4,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,}")
_STOP = {"that", "this", "with", "have", "your", "what", "when", "from", "they", "there", "about", "would",
         "like", "just", "really", "some", "been", "were", "will", "into", "their", "which", "could", "than",
         "also", "very", "much", "more", "only", "even", "here", "does", "make", "know", "think", "always"}


def _sentences(text: str, k: int) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()][:k]


def _keywords(text: str, k: int, exclude: set[str] = frozenset()) -> list[str]:
    seen: list[str] = []
    for word in _WORD.findall(text):
        low = word.lower()
        if low not in _STOP and low not in exclude and low not in seen:
            seen.append(low)
    return seen[:k]


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def rule_based_reasoning(sample: Sample, with_reference: bool = True) -> str:
    """A deterministic reasoning trace ending in the core features (under ~900 characters)."""
    character = sample.agent_character if isinstance(sample.agent_character, dict) else {}
    name = sample.character_name
    persona = _sentences(sample.user_persona, 2)
    last_query = sample.dialogue_context[-1].text
    n_turns = sum(t.role == "user" for t in sample.dialogue_context)
    topic = _keywords(last_query, 3)
    traits = _keywords(character.get("character_personality", str(sample.agent_character)), 3)
    domain = character.get("character_domain", "")
    persona_words = _keywords(sample.user_persona, 3)
    lines = [
        "### Part 1: Restatement of Key Information",
        "#### Key Information in User Persona",
        *(f"- {_clip(s)}" for s in persona),
        "#### Key Information in Agent Character",
        f"- {name}" + (f", {domain}" if domain else "") + (f"; {', '.join(traits)}" if traits else ""),
        "#### Key Information in Dialogue Context",
        f"- {n_turns} user turns; the last asks: {_clip(last_query, 80)}",
        "### Part 3: Final Feature Set of the Golden Response",
        CORE_FEATURES_MARKER,
        "## I. Content Characteristics",
        "### 1. Alignment with User Persona",
        f"- Connects to the user's {', '.join(persona_words) or 'background'}.",
        "### 2. Embodiment of Agent Character",
        f"- Speaks as {name}" + (f" drawing on {domain.lower()}" if domain else "") + ".",
        "### 3. Continuity within Dialogue Context",
        f"- Answers the question about {', '.join(topic) or 'the last turn'}.",
    ]
    if with_reference:
        golden = _keywords(sample.golden_response, 4, exclude=set(topic))
        if golden:
            lines.append(f"- Mentions {', '.join(golden)}.")
    lines += [
        "## II. Style Characteristics",
        "### 1. Tone and Language Suitable for the User",
        f"- Written in the user's language, {'brief' if len(last_query) < 60 else 'detailed'} and direct.",
        "### 2. Expression Consistent with Agent Character",
        f"- Tone: {', '.join(traits) or 'in character'}.",
        "### 3. Naturalness within Dialogue Flow",
        "- Follows on from the previous turn without repeating it.",
    ]
    return "\n".join(lines)


def extract_core_features(trace: str) -> str:
    """r: the text after the last "[Core Features of the Golden Response]" marker, stripped.

    A trace without the marker is returned whole (stripped), so a generator that never learned
    the format still yields a usable r.
    """
    _, marker, tail = trace.rpartition(CORE_FEATURES_MARKER)
    text = tail if marker else trace
    return text.strip().strip('"“”').strip()
