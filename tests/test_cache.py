"""The append-only JSONL evaluation cache and its keys."""

import json

import pytest

from remid.core.cache import JsonlCache, cache_key


def test_put_and_get_across_reopen(tmp_path):
    path = tmp_path / "caches" / "responses.jsonl"
    cache = JsonlCache(path)
    assert "a" not in cache and cache.get("a") is None and cache.get("a", 7) == 7
    cache.put("a", [1.5, 2.5])
    cache.put_many([("b", "日本語のテキスト"), ("c", {"x": 1})])
    cache.put("a", [3.0])  # a later line wins
    reopened = JsonlCache(path)
    assert reopened.get("a") == [3.0] and reopened.get("b") == "日本語のテキスト" and reopened.get("c") == {"x": 1}
    assert "c" in reopened and len(reopened) == 3
    JsonlCache(tmp_path / "caches" / "scores.jsonl").put("a", 0.5)  # one file per cache, same folder
    assert JsonlCache(path).get("a") == [3.0]


def test_a_truncated_last_line_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "c.jsonl"
    JsonlCache(path).put_many([("a", 1), ("b", 2)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"k": "d", "v": [1, 2')  # killed mid-write
    with pytest.warns(UserWarning, match="c.jsonl:3: ignoring a truncated last line"):
        reopened = JsonlCache(path)
    assert reopened.get("a") == 1 and reopened.get("b") == 2 and "d" not in reopened
    reopened.put("d", 4)  # the next append starts on a clean line
    assert JsonlCache(path).get("d") == 4


def test_a_torn_multibyte_character_on_the_last_line_is_ignored(tmp_path):
    path = tmp_path / "c.jsonl"
    JsonlCache(path).put("a", 1)
    with path.open("ab") as handle:
        handle.write('{"k": "b", "v": "日'.encode()[:-1])
    with pytest.warns(UserWarning, match="truncated last line"):
        assert JsonlCache(path).get("a") == 1


def test_a_corrupt_middle_line_raises_naming_file_and_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"k": "a", "v": 1}) + "\nnot json\n" + json.dumps({"k": "b", "v": 2}) + "\n")
    with pytest.raises(ValueError, match=r"c\.jsonl:2: corrupt cache line"):
        JsonlCache(path)


def test_cache_key_is_canonical():
    key = cache_key("model", {"b": 1, "a": [1, 2]})
    assert len(key) == 24 and all(c in "0123456789abcdef" for c in key)
    assert key == cache_key("model", {"a": [1, 2], "b": 1})
    assert key != cache_key("model", {"a": [2, 1], "b": 1})
    assert cache_key("x", 1) != cache_key("x", "1")
