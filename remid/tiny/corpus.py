"""Deterministic pretraining corpus for the tiny base models: role-play dialogue text in six languages.

``python -m remid.tiny.corpus [OUT.jsonl]`` writes it (stdlib only). It stands in for the web
text a real base LLM is pretrained on (paper section 4.1: Qwen3 / Llama-3 base models know all six
languages and the fictional characters before any role-play fine-tuning): conversations between
many personas and characters, real-world and fictional, in English, German, Spanish, Chinese,
Japanese and Korean, written in a few plain-text layouts (chat logs, interviews, forum threads).

It draws from the same phrase pools and dialogue builders as the mini benchmark (``dialogues.py``) with its own seed, so
the base learns the languages, the characters and how a reply depends on who is talking. No document
holds a whole test sample: one is rejected (and another drawn) when it contains a golden response of
IDTest or an OOD subset as a turn, or all turns of such a sample's dialogue context
(``tests/test_corpus.py`` checks both on the written text). Shorter overlaps are not excluded: the pools
are shared, so most golden sentences, characters and last queries of the test subsets do occur here
(measured: ``python -m remid.evaluation.overlap``, docs/protocol.md).
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from remid.tiny import dialogues as g
from remid.tiny.generate import build

CORPUS_SEED = 7_031_977
POST_TRAIN_SEED = 7_031_978
N_DOCUMENTS = 24_000
# Share of documents per kind; the rest are English conversations with real-world figures.
KIND_WEIGHTS = {"en_real": 0.30, "en_fictional": 0.20, "en_long": 0.05,
                **{lang: 0.09 for lang in g.USER_SHIFT_LANGS}}
# Kinds post-training may also weigh: a last query whose topic is swapped for one named earlier (the
# word-level composition's move, on other personas and characters than the benchmark's).
POST_TRAIN_KINDS = (*KIND_WEIGHTS, "en_word_level")
USER_LABEL = {"english": "User", "german": "Nutzer", "spanish": "Usuario", "chinese": "用户",
              "japanese": "ユーザー", "korean": "사용자"}
TEST_SPLITS = ("IDTest", "OOD1Test", "OOD2Test", "OOD3Test")


def test_texts(data: dict[str, list[dict]] | None = None) -> tuple[set[str], list[tuple[str, ...]]]:
    """Golden responses and dialogue contexts (as turn tuples) of every benchmark test sample."""
    data = data if data is not None else build()
    goldens: set[str] = set()
    dialogues: list[tuple[str, ...]] = []
    for split in TEST_SPLITS:
        for record in data[split]:
            goldens.add(record["agent_golden_response"])
            dialogues.append(tuple(next(iter(turn.values())) for turn in record["dialogue_context"]))
    return goldens, dialogues


def _character_blurb(char: dict, rng: random.Random) -> str:
    record = char["record"]
    parts = [record["basic_character_information"], record["character_background"], record["character_personality"]]
    rng.shuffle(parts)
    return " ".join(parts[: rng.randint(1, 3)])


def _render(rng: random.Random, lang: str, persona_text: str, char: dict, name: str,
            pairs: list[tuple[str, str]]) -> str:
    """One document in one of three plain-text layouts."""
    user = USER_LABEL[lang]
    layout = rng.randrange(3)
    lines: list[str] = []
    if layout == 0:  # chat log with a profile header
        lines += [persona_text, f"{name} ({char['record']['character_domain']}). {_character_blurb(char, rng)}", ""]
        for query, answer in pairs:
            lines += [f"{user}: {query}", f"{name}: {answer}"]
    elif layout == 1:  # interview transcript
        lines += [f"# {name}", _character_blurb(char, rng), f"[{user}] {persona_text}", ""]
        for query, answer in pairs:
            lines += [f"Q: {query}", f"A: {answer}", ""]
    else:  # forum thread: the persona introduces themself, the character replies
        lines += [f"{user} — {persona_text}", ""]
        for query, answer in pairs:
            lines += [f"> {query}", f"{name}: {answer}", ""]
    return "\n".join(lines).strip()


def _dialogue(rng: random.Random, kind: str, en_personas, local_personas, reals, fictional):
    """``(language, persona text, character, shown name, pairs)`` of one conversation of ``kind``."""
    if kind in g.USER_SHIFT_LANGS:
        lang = g.USER_SHIFT_LANGS[kind]
        pool = reals if lang["local_names"] is None else [c for c in reals if c["name"] in g.LOCAL_NAMES]
        persona, char = rng.choice(local_personas[kind]), rng.choice(pool)
        name = char["name"] if lang["local_names"] is None else g.LOCAL_NAMES[char["name"]][lang["local_names"]]
        return kind, persona["text"], char, name, g.local_dialogue(rng, lang, persona, char, kind == "korean")
    persona = rng.choice(en_personas)
    char = rng.choice(fictional if kind == "en_fictional" else reals)
    if kind == "en_long":
        pairs = g.turn_level_dialogue(rng, persona, char)
    elif kind == "en_word_level":
        pairs = g.word_level_dialogue(rng, persona, char)[0]
    else:
        pairs = g.english_dialogue(rng, persona, char, opener=rng.random() < 0.7)["pairs"]
    return "english", persona["text"], char, char["name"], pairs


def _conversations(n: int, seed: int, weights: dict[str, float] | None = None,
                   ) -> Iterator[tuple[str, str, dict, str, list[tuple[str, str]], random.Random]]:
    """``n`` conversations ``(language, persona, character, shown name, pairs, rng)``, deterministic in
    ``seed``, none holding a benchmark test sample's golden response or whole dialogue. ``weights``: the
    share of each kind (default ``KIND_WEIGHTS``; ``POST_TRAIN_KINDS`` adds ``en_word_level``)."""
    weights = KIND_WEIGHTS if weights is None else weights
    unknown = set(weights) - set(POST_TRAIN_KINDS)
    if unknown:
        raise ValueError(f"unknown conversation kinds {sorted(unknown)}; expected some of {sorted(POST_TRAIN_KINDS)}")
    goldens, dialogues = test_texts()
    first_turns = {d[0]: d for d in dialogues}  # a whole test dialogue can only occur where its first turn does
    rng = random.Random(seed)
    en_personas = g.english_personas(rng, 2000)
    local = {tag: g.local_personas(rng, lang, 400, tag == "korean") for tag, lang in g.USER_SHIFT_LANGS.items()}
    reals, fictional = g.real_characters(), g.fictional_characters()
    kinds, shares = zip(*weights.items(), strict=True)
    written = 0
    while written < n:
        kind = rng.choices(kinds, shares)[0]
        lang, persona_text, char, name, pairs = _dialogue(rng, kind, en_personas, local, reals, fictional)
        turns = [t for pair in pairs for t in pair]
        if any(t in goldens for t in turns) or _holds_dialogue(turns, first_turns):
            continue
        written += 1
        yield lang, persona_text, char, name, pairs, rng


def documents(n: int = N_DOCUMENTS, seed: int = CORPUS_SEED) -> Iterator[str]:
    """``n`` documents, deterministic in ``seed``, none holding a benchmark test sample's response or dialogue."""
    for lang, persona_text, char, name, pairs, rng in _conversations(n, seed):
        yield _render(rng, lang, persona_text, char, name, pairs)


def post_training_samples(n: int = 800, seed: int = POST_TRAIN_SEED, weights: dict[str, float] | None = None) -> list:
    """``n`` benchmark-format samples (tag ``PostTrain``) drawn like the corpus, in all six languages.

    The paper's estimator starts from a *post-trained* LLM (Qwen3-8B), instruction-tuned far beyond
    English. The tiny estimator's stand-in for that: its SFT sees, beside the ID training split, these
    samples (no whole test sample, as in the corpus, another seed; shorter overlaps are many), so it learns the
    table 15/17 formats in every language rather than only in English. RPMs never see them.
    """
    from remid.core.schema import Sample, Turn

    samples = []
    for i, (_, persona_text, char, _, pairs, _) in enumerate(_conversations(n, seed, weights)):
        context, golden = g._context(pairs)
        turns = tuple(Turn("user" if "user_query" in t else "agent", next(iter(t.values()))) for t in context)
        samples.append(Sample(f"PostTrain-{i}", persona_text, dict(char["record"]), turns, golden, "PostTrain"))
    return samples


def _holds_dialogue(turns: list[str], first_turns: dict[str, tuple[str, ...]]) -> bool:
    present = set(turns)
    return any(t in first_turns and set(first_turns[t]) <= present for t in turns)


def write(path: Path, n: int = N_DOCUMENTS, seed: int = CORPUS_SEED) -> str:
    """Write the corpus as JSONL (``{"text": ...}`` per line); return its sha256."""
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for text in documents(n, seed):
            line = json.dumps({"text": text}, ensure_ascii=False) + "\n"
            handle.write(line)
            digest.update(line.encode())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path("corpus.jsonl")
    print(f"wrote {out}: sha256 {write(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
