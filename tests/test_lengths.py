"""Prompt truncation inside the template and target lengths (issue 9, items 4-5)."""

from pathlib import Path

import pytest
from omegaconf import OmegaConf

from remid.core.prompts import rpm_prompt
from remid.models.chat import context_text, encode_context, fit_prompt
from remid.models.loading import load_tokenizer
from remid.training.data import tasks
from remid.training.data.datamodule import SFTDataModule

CONF = Path(__file__).resolve().parents[1] / "conf"
SFT_METHODS = {"sft": tasks.rpm_example, "sft_direct": tasks.direct_example, "sft_policy": tasks.policy_example,
               "sft_reasoner": tasks.reasoner_example}


@pytest.fixture(scope="module")
def tok(tiny_qwen3):
    return load_tokenizer(tiny_qwen3)


@pytest.mark.parametrize("method", sorted(SFT_METHODS))
def test_no_target_of_the_mini_benchmark_loses_its_eos(method, mini_samples, tok):
    """max_target >= UTF-8 bytes + EOS for every target: no byte-level BPE (Qwen, Llama, tiny) can exceed it."""
    max_target = OmegaConf.load(CONF / "method" / f"{method}.yaml").method.datamodule.max_target
    longest = 0
    from remid.core.reasoning import rule_based_reasoning

    for sample in mini_samples:
        columns = {"trace": rule_based_reasoning(sample)} if method in ("sft_policy", "sft_reasoner") else {}
        prompt, response = SFT_METHODS[method](sample, **columns)  # the offline teacher's traces (llm=rules)
        longest = max(longest, len((" " + prompt.target(response)).encode("utf-8")) + 1)
    assert longest <= max_target, (method, longest, max_target)


def test_a_long_prompt_loses_its_oldest_turns_never_header_persona_or_character(mini_samples, tok):
    sample = max(mini_samples, key=lambda s: len(s.dialogue_context))
    full = rpm_prompt(sample)
    n_full = len(encode_context(tok, context_text(tok, full)))
    fitted, dropped = fit_prompt(tok, full, n_full - 1)
    text = context_text(tok, fitted)
    assert dropped >= 1 and len(encode_context(tok, text)) <= n_full - 1
    assert sample.user_persona in text and sample.character_name in text and text.startswith(context_text(tok, full)[:60])
    assert sample.dialogue_context[0].text not in text and sample.dialogue_context[-1].text in text
    assert fit_prompt(tok, full, None) == (full, 0) and fit_prompt(tok, full, n_full) == (full, 0)
    last_only, dropped = fit_prompt(tok, full, 1)  # never fits: everything but the last turn goes
    assert dropped == len(sample.dialogue_context) - 1 and sample.dialogue_context[-1].text in last_only.text


def test_sft_data_counts_truncated_prompts_and_keeps_the_header(mini_samples, tok):
    data = SFTDataModule(None, tasks.rpm_example, batch_size=2, max_length=1024, max_target=384, train_limit=16,
                         val_limit=4, max_prompt_tokens=300)
    data.connect(tok)
    data.setup()
    header = encode_context(tok, context_text(tok, rpm_prompt(mini_samples[0])))[:8]
    assert all(len(c) <= 300 and c[:8] == header and t[-1] == tok.eos_token_id for c, t in data.train_set)
    assert data.truncated["train"]["prompts_truncated"] > 0 and data.truncated["train"]["targets_cut"] == 0
