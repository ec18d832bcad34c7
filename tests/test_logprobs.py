"""The one log-prob function: exact token alignment and the prefix-cached N x N matrix."""

import pytest
import torch

from remid.core.prompts import policy_prompt, rpm_prompt
from remid.models.chat import context_text, encode, encode_pair
from remid.models.loading import load_model
from remid.models.logprobs import cross_logprobs, pack, sequence_logprobs


@pytest.fixture(scope="module")
def model_and_tokenizer(tiny_qwen3):
    return load_model(tiny_qwen3)


def by_hand(model, context: list[int], response: list[int]) -> float:
    """Score the full concatenation with one plain forward pass and sum the response positions."""
    ids = torch.tensor([context + response])
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=ids).logits[0].float(), -1)
    return sum(logprobs[len(context) + t - 1, tok].item() for t, tok in enumerate(response))


def test_scored_tokens_are_exactly_the_response_tokens(model_and_tokenizer, mini_samples):
    model, tok = model_and_tokenizer
    sample = mini_samples[0]
    context, response = encode_pair(tok, policy_prompt(sample, "warm"), sample.golden_response)
    assert response == encode(tok, sample.golden_response)
    assert tok.decode(response) == sample.golden_response
    # The table 21 prefix ends in a space: it leads the target (remid.models.chat, token boundary rule).
    assert tok.decode(encode_pair(tok, rpm_prompt(sample), sample.golden_response)[1]) == " " + sample.golden_response
    batch = pack([context], [response], tok.pad_token_id)
    assert batch.input_ids[0, batch.response_mask[0]].tolist() == response
    with torch.no_grad():
        got = sequence_logprobs(model, [context], [response], "sum", tok.pad_token_id).item()
        mean = sequence_logprobs(model, [context], [response], "mean", tok.pad_token_id).item()
    expected = by_hand(model, context, response)
    assert got == pytest.approx(expected, abs=1e-3)
    assert mean == pytest.approx(expected / len(response), abs=1e-4)


def test_padding_does_not_change_scores(model_and_tokenizer, mini_samples):
    model, tok = model_and_tokenizer
    pairs = [encode_pair(tok, rpm_prompt(s), s.golden_response) for s in mini_samples[:4]]
    with torch.no_grad():
        batched = sequence_logprobs(model, [c for c, _ in pairs], [r for _, r in pairs], "sum", tok.pad_token_id)
        single = [sequence_logprobs(model, [c], [r], "sum", tok.pad_token_id).item() for c, r in pairs]
    assert batched.tolist() == pytest.approx(single, abs=1e-3)


@pytest.mark.slow
def test_prefix_cached_matrix_equals_naive_scoring(model_and_tokenizer, mini_samples):
    model, tok = model_and_tokenizer
    samples = mini_samples[:5]
    contexts = [encode(tok, context_text(tok, policy_prompt(s, "warm, curious"))) for s in samples]
    responses = [encode(tok, s.golden_response) + [tok.eos_token_id] for s in samples]
    responses[1:3] = [[tok.eos_token_id], [tok.eos_token_id]]  # empty answers batch together (sorted by length)
    for reduction in ("sum", "mean"):
        cached = cross_logprobs(model, contexts, responses, reduction, tok.pad_token_id, batch_size=2)
        with torch.no_grad():
            naive = torch.stack([sequence_logprobs(model, [c] * len(responses), responses, reduction, tok.pad_token_id)
                                 for c in contexts])
        assert cached.shape == (5, 5)
        assert torch.allclose(cached, naive, atol=1e-3), (cached - naive).abs().max()


def test_bad_inputs_raise(model_and_tokenizer):
    model, tok = model_and_tokenizer
    with pytest.raises(ValueError, match="non-empty"):
        sequence_logprobs(model, [[1, 2]], [[]])
    with pytest.raises(ValueError, match="reduction"):
        sequence_logprobs(model, [[1, 2]], [[3]], reduction="median")


class FullLogitsOnly(torch.nn.Module):
    """A causal LM whose forward takes ``logits_to_keep`` but returns logits at every position."""

    def __init__(self, model):
        super().__init__()
        self.inner = model

    @property
    def device(self):
        return self.inner.device

    @property
    def config(self):
        return self.inner.config

    def forward(self, logits_to_keep=None, **inputs):
        return self.inner(**inputs)


class PositionSlicingOnly(FullLogitsOnly):
    """A causal LM that slices ``logits[:, logits_to_keep]`` (older transformers): a 2-D mask fails there."""

    def forward(self, logits_to_keep=0, **inputs):
        out = self.inner(**inputs)
        if isinstance(logits_to_keep, torch.Tensor):
            out.logits = out.logits[:, logits_to_keep, :]
        return out


@pytest.mark.parametrize("wrapper", [FullLogitsOnly, PositionSlicingOnly])
def test_models_without_mask_support_score_the_same(model_and_tokenizer, mini_samples, wrapper):
    model, tok = model_and_tokenizer
    pairs = [encode_pair(tok, rpm_prompt(s), s.golden_response) for s in mini_samples[:3]]
    contexts, responses = [c for c, _ in pairs], [r for _, r in pairs]
    with torch.no_grad():
        sliced = sequence_logprobs(model, contexts, responses, "mean", tok.pad_token_id)
        full = sequence_logprobs(wrapper(model), contexts, responses, "mean", tok.pad_token_id)
    assert torch.allclose(sliced, full, atol=1e-5)


@pytest.mark.parametrize("wrapper", [FullLogitsOnly, PositionSlicingOnly])
def test_prefix_cached_matrix_of_a_model_rejecting_the_mask_equals_per_pair_scoring(model_and_tokenizer, mini_samples,
                                                                                   wrapper):
    """PositionSlicingOnly fails *after* its forward ran (the cache already extended): the retry must not read it."""
    model, tok = model_and_tokenizer
    samples = mini_samples[:3]
    contexts = [encode(tok, context_text(tok, policy_prompt(s, "warm"))) for s in samples]
    responses = [encode(tok, s.golden_response) + [tok.eos_token_id] for s in samples]
    wrapped = wrapper(model)
    cached = cross_logprobs(wrapped, contexts, responses, "sum", tok.pad_token_id, batch_size=2)
    with torch.no_grad():
        per_pair = torch.tensor([[sequence_logprobs(model, [c], [r], "sum", tok.pad_token_id).item() for r in responses]
                                 for c in contexts])
    assert torch.allclose(cached, per_pair, atol=1e-3), (cached - per_pair).abs().max()


def test_shared_prefix_is_a_view_and_stays_unchanged(model_and_tokenizer, mini_samples):
    from transformers import DynamicCache

    from remid.models.logprobs import share_prefix

    model, tok = model_and_tokenizer
    cache = DynamicCache(config=model.config)
    with torch.no_grad():
        model(input_ids=torch.tensor([encode(tok, "Hello there, traveller.")]), past_key_values=cache, use_cache=True)
    before = [layer.keys.clone() for layer in cache.layers]
    shared = share_prefix(cache, 4)
    assert all(s.keys.shape[0] == 4 and s.keys.data_ptr() == c.keys.data_ptr()
               for s, c in zip(shared.layers, cache.layers, strict=True))
    with torch.no_grad():
        model(input_ids=torch.tensor([[5, 6]] * 4), past_key_values=shared, use_cache=True)
    assert shared.get_seq_length() == cache.get_seq_length() + 2
    assert all(torch.equal(b, layer.keys) for b, layer in zip(before, cache.layers, strict=True))


def test_entropies_equal_categorical_entropies_of_a_plain_forward_pass(model_and_tokenizer, mini_samples):
    """H(p(. | tokens_<t)) at each response token, against torch's Categorical on full logits per pair."""
    import math

    from remid.models.logprobs import sequence_entropies

    model, tok = model_and_tokenizer
    pairs = [encode_pair(tok, rpm_prompt(s), s.golden_response) for s in mini_samples[:3]]
    pairs[1] = (pairs[1][0], pairs[1][1][:2])  # a short response pads in the batch
    expected = []
    with torch.no_grad():
        for context, response in pairs:
            logits = model(input_ids=torch.tensor([context + response])).logits[0].float()  # [L, V]
            per_token = torch.distributions.Categorical(logits=logits[len(context) - 1:-1]).entropy()  # [R]
            assert per_token.shape == (len(response),)
            expected.append((per_token.sum().item(), per_token.mean().item()))
        got = sequence_entropies(model, [c for c, _ in pairs], [r for _, r in pairs], ("sum", "mean"),
                                 tok.pad_token_id)
        mean = sequence_entropies(model, [c for c, _ in pairs], [r for _, r in pairs], "mean",
                                  tok.pad_token_id)
    assert got["sum"].tolist() == pytest.approx([s for s, _ in expected], abs=1e-3)
    assert got["mean"].tolist() == pytest.approx([m for _, m in expected], abs=1e-4)
    assert torch.equal(mean, got["mean"])
    assert (got["mean"] > 0).all() and (got["mean"] <= math.log(model.config.vocab_size) + 1e-4).all()


def test_scorer_entropies_are_cached_per_pair_in_both_reductions(model_and_tokenizer, mini_samples, tmp_path):
    import numpy as np

    from remid.core.cache import JsonlCache
    from remid.estimators.scoring import CachedScorer
    from remid.models.chat import encode_context
    from remid.models.logprobs import sequence_entropies

    model, tok = model_and_tokenizer
    samples = mini_samples[:3]
    contexts = [context_text(tok, policy_prompt(s, "warm")) for s in samples]
    responses = [samples[0].golden_response, "", samples[2].golden_response]
    cache = JsonlCache(tmp_path / "scores.jsonl")
    scorer = CachedScorer(model, tok, cache, reduction="mean", batch_size=2)
    values = scorer.entropies_all(contexts + contexts[:1], responses + responses[:1])  # a repeated pair
    assert len(cache) == 3
    response_ids = [scorer.response_ids(r, c) for c, r in zip(contexts, responses, strict=True)]
    with torch.no_grad():
        direct = sequence_entropies(model, [encode_context(tok, c) for c in contexts], response_ids,
                                    ("sum", "mean"), tok.pad_token_id)
    for name in ("sum", "mean"):
        assert values[name][:3] == pytest.approx(direct[name].tolist(), abs=1e-4)
        assert values[name][3] == values[name][0]
    lengths = np.array([len(ids) for ids in response_ids])
    assert values["sum"][:3] / lengths == pytest.approx(values["mean"][:3], abs=1e-5)
    reread = CachedScorer(None, tok, JsonlCache(tmp_path / "scores.jsonl"), reduction="sum")  # cache only
    assert reread.entropies(contexts, responses) == pytest.approx(values["sum"][:3])
    assert scorer.entropies(contexts, responses) == pytest.approx(values["mean"][:3])
    with pytest.raises(ValueError, match="aligned"):
        scorer.entropies(contexts, responses[:2])
