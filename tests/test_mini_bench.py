"""The shipped mini-RPGBench (remid/tiny): layout, the paper's three shifts, variety, determinism."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from remid.core.schema import parse_record
from remid.tiny import dialogues, generate

SPLITS = {"IDTrain", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test", "IDDev", "OOD1Dev", "OOD2Dev", "OOD3Dev"}
TAGS_BY_SPLIT = {
    "IDTrain": {"IDTrain"},
    "IDTest": {"IDTest"},
    "OOD1Test": {"german", "spanish", "chinese", "japanese", "korean"},
    "OOD2Test": {"Literature", "Film & Television", "Theater", "Gaming"},
    "OOD3Test": {"TurnLevelComposition", "WordLevelComposition"},
    "IDDev": {"IDTest"},
    "OOD1Dev": {"german", "spanish", "chinese", "japanese", "korean"},
    "OOD2Dev": {"Literature", "Film & Television", "Theater", "Gaming"},
    "OOD3Dev": {"TurnLevelComposition", "WordLevelComposition"},
}
HAN, KANA, HANGUL = r"[\u4e00-\u9fff]", r"[\u3040-\u30ff]", r"[\uac00-\ud7af]"
SCRIPTS = {"chinese": (HAN,), "japanese": (KANA, HAN), "korean": (HANGUL,)}
GERMAN_WORDS = {"ich", "und", "du", "die", "das", "mit", "nicht", "sie"}
SPANISH_WORDS = {"que", "el", "la", "de", "y", "tu", "mis", "por"}


@pytest.fixture(scope="module")
def data():
    return json.loads(generate.OUT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_tag(data):
    groups: dict[str, list[dict]] = {}
    for records in data.values():
        for record in records:
            groups.setdefault(record["subset_tag"], []).append(record)
    return groups


def _texts(record):
    return [next(iter(turn.values())) for turn in record["dialogue_context"]]


def _words(text):
    return set(re.findall(r"\w+", text.lower()))


def test_every_record_parses_and_ids_are_unique(data):
    assert set(data) == SPLITS
    ids = []
    for split, records in data.items():
        for i, record in enumerate(records):
            sample = parse_record(record)
            assert not isinstance(sample, list), sample
            assert record["sample_ID"] == f"{split}-{i}"
            assert record["subset_tag"] in TAGS_BY_SPLIT[split]
            ids.append(record["sample_ID"])
    assert len(ids) == len(set(ids))


def test_counts(data, by_tag):
    assert len(data["IDTrain"]) >= 800 and len(data["IDTest"]) >= 200
    for tags in list(TAGS_BY_SPLIT.values())[2:]:
        for tag in tags:
            assert len(by_tag[tag]) >= 60, tag


def test_dialogue_shapes(by_tag):
    for tag, records in by_tag.items():
        for record in records:
            context = record["dialogue_context"]
            assert len(context) % 2 == 1 and "user_query" in context[-1]
            assert all(("user_query" if i % 2 == 0 else "agent_response") in turn for i, turn in enumerate(context))
            n_user = sum("user_query" in turn for turn in context)
            assert n_user == (8 if tag == "TurnLevelComposition" else 4), (tag, record["sample_ID"])


def test_no_unfilled_slots_or_markers(data):
    for records in data.values():
        for record in records:
            for text in [record["user_persona"], record["agent_golden_response"], *_texts(record)]:
                assert not re.search(r"[{}]|\((을|은|이|와|으로|이에요|이라면|이었어요)\)", text), text
                assert text == text.strip() and "  " not in text, text


@pytest.mark.parametrize("language", sorted(SCRIPTS))
def test_cjk_subsets_use_their_script(by_tag, language):
    for record in by_tag[language]:
        for text in (record["user_persona"], record["agent_golden_response"], *_texts(record)):
            for script in SCRIPTS[language]:
                assert re.search(script, text), (language, text)
    for record in by_tag["IDTrain"] + by_tag["IDTest"]:
        for text in (record["user_persona"], record["agent_golden_response"]):
            assert not re.search(f"{HAN}|{KANA}|{HANGUL}", text), text


def test_european_subsets_are_in_their_language(by_tag):
    for record in by_tag["german"]:
        assert _words(record["user_persona"]) & GERMAN_WORDS, record["user_persona"]
        assert _words(record["agent_golden_response"]) & GERMAN_WORDS, record["agent_golden_response"]
        assert all(_words(t) & GERMAN_WORDS for t in _texts(record)[1::2]), record["sample_ID"]
    for record in by_tag["spanish"]:
        assert _words(record["user_persona"]) & SPANISH_WORDS, record["user_persona"]
        assert _words(record["agent_golden_response"]) & SPANISH_WORDS, record["agent_golden_response"]
        assert all(_words(t) & SPANISH_WORDS for t in _texts(record)[1::2]), record["sample_ID"]
    foreign = {"und", "ich", "nicht", "mit", "du", "que", "por", "usted", "pero"}  # not "el"/"los": Los Alamos
    for record in by_tag["IDTrain"] + by_tag["IDTest"]:
        assert not _words(record["agent_golden_response"] + " " + record["user_persona"]) & foreign


def test_user_shift_keeps_real_world_characters(by_tag):
    id_names = {r["agent_character"]["character_name"] for r in by_tag["IDTrain"]}
    for language in ("german", "spanish", "chinese", "japanese", "korean"):
        records = by_tag[language]
        assert len({r["user_persona"] for r in records}) >= 30, language
        for record in records:
            assert record["agent_character"]["character_source"] == "Real-world figure"
            assert record["agent_character"]["character_name"] in id_names


def test_character_shift_uses_unseen_fictional_characters(by_tag):
    real_names = {name for name, *_ in dialogues.REAL_CHARACTERS}
    id_names = {r["agent_character"]["character_name"] for r in by_tag["IDTrain"] + by_tag["IDTest"]}
    assert id_names <= real_names
    pool = Counter(entry[1] for entry in dialogues.FICTIONAL_CHARACTERS)
    for domain in ("Literature", "Film & Television", "Theater", "Gaming"):
        assert pool[domain] >= 15, domain
        names = {r["agent_character"]["character_name"] for r in by_tag[domain]}
        assert len(names) >= 12 and not names & real_names, domain
        assert {r["agent_character"]["character_domain"] for r in by_tag[domain]} == {domain}
        for record in by_tag[domain]:
            assert not re.search(f"{HAN}|{KANA}|{HANGUL}", record["agent_golden_response"])


def test_dialogue_shift_keeps_english_personas_and_real_characters(by_tag):
    real_names = {name for name, *_ in dialogues.REAL_CHARACTERS}
    for tag in ("TurnLevelComposition", "WordLevelComposition"):
        for record in by_tag[tag]:
            assert record["agent_character"]["character_name"] in real_names
            assert not re.search(f"{HAN}|{KANA}|{HANGUL}", record["user_persona"])


def test_turn_level_recombines_two_dialogues(by_tag):
    for record in by_tag["TurnLevelComposition"]:
        queries = _texts(record)[0::2]
        assert len(queries) == 8 and len(set(queries)) == 8
        # Only one opener (greeting) turn: the second dialogue's turns continue the first one.
        assert sum(q.startswith(("Hi ", "Hello ", "Good evening", record["agent_character"]["character_name"]))
                   for q in queries) <= 1


def test_word_level_edit_is_small_and_borrowed_from_the_context(by_tag):
    data, originals = generate.build_all()
    word_level = [r for split in ("OOD3Test", "OOD3Dev") for r in data[split] if r["subset_tag"] == "WordLevelComposition"]
    assert set(originals) == {r["sample_ID"] for r in word_level}
    for record in word_level:
        info = originals[record["sample_ID"]]
        texts = _texts(record)
        last, earlier = texts[-1], " ".join(texts[:-1])
        assert info["old_phrase"] in info["original_query"] and info["new_phrase"] in last
        assert info["original_query"].replace(info["old_phrase"], info["new_phrase"]) == last
        assert last != info["original_query"]
        assert info["new_phrase"] in earlier  # the substitute was said earlier in the conversation
        assert record["agent_golden_response"] != info["original_golden"]
        assert info["new_phrase"] in record["agent_golden_response"] or info["new_phrase"].lower() in \
            record["agent_golden_response"].lower()
    # The shipped file equals this build, so the check above covers the shipped samples too.
    assert [r["sample_ID"] for r in by_tag["WordLevelComposition"]] == [r["sample_ID"] for r in word_level]


def test_id_train_and_test_pairs_are_distinct(by_tag):
    def pairs(records):
        return {(r["user_persona"], r["agent_character"]["character_name"]) for r in records}

    assert not pairs(by_tag["IDTrain"]) & pairs(by_tag["IDTest"])


def test_variety(by_tag):
    train = by_tag["IDTrain"]
    assert len({r["agent_golden_response"] for r in train}) >= 0.9 * len(train)
    assert len({r["user_persona"] for r in train}) >= 200
    assert len({r["agent_character"]["character_name"] for r in train}) >= 80
    assert len({r["agent_character"]["character_domain"] for r in train}) >= 6
    first_words = Counter(r["agent_golden_response"].split()[0] for r in train)
    assert first_words.most_common(1)[0][1] < 0.2 * len(train)
    for language in ("german", "spanish", "chinese", "japanese", "korean"):
        goldens = [r["agent_golden_response"] for r in by_tag[language]]
        assert len(set(goldens)) >= 0.8 * len(goldens), language


def test_korean_particles():
    assert dialogues._ko_particles("책(을) 읽어요") == "책을 읽어요"
    assert dialogues._ko_particles("사과(을) 먹어요") == "사과를 먹어요"
    assert dialogues._ko_particles("서울(으로) 가요") == "서울로 가요"
    assert dialogues._ko_particles("부산(으로) 가요") == "부산으로 가요"
    assert dialogues._ko_particles("교사(이에요)") == "교사예요"
    assert dialogues._ko_particles("학생(이에요)") == "학생이에요"


def test_generator_is_deterministic_and_matches_the_shipped_file():
    first = generate.dumps(generate.build())
    assert first == generate.dumps(generate.build())
    assert first == generate.OUT_PATH.read_text(encoding="utf-8")
    assert json.loads(first) == json.loads(generate.OUT_PATH.read_text(encoding="utf-8"))
