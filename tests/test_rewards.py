"""Rewards: sanitizing what a reward returns, stacking rewards, and the model-based rewards of the paper."""

from __future__ import annotations

import logging
import math

import pytest
import torch

from remid.training.losses.grpo import group_advantages, group_counts
from remid.training.rewards.base import (
    MatchProbabilityReward,
    PolicyReward,
    ReasoningReward,
    combine,
    policy_reward,
    reasoning_reward,
    sanitize,
)


def test_sanitize_marks_every_kind_of_bad_value_invalid(caplog):
    values = [1.5, None, float("nan"), float("inf"), -float("inf"), "high", True, torch.tensor(2.0), 0]
    with caplog.at_level(logging.WARNING):
        rewards, valid, counts = sanitize(values, "judge", len(values), completions=["a", "", " ", *"bcdefg"])
    assert valid.tolist() == [True, False, False, False, False, False, False, True, True]
    assert rewards.tolist() == [1.5, 0, 0, 0, 0, 0, 0, 2.0, 0]
    assert counts == {"none": 1, "nan": 1, "inf": 2, "not_number": 2, "wrong_length": 0, "invalid": 6, "empty": 2}
    assert "judge" in caplog.text and "6 of 9" in caplog.text


@pytest.mark.parametrize("values", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], None, 3.0])
def test_sanitize_never_raises_on_a_wrong_result(values, caplog):
    with caplog.at_level(logging.WARNING):
        rewards, valid, counts = sanitize(values, "broken", 3)
    assert not valid.any() and rewards.shape == (3,) and counts["wrong_length"] == 1 and counts["invalid"] == 3
    assert "broken" in caplog.text


def test_combine_sums_valid_weighted_rewards_and_logs_each_by_name():
    def length(prompts, completions, **columns):
        return [float(len(c)) for c in completions]

    def judge(prompts, completions, **columns):
        return [1.0, None, float("nan"), 0.5]

    def never(prompts, completions, **columns):
        return [None, None, None, 2.0]

    reward = combine({"length": (length, 0.5), "judge": (judge, 2.0), "never": (never, 1.0)})
    out = reward(["p"] * 4, ["abcd", "", "ab", "abcdef"], sample=[None] * 4)
    # 0.5 * len + 2 * judge + never, each only where valid
    assert out.total.tolist() == [2.0 + 2.0, 0.0, 1.0, 3.0 + 1.0 + 2.0]
    assert out.valid.all()  # every row has at least one valid reward
    assert out.metrics["rewards/length/mean"] == pytest.approx(3.0)
    assert out.metrics["rewards/judge/mean"] == pytest.approx(0.75)
    assert out.metrics["rewards/judge/invalid"] == 2 and out.metrics["rewards/never/invalid"] == 3
    assert out.metrics["empty_completions"] == 1
    assert math.isnan(out.per_reward["judge"][1]) and out.per_reward["never"][3] == 2.0


def test_a_completion_without_any_valid_reward_gets_no_advantage():
    reward = combine({"flaky": (lambda prompts, completions, **c: [1.0, float("nan"), 3.0, 2.0, 5.0, 5.0], 1.0)})
    out = reward(["p"] * 6, ["a"] * 6)
    assert out.valid.tolist() == [True, False, True, True, True, True]
    advantages = group_advantages(out.total, 3, "group", out.valid)
    # group 1: rewards 1 and 3 (NaN left out): mean 2, std sqrt(2); group 2: 2, 5, 5
    assert advantages[:3].tolist() == pytest.approx([-1 / (math.sqrt(2) + 1e-4), 0.0, 1 / (math.sqrt(2) + 1e-4)])
    assert advantages[3:].tolist() == pytest.approx([-2 / (math.sqrt(3) + 1e-4), 1 / (math.sqrt(3) + 1e-4),
                                                     1 / (math.sqrt(3) + 1e-4)])


def test_all_equal_rewards_teach_nothing():
    out = combine({"same": (lambda prompts, completions, **c: [0.7] * 8, 1.0)})(["p"] * 8, ["x"] * 8)
    assert (group_advantages(out.total, 4, "group", out.valid) == 0).all()
    assert group_counts(out.total, 4, out.valid)["all_equal"] == 2


def test_corl_rewards_worked_examples():
    # reasoning generator: log q_phi2(y | x, r_i) itself
    assert reasoning_reward(torch.tensor([-12.5, -3.0])).tolist() == [-12.5, -3.0]
    # policy model: min(pi_ref(y_i)/pi_ref(y), 1) from summed log-probs
    rewards = policy_reward(torch.tensor([-12.0, -10.0, -10.0, -1e4]), torch.tensor([-10.0, -12.0, -10.0, -1.0]))
    assert rewards.tolist() == pytest.approx([math.exp(-2.0), 1.0, 1.0, 0.0])  # e^-2 = 0.135335; capped; equal; tiny


@pytest.fixture(scope="module")
def samples():
    from remid.data.readers import by_subset, load_samples

    return by_subset(load_samples())["id_train"][:2]


@pytest.mark.slow
def test_match_probability_reward_is_p_of_100_percent(samples):
    from remid.core.prompts import match_prompt
    from remid.models.chat import encode_pair, fit_prompt
    from remid.models.logprobs import sequence_logprobs

    reward = MatchProbabilityReward("tiny:qwen3", max_prompt_tokens=512)
    candidates = [samples[0].golden_response, ""]  # an empty candidate is scored like any other
    values = reward(["ignored"] * 2, candidates, sample=samples)
    tok = reward.tokenizer
    pairs = [encode_pair(tok, fit_prompt(tok, match_prompt(s, c), 512)[0], "100%") for s, c in zip(samples, candidates, strict=True)]
    assert pairs[0][1] == tok(" 100%", add_special_tokens=False)["input_ids"]  # "Percentage: " + "100%"
    expected = torch.exp(sequence_logprobs(reward.model, [c for c, _ in pairs], [r for _, r in pairs], "sum"))
    assert values == pytest.approx(expected.tolist(), rel=1e-5)
    assert all(0 < v <= 1 for v in values)
    with pytest.raises(ValueError, match="sample"):
        reward(["p"], ["c"])


def test_corl_callables(samples):
    golden = [s.golden_response for s in samples]
    policy = PolicyReward("tiny:qwen3", max_prompt_tokens=512)
    features = ["Warm, curious, close to the user's hobbies."] * 2
    values = policy(["p"] * 2, [golden[0], "Something else entirely."], sample=[samples[0]] * 2,
                    reasoning=features)
    assert values[0] == pytest.approx(1.0)  # the reference itself: ratio 1
    # table 19: pi_ref("100%" | x, r, y, candidate), the candidate's over the golden response's, capped at 1
    from remid.core.prompts import corl_match_prompt

    p100 = policy.logprobs([corl_match_prompt(samples[0], features[0], c) for c in (golden[0], "Something else entirely.")],
                           ["100%"] * 2)
    assert values[1] == pytest.approx(min(math.exp(float(p100[1] - p100[0])), 1.0), rel=1e-5)
    reasoner = ReasoningReward("tiny:qwen3", max_prompt_tokens=512)
    traces = ["[Core Features of the Golden Response]\n" + f for f in features]
    logps = reasoner(["p"] * 2, traces, sample=samples)
    from remid.core.prompts import policy_prompt

    expected = reasoner.logprobs([policy_prompt(s, f) for s, f in zip(samples, features, strict=True)], golden)
    assert logps == pytest.approx(expected.tolist(), rel=1e-6) and all(v < 0 for v in logps)


def test_table19_ratio_sum_is_the_papers_mean_the_authors_and_they_differ_by_the_token_count(samples, hydra_ctx):
    from remid.core.prompts import MATCH_TARGET, THINKING_CLOSE, corl_match_prompt
    from remid.training.rewards.thinking import ThinkingResponseReward

    golden = samples[0].golden_response
    candidates = [golden, "Something else entirely.", "No.", golden[: len(golden) // 2]]
    features = ["Warm, curious, close to the user's hobbies."] * len(candidates)
    columns = {"sample": [samples[0]] * len(candidates), "reasoning": features}
    paper = PolicyReward("tiny:qwen3", max_prompt_tokens=512)(["p"] * 4, candidates, **columns)
    authors_reward = PolicyReward("tiny:qwen3", max_prompt_tokens=512, reduction="mean")
    authors = authors_reward(["p"] * 4, candidates, **columns)
    prompts = [corl_match_prompt(samples[0], features[0], c) for c in [golden, *candidates]]
    mean = authors_reward.logprobs(prompts, [MATCH_TARGET] * 5, "mean")  # the authors: per-token mean, exp, cap 1
    assert authors == pytest.approx([min(math.exp(float(m - mean[0])), 1.0) for m in mean[1:]], rel=1e-5)
    k = len(authors_reward.tokenizer(" " + MATCH_TARGET, add_special_tokens=False)["input_ids"])
    assert k == 3 and min(authors) < 1.0  # "100%" is 3 tokens here: the paper's ratio is the authors' cubed
    assert paper == pytest.approx([a**k for a in authors], rel=1e-4)
    thinking = [f"{features[0]}{THINKING_CLOSE}<Agent Response>{c}</Agent Response>" for c in candidates]
    for reduction, expected in (("sum", paper), ("mean", authors)):
        ours = ThinkingResponseReward("tiny:qwen3", max_prompt_tokens=512, reduction=reduction)
        assert ours(["p"] * 4, thinking, sample=columns["sample"]) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="reduction"):
        PolicyReward("tiny:qwen3", reduction="max")
    assert hydra_ctx("train", ["method=corl"]).method.module.policy.rewards.match.fn.get("reduction", "sum") == "sum"
    assert hydra_ctx("train", ["experiment=authors_corl"]).method.module.policy.rewards.match.fn.reduction == "mean"
