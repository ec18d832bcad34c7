"""From per-subset score matrices to what results.json stores (``remid.analysis.summary``)."""

from __future__ import annotations

import numpy as np
import pytest

from remid.analysis.summary import baseline_of, compare, empty_share, summarize, uninformative_warnings
from remid.estimators.club import club_mi
from remid.estimators.remi import SubsetScores
from remid.evaluation.results import EvaluationResults, ModelResults


def scores(rng: np.random.Generator, n: int, signal: float, empty: int = 0) -> SubsetScores:
    """Log-prob matrices whose diagonal stands out by ``signal`` (the model's) or by 2 (the reference's)."""
    model = rng.normal(-10, 1, (n, n)) + signal * np.eye(n)
    ref = rng.normal(-10, 1, (n, n)) + 2.0 * np.eye(n)
    responses = [""] * empty + ["a reply"] * (n - empty)
    return SubsetScores(club_mi(model), club_mi(ref), [f"x{i}" for i in range(n)], responses, ["y"] * n, model, ref,
                        {"truncated_prompts": 0, "logp": {"sum": {}}})


def test_point_estimates_intervals_diagnostics_and_r_emid():
    rng = np.random.default_rng(0)
    subsets = {"id": scores(rng, 12, 3.0), "german": scores(rng, 12, 0.5, empty=9)}
    out = summarize(subsets, n_boot=200, seed=0)
    for name, s in subsets.items():
        est = out[name]
        assert est.r_emi == pytest.approx(club_mi(s.logp_model) - club_mi(s.logp_ref))
        assert est.r_emi_ci[0] <= est.r_emi <= est.r_emi_ci[1] and est.diagnostics["ref"]["n"] == 12
        assert "logp" not in est.extra  # matrices are saved apart (save_matrices), never in results.json
    assert out["id"].r_emid is None
    assert out["german"].r_emid == pytest.approx(out["id"].r_emi - out["german"].r_emi)
    assert out["german"].r_emid_ci is not None and out["german"].extra["empty_responses"] == 0.75
    assert empty_share([]) == 0.0


def test_comparison_with_the_first_rpm_and_the_warnings():
    rng = np.random.default_rng(1)
    first = {"id": scores(rng, 10, 3.0)}
    second = {"id": scores(rng, 10, 0.0, empty=8)}
    diff = compare(baseline_of("a/sft", first), second, n_boot=200, seed=0)["id"]
    assert diff["baseline"] == "a/sft"
    assert diff["diff"] == pytest.approx(club_mi(second["id"].logp_model) - club_mi(first["id"].logp_model))
    assert diff["ci"][0] <= diff["diff"] <= diff["ci"][1] < 0  # a blind RPM is clearly below the baseline
    models = [ModelResults("a/sft", "sft", "a", summarize(first, 100, 0)),
              ModelResults("a/rl", "rl", "a", summarize(second, 100, 0))]
    messages = uninformative_warnings(EvaluationResults({}, models, "2026-01-01T00:00:00+00:00"))
    assert any(m.startswith("a/rl: most responses are empty on id (80%)") for m in messages)
    assert not any(m.startswith("a/sft") for m in messages)
