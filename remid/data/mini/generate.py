"""Deterministic generator of the mini RPGBench (``mini_rpgbench.json``).

Run it as ``python -m remid.data.mini.generate`` or ``python remid/data/mini/generate.py``; it
rewrites ``remid/data/mini/mini_rpgbench.json`` next to this file (stdlib only, no network).

The output has the layout of the original RPGBench file (paper appendix A, tables 8-11): one JSON
object mapping split name ("IDTrain", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test", and the dev splits
"IDDev", "OOD1Dev", "OOD2Dev", "OOD3Dev" for model selection) to a list of
samples ``{sample_ID, user_persona, agent_character{...}, dialogue_context[...],
agent_golden_response, subset_tag}``, and it carries the paper's three distribution shifts:

* ID (IDTrain / IDTest): English user personas, real-world agent characters, 4-turn dialogues.
* User shift (OOD1Test; german, spanish, chinese, japanese, korean): real-world characters and
  4-turn dialogues as in ID, but the persona, the whole dialogue and the golden response are
  written natively in the target language and culture (cities, food, jobs, customs).
* Character shift (OOD2Test; Literature, Film & Television, Theater, Gaming): English personas and
  4-turn dialogues, but fictional agent characters, disjoint from the ID characters.
* Dialogue compositional shift (OOD3Test): TurnLevelComposition recombines the turns of two 4-turn
  ID-style dialogues of the same persona and character into a non-linear 8-turn dialogue;
  WordLevelComposition replaces one phrase of the last user query of a 4-turn ID-style dialogue by
  a phrase that appeared earlier in the conversation, and the golden response changes with it.

How it departs from the paper: the paper's benchmark (~17k samples) was written by LLMs seeded with
PersonaChat / DailyDialog and web-refined character profiles.  This mini version (~1.7k samples)
is template-composed instead: hand-written pools of personas, real and fictional characters and
several templates per dialogue move are combined slot by slot, so responses depend on the persona,
the character and the last query, but the language is far more regular than LLM-written text and
character profiles are 1-2 sentences instead of ~180 words.  A fixed ``random.Random(SEED)`` drives
every choice, so the output is byte-identical across runs.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from remid.data.mini.pools.chinese import CHINESE
from remid.data.mini.pools.english import (
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
from remid.data.mini.pools.fictional import FICTIONAL_CHARACTERS
from remid.data.mini.pools.german import GERMAN
from remid.data.mini.pools.japanese import JAPANESE
from remid.data.mini.pools.korean import KOREAN
from remid.data.mini.pools.real import CATEGORY_EN, LOCAL_NAMES, REAL_CHARACTERS
from remid.data.mini.pools.spanish import SPANISH

SEED = 20240611
OUT_PATH = Path(__file__).resolve().parent / "mini_rpgbench.json"

N_ID_TRAIN = 820
N_ID_TEST = 210
N_PER_OOD_SUBSET = 64

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


# ----------------------------------------------------------------------------------------------
# Build.
# ----------------------------------------------------------------------------------------------
SPLITS = ("IDTrain", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test")
DEV_SPLITS = ("IDDev", "OOD1Dev", "OOD2Dev", "OOD3Dev")
CHARACTER_SHIFT_DOMAINS = ("Literature", "Film & Television", "Theater", "Gaming")
N_ID_DEV = 64
N_DEV_PER_OOD_SUBSET = 48
DEV_SEED_OFFSET = 1  # dev samples draw from random.Random(seed + 1): adding them leaves every test sample as it was
TRAIN_SEED_OFFSET = 2  # the IDTrain samples that replace those clashing with test texts
MAX_REDRAWS = 200


def build_all(seed: int = SEED) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """Build the benchmark; also return, per WordLevelComposition sample, its unmodified last turn.

    Dev samples (``DEV_SPLITS``: the same generators on another stream) share no golden response and no
    last user query with any test sample and repeat no golden within their subset: a clashing draw is
    redrawn from a per-sample side stream. Test splits are drawn as they always were (the user-shift
    subsets repeat some goldens; evaluation counts and reports identical-text pairs)."""
    rng = random.Random(seed)
    data: dict[str, list[dict]] = {split: [] for split in SPLITS + DEV_SPLITS}
    originals: dict[str, dict] = {}
    goldens: dict[tuple[str, str], set[str]] = {}  # (test|dev, subset_tag) -> goldens so far
    test_texts: set[str] = set()  # goldens and last queries of every test sample

    def add(split: str, tag: str, make, stream: random.Random, dev: bool = False) -> str:
        """``dev``: a sample drawn after the test splits that must not share a golden or last query with them."""
        seen = goldens.setdefault((split, tag), set())
        for attempt in range(MAX_REDRAWS):
            draw = stream if attempt == 0 else random.Random(f"{seed}:{split}:{tag}:{len(data[split])}:{attempt}")
            persona_text, char, pairs, info = make(draw)
            context, golden = _context(pairs)
            # Test splits keep their draws (the shipped bases' corpus is built to exclude them); repeated
            # test goldens are counted and flagged at evaluation (remid.estimators.club.identical_pairs).
            clash = dev and ((split != "IDTrain" and golden in seen) or golden in test_texts or pairs[-1][0] in test_texts)
            if not clash:
                break
        else:
            raise RuntimeError(f"{split}/{tag}: no new golden response in {MAX_REDRAWS} draws")
        seen.add(golden)
        if not dev and split != "IDTrain":
            test_texts.update((golden, pairs[-1][0]))
        sample_id = f"{split}-{len(data[split])}"
        data[split].append({
            "sample_ID": sample_id,
            "user_persona": persona_text,
            "agent_character": dict(char["record"]),
            "dialogue_context": context,
            "agent_golden_response": golden,
            "subset_tag": tag,
        })
        if info is not None:
            originals[sample_id] = info
        return sample_id

    reals = real_characters()
    fictional = fictional_characters()
    personas = english_personas(rng, 340)

    # ID: English personas x real-world characters, distinct (persona, character) pairs across train/test/dev.
    used: set[tuple[int, int]] = set()

    def make_id(r: random.Random):
        while True:
            key = (r.randrange(len(personas)), r.randrange(len(reals)))
            if key not in used:
                break
        persona, char = personas[key[0]], reals[key[1]]
        used.add(key)
        return persona["text"], char, english_dialogue(r, persona, char)["pairs"], None

    # User shift: native personas and dialogues, real-world characters.
    def make_user(tag: str, local: list[dict]):
        lang, korean = USER_SHIFT_LANGS[tag], tag == "korean"
        pool = reals if lang["local_names"] is None else [c for c in reals if c["name"] in LOCAL_NAMES]

        def make(r: random.Random):
            persona, char = r.choice(local), r.choice(pool)
            return persona["text"], char, local_dialogue(r, lang, persona, char, korean), None
        return make

    # Character shift: English personas, fictional characters of four domains.
    def make_character(domain: str):
        pool = [c for c in fictional if c["record"]["character_domain"] == domain]

        def make(r: random.Random):
            persona, char = r.choice(personas), r.choice(pool)
            return persona["text"], char, english_dialogue(r, persona, char)["pairs"], None
        return make

    # Dialogue compositional shift: English personas, real-world characters, composed dialogues.
    def make_turn_level(r: random.Random):
        persona, char = r.choice(personas), r.choice(reals)
        return persona["text"], char, turn_level_dialogue(r, persona, char), None

    def make_word_level(r: random.Random):
        persona, char = r.choice(personas), r.choice(reals)
        pairs, info = word_level_dialogue(r, persona, char)
        return persona["text"], char, pairs, info

    def ood(stream: random.Random, dev: bool, n: int, local: dict[str, list[dict]]) -> None:
        ood1, ood2, ood3 = ("OOD1Dev", "OOD2Dev", "OOD3Dev") if dev else ("OOD1Test", "OOD2Test", "OOD3Test")
        for tag in USER_SHIFT_LANGS:
            make = make_user(tag, local[tag])
            for _ in range(n):
                add(ood1, tag, make, stream, dev)
        for domain in CHARACTER_SHIFT_DOMAINS:
            make = make_character(domain)
            for _ in range(n):
                add(ood2, domain, make, stream, dev)
        for tag, make in (("TurnLevelComposition", make_turn_level), ("WordLevelComposition", make_word_level)):
            for _ in range(n):
                add(ood3, tag, make, stream, dev)

    for split, count in (("IDTrain", N_ID_TRAIN), ("IDTest", N_ID_TEST)):
        for _ in range(count):
            add(split, split, make_id, rng)
    # The user-shift personas are drawn lazily, in subset order, from the main stream, as they always were.
    class _Lazy(dict):
        def __missing__(self, tag: str) -> list[dict]:
            self[tag] = local_personas(rng, USER_SHIFT_LANGS[tag], 48, tag == "korean")
            return self[tag]
    ood(rng, False, N_PER_OOD_SUBSET, _Lazy())

    dev_rng = random.Random(seed + DEV_SEED_OFFSET)
    for _ in range(N_ID_DEV):
        add("IDDev", "IDTest", make_id, dev_rng, dev=True)
    dev_local = {tag: local_personas(dev_rng, lang, 48, tag == "korean") for tag, lang in USER_SHIFT_LANGS.items()}
    ood(dev_rng, True, N_DEV_PER_OOD_SUBSET, dev_local)

    # IDTrain samples that share a golden or last query with a test sample are never trained on
    # (remid.data.readers.by_subset); as many new ones, clear of every test text, keep N_ID_TRAIN usable.
    clashing = sum(r["agent_golden_response"] in test_texts or r["dialogue_context"][-1]["user_query"] in test_texts
                   for r in data["IDTrain"])
    train_rng = random.Random(seed + TRAIN_SEED_OFFSET)
    for _ in range(clashing):
        add("IDTrain", "IDTrain", make_id, train_rng, dev=True)
    return data, originals


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """The benchmark as ``{split: [sample, ...]}``."""
    return build_all(seed)[0]


def dumps(data: dict[str, list[dict]]) -> str:
    """The JSON text: one split per key, one sample per line (compact, diff-friendly, valid JSON)."""
    lines = ["{"]
    for i, (split, samples) in enumerate(data.items()):
        lines.append(f" {json.dumps(split)}: [")
        for j, sample in enumerate(samples):
            comma = "," if j < len(samples) - 1 else ""
            lines.append("  " + json.dumps(sample, ensure_ascii=False) + comma)
        lines.append(" ]" + ("," if i < len(data) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT_PATH
    data = build()
    out.write_text(dumps(data), encoding="utf-8")
    counts: dict[str, int] = {}
    for samples in data.values():
        for sample in samples:
            counts[sample["subset_tag"]] = counts.get(sample["subset_tag"], 0) + 1
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    for tag, count in counts.items():
        print(f"  {tag}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
