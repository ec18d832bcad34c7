"""The results format and the append-only evaluation cache."""

import json

import pytest

from remid.cache import JsonlCache, cache_key
from remid.results import (
    EvaluationResults,
    ModelResults,
    SubsetEstimate,
    remid_table_csv,
    remid_table_markdown,
)

# Paper table 20, Qwen3-4B SFT row.
PAPER_SFT = [-0.067, -0.047, -0.051, -0.118, -0.096, -0.070, -0.111, -0.062, -0.078, -0.079, -0.049, 0.143]
SUBSETS = ["id", "german", "spanish", "chinese", "japanese", "korean", "literature", "film", "theater", "gaming",
           "turn_level", "word_level"]


def results(values=PAPER_SFT, drop=()):
    subsets = {s: SubsetEstimate(s, 10, v + 1.0, 1.0, v, (v - 0.1, v + 0.1), None if s == "id" else PAPER_SFT[0] - v,
                                 None if s == "id" else (0.0, 0.1))
               for s, v in zip(SUBSETS, values, strict=True) if s not in drop}
    return EvaluationResults({"name": "remi_tiny"}, [ModelResults("qwen3_4b/sft", "sft", "Qwen/Qwen3-4B-Base", subsets)],
                             "2026-11-23T00:00:00+00:00")


def test_json_round_trip(tmp_path):
    original = results()
    original.to_json(tmp_path / "results.json")
    assert EvaluationResults.from_json(tmp_path / "results.json") == original
    assert not list(tmp_path.glob("*.tmp"))


def test_markdown_table_matches_paper_layout_and_average():
    table = remid_table_markdown(results())
    header, row = table.splitlines()[2], table.splitlines()[3]
    assert header.split("|")[2:-1] == [" ID ", " G. ", " S. ", " C. ", " J. ", " K. ", " L. ", " F. ", " T. ", " G. ",
                                       " T. ", " W. ", " Avg. "]
    assert row.strip("| ").split(" | ")[-1] == "-0.057"  # the paper's Avg. for this row
    assert "-0.118" in row and "0.143" in row


def test_missing_subset_is_a_dash_and_left_out_of_the_average():
    row = remid_table_markdown(results(drop=("word_level",))).splitlines()[3]
    cells = row.strip("| ").split(" | ")
    assert cells[12] == "–"
    assert float(cells[13]) == pytest.approx(sum(PAPER_SFT[:11]) / 11, abs=5e-4)
    emid = remid_table_markdown(results(), metric="r_emid").splitlines()[3].strip("| ").split(" | ")
    assert emid[1] == "–" and float(emid[2]) == pytest.approx(PAPER_SFT[0] - PAPER_SFT[1], abs=5e-4)
    assert remid_table_csv(results()).splitlines()[0].startswith("model,id,german")


def test_cache_survives_reopen_and_a_torn_last_line(tmp_path):
    path = tmp_path / "c.jsonl"
    cache = JsonlCache(path)
    cache.put("a", [1.5, 2.5])
    cache.put_many([("b", "text"), ("c", {"x": 1})])
    with path.open("a") as handle:
        handle.write('{"k": "d", "v": [1, 2')  # killed mid-write
    with pytest.warns(UserWarning, match="truncated last line"):
        reopened = JsonlCache(path)
    assert reopened.get("a") == [1.5, 2.5] and reopened.get("c") == {"x": 1} and "d" not in reopened
    reopened.put("d", 4)
    assert JsonlCache(path).get("d") == 4


def test_corrupt_middle_line_names_the_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"k": "a", "v": 1}) + "\nnot json\n" + json.dumps({"k": "b", "v": 2}) + "\n")
    with pytest.raises(ValueError, match=r"c.jsonl:2"):
        JsonlCache(path)


def test_cache_key_is_canonical():
    assert cache_key("x", {"b": 1, "a": 2}) == cache_key("x", {"a": 2, "b": 1})
    assert cache_key("x", 1) != cache_key("x", 2)
