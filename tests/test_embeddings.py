"""Text embedders: shapes, unit rows, determinism, the cache, the configs, and multilingual sanity on the
mini benchmark (same-language nearest neighbours; CJK texts not collapsed onto one vector)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from remid.models.embedding_cache import CachedEmbedder
from remid.models.embeddings import (
    CharNgramEmbedder,
    LMMeanPoolEmbedder,
    SentenceTransformerEmbedder,
    embedder_from_spec,
)

CONF = Path(__file__).resolve().parents[1] / "conf" / "embedder"
LANGUAGES = {"id": "english", "german": "german", "spanish": "spanish", "chinese": "chinese",
             "japanese": "japanese", "korean": "korean"}
TEXTS = ["The quick brown fox.", "Der schnelle braune Fuchs.", "敏捷的棕色狐狸。", "素早い茶色の狐。", "빠른 갈색 여우.", ""]


def assert_unit_rows(vectors: np.ndarray, n: int) -> None:
    assert vectors.dtype == np.float32 and vectors.shape[0] == n
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def language_pool(mini_samples):
    """``(input texts, persona texts, language labels)``: 8 samples of each of the six languages."""
    from remid.data.readers import by_subset
    from remid.training.methods.icl import input_text

    groups = by_subset(mini_samples)
    samples = [(s, lang) for subset, lang in LANGUAGES.items() for s in groups[subset][:8]]
    return ([input_text(s) for s, _ in samples], [s.user_persona for s, _ in samples],
            np.array([lang for _, lang in samples]))


@pytest.fixture(scope="module")
def tiny_lm():
    """The shipped tiny Qwen3 base, reading the first 256 tokens of a text (persona, character: fast)."""
    return LMMeanPoolEmbedder("tiny:qwen3", max_tokens=256)


def nearest_neighbour_accuracy(vectors: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Per label: how often a row's nearest other row has the same label."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    same = labels[sims.argmax(1)] == labels
    return {lang: float(same[labels == lang].mean()) for lang in dict.fromkeys(labels)}


def collapsed_languages(vectors: np.ndarray, labels: np.ndarray, threshold: float = 0.95) -> list[str]:
    """The CJK languages whose texts sit on (nearly) one vector: mean pairwise cosine above ``threshold``."""
    out = []
    for lang in ("chinese", "japanese", "korean"):
        rows = vectors[labels == lang]
        sims = rows @ rows.T
        if sims[~np.eye(len(rows), dtype=bool)].mean() > threshold:
            out.append(lang)
    return out


def test_char_ngram_shapes_unit_rows_and_determinism():
    embedder = CharNgramEmbedder()
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 4096)
    assert_unit_rows(vectors, len(TEXTS))
    np.testing.assert_array_equal(vectors, CharNgramEmbedder().encode(TEXTS))
    assert not np.allclose(vectors, CharNgramEmbedder(seed=1).encode(TEXTS))
    assert CharNgramEmbedder(seed=1).name != embedder.name
    assert CharNgramEmbedder(dim=64).encode(TEXTS[:2]).shape == (2, 64)
    assert embedder.encode([]).shape == (0, 4096)
    with pytest.raises(ValueError, match="n must be"):
        CharNgramEmbedder(n=(3, 2))


def test_char_ngram_is_the_same_in_another_process():
    """No use of Python's salted ``hash``: a fresh interpreter with another hash seed gives the same bits."""
    code = ("from remid.models.embeddings import CharNgramEmbedder; import hashlib; "
            f"print(hashlib.sha256(CharNgramEmbedder().encode({TEXTS!r}).tobytes()).hexdigest())")
    env = {"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    import hashlib

    assert out.stdout.strip() == hashlib.sha256(CharNgramEmbedder().encode(TEXTS).tobytes()).hexdigest()


def test_char_ngram_similarity_and_idf():
    embedder = CharNgramEmbedder()
    base, near, far = embedder.encode(["I work as a nurse in Harbin and love calligraphy.",
                                       "I work as a nurse in Harbin and love fishing.",
                                       "Mein Sohn spielt jeden Samstag Fußball in Köln."])
    assert base @ near > 0.7 > base @ far
    assert CharNgramEmbedder().encode(["ÄBC"])[0] @ CharNgramEmbedder().encode(["äbc"])[0] > 0.999  # case-folded
    weighted = embedder.fit_idf(TEXTS)
    assert weighted.name != embedder.name and weighted.idf.shape == (4096,)
    assert_unit_rows(weighted.encode(TEXTS), len(TEXTS))
    assert embedder_from_spec(weighted.spec()).name == weighted.name


def test_multilingual_nearest_neighbour_char_ngram(language_pool):
    inputs, personas, labels = language_pool
    chance = 7 / (len(labels) - 1)
    for texts in (inputs, personas):
        vectors = CharNgramEmbedder().encode(texts)
        accuracy = nearest_neighbour_accuracy(vectors, labels)
        assert set(accuracy) == set(LANGUAGES.values())
        assert min(accuracy.values()) > 3 * chance, accuracy
        assert collapsed_languages(vectors, labels) == []


@pytest.mark.slow
def test_multilingual_nearest_neighbour_tiny_lm(language_pool, tiny_lm):
    inputs, personas, labels = language_pool
    chance = 7 / (len(labels) - 1)
    for texts in (inputs, personas):
        vectors = tiny_lm.encode(texts)
        assert_unit_rows(vectors, len(texts))
        accuracy = nearest_neighbour_accuracy(vectors, labels)
        assert min(accuracy.values()) > 3 * chance, accuracy
    assert collapsed_languages(vectors, labels) == []  # on the short, all-native persona texts


def test_the_collapse_check_can_fail(language_pool):
    """An embedder that, like an English-only WordPiece, turns every CJK character into one [UNK] symbol."""
    _, personas, labels = language_pool
    unk = [re.sub(r"[^\x00-\u024f]", "?", text) for text in personas]
    assert collapsed_languages(CharNgramEmbedder().encode(unk), labels) == ["chinese", "japanese", "korean"]


def test_tiny_lm_padding_does_not_change_a_vector(tiny_lm):
    texts = ["短い文。", "A much longer English sentence that pads the short one in the same batch, " * 4]
    together = tiny_lm.encode(texts, batch_size=2)
    assert together.shape == (2, 128)
    assert_unit_rows(together, 2)
    np.testing.assert_allclose(together[0], tiny_lm.encode(texts[:1])[0], atol=1e-5)
    np.testing.assert_allclose(together, tiny_lm.encode(texts, batch_size=1), atol=1e-5)
    assert tiny_lm.name != LMMeanPoolEmbedder("tiny:qwen3", max_tokens=256, layer=2).name


def test_sentence_transformers_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails like an absent package
    embedder = SentenceTransformerEmbedder()  # construction is lazy
    assert embedder.name.startswith("sentence_transformers:Qwen/Qwen3-Embedding-0.6B")
    with pytest.raises(ImportError, match="pip install sentence-transformers"):
        embedder.encode(["hello"])


def test_cached_embedder_reuses_vectors_across_instances(tmp_path):
    calls: list[list[str]] = []

    class Counting(CharNgramEmbedder):
        def encode(self, texts, batch_size=None):
            calls.append(list(texts))
            return super().encode(texts, batch_size)

    first = CachedEmbedder(Counting(), tmp_path)
    vectors = first.encode(["a", "b", "a"])
    assert calls == [["a", "b"]] and first.name == CharNgramEmbedder().name
    np.testing.assert_array_equal(vectors, CharNgramEmbedder().encode(["a", "b", "a"]))
    second = CachedEmbedder(Counting(), tmp_path)
    assert len(second) == 2
    np.testing.assert_array_equal(second.encode(["b", "a"]), vectors[[1, 0]])
    second.encode(["c"])
    assert calls == [["a", "b"], ["c"]]
    assert len(CachedEmbedder(Counting(seed=7), tmp_path)) == 0  # another embedder name, another folder


@pytest.mark.parametrize("option", ["char_ngram", "tiny_lm", "qwen3_embedding"])
def test_embedder_configs_instantiate_lazily(option):
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    embedder = instantiate(OmegaConf.load(CONF / f"{option}.yaml"))
    assert isinstance(embedder.name, str) and embedder.name
    assert embedder_from_spec(embedder.spec()).name == embedder.name
    assert getattr(embedder, "_model", None) is None  # nothing loaded until the first encode
