"""The shipped tiny weights: files match their manifests, load like hub checkpoints, and are pretrained."""

import shutil

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from remid.models.loading import load_model, resolve_model_path
from remid.run.build_model import COMMAND, FORMER_COMMANDS, RECIPES
from remid.tiny.pretrained import SHIPPED, manifest, shipped_path, verify

LANGUAGE_SUBSETS = ("id", "german", "spanish", "chinese", "japanese", "korean")


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_files_match_their_manifest(name):
    assert verify(name) == []
    record = manifest(name)
    assert any(record["command"].startswith(f"{command} {name}") for command in (COMMAND, *FORMER_COMMANDS))
    assert record["overrides"][: len(RECIPES[name])] == RECIPES[name]
    assert len(record["data_sha256"]) == 64 and record["metrics"]
    assert sum(p.stat().st_size for p in shipped_path(name).iterdir()) < 5e6  # a few MB each


def test_a_changed_file_is_caught(tmp_path):
    copy = tmp_path / "qwen3"
    shutil.copytree(shipped_path("qwen3"), copy)
    data = bytearray((copy / "model.safetensors").read_bytes())
    data[-1] ^= 1
    (copy / "model.safetensors").write_bytes(bytes(data))
    (copy / "extra.bin").write_bytes(b"x")
    problems = verify("qwen3", copy)
    assert any("model.safetensors: sha256 differs" in p for p in problems)
    assert any("extra.bin: not listed" in p for p in problems)


def test_unknown_shipped_name_lists_the_choices():
    with pytest.raises(ValueError, match="expected one of"):
        resolve_model_path("pretrained:gpt9")


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["qwen3", "llama"])
def test_pretrained_base_knows_all_six_languages(arch, mini_samples):
    """Per-token NLL of held-out test responses in each language: far below the same model at random init."""
    from remid.models.chat import encode
    from remid.models.logprobs import sequence_logprobs

    pretrained, tok = load_model(f"tiny:{arch}")
    assert AutoModelForCausalLM.from_pretrained(shipped_path(arch)).config.model_type == arch
    random_init, _ = load_model(f"tiny-random:{arch}")
    assert AutoTokenizer.from_pretrained(shipped_path(arch)).get_vocab() == tok.get_vocab()
    for subset in LANGUAGE_SUBSETS:
        texts = [s.golden_response for s in mini_samples if s.subset == subset][:8]
        ctx = [[tok.bos_token_id]] * len(texts)
        ids = [encode(tok, t) for t in texts]
        with torch.no_grad():
            nll = -sequence_logprobs(pretrained, ctx, ids, "mean", tok.pad_token_id).mean().item()
            nll_random = -sequence_logprobs(random_init, ctx, ids, "mean", tok.pad_token_id).mean().item()
        assert nll < 0.6 * nll_random, (subset, nll, nll_random)
