"""The honest protocol: dev splits, no test sample in any training or validation set, one reading of CoRL's
response reward."""

from __future__ import annotations

import math

import pytest

from remid.core.schema import EVAL_SUBSETS, Sample
from remid.data.readers import by_subset, held_out_dev, load_samples, select_subsets


@pytest.fixture(scope="module")
def groups():
    return by_subset(load_samples())


def test_every_evaluated_subset_has_a_dev_split_disjoint_from_its_test_split(groups):
    tests = [s for name in EVAL_SUBSETS for s in groups[name]]
    test_texts = {s.golden_response for s in tests} | {s.dialogue_context[-1].text for s in tests}
    for name in EVAL_SUBSETS:
        dev = groups[f"{name}_dev"]
        # 21-48 per subset: the dev samples sharing text with IDTrain are set apart (test below)
        assert len(dev) >= 20 and all(s.is_dev and s.subset == name for s in dev)
        assert not {s.sample_id for s in dev} & {s.sample_id for s in tests}
        assert not {s.golden_response for s in dev} & test_texts, name
        assert not {s.dialogue_context[-1].text for s in dev} & test_texts, name
        assert len({s.golden_response for s in dev}) == len(dev), f"{name}_dev repeats a golden response"
    assert not any(s.is_dev for s in tests)


def test_dev_split_selection_and_unknown_split(groups):
    dev = select_subsets(load_samples(), ["id", "korean"], 8, split="dev")
    assert [s.sample_id for s in dev["id"]] == [s.sample_id for s in groups["id_dev"][:8]]
    assert all(s.is_dev for s in dev["korean"])
    with pytest.raises(ValueError, match="unknown evaluation split 'val'"):
        select_subsets(load_samples(), ["id"], 8, split="val")


def test_data_without_dev_holds_out_a_deterministic_slice_of_id_train():
    train = [Sample(f"IDTrain-{i}", "p", {"character_name": "c"}, (), f"g{i}", "IDTrain") for i in range(2000)]
    test = [Sample("IDTest-0", "p", {"character_name": "c"}, (), "t", "IDTest")]
    groups = by_subset(train + test)
    held = {s.sample_id for s in groups["id_dev"]}
    assert 60 < len(held) < 140  # about 5% of 2,000
    assert held == {s.sample_id for s in train if held_out_dev(s.sample_id)}
    assert not held & {s.sample_id for s in groups["id_train"]}
    assert len(groups["id_train"]) + len(held) == 2000
    assert by_subset(list(reversed(train)))["id_dev"][0].sample_id in held  # order does not decide


def test_thinking_response_reward_reads_table_19_as_corl_does():
    from remid.core.prompts import THINKING_CLOSE
    from remid.training.rewards.base import PolicyReward, policy_reward
    from remid.training.rewards.thinking import ThinkingResponseReward, ThinkingSequenceRatioReward

    sample = by_subset(load_samples())["id_train"][0]
    thinking = "Warm, curious, close to the user's hobbies."
    responses = [sample.golden_response, "Something else entirely.", ""]
    completions = [f"{thinking}{THINKING_CLOSE}<Agent Response>{y}</Agent Response>" for y in responses[:2]]
    completions.append(thinking)  # never closed its thinking: no response, not scorable
    ours = ThinkingResponseReward("tiny:qwen3", max_prompt_tokens=512)
    values = ours(["p"] * 3, completions, sample=[sample] * 3)
    corl = PolicyReward("tiny:qwen3", max_prompt_tokens=512)(["p"] * 2, responses[:2], sample=[sample] * 2,
                                                             reasoning=[thinking] * 2)
    assert values[:2] == pytest.approx(corl, rel=1e-6) and values[2] is None
    assert values[0] == pytest.approx(1.0) and 0.0 < values[1] <= 1.0
    literal = ThinkingSequenceRatioReward("tiny:qwen3", max_prompt_tokens=512)
    lit = literal(["p"] * 2, completions[:2], sample=[sample] * 2)
    from remid.core.prompts import thinking_response_prompt

    prompt = thinking_response_prompt(sample, thinking)
    cand = literal.logprobs([prompt, prompt], responses[:2])
    ref = literal.logprobs([prompt, prompt], [sample.golden_response] * 2)
    assert lit == pytest.approx(policy_reward(cand, ref).tolist(), rel=1e-6)



def test_da_mixes_about_three_new_samples_for_five_originals(tmp_path):
    import json

    from remid.llm import LLMClient, RulesBackend
    from remid.training.methods.da import augment

    teacher = LLMClient(RulesBackend(), cache_path=tmp_path / "llm.jsonl")
    out = augment(str(tmp_path / "da.jsonl"), teacher, limit=20)
    stats = json.loads(out.with_suffix(".stats.json").read_text())
    assert stats["originals"] == 20 and stats["samples"] == 12  # 60% of the originals, one topic each
    assert stats["new_samples"] == 12 - stats["topic_failures"] - stats["dialogue_failures"] - len(stats["invalid_dialogues"])
    again = augment(str(tmp_path / "da2.jsonl"), teacher, limit=20)
    assert out.read_text() == again.read_text()  # the draw is seeded
    with pytest.raises(ValueError, match="augment_fraction"):
        augment(str(tmp_path / "x.jsonl"), teacher, limit=4, augment_fraction=0.0)


@pytest.mark.parametrize(("model", "limit"), [("tiny_qwen3", 320), ("qwen3_8b", 2048), ("llama3_8b", 2048)])
def test_corl_decodes_r_with_one_limit_per_model_in_both_phases_and_evaluation(hydra_ctx, model, limit):
    from remid.estimators.build import reasoning_limit

    train = hydra_ctx("train", ["method=corl", f"model={model}"])
    evaluate = hydra_ctx("evaluate", ["estimator=corl", f"estimator.base_model={model}"])
    module = train.method.module
    assert module.reasoner.max_new_tokens == module.reasoning.max_new_tokens == reasoning_limit(evaluate.estimator) == limit
    assert module.reasoning.repetition_penalty == evaluate.estimator.reasoning_repetition_penalty
    assert hydra_ctx("train", ["experiment=corl_qwen3_8b"]).method.module.reasoning.max_new_tokens == 2048


def test_traces_missing_the_core_features_marker_are_an_error_naming_the_fix(hydra_ctx):
    from remid.core.prompts import CORE_FEATURES_MARKER
    from remid.estimators.remi import check_markers

    assert hydra_ctx("evaluate", ["estimator=corl"]).estimator.max_missing_marker == 0.2
    traces = [f"Part 1 ... {CORE_FEATURES_MARKER} warm"] * 4 + ["Part 1 ... cut"]
    check_markers(traces, 0.2, 320, "id")  # 20%: allowed
    with pytest.raises(ValueError, match="43% of the reasoning traces on id lack.*estimator.reasoning_max_new_tokens"):
        check_markers(traces + ["cut again"] * 2, 0.2, 320, "id")
    check_markers(["cut"], None, 320, "id")  # null: no check


def test_authors_negatives_are_distinct_seeded_off_diagonal_pairs(hydra_ctx):
    import numpy as np

    from remid.estimators.club import sample_negative_pairs

    cfg = hydra_ctx("evaluate", ["experiment=authors_negatives"])
    assert (cfg.estimator.negatives, cfg.estimator.negatives_seed, cfg.estimator.negatives_replace) == (1000, 42, False)
    pairs = sample_negative_pairs(48, 1000, np.random.default_rng(42), replace=False)
    assert len({tuple(p) for p in pairs}) == 1000 and (pairs[:, 0] != pairs[:, 1]).all()
    assert pairs.min() >= 0 and pairs.max() < 48
    all_pairs = sample_negative_pairs(5, 20, np.random.default_rng(0), replace=False)
    assert sorted(map(tuple, all_pairs)) == [(i, j) for i in range(5) for j in range(5) if i != j]


def test_no_test_sample_reaches_any_training_pool(groups):
    tests = [s for name in EVAL_SUBSETS for s in groups[name]]
    ids = {s.sample_id for s in tests}
    texts = {s.golden_response for s in tests} | {s.dialogue_context[-1].text for s in tests}
    for name, pool in groups.items():
        if name in EVAL_SUBSETS or name == "id_train_test_overlap":
            continue
        assert not ids & {s.sample_id for s in pool}, name
        if name == "id_train":  # what every method fine-tunes on
            assert not texts & {s.golden_response for s in pool}
            assert not texts & {s.dialogue_context[-1].text for s in pool}
    assert len(groups["id_train"]) == 820 and groups["id_train_test_overlap"]  # the overlap is measured, not hidden


def test_dev_shares_with_the_training_pool_no_more_than_test_does(groups):
    """Decisions are made on dev: no dev sample's golden response or last query is a kept IDTrain sample's
    (as for test); the clashing ones are set apart under <subset>_dev_train_overlap, measured, not hidden."""
    from remid.data.readers import sample_texts

    train = sample_texts(groups["id_train"])
    for name in EVAL_SUBSETS:
        dev = groups[f"{name}_dev"]
        assert len(dev) >= 20 and not sample_texts(dev) & train, name
        assert all(sample_texts([s]) & train for s in groups.get(f"{name}_dev_train_overlap", []))
    assert groups["id_dev_train_overlap"]  # the shipped benchmark's IDDev repeats IDTrain's last queries


@pytest.mark.parametrize("method", ["sft", "sft_direct"])
def test_sft_family_trains_and_validates_on_no_test_sample(hydra_ctx, method, groups):
    from hydra.utils import instantiate

    from remid.models.loading import load_model

    cfg = hydra_ctx("train", [f"method={method}", "data.train_limit=16"])
    dm = instantiate(cfg.method.datamodule)
    dm.connect(load_model(cfg.model.name_or_path)[1])
    dm.setup("fit")
    test_ids = {s.sample_id for name in EVAL_SUBSETS for s in groups[name]}
    assert dm.sample_ids["val"] and all(i.startswith("IDDev-") for i in dm.sample_ids["val"])
    assert not test_ids & set(dm.sample_ids["train"] + dm.sample_ids["val"])


@pytest.mark.parametrize("method", ["sft_policy", "sft_reasoner", "thinking_sft", "dpo", "da", "rft"])
def test_no_method_validates_on_a_test_subset(hydra_ctx, method):
    cfg = hydra_ctx("train", [f"method={method}"])
    assert cfg.method.datamodule.get("val_subset", "id_dev") == "id_dev"


def test_traces_for_validation_come_from_dev():
    from remid.training.methods.traces import training_samples

    samples = training_samples(None, False, 4, 3)
    assert [s.is_dev for s in samples] == [False] * 4 + [True] * 3


def test_overlap_command_output_is_pinned(capsys):
    """The overlap table of a small configuration, pinned (regenerate the file with the command in its name)."""
    from pathlib import Path

    from remid.evaluation.overlap import main

    assert main(["--corpus-docs", "300", "--no-estimator", "--eval-limit", "8"]) == 0
    pinned = Path(__file__).parent / "data" / "overlap_mini_n8_corpus300.md"
    assert capsys.readouterr().out == pinned.read_text(encoding="utf-8")


def test_overlap_finds_what_is_there_and_nothing_else():
    from remid.core.schema import Turn
    from remid.evaluation.overlap import Source, overlap, sentences

    def sample(i, golden, query, persona="I bake bread in Oslo every morning.", name="Ada"):
        return Sample(f"IDTest-{i}", persona, {"character_name": name}, (Turn("user", query),), golden, "IDTest")

    evaluated = [sample(0, "The sea was calm that night. We sailed home slowly.", "Where did you sail to?"),
                 sample(1, "The sea was calm that night. We sailed home slowly.", "What did you eat there?", name="Bo")]
    source = Source("train", "...We sailed home slowly. And then? What did you eat there?", {"Bo"})
    row = overlap({"id": evaluated}, [source])["id"]
    assert sentences(evaluated[0].golden_response) == ["The sea was calm that night.", "We sailed home slowly."]
    assert row["duplicate_goldens"] == 1 and row["n"] == 2
    assert row["train"] == {"golden_sentences": 0.5, "last_queries": 0.5, "characters": 0.5, "personas": 0.0}


def test_identical_pairs_counts_ordered_off_diagonal_duplicates():
    from remid.estimators.club import identical_pairs

    assert identical_pairs(["a", "b", "a", "a", "c", "c"]) == 3 * 2 + 2 * 1
    assert identical_pairs(["a", "b"]) == 0


def test_authors_corl_rewards_and_records(hydra_ctx):
    from hydra.utils import instantiate

    from remid.core.prompts import CORE_FEATURES_MARKER
    from remid.corl.authors_rewards import (
        REASONING_HEADINGS,
        CoreFeatureLengthReward,
        ExpMeanReasoningReward,
        reasoning_format_reward,
        response_format_reward,
    )
    from remid.data.readers import test_records

    block = f'```\n{CORE_FEATURES_MARKER}\n' + "warm " * 300 + "\n```"
    trace = "\n".join(REASONING_HEADINGS) + "\n" + block
    # the authors': 0.5 for the core features inside a code block + 0.5 for all seven headings (Summary, Part 2 too)
    assert reasoning_format_reward([""] * 4, [trace, trace.replace("Summary of Key Information", ""),
                                              "\n".join(REASONING_HEADINGS) + CORE_FEATURES_MARKER,
                                              f'"" {CORE_FEATURES_MARKER} warm ""']) == [1.0, 0.5, 0.5, 0.5]
    # the length reward counts code-block words only (the headings outside do not count)
    assert CoreFeatureLengthReward()([""] * 3, [trace, trace.replace("```", "") + " kind" * 900,
                                                block.replace("warm ", "warm " * 3)]) == [pytest.approx(306 / 600), 0.0, 1.0]
    assert response_format_reward(["", "", "# Task ...\n## Agent Response\n"], ["## Agent Response\nHi.", "Hi.", "Hi."]) \
        == [1.0, 0.0, 1.0]
    sample = by_subset(load_samples())["id_train"][0]
    reward = ExpMeanReasoningReward("tiny:qwen3", max_prompt_tokens=512)
    value = reward([""], [trace], sample=[sample])[0]
    from remid.core.prompts import policy_prompt
    from remid.core.reasoning import extract_core_features

    mean = reward.logprobs([policy_prompt(sample, extract_core_features(trace))], [sample.golden_response], "mean")
    assert 0 < value < 1 and value == pytest.approx(math.exp(float(mean[0])), rel=1e-6)
    records = test_records(n=1000, seed=42)
    assert len(records) == 914 and not any(s.subset == "id_train" or s.is_dev for s in records)  # all 914 test samples
    assert [s.sample_id for s in test_records(n=5, seed=42)] == [s.sample_id for s in test_records(n=5, seed=42)]
    cfg = hydra_ctx("train", ["experiment=authors_corl"])
    rewards = cfg.method.module.reasoner.rewards
    assert set(rewards) == {"reasoning", "format", "length"} and set(cfg.method.module.policy.rewards) == {"match", "format"}
    assert rewards.reasoning.fn._target_.endswith("ExpMeanReasoningReward")
    assert callable(instantiate(rewards.format.fn)) and cfg.method.datamodule.samples.seed == 42


def test_h_hat_sums_both_terms_of_theorem_3_4_over_every_evaluated_context():
    import numpy as np

    from remid.analysis.shift import rpm_h_hat

    ref = {"id": np.array([0.1, 2.0]), "german": np.array([0.2, 0.0, 1.5])}  # estimator policy, golden responses
    rpm = {"id": np.array([0.5, 0.2]), "german": np.array([3.0, 0.1, 2.5])}  # the RPM, its own responses
    h = rpm_h_hat(ref, rpm)
    # max over x of [H(Q_{Y|x,r}) + H(P_{Y_theta|x,r})]: 4.0 at german's third context (the RPM alone peaks at its first)
    assert (h["max"], h["argmax"], h["n"]) == (4.0, 4, 5)
    assert h["robust"] == pytest.approx(np.quantile([0.6, 2.2, 3.2, 0.1, 4.0], 0.95))
    assert rpm_h_hat(ref, rpm, ("id", "german"), n=1)["max"] == pytest.approx(3.2)  # the curve's first n of each
    with pytest.raises(ValueError, match="reference-side"):
        rpm_h_hat({"id": ref["id"]}, rpm)
    with pytest.raises(ValueError, match="NaN"):
        rpm_h_hat({"id": np.array([np.nan, 0.0])}, {"id": np.array([0.5, 0.1])})


def test_evaluated_subsets_hold_no_repeated_golden(groups):
    selected = select_subsets(load_samples(), list(EVAL_SUBSETS), 48)
    for name, samples in selected.items():
        assert len(samples) == 48 and len({s.golden_response for s in samples}) == 48, name
    german = groups["german"]
    assert len({s.golden_response for s in german}) < len(german)  # the file repeats some: left out, not hidden
    kept = select_subsets(load_samples(), ["german"], None)["german"]
    first = [s.sample_id for i, s in enumerate(german) if s.golden_response not in {t.golden_response for t in german[:i]}]
    assert [s.sample_id for s in kept] == first  # the first of each golden, in file order
    assert len(select_subsets(load_samples(), ["german"], None, dedupe=False)["german"]) == len(german)
