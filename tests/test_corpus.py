"""The tiny bases' pretraining corpus: deterministic, six languages, disjoint from every benchmark test sample."""

import bisect
import hashlib
import json

import pytest

from remid.tiny import corpus

SEP = "\x00"


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return list(corpus.documents())


def leaks(docs: list[str]) -> list[str]:
    """Test samples whose golden response, or whose whole dialogue (all turns, in order), occurs in ``docs``."""
    goldens, dialogues = corpus.test_texts()
    text = SEP.join(docs)
    starts = [0]
    for doc in docs[:-1]:
        starts.append(starts[-1] + len(doc) + 1)
    found = [f"golden response: {g[:60]}" for g in goldens if g in text]
    for turns in dialogues:
        pos = text.find(turns[0])
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            doc, at = docs[i], pos - starts[i]
            for turn in turns[1:]:
                at = doc.find(turn, at)
                if at == -1:
                    break
            else:
                found.append(f"dialogue of {len(turns)} turns in document {i}: {turns[0][:60]}")
                break
            pos = text.find(turns[0], pos + 1)
    return found


@pytest.mark.slow
def test_no_test_golden_response_or_dialogue_occurs_in_the_corpus(docs):
    assert len(docs) == corpus.N_DOCUMENTS
    assert leaks(docs) == []


@pytest.mark.slow
def test_the_leak_check_can_fail(docs):
    from remid.tiny import generate

    sample = generate.build()["OOD1Test"][3]
    turns = [next(iter(t.values())) for t in sample["dialogue_context"]]
    planted_golden = [*docs[:50], "Some text. " + sample["agent_golden_response"] + " More."]
    planted_dialogue = [*docs[:50], "\n".join(f"User: {t}" for t in turns)]
    assert any(x.startswith("golden response") for x in leaks(planted_golden))
    assert any(x.startswith("dialogue of") for x in leaks(planted_dialogue))


@pytest.mark.slow
def test_corpus_covers_six_languages_and_fictional_characters(docs):
    text = "\n".join(docs[:3000])
    for marker in ("User:", "Nutzer", "Usuario", "用户", "ユーザー", "사용자"):
        assert marker in text
    fictional = {c["name"] for c in corpus.g.fictional_characters()}
    assert sum(any(name in d for name in fictional) for d in docs[:1000]) > 100


@pytest.mark.slow
def test_corpus_is_deterministic_and_matches_the_shipped_bases(docs):
    again = list(corpus.documents(200))
    assert again == docs[:200]
    from remid.tiny.pretrained import manifest
    from remid.training.data.datamodule import CorpusDataModule

    for arch in ("qwen3", "llama"):
        record = manifest(arch)
        dm = record["config"]["method"]["datamodule"]
        digest = hashlib.sha256()
        for text in CorpusDataModule(dm["source"], dm["n_documents"]).texts():
            digest.update(text.encode() + b"\x00")
        assert digest.hexdigest() == record["data_sha256"], f"{arch} was pretrained on another corpus"


def test_written_corpus_is_jsonl_with_its_hash(tmp_path):
    path = tmp_path / "corpus.jsonl"
    sha = corpus.write(path, n=50)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 50 and all(json.loads(line)["text"] for line in lines)


def test_post_training_samples_are_multilingual_and_disjoint_from_the_test_samples():
    samples = corpus.post_training_samples()
    assert len(samples) == 800 and {s.subset for s in samples} == {"post_train"}
    texts = ["\n".join([s.user_persona, *(t.text for t in s.dialogue_context), s.golden_response]) for s in samples]
    assert leaks(texts) == []
    joined = "\n".join(texts)
    for marker in ("Ich ", "Yo ", "我", "私", "저"):
        assert marker in joined
    assert corpus.post_training_samples(20) == samples[:20]  # deterministic


@pytest.mark.slow
def test_weighted_post_training_holds_its_kinds_and_stays_disjoint():
    """A weighted mix (more Korean and word-level topic swaps) holds its kinds and still no test sample's text."""
    from collections import Counter

    weights = {"en_real": 0.22, "en_fictional": 0.15, "en_long": 0.05, "en_word_level": 0.08, "german": 0.08,
               "spanish": 0.08, "chinese": 0.10, "japanese": 0.08, "korean": 0.16}
    samples = corpus.post_training_samples(3000, weights=weights)
    assert len(samples) == 3000
    texts = ["\n".join([s.user_persona, *(t.text for t in s.dialogue_context), s.golden_response]) for s in samples]
    assert leaks(texts) == []
    hangul = Counter(any("\uac00" <= ch <= "\ud7a3" for ch in s.user_persona) for s in samples)[True]
    assert 0.12 < hangul / len(samples) < 0.20  # weight 0.16 (0.09 in the corpus mix)
    with pytest.raises(ValueError, match="unknown conversation kinds"):
        corpus.post_training_samples(5, weights={"klingon": 1.0})
