"""The offline rule-based reasoner: a deterministic stand-in for the paper's teacher LLM.

It writes a shortened table 16 trace (Part 1 restatement, Part 3 core features; Part 2's trials
are left out) from a sample's fields, kept under ~900 characters so tiny models can learn it.
With ``with_reference=True`` it also draws on the golden response, as the teacher that writes SFT
traces does (appendix D); with ``False`` it sees only the input x.
"""

from __future__ import annotations

import re

from remid.core.prompts import CORE_FEATURES_MARKER
from remid.core.schema import Sample

_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")
_TOKEN = re.compile(
    rf"(?P<alpha>[^\W\d_{_CJK}]{{4,}})"  # space-separated scripts: words of 4+ letters
    r"|(?P<han>[\u3400-\u9fff]+)"  # Chinese / Japanese kanji runs (no spaces)
    r"|(?P<kana>[\u30a1-\u30ff]{2,})"  # katakana words
    r"|(?P<hangul>[\uac00-\ud7af]{2,})"  # Korean eojeol
)
# Han characters that are mostly grammatical: runs are cut at them to get content words.
_HAN_FUNCTION = set("的了在是我你他她它们和与也都很吗呢吧能让对有会要就把被这那一不您当最过着从给")
_HANGUL_PARTICLES = ("에서", "에게", "으로", "까지", "부터", "은", "는", "이", "가", "을", "를", "에", "의", "도", "로",
                     "와", "과")
_HANGUL_VERB_ENDINGS = ("요", "다", "까", "고", "지만", "는데", "면")  # conjugated verbs, not topics
_STOP = {
    "that", "this", "with", "have", "your", "what", "when", "from", "they", "there", "about", "would", "like",
    "just", "really", "some", "been", "were", "will", "into", "their", "which", "could", "than", "also", "very",
    "much", "more", "only", "even", "here", "does", "make", "know", "think", "always", "should", "where",
    "dass", "nicht", "sind", "einen", "eine", "wenn", "aber", "oder", "auch", "mich", "mein", "meine", "ihnen",
    "haben", "würden", "para", "como", "pero", "porque", "cuando", "está", "tengo", "estoy", "sobre", "puedo",
    "하는", "저는", "제가", "어떻게", "그리고", "무엇을",
}
_MAX_WORD = 12


def _tokens(text: str) -> list[str]:
    """Candidate content words, in order; works without whitespace (CJK) too."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        kind, word = m.lastgroup, m.group()
        if kind == "han":
            pieces = re.split("[" + "".join(sorted(_HAN_FUNCTION)) + "]", word)
            out += [p[i:i + 4] for p in pieces if len(p) >= 2 for i in range(0, len(p), 4) if len(p[i:i + 4]) >= 2]
        elif kind == "hangul":
            for particle in _HANGUL_PARTICLES:
                if word.endswith(particle) and len(word) - len(particle) >= 2:
                    word = word[: -len(particle)]
                    break
            if word not in _STOP and not word.endswith(_HANGUL_VERB_ENDINGS):
                out.append(word)
        elif word.lower() not in _STOP:
            out.append(word.lower() if kind == "alpha" else word)
    return out


def _keywords(text: str, k: int, exclude: set[str] = frozenset(), prefer: str = "") -> list[str]:
    """Up to ``k`` distinct words of ``text``: those also in ``prefer`` first, then the longest; in text order."""
    seen: dict[str, int] = {}
    for pos, word in enumerate(_tokens(text)):
        word = word[:_MAX_WORD]
        if word not in seen and word not in exclude:
            seen[word] = pos
    preferred = {w.lower()[:_MAX_WORD] for w in _tokens(prefer)}
    ranked = sorted(seen, key=lambda w: (w.lower() not in preferred, -len(w), seen[w]))[:k]
    return sorted(ranked, key=seen.__getitem__)


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _persona_sentences(persona: str, budget: int = 48) -> list[str]:
    """Leading persona sentences (at most 2) that fit ``budget`` characters; the first is clipped if needed."""
    out: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE.split(persona.strip()) if s.strip()):
        if out and sum(map(len, out)) + len(sentence) > budget:
            break
        out.append(_clip(sentence, budget))
    return out[:2]


def rule_based_reasoning(sample: Sample, with_reference: bool = True) -> str:
    """A deterministic reasoning trace in the shortened table 16 format, ending in the core features."""
    character = sample.agent_character if isinstance(sample.agent_character, dict) else {}
    name = _clip(sample.character_name, 30)
    domain = _clip(character.get("character_domain", ""), 20)
    name_words = {w.lower() for w in _tokens(name)}
    traits = _keywords(character.get("character_personality", str(sample.agent_character)), 3, exclude=name_words)
    last_query = sample.dialogue_context[-1].text
    n_turns = sum(t.role == "user" for t in sample.dialogue_context)
    golden = sample.golden_response if with_reference else ""
    # With the reference, input words the golden response echoes are preferred (never golden-only words).
    topic = _keywords(last_query, 2, prefer=golden)
    persona_words = _keywords(sample.user_persona, 2, prefer=golden)
    who = f"{name} ({domain})" if domain else name
    lines = [
        "### Part 1: Restatement of Key Information",
        "#### Key Information in User Persona",
        *(f"- {s}" for s in _persona_sentences(sample.user_persona)),
        "#### Key Information in Agent Character",
        f"- {who}" + (f": {', '.join(traits)}" if traits else ""),
        "#### Key Information in Dialogue Context",
        f"- Turn {n_turns}, asking about {', '.join(topic) or 'the last point'}",
        "### Part 3: Final Feature Set of the Golden Response",
        CORE_FEATURES_MARKER,
        "## I. Content Characteristics",
        "### 1. Alignment with User Persona",
        f"- Ties in {', '.join(persona_words) or 'the persona'}.",
        "### 2. Embodiment of Agent Character",
        f"- Speaks as {name}.",
        "### 3. Continuity within Dialogue Context",
        f"- Answers on {', '.join(topic) or 'the last turn'}.",
    ]
    if with_reference:
        cues = _keywords(sample.golden_response, 2, exclude={*topic, *persona_words})
        if cues:
            lines.append(f"- Mentions {', '.join(cues)}.")
    lines += [
        "## II. Style Characteristics",
        "### 1. Tone and Language Suitable for the User",
        f"- {'Brief' if len(last_query) < 60 else 'Full'}, user's language.",
        "### 2. Expression Consistent with Agent Character",
        f"- {', '.join(traits[:2]).capitalize() or 'In-character'} tone.",
        "### 3. Naturalness within Dialogue Flow",
        "- Follows the last turn.",
    ]
    return "\n".join(lines)


def extract_core_features(trace: str) -> str:
    """r: the text after the LAST "[Core Features of the Golden Response]" marker, stripped of spaces and quotes.

    A trace without the marker is returned whole (stripped), so a generator that never learned
    the format still yields a usable r.
    """
    _, marker, tail = trace.rpartition(CORE_FEATURES_MARKER)
    text = tail if marker else trace
    return text.strip().strip("\"'“”„「」").strip()
