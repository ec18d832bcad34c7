"""The copy component of the policy model (remid.estimators.copy): a distribution, the plain model at
weight 0, and the same numbers from the prefix-cached matrix, the per-pair path and a by-hand count."""

import math

import pytest
import torch

from remid.core.prompts import policy_prompt
from remid.estimators.copy import CopyMixture, copy_mixture
from remid.evaluation.verify import copy_by_hand
from remid.models.chat import context_text, encode
from remid.models.loading import load_model
from remid.models.logprobs import cross_logprobs, sequence_logprobs


@pytest.fixture(scope="module")
def model_and_tokenizer(tiny_qwen3):
    return load_model(tiny_qwen3)


def test_the_copy_distribution_sums_to_one_and_backs_off_to_the_longest_seen_suffix():
    mix = CopyMixture(0.5, order=2)
    ctx = [7, 8, 9, 7, 8, 5, 3]
    table = mix.continuations(ctx)
    vocab = range(12)
    for prefix in ([], [7], [7, 8], [3], [1, 2], [9, 7, 8]):
        total = sum(mix.probs(table, [*prefix, v])[-1] for v in vocab)
        assert total == pytest.approx(1.0)
    # after "7 8" the context continues with 9 once and 5 once; after an unseen token, the unigram share
    assert mix.probs(table, [7, 8, 9])[-1] == pytest.approx(0.5)
    assert mix.probs(table, [11, 7])[-1] == pytest.approx(2 / 7)
    assert mix.probs(table, [7, 8, 9]) == pytest.approx(copy_by_hand(ctx, [7, 8, 9], 2))


def test_weight_zero_is_the_plain_policy_and_bad_settings_name_the_key():
    assert copy_mixture({"weight": 0.0, "order": 2}) is None and copy_mixture(None) is None
    with pytest.raises(ValueError, match="estimator.copy.weight"):
        copy_mixture({"weight": 1.0})
    with pytest.raises(ValueError, match="estimator.copy.order"):
        CopyMixture(0.5, order=-1)


def test_matrix_pair_and_by_hand_paths_agree(model_and_tokenizer, mini_samples):
    model, tok = model_and_tokenizer
    samples = mini_samples[:4]
    contexts = [encode(tok, context_text(tok, policy_prompt(s, "warm, curious"))) for s in samples]
    responses = [encode(tok, s.golden_response) + [tok.eos_token_id] for s in samples]
    mix = CopyMixture(0.9, order=2)
    matrix = cross_logprobs(model, contexts, responses, "sum", tok.pad_token_id, batch_size=2, mix=mix)
    plain = cross_logprobs(model, contexts, responses, "sum", tok.pad_token_id, batch_size=2)
    with torch.no_grad():
        pairs = torch.stack([sequence_logprobs(model, [c] * 4, responses, "sum", tok.pad_token_id, mix)
                             for c in contexts])
    assert torch.allclose(matrix, pairs, atol=1e-3), (matrix - pairs).abs().max()
    # one entry by hand: a plain forward pass, the copy count written out, the mixture in float64
    i, j = 1, 1
    ids = torch.tensor([contexts[i] + responses[j]])
    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=ids).logits[0].double(), -1)
    lm = [logp[len(contexts[i]) + t - 1, v].item() for t, v in enumerate(responses[j])]
    copy = copy_by_hand(contexts[i], responses[j], 2)
    expected = sum(math.log(0.1 * math.exp(a) + 0.9 * b) for a, b in zip(lm, copy, strict=True))
    assert matrix[i, j].item() == pytest.approx(expected, abs=1e-3)
    # a golden response reuses its context's words: copying raises its own-context score more than the others'
    gain = matrix - plain
    assert gain.diagonal().mean() > (gain.sum() - gain.diagonal().sum()) / 12
