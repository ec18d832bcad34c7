"""Tiny models load through the same from_pretrained path as real checkpoints."""

import unicodedata

import pytest
from transformers import AutoModelForCausalLM, AutoTokenizer

from remid.models.tiny import ARCHITECTURES, tiny_model_path

LANGUAGE_SUBSETS = {"english": "id", "german": "german", "spanish": "spanish", "chinese": "chinese",
                    "japanese": "japanese", "korean": "korean"}


@pytest.mark.parametrize("language", sorted(LANGUAGE_SUBSETS))
def test_tokenizer_covers_all_six_languages(tiny_qwen3, mini_samples, language):
    tok = AutoTokenizer.from_pretrained(tiny_qwen3)
    texts = [s.golden_response for s in mini_samples if s.subset == LANGUAGE_SUBSETS[language]][:20]
    assert texts
    n_chars = n_tokens = 0
    for text in texts:
        ids = tok(text, add_special_tokens=False)["input_ids"]
        assert tok.decode(ids) == unicodedata.normalize("NFC", text)  # lossless, no unknown tokens
        n_chars, n_tokens = n_chars + len(text), n_tokens + len(ids)
    # learned merges: far fewer tokens than UTF-8 bytes (CJK characters are 3 bytes each)
    assert n_tokens < 0.6 * sum(len(t.encode()) for t in texts)


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_tiny_checkpoint_loads_and_generates(arch):
    path = tiny_model_path(arch)
    model = AutoModelForCausalLM.from_pretrained(path)
    tok = AutoTokenizer.from_pretrained(path)
    assert model.config.model_type == arch
    assert model.config.head_dim >= 32  # vLLM's CPU backend needs it
    assert 0.5e6 < sum(p.numel() for p in model.parameters()) < 5e6
    assert tok.chat_template and tok.pad_token_id is not None and tok.model_max_length == 2048
    text = tok.apply_chat_template([{"role": "user", "content": "Hallo"}], tokenize=False, add_generation_prompt=True)
    ids = tok(text, return_tensors="pt", add_special_tokens=False)
    out = model.generate(**ids, max_new_tokens=5, do_sample=False)
    assert out.shape[1] == ids["input_ids"].shape[1] + 5 or tok.eos_token_id in out[0].tolist()


def test_tiny_models_are_built_once(tiny_qwen3):
    from pathlib import Path

    before = (Path(tiny_qwen3) / "config.json").stat().st_mtime_ns
    assert str(tiny_model_path("qwen3")) == tiny_qwen3
    assert (Path(tiny_qwen3) / "config.json").stat().st_mtime_ns == before


def test_unknown_architecture_is_rejected():
    with pytest.raises(ValueError, match="expected one of"):
        tiny_model_path("gpt2")
