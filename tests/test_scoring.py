"""Both reductions from one forward pass, cache keys, and the per-subset length/marker reports (issue 9, items 5, 8)."""

import numpy as np
import pytest

from remid.core.cache import JsonlCache, cache_key
from remid.core.prompts import CORE_FEATURES_MARKER
from remid.estimators.club import club_mi
from remid.estimators.remi import Estimator, hit_cap_fraction, missing_marker_fraction
from remid.estimators.scoring import CachedScorer, _digest
from remid.models.chat import encode
from remid.models.loading import load_model


@pytest.fixture(scope="module")
def model_and_tokenizer(tiny_qwen3):
    return load_model(tiny_qwen3)


def test_sum_and_mean_come_from_the_same_pass_and_the_configured_one_is_reported(model_and_tokenizer, mini_samples,
                                                                                 tmp_path):
    model, tok = model_and_tokenizer
    samples = mini_samples[:3]
    responses = ["Hello there.", "", samples[2].golden_response]
    scorer = CachedScorer(model, tok, JsonlCache(tmp_path / "scores.jsonl"), reduction="sum", batch_size=2)
    scores = Estimator(scorer).score(samples, responses, None)
    logp = scores.extra["logp"]
    lengths = np.array([len(scorer.response_ids(r)) for r in responses])
    assert np.allclose(logp["sum"]["model"] / lengths, logp["mean"]["model"], atol=1e-6)
    assert scores.mi_model == pytest.approx(club_mi(logp["sum"]["model"]))
    assert scores.extra["reductions"]["mean"]["mi_ref"] == pytest.approx(club_mi(logp["mean"]["ref"]))
    assert scores.extra["reductions"]["sum"]["r_emi"] == pytest.approx(scores.r_emi)
    assert scores.extra["truncated_prompts"] == 0
    # The sampled-negatives path gives the same numbers for the pairs it scores.
    sampled = Estimator(scorer, negatives=6, seed=1).score(samples, responses, None)
    diag = scorer.pairs_all(scores.contexts, responses, np.array([[0, 0], [1, 1], [2, 2]]))
    assert np.allclose(diag["mean"], np.diag(logp["mean"]["model"]), atol=1e-3)
    assert set(sampled.extra["reductions"]) == {"sum", "mean"}


def test_an_old_single_reduction_cache_entry_is_not_read(model_and_tokenizer, mini_samples, tmp_path):
    model, tok = model_and_tokenizer
    contexts, responses = ["Hi.\n", "Bye.\n"], ["a", "b"]
    cache = JsonlCache(tmp_path / "scores.jsonl")
    cache.put(cache_key("row", contexts[0], _digest(responses), "mean"), [123.0, 456.0])  # the old format
    matrices = CachedScorer(model, tok, cache, reduction="mean").matrices(contexts, responses)
    assert set(matrices) == {"sum", "mean"} and matrices["mean"][0, 0] < 0


def test_cap_and_marker_fractions(model_and_tokenizer):
    _, tok = model_and_tokenizer
    long = " ".join(["word"] * 50)
    assert hit_cap_fraction(tok, [long, "short"], max_new_tokens=len(encode(tok, " " + long))) == 0.5
    assert hit_cap_fraction(tok, [], 10) == 0.0
    assert missing_marker_fraction([f"x {CORE_FEATURES_MARKER} warm", "no marker here"]) == 0.5


def test_reasoning_report_counts_capped_traces_and_missing_markers(model_and_tokenizer, mini_samples, tmp_path):
    from remid.generation.base import SamplingParams
    from remid.generation.hf import HFGenerator

    model, tok = model_and_tokenizer
    scorer = CachedScorer(model, tok, JsonlCache(tmp_path / "scores.jsonl"))
    estimator = Estimator(scorer, HFGenerator(model, tok), tok, JsonlCache(tmp_path / "r.jsonl"),
                          SamplingParams(max_new_tokens=20), max_prompt_tokens=10_000)
    samples = mini_samples[:2]
    capped = " ".join(["restating the persona"] * 20)  # a trace that ran out of tokens before the marker
    _, keys, _ = estimator._reasoning_prompts(samples)
    estimator.reasoning_cache.put_many([(keys[0], capped), (keys[1], f"short {CORE_FEATURES_MARKER} warm")])
    reasoning = estimator.reasoning(samples)
    assert reasoning[1] == "warm"
    stats = estimator.score(samples, ["Hi.", "Bye."], reasoning).extra
    assert stats["reasoning_hit_cap"] == 0.5 and stats["reasoning_missing_marker"] == 0.5
    assert stats["reasoning_truncated_prompts"] == 0
    estimator.max_prompt_tokens = 200  # now every table 15 prompt must lose turns
    assert estimator.reasoning_stats(samples)["reasoning_truncated_prompts"] == 2
