"""The one cached generation loop (``remid.generation.cached``) on the tiny model, and atomic writes."""

from __future__ import annotations

import json

import pytest

from remid.core.atomic import atomic_write, write_text_atomic
from remid.core.cache import JsonlCache, cache_key
from remid.core.prompts import rpm_prompt
from remid.generation.base import SamplingParams
from remid.generation.cached import generate_cached
from remid.generation.hf import HFGenerator
from remid.models.chat import context_text, fit_prompt

GREEDY = SamplingParams(max_new_tokens=6)


class Counted:
    """The real tiny-model generator, counting the contexts it is handed."""

    def __init__(self, generator: HFGenerator) -> None:
        self.generator, self.tokenizer, self.batch_size = generator, generator.tokenizer, generator.batch_size
        self.batches: list[list[str]] = []

    def generate(self, contexts, sampling, progress=None):
        self.batches.append(list(contexts))
        return self.generator.generate(contexts, sampling, progress)


@pytest.fixture(scope="module")
def tiny_generator(tiny_qwen3):
    return HFGenerator.from_pretrained(tiny_qwen3, batch_size=2)


def test_misses_are_generated_in_batches_then_served_from_the_cache(tiny_generator, mini_samples, tmp_path):
    samples = mini_samples[:5]
    prompts = [rpm_prompt(s) for s in samples]
    keys = [cache_key("test", s.sample_id) for s in samples]
    cache = JsonlCache(tmp_path / "c.jsonl")
    cache.put(keys[1], "already here")
    counted, progress = Counted(tiny_generator), []
    out = generate_cached(cache, keys, prompts, GREEDY, lambda: counted, max_prompt_tokens=64, progress=progress.append)
    assert out[1] == "already here" and all(isinstance(t, str) for t in out)
    assert [len(b) for b in counted.batches] == [2, 2] and progress == [1, 2, 2]  # 4 misses, batch_size 2
    fitted = context_text(tiny_generator.tokenizer, fit_prompt(tiny_generator.tokenizer, prompts[0], 64)[0])
    assert counted.batches[0][0] == fitted  # prompts are fitted with the generator's tokenizer
    assert out[0] == tiny_generator.generate([fitted], GREEDY)[0][0]
    # a re-run (a fresh cache object on the same file) generates nothing and never builds the generator
    again = generate_cached(JsonlCache(tmp_path / "c.jsonl"), keys, prompts, GREEDY,
                            lambda: pytest.fail("a cached run built a generator"))
    assert again == out


def test_rendered_contexts_go_as_they_are_and_all_completions_can_be_kept(tiny_generator, tmp_path):
    counted = Counted(tiny_generator)
    contexts = ["<User> hello\n<Agent Response>", "<User> good night\n<Agent Response>"]
    sampling = SamplingParams(max_new_tokens=4, n=2, temperature=1.0, seed=3)
    out = generate_cached(JsonlCache(tmp_path / "c.jsonl"), ["a", "b"], contexts, sampling, counted, first_only=False)
    assert counted.batches == [contexts] and [len(c) for c in out] == [2, 2]
    rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert [r["v"] for r in rows] == out


def test_keys_and_prompts_must_pair_up(tmp_path):
    with pytest.raises(ValueError, match="2 keys for 1 prompts"):
        generate_cached(JsonlCache(tmp_path / "c.jsonl"), ["a", "b"], ["x"], GREEDY, lambda: None)


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    path = tmp_path / "sub" / "out.json"
    write_text_atomic(path, "old\n")
    with pytest.raises(RuntimeError), atomic_write(path) as handle:
        handle.write("half")
        raise RuntimeError("killed mid-write")
    assert path.read_text() == "old\n" and [p.name for p in path.parent.iterdir()] == ["out.json"]
    with atomic_write(path, "wb") as handle:
        handle.write(b"new")
    assert path.read_bytes() == b"new" and [p.name for p in path.parent.iterdir()] == ["out.json"]
    with pytest.raises(ValueError, match="mode"), atomic_write(path, "a"):
        pass
