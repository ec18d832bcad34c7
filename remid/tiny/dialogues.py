"""The mini RPGBench's pieces: personas, characters and the dialogues of each subset (``generate.py`` builds them
into splits). Every function draws from the ``random.Random`` it is given, so the output follows the seed."""

from __future__ import annotations

import random
import re

from remid.tiny.pools.chinese import CHINESE
from remid.tiny.pools.english import (
    EN_CITIES,
    EN_EVENTS,
    EN_FINALS,
    EN_HOBBIES,
    EN_JOBS,
    EN_MEDIA,
    EN_MOVES,
    EN_OPENER,
    EN_PERSONA_TEMPLATES,
    FINAL_CONFLICTS,
)
from remid.tiny.pools.fictional import FICTIONAL_CHARACTERS
from remid.tiny.pools.german import GERMAN
from remid.tiny.pools.japanese import JAPANESE
from remid.tiny.pools.korean import KOREAN
from remid.tiny.pools.real import CATEGORY_EN, LOCAL_NAMES, REAL_CHARACTERS
from remid.tiny.pools.spanish import SPANISH

USER_SHIFT_LANGS = {"german": GERMAN, "spanish": SPANISH, "chinese": CHINESE, "japanese": JAPANESE, "korean": KOREAN}


# ----------------------------------------------------------------------------------------------
# Helpers.
# ----------------------------------------------------------------------------------------------
def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _with_caps(slots: dict[str, str]) -> dict[str, str]:
    out = dict(slots)
    for key, value in slots.items():
        out[key + "_cap"] = _cap(value)
    return out


_KO_PAIRS = {
    "이었어요": ("이었어요", "였어요"), "이에요": ("이에요", "예요"), "이라면": ("이라면", "라면"),
    "으로": ("으로", "로"), "을": ("을", "를"), "은": ("은", "는"), "이": ("이", "가"), "와": ("과", "와"),
}
_KO_RE = re.compile(r"([^\s(])\((이었어요|이에요|이라면|으로|을|은|이|와)\)")


def _ko_particles(text: str) -> str:
    """Resolve Korean particle markers like ``책(을)`` -> ``책을`` from the preceding syllable's final consonant."""

    def pick(match: re.Match) -> str:
        char, marker = match.group(1), match.group(2)
        code = ord(char) - 0xAC00
        final = code % 28 if 0 <= code < 11172 else 0
        with_final, without_final = _KO_PAIRS[marker]
        if marker == "으로":
            use = with_final if final not in (0, 8) else without_final  # 8 = ㄹ takes 로
        else:
            use = with_final if final else without_final
        return char + use

    return _KO_RE.sub(pick, text)


def _their(text: str) -> str:
    return re.sub(r"\bmy\b", "their", text)


def _your(text: str) -> str:
    """First-person phrase of a character as the user would say it ("my" -> "your")."""
    return re.sub(r"\bmy\b", "your", text)


# ----------------------------------------------------------------------------------------------
# Characters.
# ----------------------------------------------------------------------------------------------
def _character(name: str, domain: str, source: str, background: str, basic: str, traits: str, **fields) -> dict:
    """One character: its benchmark record (table 9's fields) and the slots templates fill from it."""
    record = {
        "character_name": name,
        "character_domain": domain,
        "character_source": source,
        "basic_character_information": basic,
        "character_background": background,
        "character_personality": f"{name} is {traits}.",
    }
    return {"record": record, "name": name, **fields}


def real_characters() -> list[dict]:
    return [_character(name, domain, "Real-world figure", f"From {home}; best known for {work}.", basic, traits,
                       cat=cat, home=home, field=CATEGORY_EN[cat], work=work, method=method, setback=setback,
                       lesson=lesson)
            for name, domain, cat, home, basic, work, method, setback, lesson, traits in REAL_CHARACTERS]


def fictional_characters() -> list[dict]:
    return [_character(name, domain, source, f"From {home}; best known for {_their(work)}.", basic, traits,
                       cat=None, home=home, field=field, work=work, method=method, setback=setback, lesson=lesson)
            for name, domain, source, home, basic, work, field, method, setback, lesson, traits in FICTIONAL_CHARACTERS]


# ----------------------------------------------------------------------------------------------
# Personas.
# ----------------------------------------------------------------------------------------------
def _pick_two_hobbies(rng: random.Random, hobbies: list[tuple[str, str]]) -> tuple[tuple[str, str], tuple[str, str]]:
    while True:
        h1, h2 = rng.sample(hobbies, 2)
        if h1[0] not in h2[0] and h2[0] not in h1[0]:
            return h1, h2


def english_personas(rng: random.Random, n: int) -> list[dict]:
    personas, seen = [], set()
    while len(personas) < n:
        job, struggle = rng.choice(EN_JOBS)
        city, spot = rng.choice(EN_CITIES)
        (hobby1, detail1), (hobby2, detail2) = _pick_two_hobbies(rng, EN_HOBBIES)
        event = rng.choice(EN_EVENTS)
        slots = {"job": job, "struggle": struggle, "city": city, "spot": spot, "hobby1": hobby1, "detail1": detail1,
                 "hobby2": hobby2, "detail2": detail2, "event": event, "event_low": event[:1].lower() + event[1:]}
        text = rng.choice(EN_PERSONA_TEMPLATES).format(**_with_caps(slots))
        if text in seen:
            continue
        seen.add(text)
        personas.append({"text": text, **slots})
    return personas


def local_personas(rng: random.Random, lang: dict, n: int, korean: bool) -> list[dict]:
    personas, seen = [], set()
    while len(personas) < n:
        city, spot, food = rng.choice(lang["cities"])
        job, struggle = rng.choice(lang["jobs"])
        (hobby1, detail1), (hobby2, detail2) = _pick_two_hobbies(rng, lang["hobbies"])
        event = rng.choice(lang["events"])
        slots = {"job": job, "struggle": struggle, "city": city, "spot": spot, "food": food, "hobby1": hobby1,
                 "detail1": detail1, "hobby2": hobby2, "detail2": detail2, "event": event}
        text = rng.choice(lang["personas"]).format(**_with_caps(slots))
        if korean:
            text = _ko_particles(text)
        if text in seen:
            continue
        seen.add(text)
        personas.append({"text": text, **slots})
    return personas


# ----------------------------------------------------------------------------------------------
# Dialogues.
# ----------------------------------------------------------------------------------------------
def _en_slots(persona: dict, char: dict, user_voice: bool) -> dict[str, str]:
    slots = {k: v for k, v in persona.items() if k != "text"}
    slots.update({"name": char["name"], "field": char["field"], "home": char["home"], "method": char["method"],
                  "setback": char["setback"], "lesson": char["lesson"],
                  "work": _your(char["work"]) if user_voice else char["work"]})
    return slots


def _project_slots(persona: dict, topic_key: str, medium: tuple[str, ...]) -> dict[str, str]:
    return {"topic": persona["hobby" + topic_key], "detail": persona["detail" + topic_key],
            "medium_a": medium[0], "medium": medium[1], "audience": medium[2], "unit": medium[3]}


def render_en_final(final: str, q_idx: int, g_idx: int, persona: dict, char: dict,
                    topic_key: str = "1", medium: tuple[str, ...] = EN_MEDIA[0]) -> tuple[str, str]:
    """Render the last user query and golden response of an English dialogue."""
    extra = _project_slots(persona, topic_key, medium) if final == "project" else {}
    user = _with_caps({**_en_slots(persona, char, True), **extra})
    agent = _with_caps({**_en_slots(persona, char, False), **extra})
    queries, goldens = EN_FINALS[final]
    return queries[q_idx].format(**user), goldens[g_idx].format(**agent)


def english_dialogue(rng: random.Random, persona: dict, char: dict, *, opener: bool = True,
                     final: str | None = None, required_moves: tuple[str, ...] = (),
                     exclude_moves: frozenset = frozenset(), exclude_finals: frozenset = frozenset(),
                     topic_key: str | None = None) -> dict:
    """One 4-turn English dialogue: 4 (query, response) pairs, the last response being the golden one."""
    if final is None:
        final = rng.choice(sorted(set(EN_FINALS) - exclude_finals
                                  - {f for f, m in FINAL_CONFLICTS.items() if m in exclude_moves}))
    pool = sorted(set(EN_MOVES) - exclude_moves - {FINAL_CONFLICTS.get(final)} - set(required_moves))
    n_moves = 2 if opener else 3
    moves = list(required_moves) + rng.sample(pool, n_moves - len(required_moves))
    rng.shuffle(moves)
    user = _with_caps(_en_slots(persona, char, True))
    agent = _with_caps(_en_slots(persona, char, False))
    pairs = []
    if opener:
        pairs.append((rng.choice(EN_OPENER[0]).format(**user), rng.choice(EN_OPENER[1]).format(**agent)))
    for move in moves:
        queries, responses = EN_MOVES[move]
        pairs.append((rng.choice(queries).format(**user), rng.choice(responses).format(**agent)))
    queries, goldens = EN_FINALS[final]
    q_idx, g_idx = rng.randrange(len(queries)), rng.randrange(len(goldens))
    if topic_key is None:
        topic_key = rng.choice(["1", "2"])
    medium = rng.choice(EN_MEDIA)
    pairs.append(render_en_final(final, q_idx, g_idx, persona, char, topic_key, medium))
    return {"pairs": pairs, "moves": moves, "final": final, "q_idx": q_idx, "g_idx": g_idx,
            "topic_key": topic_key, "medium": medium}


def local_dialogue(rng: random.Random, lang: dict, persona: dict, char: dict, korean: bool) -> list[tuple[str, str]]:
    """One 4-turn dialogue written natively in a user-shift language."""
    field, practice = lang["fields"][char["cat"]]
    name = char["name"] if lang["local_names"] is None else LOCAL_NAMES[char["name"]][lang["local_names"]]
    slots = {k: v for k, v in persona.items() if k != "text"}
    slots.update({"name": name, "field": field, "practice": practice})
    final = rng.choice(sorted(lang["finals"]))
    pool = sorted(set(lang["moves"]) - {FINAL_CONFLICTS.get(final)})
    moves = rng.sample(pool, 2)
    if final == "project":
        key = rng.choice(["1", "2"])
        medium = rng.choice(lang["media"])
        slots.update({"topic": persona["hobby" + key], "detail": persona["detail" + key], "medium_acc": medium[0],
                      "medium_nom": medium[1], "audience": medium[2], "unit": medium[3]})
    slots = _with_caps(slots)
    pairs = [(rng.choice(lang["opener"][0]).format(**slots), rng.choice(lang["opener"][1]).format(**slots))]
    for move in moves:
        queries, responses = lang["moves"][move]
        pairs.append((rng.choice(queries).format(**slots), rng.choice(responses).format(**slots)))
    queries, goldens = lang["finals"][final]
    pairs.append((rng.choice(queries).format(**slots), rng.choice(goldens).format(**slots)))
    if korean:
        pairs = [(_ko_particles(q), _ko_particles(a)) for q, a in pairs]
    return pairs


# Non-linear interleavings of two 4-pair dialogues (d, i): the last pair is the one to answer.
TURN_PATTERNS = [
    [(0, 0), (0, 1), (1, 0), (0, 2), (1, 1), (1, 2), (1, 3), (0, 3)],
    [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (0, 3), (1, 2), (1, 3)],
    [(0, 0), (1, 0), (1, 1), (0, 1), (1, 2), (1, 3), (0, 2), (0, 3)],
    [(0, 0), (0, 1), (0, 2), (1, 0), (0, 3), (1, 1), (1, 2), (1, 3)],
]


def turn_level_dialogue(rng: random.Random, persona: dict, char: dict) -> list[tuple[str, str]]:
    """An 8-turn dialogue recombining the turns of two 4-turn dialogues of the same persona and character."""
    first = english_dialogue(rng, persona, char, opener=True)
    taken = set(first["moves"]) | {FINAL_CONFLICTS.get(first["final"])} - {None}
    second = english_dialogue(rng, persona, char, opener=False, exclude_moves=frozenset(taken),
                              exclude_finals=frozenset({first["final"]}))
    dialogues = (first["pairs"], second["pairs"])
    return [dialogues[d][i] for d, i in rng.choice(TURN_PATTERNS)]


def word_level_dialogue(rng: random.Random, persona: dict, char: dict) -> tuple[list[tuple[str, str]], dict]:
    """A 4-turn dialogue whose last query has its topic replaced by the hobby mentioned earlier (table 11)."""
    original = english_dialogue(rng, persona, char, opener=True, final="project", required_moves=("hobby2",),
                                topic_key="1")
    new_query, new_golden = render_en_final("project", original["q_idx"], original["g_idx"], persona, char,
                                            "2", original["medium"])
    old_query, old_golden = original["pairs"][-1]
    pairs = original["pairs"][:-1] + [(new_query, new_golden)]
    info = {"original_query": old_query, "original_golden": old_golden,
            "old_phrase": persona["hobby1"], "new_phrase": persona["hobby2"]}
    return pairs, info


def word_level(rng: random.Random) -> tuple[str, dict, list[str], str, str]:
    """One stand-alone word-level sample: (persona, character record, texts, golden, original last query)."""
    persona = english_personas(rng, 1)[0]
    char = rng.choice(real_characters())
    pairs, info = word_level_dialogue(rng, persona, char)
    context, golden = _context(pairs)
    texts = [next(iter(turn.values())) for turn in context]
    return persona["text"], dict(char["record"]), texts, golden, info["original_query"]


def _context(pairs: list[tuple[str, str]]) -> tuple[list[dict], str]:
    turns: list[dict] = []
    for query, response in pairs[:-1]:
        turns.append({"user_query": query})
        turns.append({"agent_response": response})
    turns.append({"user_query": pairs[-1][0]})
    return turns, pairs[-1][1]
