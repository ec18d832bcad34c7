"""Every table-20 method trains a few steps through ``train(cfg)`` on the tiny model and leaves an RPM
that evaluation reads (``remid.evaluation.rpm.rpm_spec``); then one evaluate call compares them.

Each test asks the session fixture ``method_runs`` for the runs it reads: a method that starts from the
SFT (or ThinkingSFT) checkpoint gets that run trained first, whatever order the tests run in.
"""

from __future__ import annotations

import json

import pytest
import torch

from remid.data.readers import load_samples
from remid.evaluation.rpm import rpm_spec
from remid.generation.base import SamplingParams
from remid.generation.hf import HFGenerator
from remid.models.chat import context_text, fit_prompt

METHODS = ["sft", "thinking_sft", "icl", "da", "dpo", "rft", "rl", "thinking_rl", "ours"]
pytestmark = pytest.mark.slow


def _weights(path) -> dict[str, torch.Tensor]:
    from remid.models.loading import load_model

    model, _ = load_model(str(path))
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("method", METHODS)
def test_method_trains_and_leaves_an_rpm(method_runs, method):
    cfg, runs = method_runs(method)
    run_dir = runs / method / "tiny_qwen3"
    rpm = rpm_spec(str(run_dir))
    assert rpm.method == method and rpm.label == f"tiny_qwen3/{method}"
    if cfg.method.get("module") is not None:  # the weights moved away from where the method started
        start = cfg.method.get("init_from") or cfg.model.name_or_path
        before, after = _weights(start), _weights(run_dir)
        changed = any(not torch.equal(before[k], after[k]) for k in before)
        rollouts = run_dir / "data" / "rollouts.jsonl"
        if rollouts.exists() and all(json.loads(r)["advantage"] == 0 for r in rollouts.open()):
            # 12 new tokens never close a thinking section, so every thinking_rl response is empty, every
            # group's rewards are equal and GRPO has nothing to learn from: then no weight may move.
            assert not changed, f"{method} moved weights with all-zero advantages"
        else:
            assert changed, f"{method} changed no weight"
    for artefact in (run_dir / "data").glob("*.jsonl") if (run_dir / "data").exists() else []:
        assert artefact.read_text(encoding="utf-8").strip(), f"{artefact} is empty"
    # The RPM answers an ID test sample through its own prompt and parser.
    sample = [s for s in load_samples() if s.subset == "id"][:1]
    generator = HFGenerator.from_pretrained(rpm.model, batch_size=1)
    prompt = fit_prompt(generator.tokenizer, rpm.prompts(sample)[0], 1536)[0]
    (completion,), = generator.generate([context_text(generator.tokenizer, prompt)],
                                        SamplingParams(max_new_tokens=12, stop=rpm.stop))
    assert isinstance(rpm.response(completion), str)


def test_rl_rollouts_record_rewards(method_runs):
    _, runs = method_runs("rl")
    method_runs("ours")
    rows = [json.loads(line) for line in (runs / "rl" / "tiny_qwen3" / "data" / "rollouts.jsonl").open()]
    assert rows and all("match" in r["rewards"] and "advantage" in r for r in rows)
    ours = [json.loads(line) for line in (runs / "ours" / "tiny_qwen3" / "data" / "rollouts.jsonl").open()]
    assert {"reasoning", "response"} <= set(ours[0]["rewards"])


def test_one_evaluate_compares_the_methods(hydra_ctx, method_runs):
    from remid.run.evaluate import evaluate

    methods = METHODS
    runs = [method_runs(m) for m in methods][0][1]
    cfg = hydra_ctx("evaluate", [f"methods=[{','.join(methods)}]", f"paths.runs_dir={runs}", "logger=none",
                                   "shift=id", "data.eval_limit=4", "estimator=emi", "estimator.n_boot=50",
                                   "generation.sampling.max_new_tokens=12"])
    results = evaluate(cfg)
    assert [m.method for m in results.models] == methods
    assert all("id" in m.subsets for m in results.models)
    assert not results.models[0].comparison and all(m.comparison["id"]["baseline"] == "tiny_qwen3/sft"
                                                    for m in results.models[1:])
