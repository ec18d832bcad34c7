"""ICL exemplar retrieval (paper appendix E.1): nearest train samples, the ICL prompt, and its fitting."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from remid.core.prompts import rpm_prompt
from remid.core.schema import Turn
from remid.data.readers import by_subset
from remid.models.chat import context_text, encode_context, fit_prompt
from remid.models.embeddings import CharNgramEmbedder, LMMeanPoolEmbedder
from remid.training.methods.icl import (
    ICLIndex,
    ICLPrompter,
    build_icl_run,
    build_index,
    icl_prompt,
    input_text,
)


@pytest.fixture(scope="module")
def groups(mini_samples):
    return by_subset(mini_samples)


@pytest.fixture(scope="module")
def id_index(groups) -> ICLIndex:
    return build_index(groups["id_train"], CharNgramEmbedder())


@pytest.fixture(scope="module")
def tokenizer():
    from remid.models.loading import load_tokenizer

    return load_tokenizer("tiny:qwen3")


class CountingEmbedder(CharNgramEmbedder):
    """The default embedder (same name, same vectors), recording every batch it encodes."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def encode(self, texts, batch_size=None):
        self.calls.append(len(texts))
        return super().encode(texts, batch_size)


def planted(sample, number: int):
    """A near-duplicate of ``sample`` under a new id: one more sentence in its last user turn."""
    *head, last = sample.dialogue_context
    return replace(sample, sample_id=f"probe-{number}",
                   dialogue_context=(*head, Turn("user", last.text + " Thanks a lot!")))


# The tiny LM reads the last 256 tokens only (fast; the planted change is at the end).
@pytest.mark.parametrize("make_embedder", [CharNgramEmbedder, pytest.param(lambda: LMMeanPoolEmbedder(
    "tiny:qwen3", max_tokens=256, truncation_side="left"), marks=pytest.mark.slow)], ids=["char_ngram", "tiny_lm"])
def test_planted_near_duplicates_are_retrieved(groups, make_embedder):
    pool = groups["id_train"][:16]
    index = build_index(pool, make_embedder())
    rows = [3, 8, 11, 15]
    found = index.nearest([planted(pool[r], r) for r in rows], k=3)
    assert [hits[0] for hits in found] == rows
    assert all(len(hits) == 3 and len(set(hits)) == 3 for hits in found)
    # The train sample itself as the query: excluded by id unless asked for.
    assert 5 not in index.nearest([pool[5]], k=3)[0]
    assert index.nearest([pool[5]], k=3, exclude_same_id=False)[0][0] == 5


def test_search_orders_by_cosine_and_breaks_ties_by_row():
    vectors = np.eye(4, dtype=np.float32)[[0, 1, 1, 2]]  # rows 1 and 2 identical
    index = ICLIndex(["a", "b", "c", "d"], vectors, CharNgramEmbedder(dim=4))
    query = np.array([[0.0, 0.8, 0.6, 0.0]], dtype=np.float32)
    assert index.search(query, k=4) == [[1, 2, 3, 0]]
    assert index.search(query, k=9, exclude=[[1]]) == [[2, 3, 0]]
    queries = np.concatenate([query, np.eye(4, dtype=np.float32)])
    assert index.search(queries, k=2, block=2) == index.search(queries, k=2) == [[1, 2], [0, 1], [1, 2], [3, 0], [0, 1]]


def test_id_test_exemplars_come_from_id_train_and_never_the_sample(groups, id_index):
    queries = groups["id"]
    found = id_index.nearest(queries, k=5)
    train_ids = {s.sample_id for s in groups["id_train"]}
    for query, hits in zip(queries, found, strict=True):
        ids = [id_index.sample_ids[i] for i in hits]
        assert len(ids) == 5 and set(ids) <= train_ids and query.sample_id not in ids
    # An index over train + test still never hands a test sample itself.
    mixed = build_index(groups["id_train"][:100] + queries[:20], CharNgramEmbedder())
    for query, hits in zip(queries[:20], mixed.nearest(queries[:20], k=5), strict=True):
        assert query.sample_id not in [mixed.sample_ids[i] for i in hits]


def test_icl_prompt_renders_examples_then_the_task(groups, id_index):
    sample = groups["id"][0]
    exemplars = [id_index.sample_ids[i] for i in id_index.nearest([sample], k=5)[0]]
    by_id = {s.sample_id: s for s in groups["id_train"]}
    exemplars = [by_id[sid] for sid in exemplars]
    prompt, base = icl_prompt(sample, exemplars), rpm_prompt(sample)
    assert (prompt.response_prefix, prompt.response_suffix) == (base.response_prefix, base.response_suffix)
    assert prompt.text.endswith("## Task\n" + base.text)
    positions = [prompt.text.index(f"## Example {i}\n{input_text(ex)}\n<Agent Response> {ex.golden_response} "
                                   "</Agent Response>") for i, ex in enumerate(exemplars, 1)]
    assert positions == sorted(positions)
    assert sample.golden_response not in prompt.text
    assert icl_prompt(sample, []) == base
    assert input_text(sample) == base.text


def test_fitting_drops_examples_before_dialogue_turns(groups, id_index, tokenizer):
    sample = groups["id"][1]
    exemplars = [groups["id_train"][i] for i in id_index.nearest([sample], k=5)[0]]
    prompt = icl_prompt(sample, exemplars)

    def length(p):
        return len(encode_context(tokenizer, context_text(tokenizer, p)))

    # The chain of shorter prompts: five examples go one by one, least similar first, then turns.
    chain, current = [], prompt
    while current is not None:
        chain.append(current)
        current = current.shorter()
    assert [p.text.count("## Example ") for p in chain[:6]] == [5, 4, 3, 2, 1, 0]
    assert chain[5] == rpm_prompt(sample) and len(chain) == 6 + len(sample.dialogue_context) - 1
    assert [length(p) for p in chain] == sorted((length(p) for p in chain), reverse=True)

    fitted, dropped = fit_prompt(tokenizer, prompt, length(icl_prompt(sample, exemplars[:2])))
    assert (fitted.text, dropped) == (icl_prompt(sample, exemplars[:2]).text, 3)  # every turn kept

    fitted, dropped = fit_prompt(tokenizer, prompt, length(rpm_prompt(sample)) - 1)
    shortened = replace(sample, dialogue_context=sample.dialogue_context[dropped - 5:])
    assert dropped > 5 and "## Example" not in fitted.text and fitted.text == rpm_prompt(shortened).text
    assert sample.user_persona in fitted.text and sample.dialogue_context[-1].text in fitted.text


def test_prompter_reloads_the_run_index_and_embeds_once_per_batch(tmp_path, groups):
    path = build_icl_run(tmp_path / "run", groups["id_train"], CharNgramEmbedder(), k=3)
    assert path == tmp_path / "run" / "icl" / "index.npz" and path.exists()
    counting = CountingEmbedder()
    prompter = ICLPrompter(path, groups["id_train"], embedder=counting)
    assert prompter.k == 3
    queries = groups["german"][:4] + groups["id"][:2]
    prompts = prompter.prompts(queries)
    assert counting.calls == [len(queries)]
    assert prompter(queries[2]) == prompts[2] and counting.calls == [len(queries)]  # remembered
    for query, prompt, exemplars in zip(queries, prompts, prompter.exemplars(queries), strict=True):
        assert prompt.text == icl_prompt(query, exemplars).text and prompt.text.count("## Example ") == 3
        assert all(ex.subset == "id_train" for ex in exemplars)
    # Default: the embedder saved with the index and the shipped mini benchmark as the train source.
    default = ICLPrompter(path, k=2)
    assert default.index.embedder.name == CharNgramEmbedder().name
    assert [[s.sample_id for s in ex] for ex in default.exemplars(queries)] == \
        [[s.sample_id for s in ex[:2]] for ex in prompter.exemplars(queries)]


def test_prompter_refuses_a_mismatched_embedder_or_train_source(tmp_path, groups):
    train = groups["id_train"][:30]
    path = build_icl_run(tmp_path, train, CharNgramEmbedder())
    with pytest.raises(ValueError, match="was built with embedder"):
        ICLPrompter(path, train, embedder=CharNgramEmbedder(seed=1))
    with pytest.raises(ValueError, match="not in the train source"):
        ICLPrompter(path, train[:10])
    edited = [replace(train[0], user_persona="Someone else entirely."), *train[1:]]
    with pytest.raises(ValueError, match="differ from when the index was built"):
        ICLPrompter(path, edited)
    with pytest.raises(ValueError, match="k must be"):
        build_icl_run(tmp_path, train, k=0)


def test_an_embedder_without_spec_must_be_passed_back(tmp_path, groups):
    class Bare:
        """Only the protocol: ``name`` and ``encode``."""

        name = "bare"

        def encode(self, texts, batch_size=None):
            return CharNgramEmbedder(dim=32).encode(texts)

    train = groups["id_train"][:12]
    path = build_icl_run(tmp_path, train, Bare(), k=2)
    with pytest.raises(ValueError, match="saved no spec"):
        ICLPrompter(path, train)
    assert ICLPrompter(path, train, embedder=Bare())(groups["id"][0]).text.count("## Example ") == 2
