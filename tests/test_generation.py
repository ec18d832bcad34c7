"""Both generation backends follow the ``Generator`` protocol and feed the model the same token ids (issue 9, item 11).

vLLM needs CUDA, so its engine is stood in for by a minimal ``vllm`` module that runs transformers
greedy decoding on the token ids it receives: what is checked is remid's side of the interface
(the ids sent, the ``tokenizer`` attribute, stop-string cutting), not vLLM itself.
"""

import sys
import types

import pytest
import torch

from remid.core.prompts import rpm_prompt
from remid.generation.base import Generator, SamplingParams
from remid.generation.hf import HFGenerator
from remid.models.chat import context_text
from remid.models.loading import load_model


def engine_module(model, tok) -> types.ModuleType:
    class LLM:
        def __init__(self, model: str, **kwargs):
            self.path, self.kwargs = model, kwargs

        def get_tokenizer(self):
            return tok

        def generate(self, prompts, params, use_tqdm=False):
            results = []
            for k, prompt in enumerate(prompts):  # one SamplingParams per prompt, or one for all (as vLLM)
                p = params[k] if isinstance(params, list) else params
                ids = torch.tensor([prompt["prompt_token_ids"]])
                out = engine.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=p.max_tokens,
                                      do_sample=False, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
                text = tok.decode(out[0, ids.shape[1]:], skip_special_tokens=True)
                results.append(types.SimpleNamespace(outputs=[types.SimpleNamespace(text=text)]))
            return results

    engine = model
    module = types.ModuleType("vllm")
    module.LLM = LLM
    module.SamplingParams = types.SimpleNamespace
    return module


@pytest.mark.slow
def test_vllm_and_transformers_generators_agree(tiny_qwen3, mini_samples, monkeypatch):
    model, tok = load_model(tiny_qwen3)
    monkeypatch.setitem(sys.modules, "vllm", engine_module(model, tok))
    from remid.generation.vllm import VLLMGenerator

    vllm_gen, hf_gen = VLLMGenerator(tiny_qwen3, max_prompt_tokens=1536), HFGenerator(model, tok, batch_size=1)
    for generator in (vllm_gen, hf_gen):
        assert all(hasattr(generator, name) for name in ("tokenizer", "batch_size", "generate", "sync_weights"))
    contexts = [context_text(vllm_gen.tokenizer, rpm_prompt(s)) for s in mini_samples[:3]]
    sampling = SamplingParams(max_new_tokens=12, stop=("</Agent Response>",))
    assert vllm_gen.generate(contexts, sampling) == hf_gen.generate(contexts, sampling)
    _: Generator = vllm_gen  # the protocol, for type checkers
