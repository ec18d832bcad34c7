"""``BenchRulesBackend``: the offline teacher of the construction tasks (deterministic, no model, weak).

It answers each ``bench_*`` task from ``request.fields`` (never from the messages), so the shipped
seeds build a complete benchmark offline; every other task goes to ``remid.llm.RulesBackend``.

* characters: picked from the mini benchmark's character tables (``remid.tiny``), one per
  requested category in turn, seeded by the persona; refinement returns the table's profile
  (unknown names keep their description); classification reads the table, else the profile's source;
* persona variants: a persona drawn from each language's phrase pools, seeded by persona and character;
  expansion: six template sentences per language on the persona's job and hobbies;
* ID dialogues: ``remid.llm.rules.dialogue`` (the DA teacher), steered by the context seed;
* turn level: the 8 rounds of both dialogues reordered, dialogue 1's last round last;
* word level: a content word of the last query swapped for a word of the context or the user's chat
  history (the candidates), the first candidate whose new word occurs in the context selected.

It writes no knowledge a table does not hold; its benchmark tests the pipeline, not role-playing.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from remid.core.cache import cache_key
from remid.core.reasoning import _keywords
from remid.core.schema import Sample, Turn
from remid.llm.rules import RulesBackend, dialogue, sample_facts
from remid.llm.types import ChatRequest, FatalError
from remid.rpgbench import templates as p
from remid.tiny import dialogues as g

_TABLE = {c["record"]["character_name"]: c["record"] for c in g.real_characters() + g.fictional_characters()}
_BY_DOMAIN: dict[str, list[dict]] = {"Real-world figures": [c["record"] for c in g.real_characters()]}
for _c in g.fictional_characters():
    _BY_DOMAIN.setdefault(_c["record"]["character_domain"], []).append(_c["record"])
_TAGS = {"english": "IDTest", **{lang: lang for lang in p.VARIANT_LANGUAGES}}
EXPANSION_TEXT: dict[str, tuple[str, ...]] = {
    "english": ("Besides {interest}, they enjoy {interest2}.", "They value patience and honest work.",
                "They know their work as {job} in depth.", "They plan ahead and keep their promises.",
                "They speak warmly and directly.", "Their hometown shaped their love of {interest}."),
    "german": ("Neben {interest} begeistert sich die Person für {interest2}.",
               "Sie schätzt Verlässlichkeit und Gründlichkeit.",
               "Als {job} verfügt sie über fundiertes Fachwissen.", "Sie plant sorgfältig und hält Termine ein.",
               "Sie kommuniziert sachlich und höflich.",
               "Die deutsche Kultur der Pünktlichkeit prägt ihr Denken."),
    "spanish": ("Además de {interest}, le encanta {interest2}.", "Valora la familia y la amistad.",
                "Como {job}, domina bien su oficio.", "Es sociable y le gusta compartir experiencias.",
                "Se comunica de forma cálida y expresiva.",
                "La cultura hispana de la convivencia marca su manera de ver la vida."),
    "chinese": ("除了{interest}，还喜欢{interest2}。", "重视家庭和诚信。", "作为{job}，有扎实的专业知识。",
                "做事认真，喜欢提前计划。", "说话礼貌而含蓄。", "中国传统文化影响着其价值观。"),
    "japanese": ("{interest}のほかに、{interest2}も好きです。", "誠実さと思いやりを大切にしています。",
                 "{job}として専門的な知識があります。", "几帳面で、計画を立ててから行動します。",
                 "丁寧な言葉づかいで話します。", "日本の文化の中で育ち、和を大切にしています。"),
    "korean": ("{interest} 외에도 {interest2}(을) 좋아합니다.", "가족과 성실함을 소중히 여깁니다.",
               "{job}(으)로서 전문 지식이 풍부합니다.", "계획을 세우고 꼼꼼하게 행동합니다.",
               "예의 바르고 따뜻하게 말합니다.", "한국의 정 문화가 생각과 말투에 영향을 줍니다."),
}


def _rng(*parts: Any) -> random.Random:
    return random.Random(int(cache_key("bench-rules", *parts), 16))


def provisional_sample(persona: str, character: dict, language: str, key: Any = "") -> Sample:
    """A one-turn ``Sample`` of this persona and character, so the DA teacher's rules can read them."""
    return Sample(sample_id=f"bench-{cache_key(persona, character, key)}", user_persona=persona,
                  agent_character=character, dialogue_context=(Turn("user", "..."),), golden_response="...",
                  subset_tag=_TAGS[language])


def characters(f: dict) -> list[dict]:
    rng, domains, out, taken = _rng(f["persona"]), list(f["domains"]), [], set()
    for i in range(int(f["num"])):
        pool = [c for c in _BY_DOMAIN.get(domains[i % len(domains)], []) if c["character_name"] not in taken]
        if not pool:
            continue
        record = rng.choice(pool)
        taken.add(record["character_name"])
        topic = (_keywords(f["persona"], 1) or ["their interests"])[0]
        out.append({"category": domains[i % len(domains)], "character_name": record["character_name"],
                    "character_description": record["basic_character_information"],
                    "explanation": f"A user who mentions {topic} may enjoy how {record['character_name']} sees it."})
    return out


def refine(f: dict) -> dict:
    name = f["character_name"]
    record = _TABLE.get(name)
    if record is not None:
        profile = {k: record[k] for k in ("character_source", "basic_character_information",
                                          "character_background", "character_personality")}
    else:
        profile = {"character_source": f["character_domain"], "basic_character_information": f["character_description"],
                   "character_background": f["character_description"],
                   "character_personality": f"{name} is thoughtful and curious."}
    if f.get("retrieved"):
        profile["character_background"] = f"{profile['character_background']} {f['retrieved']}".strip()
    return {name: profile}


def classify(f: dict) -> dict:
    character = f["character"]
    name = character["character_name"]
    if name in _TABLE:
        real = _TABLE[name]["character_source"] == "Real-world figure"
    else:
        real = "real" in (character.get("character_source", "") + character.get("character_domain", "")).lower()
    return {"classification_result": "Real Life Role" if real else "Fictional Role"}


def persona_variants(f: dict) -> dict:
    out = {}
    for key, language in zip(p.VARIANT_KEYS, p.VARIANT_LANGUAGES, strict=True):
        rng = _rng(f["persona"], f["character"]["character_name"], language)
        out[key] = g.local_personas(rng, g.USER_SHIFT_LANGS[language], 1, language == "korean")[0]["text"]
    return out


def expand(f: dict) -> dict:
    language = f["language"]
    facts = sample_facts(provisional_sample(f["persona"], {"character_name": "-"}, language))
    interest2 = facts.interest2
    if interest2 == facts.interest:  # one hobby found: a second one from the language's pool
        pool = g.EN_HOBBIES if language == "english" else g.USER_SHIFT_LANGS[language]["hobbies"]
        interest2 = _rng(f["persona"]).choice([h for h, _ in pool if h != facts.interest])
    slots = {"job": facts.job, "interest": facts.interest, "interest2": interest2}
    texts = [t.format(**slots) for t in EXPANSION_TEXT[language]]
    if language == "korean":
        texts = [g._ko_particles(t) for t in texts]
    return dict(zip(p.EXPANSION_KEYS, texts, strict=True))


def id_dialogue(f: dict) -> dict:
    sample = provisional_sample(f["persona"], f["character"], f["language"], f["context_seed"])
    # The seeds are English: only an English dialogue takes its topic from them (the others vary by seed).
    return dialogue(sample, " ".join(f["context_seed"]) if f["language"] == "english" else "")


def turn_level(f: dict) -> dict:
    d1, d2 = f["dialogue_1"], f["dialogue_2"]
    rounds = [d1[0:2], d1[2:4], d2[0:2], d2[2:4], d1[4:6], d2[4:6], d2[6:8], d1[6:8]]
    return {key: text for key, text in zip(p.dialogue_keys(8), (t for r in rounds for t in r), strict=True)}


def _swap(text: str, old: str, new: str) -> str:
    return re.sub(rf"\b{re.escape(old)}\b", new, text, count=1, flags=re.IGNORECASE)


def word_variants(f: dict) -> list[dict]:
    query, response = f["original_user_query"], f["original_golden_agent_response"]
    first = query.split()[0] if query.split() else ""
    olds = [w for w in _keywords(query, 6) if w != first.strip(",.!?")][:5]
    context = " ".join(f["context"] + f["reference_history"])
    news = [w for w in _keywords(context, 12, exclude={w.lower() for w in _keywords(query, 50)})
            if w.lower() not in query.lower()]
    out = []
    for old, new in zip(olds, news, strict=False):
        variant = _swap(query, old, new)
        if variant != query:
            out.append({"user_query_variant": variant,
                        "golden_agent_response_variant": f"{new[:1].upper() + new[1:]} rather than {old}? Then my "
                                                         f"answer changes: {_swap(response, old, new)}"})
    return out


def word_select(f: dict) -> dict:
    context = " ".join(f["context"]).lower()
    candidates = f["candidates"]
    chosen = next((c for c in candidates if any(w.lower() in context for w in _keywords(c["user_query_variant"], 8)
                                                 if w.lower() not in f["original_user_query"].lower())),
                  candidates[0])
    return {"selected_user_query_variant": chosen["user_query_variant"],
            "selected_golden_agent_response_variant": chosen["golden_agent_response_variant"]}


TASKS = {"bench_characters": characters, "bench_refine": refine, "bench_classify": classify,
         "bench_persona_variants": persona_variants, "bench_persona_expand": expand,
         "bench_id_dialogue": id_dialogue, "bench_turn_level": turn_level, "bench_word_variants": word_variants,
         "bench_word_select": word_select}


class BenchRulesBackend(RulesBackend):
    """The offline teacher of ``remid.llm.RulesBackend`` plus the construction tasks (module docstring)."""

    name = "rules:v1+bench:v1"  # bump when the rules change, so cached answers are not reused

    def complete(self, request: ChatRequest) -> str:
        task = TASKS.get(request.task)
        if task is None:
            return super().complete(request)
        try:
            return json.dumps(task(request.fields), ensure_ascii=False)
        except (KeyError, TypeError, IndexError) as exc:
            raise FatalError(f"task {request.task!r}: fields lack or mistype {exc}") from exc
