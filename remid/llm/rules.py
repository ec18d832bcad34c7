"""``RulesBackend``: the offline teacher. Deterministic, no model, no network, and weak.

It answers a request by its ``task`` from ``request.fields["sample"]`` (a ``Sample.to_record()``),
never from the messages, so pipelines built for an LLM teacher run end to end offline:

* ``da_topics`` (table 22 step 1): JSON ``possibility_1..3``, each a different angle on the user's
  job and hobbies and the character's field and work.
* ``da_dialogue`` (table 22 step 2, ``fields["seed"]`` = a step-1 possibility): JSON
  ``user_query_1, agent_response_1, ..., user_query_4, agent_response_4`` in the sample's language;
  every agent reply names the character's field, practice or work and the user's job or hobbies,
  and the seed picks the round-2 topic and the template variants.
* ``thinking_trace`` (table 25): the core features of ``rule_based_reasoning(sample, True)``.
* ``reasoning_trace`` (table 16): ``rule_based_reasoning(sample, with_reference=True)``.
* ``rejection`` (table 23): a generic reply built from the last query alone, ignoring persona and
  character.

How weak: facts come from matching the persona against the mini benchmark's phrase pools and the
character against its character tables (``remid.tiny.dialogues``), else from keyword extraction
(``remid.core.reasoning``); sentences are fixed templates (``remid.llm.rules_text``). It
teaches the *format* and that replies must use persona and character; it writes no new knowledge.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from typing import Any

from remid.core.cache import cache_key
from remid.core.reasoning import _keywords, _tokens, extract_core_features, rule_based_reasoning
from remid.core.schema import Sample, parse_record
from remid.llm.rules_text import TEXT
from remid.llm.types import ChatRequest, FatalError
from remid.tiny import dialogues as g

LANGUAGES = tuple(TEXT)
_LOCAL_NAME_INDEX = {"chinese": 0, "japanese": 1, "korean": 2}
_MARKERS = {
    "english": {"the", "and", "i", "my", "is", "to", "with", "for", "you", "of", "in"},
    "german": {"ich", "und", "der", "die", "das", "nicht", "mit", "ist", "für", "meine", "sie", "zu"},
    "spanish": {"yo", "que", "el", "la", "los", "las", "con", "para", "mi", "es", "por", "una", "me"},
}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
_REAL = {row[0]: row for row in g.REAL_CHARACTERS}  # name, domain, cat, home, basic, work, method, ...
_FICTIONAL = {row[0]: row for row in g.FICTIONAL_CHARACTERS}  # name, domain, source, home, basic, work, field, method
_POOLS = {"english": (g.EN_JOBS, g.EN_HOBBIES),
          **{lang: (pools["jobs"], pools["hobbies"]) for lang, pools in g.USER_SHIFT_LANGS.items()}}
DIALOGUE_KEYS = tuple(f"{who}_{i}" for i in range(1, 5) for who in ("user_query", "agent_response"))
TOPIC_KEYS = ("possibility_1", "possibility_2", "possibility_3")


def detect_language(sample: Sample) -> str:
    """The sample's language: its user-shift subset, else the script and function words of its text."""
    if sample.subset in LANGUAGES:
        return sample.subset
    text = sample.user_persona + " " + " ".join(t.text for t in sample.dialogue_context)
    counts = {"korean": len(re.findall(r"[\uac00-\ud7af]", text)), "japanese": len(re.findall(r"[\u3040-\u30ff]", text)),
              "chinese": len(re.findall(r"[\u3400-\u9fff]", text))}
    if counts["korean"] > 10:
        return "korean"
    if counts["japanese"] > 5:
        return "japanese"
    if counts["chinese"] > 10:
        return "chinese"
    words = re.findall(r"\w+", text.lower())
    return max(_MARKERS, key=lambda lang: (sum(w in _MARKERS[lang] for w in words), lang == "english"))


def _find(text: str, phrases: list[str]) -> list[str]:
    """The phrases occurring in ``text`` (case-insensitive), in order of appearance, none inside another."""
    lower, found, taken = text.lower(), [], []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        pos = lower.find(phrase.lower())
        if pos >= 0 and not any(s <= pos < e for s, e in taken):
            taken.append((pos, pos + len(phrase)))
            found.append((pos, phrase))
    return [phrase for _, phrase in sorted(found)]


@dataclass(frozen=True)
class Facts:
    """What the templates say about one sample, in its language (``rules_text`` lists the slots)."""

    language: str
    name: str
    field: str
    practice: str
    known_for: str
    home: str
    trait: str
    job: str
    interest: str
    interest2: str
    persona: str

    def slots(self, **extra: str) -> dict[str, str]:
        values = {**asdict(self), **extra}
        values.pop("language")
        return {**values, **{f"{k}_cap": v[:1].upper() + v[1:] for k, v in values.items()}}


def sample_facts(sample: Sample) -> Facts:
    """The character's and the user's facts of ``sample``, in the sample's language."""
    language = detect_language(sample)
    fallback = TEXT[language]["fallback"]
    character = sample.agent_character if isinstance(sample.agent_character, dict) else {}
    name = sample.character_name
    real, fictional = _REAL.get(name), _FICTIONAL.get(name)
    background = character.get("character_background", "")
    known = re.search(r"best known for (.+?)\.?$", background)
    if real is not None or fictional is not None:
        known_for = (real or fictional)[5]  # in the character's own voice ("my ...")
    else:
        known_for = known.group(1) if known else (character.get("basic_character_information") or name).split(";")[0]
    home = background[5:].split(";")[0] if background.startswith("From ") else "my home"
    name_words = {w.lower() for w in _tokens(name)}
    traits = _keywords(character.get("character_personality", ""), 3, exclude=name_words)
    if real is not None and language != "english":
        field, practice = g.USER_SHIFT_LANGS[language]["fields"][real[2]]
    elif real is not None:
        field, practice = g.CATEGORY_EN[real[2]], real[6]
    elif fictional is not None and language == "english":
        field, practice = fictional[6], fictional[7]
    else:
        domain = character.get("character_domain", "")
        field, practice = (domain.lower() if language == "english" else domain) or name, fallback["practice"]
    if language in _LOCAL_NAME_INDEX and name in g.LOCAL_NAMES:
        name = g.LOCAL_NAMES[name][_LOCAL_NAME_INDEX[language]]
    jobs, hobbies = _POOLS[language]
    persona = sample.user_persona
    found_jobs = _find(persona, [job for job, _ in jobs])
    interests = _find(persona, [hobby for hobby, _ in hobbies]) or _keywords(persona, 2)
    interests = (interests or [fallback["topic"]]) * 2
    sentences = [s.strip() for s in _SENTENCE_END.split(persona.strip()) if s.strip()]
    joiner = "" if language in _LOCAL_NAME_INDEX else " "
    return Facts(language, name, field, practice, known_for, home, traits[0] if traits else "thoughtful",
                 found_jobs[0] if found_jobs else fallback["job"], interests[0], interests[1],
                 joiner.join(sentences[:2]) if sum(map(len, sentences[:2])) <= 160 else sentences[0])


def _render(template: str, language: str, slots: dict[str, str]) -> str:
    text = template.format(**slots)
    return g._ko_particles(text) if language == "korean" else text


def _rng(sample: Sample, *parts: Any) -> random.Random:
    return random.Random(int(cache_key(sample.sample_id, *parts), 16))


def topics(sample: Sample) -> dict[str, str]:
    """Table 22 step 1: three possible conversations of this user and character."""
    facts = sample_facts(sample)
    slots = facts.slots()
    return {key: _render(t, facts.language, slots) for key, t in zip(TOPIC_KEYS, TEXT[facts.language]["topics"],
                                                                        strict=True)}


def dialogue(sample: Sample, seed: str = "") -> dict[str, str]:
    """Table 22 step 2: a 4-round dialogue in the sample's language, steered by the context ``seed``."""
    facts = sample_facts(sample)
    candidates = [facts.known_for, facts.interest, facts.interest2, facts.practice, facts.field]
    in_seed = _find(seed, [c for c in candidates if c]) if seed else []
    focus = in_seed[0] if in_seed else (" ".join(_keywords(seed, 2)) if seed else "") or facts.interest2
    slots = facts.slots(focus=focus)
    rng = _rng(sample, "da_dialogue", seed)
    out: dict[str, str] = {}
    for i, (queries, answers) in enumerate(TEXT[facts.language]["dialogue"], 1):
        out[f"user_query_{i}"] = _render(rng.choice(queries), facts.language, slots)
        out[f"agent_response_{i}"] = _render(rng.choice(answers), facts.language, slots)
    return out


def rejection(sample: Sample) -> str:
    """Table 23: a plausible reply to the last query that ignores who the user and the agent are."""
    language = detect_language(sample)
    character = sample.agent_character if isinstance(sample.agent_character, dict) else {}
    names = " ".join(g.LOCAL_NAMES.get(sample.character_name, ()))
    known = {w.lower() for w in _tokens(" ".join([sample.user_persona, names, *character.values()]))}
    # One content word of the last query (Chinese runs split badly: the generic "this" instead).
    words = _keywords(sample.dialogue_context[-1].text, 1, exclude=known) if language != "chinese" else []
    topic = words[0] if words else TEXT[language]["fallback"]["topic"]
    template = _rng(sample, "rejection").choice(TEXT[language]["rejection"])
    return _render(template, language, {"topic": topic})


class RulesBackend:
    """The offline, deterministic, weak teacher (module docstring): answers by ``request.task`` from
    ``request.fields`` ("sample": a ``Sample.to_record()``; "seed" for ``da_dialogue``)."""

    name = "rules:v1"  # bump when the rules change, so cached answers are not reused
    reads_fields = True
    deterministic = True

    def __init__(self) -> None:
        self.tasks = {
            "da_topics": lambda s, f: json.dumps(topics(s), ensure_ascii=False),
            "da_dialogue": lambda s, f: json.dumps(dialogue(s, str(f.get("seed", ""))), ensure_ascii=False),
            "thinking_trace": lambda s, f: extract_core_features(rule_based_reasoning(s, with_reference=True)),
            "reasoning_trace": lambda s, f: rule_based_reasoning(s, with_reference=True),
            "rejection": lambda s, f: rejection(s),
        }

    def complete(self, request: ChatRequest) -> str:
        answer = self.tasks.get(request.task)
        if answer is None:
            raise FatalError(f"RulesBackend has no task {request.task!r}; known tasks: {sorted(self.tasks)}")
        record = request.fields.get("sample")
        if record is None:
            raise FatalError(f"task {request.task!r} needs fields['sample'] = sample.to_record()")
        sample = parse_record(record, where=f"fields['sample'] of a {request.task!r} request")
        if isinstance(sample, list):
            raise FatalError("invalid fields['sample']: " + "; ".join(map(str, sample[:5])))
        return answer(sample, request.fields)
