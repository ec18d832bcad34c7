"""Steps 1-3 of the construction (paper appendix A.1): characters, user personas, dialogues.

Each step builds its requests from the seeds and the previous steps, asks them through
``remid.rpgbench.teacher.Teacher`` and keeps what parsed; everything a step returns is plain JSON and
records the cache keys of the calls that made it (a sample's provenance).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from remid.core.cache import cache_key
from remid.llm import ChatRequest
from remid.rpgbench import templates as p
from remid.rpgbench.seeds import ContextSeed, PersonaSeed
from remid.rpgbench.teacher import Teacher

# The step-1 categories of the character-shift subsets (schema subset tags); a fictional character of
# another category belongs to no subset.
FICTIONAL_DOMAINS = ("Literature", "Film & Television", "Theater", "Gaming")

# The keys of the tasks answered with a fixed JSON object (an OpenAI-style server in json_mode is asked for
# a JSON object then); the others answer with an array or an object keyed by the character's name.
JSON_KEYS = {"bench_classify": ("classification_result",), "bench_persona_variants": p.VARIANT_KEYS,
             "bench_persona_expand": p.EXPANSION_KEYS, "bench_id_dialogue": p.dialogue_keys(4),
             "bench_turn_level": p.dialogue_keys(8), "bench_word_select": p.WORD_SELECT_KEYS}


def _request(task: str, messages: list, fields: dict, opts: dict) -> ChatRequest:
    return ChatRequest(messages, task=task, fields=fields, temperature=float(opts["temperature"]),
                       max_tokens=int(opts["max_tokens"][task.removeprefix("bench_")]),
                       json_keys=JSON_KEYS.get(task, ()))


def _call(step: str, task: str, key: str) -> dict[str, str]:
    return {"step": step, "task": task, "key": key}


def characters(teacher: Teacher, personas: list[PersonaSeed], opts: dict,
               retriever: Callable[[str, str, str], str] | None) -> dict[str, Any]:
    """Step 1: ``{"characters": {char_id: {...}}, "pairs": [{"persona", "character", "calls"}], "dropped": {...}}``."""
    domains = list(opts["domains"])
    desc = "; ".join(f"{d}: {p.DOMAINS.get(d, d)}" for d in domains)
    reqs = [_request("bench_characters", p.render(
        p.INITIAL_CHARACTERS, num_domains=str(opts["characters_per_persona"]), str_PRE_DEFINED_DOMAINS=", ".join(domains),
        str_PRE_DEFINED_DOMAINS_DESC=desc, user_persona=s.persona, user_chat_history="\n".join(s.chat_history)),
        {"persona": s.persona, "chat_history": list(s.chat_history), "domains": domains,
         "num": int(opts["characters_per_persona"])}, opts) for s in personas]
    found: dict[str, dict] = {}  # char_id -> the first inference of it
    pairs: list[dict] = []
    dropped = {"items": 0, "fictional_outside_the_four_domains": 0}
    paired: set[tuple[str, str]] = set()
    for seed, result in zip(personas, teacher.ask("1a_initial_characters", reqs), strict=True):
        if result is None or not result.ok:
            continue
        dropped["items"] += result.parsed["dropped"]
        for item in result.parsed["items"]:
            cid = f"{item['character_name'].strip().lower()}|{item['category']}"
            found.setdefault(cid, {**item, "call": _call("1a", "bench_characters", result.key)})
            if (seed.id, cid) not in paired:
                paired.add((seed.id, cid))
                pairs.append({"persona": seed.id, "character": cid,
                              "calls": [_call("1a", "bench_characters", result.key)]})
    ids = list(found)
    retrieved = {cid: (retriever(found[cid]["character_name"], found[cid]["character_description"],
                                 found[cid]["category"]) if retriever else "") for cid in ids}
    reqs = [_request("bench_refine", p.render(
        p.REFINE_CHARACTER, character_name=found[cid]["character_name"],
        character_description=found[cid]["character_description"], character_domain=found[cid]["category"],
        retrieved=p.RETRIEVED_SECTION.format(text=retrieved[cid]) if retrieved[cid] else ""),
        {"character_name": found[cid]["character_name"], "character_description": found[cid]["character_description"],
         "character_domain": found[cid]["category"], "retrieved": retrieved[cid]}, opts) for cid in ids]
    profiles: dict[str, dict] = {}
    for cid, result in zip(ids, teacher.ask("1b_refine_characters", reqs), strict=True):
        if result is not None and result.ok:
            item = found[cid]
            record = {"character_name": item["character_name"], "character_domain": item["category"],
                      **result.parsed}
            profiles[cid] = {"record": record, "calls": [item["call"], _call("1b", "bench_refine", result.key)]}
    ids = list(profiles)
    reqs = [_request("bench_classify", p.render(p.CLASSIFY_CHARACTER,
                                                character_information=p.character_text(profiles[cid]["record"])),
                     {"character": profiles[cid]["record"]}, opts) for cid in ids]
    chars: dict[str, dict] = {}
    for cid, result in zip(ids, teacher.ask("1c_classify_characters", reqs), strict=True):
        if result is None or not result.ok:
            continue
        domain = profiles[cid]["record"]["character_domain"]
        real = bool(result.parsed["real"])
        if not real and domain not in FICTIONAL_DOMAINS:
            dropped["fictional_outside_the_four_domains"] += 1  # e.g. a "real-world figure" judged fictional
            continue
        chars[cid] = {**profiles[cid], "real": real, "calls": [*profiles[cid]["calls"],
                                                               _call("1c", "bench_classify", result.key)]}
    pairs = [{**q, "calls": q["calls"] + chars[q["character"]]["calls"][1:]} for q in pairs if q["character"] in chars]
    return {"characters": chars, "pairs": pairs, "dropped": dropped}


def personas(teacher: Teacher, seeds: dict[str, PersonaSeed], step1: dict, opts: dict) -> list[dict]:
    """Step 2: ``[{"id", "seed", "character", "language", "persona", "calls"}]``, five languages per real pair."""
    chars = step1["characters"]
    pairs = [q for q in step1["pairs"] if chars[q["character"]]["real"]]
    if opts.get("persona_pairs") is not None:
        pairs = pairs[: int(opts["persona_pairs"])]
    reqs = [_request("bench_persona_variants", p.render(
        p.PERSONA_VARIANTS, character_information=p.character_text(chars[q["character"]]["record"]),
        original_user_persona=seeds[q["persona"]].persona),
        {"persona": seeds[q["persona"]].persona, "character": chars[q["character"]]["record"]}, opts) for q in pairs]
    rough = []
    for q, result in zip(pairs, teacher.ask("2a_persona_variants", reqs), strict=True):
        if result is not None and result.ok:
            for language in p.VARIANT_LANGUAGES:
                rough.append({"seed": q["persona"], "character": q["character"], "language": language,
                              "variant": result.parsed[language],
                              "calls": [*q["calls"], _call("2a", "bench_persona_variants", result.key)]})
    reqs = [_request("bench_persona_expand", p.render(p.EXPAND_PERSONA, step1_ReversedUserPersona=r["variant"]),
                     {"persona": r["variant"], "language": r["language"]}, opts) for r in rough]
    out = []
    for r, result in zip(rough, teacher.ask("2b_persona_expansion", reqs), strict=True):
        if result is not None and result.ok:
            joiner = "" if r["language"] in ("chinese", "japanese") else " "
            text = joiner.join([r["variant"], *(result.parsed[k] for k in p.EXPANSION_KEYS)])
            out.append({"id": f"{r['seed']}/{r['language']}/{cache_key(r['character'])[:8]}", "seed": r["seed"],
                        "character": r["character"], "language": r["language"], "persona": text,
                        "calls": [*r["calls"], _call("2b", "bench_persona_expand", result.key)]})
    return out


def _contexts(contexts: list[ContextSeed], n: int, *key: Any) -> list[ContextSeed]:
    rng = random.Random(int(cache_key("contexts", *key), 16))
    return rng.sample(contexts, min(n, len(contexts)))


def dialogues(teacher: Teacher, seeds: dict[str, PersonaSeed], contexts: list[ContextSeed], step1: dict,
              step2: list[dict], opts: dict) -> dict[str, list[dict]]:
    """Step 3: ``{"id": [...], "turn_level": [...], "word_level": [...]}`` dialogues (turns and provenance)."""
    chars = step1["characters"]
    plan = []  # (persona id, persona text, language, character id, context seed, calls)
    for q in step1["pairs"]:
        n = int(opts["id_dialogues_per_pair"]) if chars[q["character"]]["real"] else 1
        for context in _contexts(contexts, n, q["persona"], q["character"]):
            plan.append((q["persona"], seeds[q["persona"]].persona, "english", q["character"], context, q["calls"]))
    for v in step2:
        [context] = _contexts(contexts, 1, v["id"])
        plan.append((v["id"], v["persona"], v["language"], v["character"], context, v["calls"]))
    reqs = [_request("bench_id_dialogue", p.render(
        p.ID_DIALOGUE, user_persona=text, context_seed=p.turns_text(c.context, ("A", "B")),
        agent_character=p.character_text(chars[cid]["record"]), format=p.dialogue_format(4)),
        {"persona": text, "character": chars[cid]["record"], "context_seed": list(c.context), "language": lang,
         "rounds": 4}, opts) for _, text, lang, cid, c, _ in plan]
    id_dialogues = []
    for (pid, text, lang, cid, c, calls), result in zip(plan, teacher.ask("3a_id_dialogues", reqs), strict=True):
        if result is not None and result.ok:
            id_dialogues.append({"persona_id": pid, "persona": text, "language": lang, "character": cid,
                                 "contexts": [c.id], "turns": [result.parsed[k] for k in p.dialogue_keys(4)],
                                 "calls": [*calls, _call("3a", "bench_id_dialogue", result.key)]})
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for d in id_dialogues:
        if d["language"] == "english" and chars[d["character"]]["real"]:
            by_pair.setdefault((d["persona_id"], d["character"]), []).append(d)
    return {"id": id_dialogues, "turn_level": _turn_level(teacher, by_pair, chars, opts),
            "word_level": _word_level(teacher, seeds, by_pair, chars, opts)}


def _turn_level(teacher: Teacher, by_pair: dict, chars: dict, opts: dict) -> list[dict]:
    plan = [(ds[2 * j], ds[2 * j + 1]) for ds in by_pair.values()
            for j in range(min(int(opts["turn_level_per_pair"]), len(ds) // 2))]
    reqs = [_request("bench_turn_level", p.render(
        p.TURN_LEVEL, user_persona=a["persona"], agent_character=p.character_text(chars[a["character"]]["record"]),
        dialogue_1=p.turns_text(a["turns"]), dialogue_2=p.turns_text(b["turns"]), format=p.dialogue_format(8)),
        {"persona": a["persona"], "character": chars[a["character"]]["record"], "dialogue_1": a["turns"],
         "dialogue_2": b["turns"], "language": "english", "rounds": 8}, opts) for a, b in plan]
    out = []
    for (a, b), result in zip(plan, teacher.ask("3b_turn_level", reqs), strict=True):
        if result is not None and result.ok:
            out.append({**a, "contexts": a["contexts"] + b["contexts"],
                        "turns": [result.parsed[k] for k in p.dialogue_keys(8)],
                        "calls": [*a["calls"], *b["calls"][-1:], _call("3b", "bench_turn_level", result.key)]})
    return out


def _word_level(teacher: Teacher, seeds: dict, by_pair: dict, chars: dict, opts: dict) -> list[dict]:
    plan = [ds[j] for ds in by_pair.values() for j in range(min(int(opts["word_level_per_pair"]), len(ds)))]

    def fields(d: dict) -> dict:
        return {"persona": d["persona"], "character": chars[d["character"]]["record"], "context": d["turns"][:6],
                "reference_history": list(seeds[d["persona_id"]].chat_history),
                "original_user_query": d["turns"][6], "original_golden_agent_response": d["turns"][7]}

    def slots(d: dict) -> dict:
        return {"user_persona": d["persona"], "agent_character": p.character_text(chars[d["character"]]["record"]),
                "str_dialogue_context_without_last_query": p.turns_text(d["turns"][:6]),
                "original_user_query": d["turns"][6], "original_golden_agent_response": d["turns"][7]}

    reqs = [_request("bench_word_variants", p.render(p.WORD_VARIANTS, **slots(d), str_reference_user_chat_history="\n".join(
        seeds[d["persona_id"]].chat_history)), fields(d), opts) for d in plan]
    found = [(d, r) for d, r in zip(plan, teacher.ask("3c_word_variants", reqs), strict=True) if r is not None and r.ok]
    reqs = [_request("bench_word_select", p.render(p.WORD_SELECT, **slots(d), str_candidate_variants=json.dumps(
        r.parsed["items"], ensure_ascii=False)), {**fields(d), "candidates": r.parsed["items"],
                                                 "max_changed_words": opts["max_changed_words"]}, opts)
        for d, r in found]
    out = []
    for (d, first), result in zip(found, teacher.ask("3d_word_select", reqs), strict=True):
        if result is not None and result.ok:
            query, response = (result.parsed[k] for k in p.WORD_SELECT_KEYS)
            out.append({**d, "turns": [*d["turns"][:6], query, response],
                        "calls": [*d["calls"], _call("3c", "bench_word_variants", first.key),
                                  _call("3d", "bench_word_select", result.key)]})
    return out
