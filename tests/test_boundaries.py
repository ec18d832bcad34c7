"""Token boundaries and BOS on byte-level BPE tokenizers built like Qwen's and Llama 3 base's (issue 9, items 2-3)."""

import pytest

from remid.core.prompts import direct_prompt, policy_prompt, reasoning_prompt, rpm_prompt
from remid.core.reasoning import rule_based_reasoning
from remid.models.chat import context_text, encode, encode_context, encode_pair

TEMPLATES = {
    "table21_rpm": lambda s: (rpm_prompt(s), s.golden_response),
    "table15_reasoning": lambda s: (reasoning_prompt(s), rule_based_reasoning(s)),
    "table17_policy": lambda s: (policy_prompt(s, "warm, curious"), s.golden_response),
    "table18_direct": lambda s: (direct_prompt(s), s.golden_response),
}


def joint_ids(tok, prompt, response) -> list[int]:
    """The whole training sequence tokenized as one string, as the tokenizer itself would (its BOS included)."""
    return tok(context_text(tok, prompt) + prompt.target(response))["input_ids"] + [tok.eos_token_id]


def samples_per_language(mini_samples):
    seen = {}
    for sample in mini_samples:
        seen.setdefault(sample.subset, sample)
    return list(seen.values())


@pytest.mark.parametrize("kind", ["qwen", "llama"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_tokenizes_the_same_apart_and_together(bpe_tokenizers, mini_samples, kind, template):
    tok = bpe_tokenizers[kind]
    for sample in samples_per_language(mini_samples):
        prompt, response = TEMPLATES[template](sample)
        context, target = encode_pair(tok, prompt, response, add_eos=True)
        assert context + target == joint_ids(tok, prompt, response), (kind, template, sample.subset)


def test_the_real_property_is_reproduced(bpe_tokenizers, mini_samples):
    """Without the rule, the table 21 prefix's space is its own token apart and merged (Ġ + word) together."""
    tok = bpe_tokenizers["qwen"]
    differs = 0
    for sample in samples_per_language(mini_samples):
        prompt = rpm_prompt(sample)
        naive = encode(tok, context_text(tok, prompt)) + encode(tok, prompt.target(sample.golden_response))
        differs += naive != joint_ids(tok, prompt, sample.golden_response)[:-1]
    assert differs > 0
    assert context_text(tok, rpm_prompt(mini_samples[0])).endswith("> ")


def test_bos_is_prepended_once_where_the_tokenizer_adds_it(bpe_tokenizers, mini_samples):
    llama, qwen = bpe_tokenizers["llama"], bpe_tokenizers["qwen"]
    prompt = rpm_prompt(mini_samples[0])
    context, _ = encode_pair(llama, prompt, mini_samples[0].golden_response)
    assert context[0] == llama.bos_token_id and context.count(llama.bos_token_id) == 1
    # A context whose text already starts with BOS (a chat template that writes it) does not get a second one.
    assert encode_context(llama, llama.bos_token + "hello")[:2] != [llama.bos_token_id] * 2
    assert encode_context(llama, llama.bos_token + "hello").count(llama.bos_token_id) == 1
    assert qwen.bos_token_id is None or qwen.bos_token_id not in encode_pair(qwen, prompt, "x")[0]


def test_verify_checks_the_joint_tokenization_independently(bpe_tokenizers, mini_samples):
    from remid.evaluation.verify import tokenize_entry, tolerance

    tok = bpe_tokenizers["llama"]
    sample = mini_samples[0]
    context = context_text(tok, rpm_prompt(sample))
    ctx, resp, problem = tokenize_entry(tok, context, sample.golden_response)
    assert problem is None and ctx[0] == tok.bos_token_id and resp[-1] == tok.eos_token_id
    # A split inside a token (a context that does not end on a token boundary) is caught.
    golden = sample.golden_response
    ids = tok(golden, add_special_tokens=False)["input_ids"]
    i = next(i for i in range(len(ids)) if len(tok.decode(ids[i:i + 1]).strip()) >= 3)
    k = len(tok.decode(ids[:i])) + len(tok.decode(ids[i:i + 1])) // 2 + 1  # the middle of a multi-character token
    _, _, problem = tokenize_entry(tok, context + golden[:k], golden[k:])
    assert problem is not None and "differently together and apart" in problem
    assert tolerance("bfloat16", "mean", 30) > 100 * tolerance("float32", "mean", 30)
    assert tolerance("float32", "sum", 30) == pytest.approx(30 * tolerance("float32", "mean", 30))
