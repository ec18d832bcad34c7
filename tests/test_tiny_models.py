"""Tiny models load through the same from_pretrained path as real checkpoints."""

import unicodedata

import pytest
from transformers import AutoModelForCausalLM, AutoTokenizer

from remid.tiny.models import ARCHITECTURES, random_model_path, tiny_model_path

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


@pytest.mark.slow
@pytest.mark.parametrize("build", [tiny_model_path, random_model_path])
@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_tiny_checkpoint_loads_and_generates(arch, build):
    path = build(arch)
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


@pytest.mark.slow
def test_random_tiny_models_are_built_once():
    first = random_model_path("qwen3")
    before = (first / "config.json").stat().st_mtime_ns
    assert random_model_path("qwen3") == first
    assert (first / "config.json").stat().st_mtime_ns == before


def test_random_and_pretrained_share_architecture_and_tokenizer():
    from transformers import AutoConfig

    for arch in ARCHITECTURES:
        a, b = AutoConfig.from_pretrained(random_model_path(arch)), AutoConfig.from_pretrained(tiny_model_path(arch))
        assert (a.hidden_size, a.num_hidden_layers, a.vocab_size) == (b.hidden_size, b.num_hidden_layers, b.vocab_size)
        tok_a, tok_b = AutoTokenizer.from_pretrained(random_model_path(arch)), AutoTokenizer.from_pretrained(tiny_model_path(arch))
        assert tok_a.get_vocab() == tok_b.get_vocab()


@pytest.mark.parametrize("build", [tiny_model_path, random_model_path])
def test_unknown_architecture_is_rejected(build):
    with pytest.raises(ValueError, match="expected one of"):
        build("gpt2")
