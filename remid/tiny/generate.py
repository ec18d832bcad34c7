"""Deterministic generator of the mini RPGBench (``mini_rpgbench.json``).

Run it as ``python -m remid.tiny.generate`` or ``python remid/tiny/generate.py``; it
rewrites ``remid/tiny/mini_rpgbench.json`` next to this file (stdlib only, no network).

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
import sys
from pathlib import Path

from remid.tiny.dialogues import (
    USER_SHIFT_LANGS,
    _context,
    english_dialogue,
    english_personas,
    fictional_characters,
    local_dialogue,
    local_personas,
    real_characters,
    turn_level_dialogue,
    word_level_dialogue,
)
from remid.tiny.pools.real import LOCAL_NAMES

SEED = 20240611
OUT_PATH = Path(__file__).resolve().parent / "mini_rpgbench.json"

N_ID_TRAIN = 820
N_ID_TEST = 210
N_PER_OOD_SUBSET = 64

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
