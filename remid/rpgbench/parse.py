"""Parse and check the teacher's answer of each construction task (``PARSERS[task](text, fields)``).

A parser returns the answer's content as a dict or raises ``JSONAnswerError`` saying what is wrong;
the client then re-asks, and finally records the raw answer as a reject. Beyond the JSON shape, the
checks are: non-empty strings, a known step-1 category, a classification naming one of the two
roles, and Chinese / Japanese / Korean text written in its script (German and Spanish are not checked).
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from remid.llm.parsing import JSONAnswerError, extract_json_object
from remid.rpgbench import templates as p

# Category names teachers write for the default step-1 domains (matched as substrings, in this order).
ALIASES = (("real", "Real-world figures"), ("historical", "Real-world figures"), ("literat", "Literature"),
           ("novel", "Literature"), ("book", "Literature"), ("film", "Film & Television"),
           ("tele", "Film & Television"), ("tv", "Film & Television"), ("movie", "Film & Television"),
           ("theat", "Theater"), ("stage", "Theater"), ("musical", "Theater"), ("gam", "Gaming"))
_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.DOTALL)
_SCRIPTS = {"chinese": r"[\u3400-\u9fff]", "japanese": r"[\u3040-\u30ff]", "korean": r"[\uac00-\ud7af]"}


def extract_json_array(text: str) -> list:
    """The answer's JSON array (fenced blocks first), or the list held by its JSON object's only list value."""
    if not isinstance(text, str) or not text.strip():
        raise JSONAnswerError("the answer is empty")
    decoder = json.JSONDecoder()
    for chunk in [*_FENCE.findall(text), text]:
        pos = 0
        while (start := chunk.find("[", pos)) != -1:
            try:
                value, _ = decoder.raw_decode(chunk, start)
            except json.JSONDecodeError:
                pos = start + 1
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                return value
            pos = start + 1
    try:
        obj = extract_json_object(text)
    except JSONAnswerError:
        obj = {}
    lists = [v for v in obj.values() if isinstance(v, list)]
    if len(lists) == 1:
        return lists[0]
    flat = " ".join(text.split())
    raise JSONAnswerError(f"no JSON array of objects in the answer ({len(text)} chars): {flat[:80]!r}")


def _text(value: Any) -> str | None:
    """A non-empty string (a list of strings is joined), else None."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = " ".join(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def check_script(text: str, language: str, what: str) -> None:
    """Raise unless ``text`` of a Chinese / Japanese / Korean ``language`` is written in its script."""
    pattern = _SCRIPTS.get(language)
    if pattern and len(re.findall(pattern, text)) < 2:
        raise JSONAnswerError(f"{what} should be in {language} but has no {language} script: {text[:60]!r}")


def _strings(obj: dict, keys: tuple[str, ...], language: str = "", what: str = "") -> dict[str, str]:
    out, bad = {}, []
    for key in keys:
        value = _text(obj.get(key))
        if value is None:
            bad.append(key)
        else:
            out[key] = value
    if bad:
        raise JSONAnswerError(f"key(s) {bad} missing or not non-empty strings (the object has {sorted(obj)[:12]})")
    if language:
        check_script(" ".join(out.values()), language, what or "the answer")
    return out


def characters(text: str, fields: dict) -> dict:
    """Table 4 step 1: the inferred characters with a known category (unusable items are counted)."""
    domains = {d.lower(): d for d in fields.get("domains", p.DOMAINS)}
    items, dropped = [], 0
    for item in extract_json_array(text):
        category = _text(item.get("category")) if isinstance(item, dict) else None
        name = _text(item.get("character_name")) if isinstance(item, dict) else None
        desc = _text(item.get("character_description")) if isinstance(item, dict) else None
        canonical = domains.get((category or "").lower())
        if canonical is None and category:  # "Film" for "Film & Television", "Real-world figure", "Games" ...
            canonical = next((d for alias, d in ALIASES if alias in category.lower() and d in domains.values()), None)
        if canonical is None or name is None or desc is None:
            dropped += 1
            continue
        items.append({"category": canonical, "character_name": name, "character_description": desc,
                      "explanation": _text(item.get("explanation")) or ""})
    if not items:
        raise JSONAnswerError(f"none of the {dropped} listed character(s) has a known category, a name and a "
                              f"description (categories: {sorted(domains.values())})")
    return {"items": items, "dropped": dropped}


PROFILE_KEYS = ("character_source", "basic_character_information", "character_background", "character_personality")


def refined(text: str, fields: dict) -> dict:
    """Table 4 step 2: the four profile fields (under the character's name, or at the top level)."""
    obj = extract_json_object(text)
    inner = obj.get(fields.get("character_name", ""))
    if not isinstance(inner, dict):
        inner = next((v for v in obj.values() if isinstance(v, dict)), obj) if len(obj) == 1 else obj
    return _strings(inner, PROFILE_KEYS)


def classification(text: str, fields: dict) -> dict:
    """Table 4 step 3: ``{"real": bool}`` from "Real Life Role" / "Fictional Role"."""
    value = (_text(extract_json_object(text).get("classification_result")) or "").lower()
    real, fictional = "real" in value, "fiction" in value
    if real == fictional:
        raise JSONAnswerError(f"classification_result {value[:60]!r} names neither or both of Real Life Role / "
                              "Fictional Role")
    return {"real": real}


def variants(text: str, fields: dict) -> dict:
    """Table 5 part 1: one persona per language, each in its script."""
    obj = _strings(extract_json_object(text), p.VARIANT_KEYS)
    for key, language in zip(p.VARIANT_KEYS, p.VARIANT_LANGUAGES, strict=True):
        check_script(obj[key], language, key)
    return {language: obj[key] for key, language in zip(p.VARIANT_KEYS, p.VARIANT_LANGUAGES, strict=True)}


def expansion(text: str, fields: dict) -> dict:
    """Table 5 part 2: the six dimensions, in the persona's language."""
    language = fields.get("language", "")
    return _strings(extract_json_object(text), p.EXPANSION_KEYS, language, "the expansion")


def dialogue(text: str, fields: dict) -> dict:
    """Tables 6-7: ``fields["rounds"]`` rounds of user queries and agent responses, in the persona's language."""
    keys = p.dialogue_keys(int(fields["rounds"]))
    return _strings(extract_json_object(text), keys, fields.get("language", ""), "the dialogue")


def word_variants(text: str, fields: dict) -> dict:
    """Table 7 word-level part 1: the candidate (query, response) variants that differ from the original."""
    original = " ".join(str(fields.get("original_user_query", "")).split())
    items, dropped = [], 0
    for item in extract_json_array(text):
        query = _text(item.get("user_query_variant")) if isinstance(item, dict) else None
        response = _text(item.get("golden_agent_response_variant")) if isinstance(item, dict) else None
        if query is None or response is None or " ".join(query.split()) == original:
            dropped += 1
            continue
        items.append({"user_query_variant": query, "golden_agent_response_variant": response})
    if not items:
        raise JSONAnswerError(f"none of the {dropped} variant(s) has a changed query and a response")
    return {"items": items, "dropped": dropped}


def changed_words(original: str, variant: str) -> int:
    """Words of ``variant`` not matched in ``original`` plus words of ``original`` dropped (word-level diff)."""
    a, b = original.split(), variant.split()
    same = sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return len(a) + len(b) - 2 * same


def word_selection(text: str, fields: dict) -> dict:
    """Table 7 word-level part 2: the selected query, changed from the original by at most
    ``fields["max_changed_words"]`` words (table 7: "only a single word or phrase differs"), and its response."""
    obj = _strings(extract_json_object(text), p.WORD_SELECT_KEYS)
    changed = changed_words(str(fields.get("original_user_query", "")), obj[p.WORD_SELECT_KEYS[0]])
    if changed == 0:
        raise JSONAnswerError("the selected query is the original query unchanged")
    limit = fields.get("max_changed_words")
    if limit is not None and changed > int(limit):
        raise JSONAnswerError(f"the selected query changes {changed} words of the original (at most {limit}: a "
                              "single word or phrase should differ)")
    return obj


PARSERS = {
    "bench_characters": characters, "bench_refine": refined, "bench_classify": classification,
    "bench_persona_variants": variants, "bench_persona_expand": expansion, "bench_id_dialogue": dialogue,
    "bench_turn_level": dialogue, "bench_word_variants": word_variants, "bench_word_select": word_selection,
}
