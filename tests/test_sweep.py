"""``sweep``: a tiny two-model sweep end to end (train, R-EMI and EMI evaluations, report), failure isolation
and reuse of everything cached on a re-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from remid.analysis.correlations import coverage
from remid.analysis.report import load
from remid.evaluation.results import EvaluationResults
from remid.run.sweep import Sweep, sweep

TRAIN = ["data.train_limit=4", "trainer.max_steps=1", "+trainer.limit_val_batches=1",
         "trainer.enable_progress_bar=false", "model.batch_size=2"]
EVALUATE = ["shift=german", "data.eval_limit=6", "estimator.n_boot=20", "generation.sampling.max_new_tokens=12"]
# The EMI baseline's scorer (sft_direct) is trained on first use: keep it to one step as well.
EMI = ["estimator.prepare.sft_direct=['data.train_limit=4','trainer.max_steps=1','+trainer.limit_val_batches=1',"
       "'trainer.enable_progress_bar=false','model.batch_size=2']"]


def _listed(items: list[str]) -> str:
    return "[" + ",".join(f'"{item}"' for item in items) + "]"


def sweep_overrides(root, *extra) -> list[str]:
    return [f"paths.runs_dir={root / 'runs'}", "models=[tiny_qwen3,tiny_llama]", "methods=[sft,no_such_method]",
            "logger=none", f"train_overrides={_listed(TRAIN)}", f"evaluate_overrides={_listed(EVALUATE)}",
            f"remi_overrides={_listed(['estimator.reasoning_max_new_tokens=24'])}", "emi=true", f"emi_overrides={_listed(EMI)}",
            *extra]


@pytest.fixture(scope="module")
def swept(tmp_path_factory, compose_ctx):
    """The sweep run once for this module: (root, returned summary)."""
    root = tmp_path_factory.mktemp("sweep")
    return root, sweep(compose_ctx("sweep", sweep_overrides(root)))


@pytest.mark.slow
def test_two_model_sweep_trains_evaluates_and_reports_around_a_failed_method(swept):
    root, summary = swept
    runs = root / "runs"
    for model in ("tiny_qwen3", "tiny_llama"):
        assert (runs / "sft" / model / "hf" / "config.json").exists()
    # the bad method failed on both models and is reported; the rest went on
    assert [(f["stage"], f["job"]) for f in summary["failures"]] == [("train", "tiny_qwen3/no_such_method"),
                                                                     ("train", "tiny_llama/no_such_method")]
    assert all("no_such_method" in f["error"] and "Traceback" in f["traceback"] for f in summary["failures"])
    sweep_dir = runs / "sweeps" / "default"
    assert summary["results"] == [str(sweep_dir / "evaluate" / m / "remi" / "results.json")
                                  for m in ("tiny_qwen3", "tiny_llama")]
    assert len(summary["emi_results"]) == 2
    for path, model in zip(summary["results"], ("tiny_qwen3", "tiny_llama"), strict=True):
        res = EvaluationResults.from_json(path)
        assert [m.name for m in res.models] == [f"{model}/sft"] and set(res.models[0].subsets) == {"id", "german"}
        assert res.estimator["name"] == "remi_tiny" and res.estimator["copy"]["weight"] == 0.9
    assert {EvaluationResults.from_json(p).estimator["name"] for p in summary["emi_results"]} == {"emi"}
    report_dir = sweep_dir / "report"
    report = json.loads((report_dir / "report.json").read_text())
    index = (report_dir / "index.md").read_text()
    assert len(report["failures"]) == 2 and "## Failures" in index and "tiny_llama/no_such_method" in index
    assert report["sources"]["results"] == summary["results"]
    assert {r["model"] for r in report["runs"]} == {"tiny_qwen3/sft", "tiny_llama/sft"}
    assert "skipped" in report["wandb"]  # logger=none: no W&B run
    # each analysis is either in the report or named as missing
    for name, count in coverage(load(summary["results"])).items():
        named = any(f"`{name}`" in m for m in report["missing_analyses"])
        assert named == (count["present"] < count["expected"]), name
    assert all(f"]({p.name})" in index for p in report_dir.glob("*.png"))
    assert "tiny_llama/sft (sft)" in index  # the R-EMI table of both models


@pytest.mark.slow
def test_rerun_reuses_training_and_evaluations(swept, compose_ctx):
    root, summary = swept
    watched = [root / "runs" / "sft" / m / "hf" / "model.safetensors" for m in ("tiny_qwen3", "tiny_llama")]
    watched += [Path(p) for p in (*summary["results"], *summary["emi_results"])]
    before = {str(p): p.stat().st_mtime_ns for p in watched}
    again = sweep(compose_ctx("sweep", sweep_overrides(root)))
    assert {str(p): p.stat().st_mtime_ns for p in watched} == before
    assert again["results"] == summary["results"] and len(again["failures"]) == 2


def test_a_model_with_no_trainable_method_is_reported_and_the_report_still_written(hydra_ctx, tmp_path):
    summary = sweep(hydra_ctx("sweep", [f"paths.runs_dir={tmp_path}", "models=[tiny_qwen3]", "methods=[nope]",
                                        "logger=none"]))
    assert [f["stage"] for f in summary["failures"]] == ["train", "evaluate"]
    assert summary["failures"][1]["error"] == "no trained RPM to evaluate"
    index = (tmp_path / "sweeps" / "default" / "report" / "index.md").read_text()
    assert "no trained RPM to evaluate" in index and "method/nope" in index


def test_attempt_records_the_traceback_and_returns_none(hydra_ctx, tmp_path):
    state = Sweep(hydra_ctx("sweep", [f"paths.runs_dir={tmp_path}", "logger=none"]))

    def boom(x):
        raise ZeroDivisionError(f"{x} / 0")

    assert state.attempt("evaluate", "m", boom, 1) is None
    assert state.attempt("evaluate", "m", lambda y: y + 1, 1) == 2
    (failure,) = state.failures
    assert failure["error"] == "ZeroDivisionError: 1 / 0" and "in boom" in failure["traceback"]
    assert state.logger == "none" and "logger=none" in state.paths
