import json

import pytest

from remid.core.schema import EVAL_SUBSETS, InvalidRecordsError, Sample, parse_record, subset_of_tag
from remid.data.readers import DataFormatError, load_samples, select_subsets
from remid.data.validate import main as validate_main


def record(**changes):
    base = {
        "sample_ID": "IDTest-1",
        "user_persona": "i like to paddle board.",
        "agent_character": {"character_name": "Yiruma", "character_domain": "Arts", "character_source": "Arts",
                            "basic_character_information": "Born 1978 in Seoul.", "character_background": "Pianist.",
                            "character_personality": "Calm."},
        "dialogue_context": [{"user_query": "Hi"}, {"agent_response": "Hello"}, {"user_query": "Music?"}],
        "agent_golden_response": "Always.",
        "subset_tag": "IDTest",
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(("tag", "expected"), [
    ("IDTrain", ("id", "id_train")), ("IDTest", ("id", "id")), ("german", ("user", "german")),
    ("Korean", ("user", "korean")), ("Literature-Fictional", ("character", "literature")),
    ("Film & Television", ("character", "film")), ("Gaming", ("character", "gaming")),
    ("TurnLevelComposition", ("dialogue", "turn_level")), ("WordLevelComposition", ("dialogue", "word_level")),
])
def test_subset_mapping(tag, expected):
    assert subset_of_tag(tag) == expected


def test_every_eval_subset_has_a_tag():
    from remid.core.schema import SUBSETS

    assert set(EVAL_SUBSETS) <= {subset for _, subset in SUBSETS.values()}


def test_valid_record_round_trips():
    sample = parse_record(record())
    assert isinstance(sample, Sample)
    assert sample.shift_family == "id" and sample.subset == "id"
    assert parse_record(sample.to_record()) == sample


def test_plain_string_character_is_accepted():
    assert isinstance(parse_record(record(agent_character="A wise old sailor.")), Sample)


@pytest.mark.parametrize(("changes", "field", "problem"), [
    ({"user_persona": ""}, "user_persona", "missing or empty"),
    ({"subset_tag": "Martian"}, "subset_tag", "unknown subset_tag"),
    ({"dialogue_context": [{"user_query": "a"}, {"agent_response": "b"}]}, "dialogue_context", "must end on a user turn"),
    ({"dialogue_context": [{"agent_response": "a"}]}, "dialogue_context[0]", "expected {'user_query'"),
    ({"agent_character": {"character_name": "X"}}, "agent_character.character_domain", "missing"),
])
def test_invalid_records_name_id_field_and_problem(changes, field, problem):
    errors = parse_record(record(**changes), where="f.json:IDTest[0]")
    assert isinstance(errors, list)
    assert any(e.field == field and problem in e.problem and e.sample_id == "IDTest-1" for e in errors), errors


def test_reader_reports_all_errors_and_loads_nothing(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"IDTest": [record(), record(sample_ID="IDTest-2", user_persona=""),
                                           record(sample_ID="IDTest-3", subset_tag="nope")]}))
    with pytest.raises(InvalidRecordsError) as info:
        load_samples(path)
    assert len(info.value.errors) == 2
    assert "IDTest-2" in str(info.value) and "IDTest-3" in str(info.value)
    assert len(load_samples(path, skip_invalid=True)) == 1


def test_duplicate_ids_are_errors(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text("\n".join(json.dumps(record()) for _ in range(2)))
    with pytest.raises(InvalidRecordsError, match="duplicate"):
        load_samples(path)


def test_malformed_json_names_file_and_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(record()) + "\n{not json\n")
    with pytest.raises(DataFormatError, match=r"broken.jsonl:2"):
        load_samples(path)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_utf8_bom_file_loads(tmp_path, suffix):
    path = tmp_path / f"bom{suffix}"
    text = json.dumps([record()] if suffix == ".json" else record(), ensure_ascii=False)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert len(load_samples(path)) == 1


@pytest.mark.parametrize(("encoding", "problem"), [("latin-1", "not UTF-8 text"), ("utf-16", "UTF-16-LE")])
def test_another_encoding_is_a_clear_error_naming_the_file(tmp_path, capsys, encoding, problem):
    path = tmp_path / "other.jsonl"
    path.write_bytes(json.dumps(record(user_persona="Se\u00f1ora M\u00fcller"), ensure_ascii=False).encode(encoding))
    with pytest.raises(DataFormatError, match=rf"other.jsonl: .*{problem}.*save .* as UTF-8"):
        load_samples(path)
    assert validate_main([str(path)]) == 2
    assert "other.jsonl" in capsys.readouterr().err


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_samples(tmp_path / "nope.json")


def test_validate_cli(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"IDTest": [record()]}))
    assert validate_main([str(good)]) == 0
    assert "1 valid sample" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"IDTest": [record(user_persona="")]}))
    assert validate_main([str(bad)]) == 1
    assert "IDTest-1" in capsys.readouterr().err and validate_main([str(bad), "--skip-invalid"]) == 0


def test_select_subsets_rejects_unknown_and_empty(mini_samples):
    with pytest.raises(ValueError, match="unknown subset"):
        select_subsets(mini_samples, ["mars"])
    with pytest.raises(ValueError, match="no samples"):
        select_subsets([s for s in mini_samples if s.subset != "german"], ["german"])
    assert [len(v) for v in select_subsets(mini_samples, ["id", "german"], limit=5).values()] == [5, 5]
