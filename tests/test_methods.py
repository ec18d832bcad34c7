"""Every table-20 method trains a few steps through ``train(cfg)`` on the tiny model and leaves an RPM
that evaluation reads (``remid.methods.rpm.rpm_spec``); then one evaluate call compares them.

The runs share one runs directory, in the order a multirun would take them: methods that start from
the SFT (or ThinkingSFT) checkpoint find it there.
"""

from __future__ import annotations

import json

import pytest
import torch

from remid.data.readers import load_samples
from remid.generation.base import SamplingParams
from remid.generation.hf import HFGenerator
from remid.methods.rpm import rpm_spec
from remid.models.chat import context_text, fit_prompt
from remid.run.train import train

FAST = ["logger=none", "data.train_limit=4", "trainer.max_steps=2", "+trainer.limit_val_batches=1",
        "trainer.enable_progress_bar=false", "model.batch_size=2", "generation.sampling.max_new_tokens=12"]
RL = ["trainer.max_steps=2", "method.module.num_generations=2", "method.module.max_new_tokens=12", "method.datamodule.batch_size=2"]
# method -> extra overrides; order matters (sft and thinking_sft first).
METHODS = {
    "sft": [],
    "thinking_sft": ["method.datamodule.val_limit=2"],
    "icl": [],
    "da": [],
    "dpo": ["method.datamodule.val_size=2"],
    "rft": ["method.prepare.best_of_n.n=2"],
    "rl": RL,
    "thinking_rl": RL,
    "ours": RL,
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="module")
def compose_ctx():
    from hydra import initialize_config_dir

    from tests.conftest import CONF_DIR, compose

    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        yield compose


def _weights(path) -> dict[str, torch.Tensor]:
    from remid.models.loading import load_model

    model, _ = load_model(str(path))
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("method", list(METHODS))
def test_method_trains_and_leaves_an_rpm(compose_ctx, runs, method):
    cfg = compose_ctx("train", [f"method={method}", f"paths.runs_dir={runs}", *FAST, *METHODS[method]])
    train(cfg)
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


def test_rl_rollouts_record_rewards(runs):
    rows = [json.loads(line) for line in (runs / "rl" / "tiny_qwen3" / "data" / "rollouts.jsonl").open()]
    assert rows and all("match" in r["rewards"] and "advantage" in r for r in rows)
    ours = [json.loads(line) for line in (runs / "ours" / "tiny_qwen3" / "data" / "rollouts.jsonl").open()]
    assert {"reasoning", "response"} <= set(ours[0]["rewards"])


def test_one_evaluate_compares_the_methods(compose_ctx, runs):
    from remid.run.evaluate import evaluate

    methods = list(METHODS)
    cfg = compose_ctx("evaluate", [f"methods=[{','.join(methods)}]", f"paths.runs_dir={runs}", "logger=none",
                                   "shift=id", "data.eval_limit=4", "estimator=emi", "estimator.n_boot=50",
                                   "generation.sampling.max_new_tokens=12"])
    results = evaluate(cfg)
    assert [m.method for m in results.models] == methods
    assert all("id" in m.subsets for m in results.models)
    assert not results.models[0].comparison and all(m.comparison["id"]["baseline"] == "tiny_qwen3/sft"
                                                    for m in results.models[1:])
