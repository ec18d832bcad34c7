"""The shipped mini-RPGBench: shape, the paper's three shifts, variety, determinism."""

import json
import re
from collections import Counter

import pytest

from remid.data.mini import generate
from remid.data.readers import by_subset, mini_benchmark_path
from remid.data.schema import EVAL_SUBSETS, parse_record

SCRIPTS = {"chinese": r"[\u4e00-\u9fff]", "japanese": r"[\u3040-\u30ff]", "korean": r"[\uac00-\ud7af]"}
WORDS = {"german": {"ich", "und", "sie", "mit"}, "spanish": {"que", "el", "la", "por"}}


@pytest.fixture(scope="module")
def groups(mini_samples):
    return by_subset(mini_samples)


def test_every_record_parses_and_ids_are_unique():
    data = json.loads(mini_benchmark_path().read_text(encoding="utf-8"))
    assert set(data) == {"IDTrain", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test"}
    ids = [r["sample_ID"] for records in data.values() for r in records]
    assert len(ids) == len(set(ids))
    assert all(not isinstance(parse_record(r), list) for records in data.values() for r in records)


def test_sizes(groups):
    assert len(groups["id_train"]) >= 800 and len(groups["id"]) >= 200
    for subset in EVAL_SUBSETS[1:]:
        assert len(groups[subset]) >= 60, subset


def test_dialogue_lengths(groups):
    for subset, samples in groups.items():
        users = {sum(t.role == "user" for t in s.dialogue_context) for s in samples}
        assert all(s.dialogue_context[-1].role == "user" for s in samples)
        assert users == ({8} if subset == "turn_level" else {4}), subset


@pytest.mark.parametrize("language", sorted(SCRIPTS))
def test_cjk_subsets_use_their_script(groups, language):
    for s in groups[language]:
        for text in (s.user_persona, s.golden_response, s.dialogue_context[-1].text):
            assert re.search(SCRIPTS[language], text), text
    assert not any(re.search(SCRIPTS[language], s.golden_response) for s in groups["id"])


@pytest.mark.parametrize("language", sorted(WORDS))
def test_european_subsets_are_in_their_language(groups, language):
    def words(text):
        return set(re.findall(r"\w+", text.lower()))

    hits = sum(bool(words(s.user_persona + " " + s.golden_response) & WORDS[language]) for s in groups[language])
    assert hits == len(groups[language])
    assert sum(bool(words(s.golden_response) & WORDS[language] - {"el", "la"}) for s in groups["id"]) < 5


def test_character_shift_uses_unseen_fictional_characters(groups):
    id_names = {s.character_name for s in groups["id_train"] + groups["id"]}
    for subset, domain in [("literature", "Literature"), ("film", "Film & Television"), ("theater", "Theater"),
                           ("gaming", "Gaming")]:
        names = {s.character_name for s in groups[subset]}
        assert len(names) >= 12 and not names & id_names
        assert {s.agent_character["character_domain"] for s in groups[subset]} == {domain}


def test_word_level_edit_is_small_and_borrowed_from_the_context():
    import random

    rng = random.Random(0)
    for _ in range(30):
        _, _, texts, golden, original = generate.word_level(rng)
        before, after = set(original.split()), set(texts[-1].split())
        assert 0 < len(before ^ after) <= 8
        new_words = after - before
        assert any(w.strip("?.,") in " ".join(texts[:-1]) for w in new_words)


def test_turn_level_reuses_id_style_turns(groups):
    for s in groups["turn_level"][:10]:
        assert len(s.dialogue_context) == 15


def test_variety(groups):
    train = groups["id_train"]
    assert len({s.golden_response for s in train}) >= 0.9 * len(train)
    assert len({s.user_persona for s in train}) >= 200
    assert len({s.character_name for s in train}) >= 50
    first_words = Counter(s.golden_response.split()[0] for s in train)
    assert first_words.most_common(1)[0][1] < 0.2 * len(train)


def test_generator_is_deterministic_and_matches_the_shipped_file():
    assert generate.dumps(generate.build()) == generate.dumps(generate.build())
    assert generate.dumps(generate.build()) == mini_benchmark_path().read_text(encoding="utf-8")
