"""The command line wins: a method's defaults for other groups (RL's step budget) are Hydra defaults, so
``trainer.*`` and every other group's keys given on the command line are what a run uses, for every method."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import torch
from hydra.utils import instantiate
from omegaconf import OmegaConf

CONF = Path(__file__).resolve().parents[1] / "conf"
METHODS = sorted(p.stem for p in (CONF / "method").glob("*.yaml"))
FAMILIES = {"sft": "sft", "sft_direct": "sft", "sft_policy": "sft", "sft_reasoner": "sft", "thinking_sft": "sft",
            "da": "sft", "rft": "sft", "dpo": "dpo", "rl": "grpo", "thinking_rl": "grpo", "ours": "grpo",
            "corl": "corl", "icl": "icl", "pretrain": "pretrain"}


def test_every_method_has_a_family():
    assert sorted(FAMILIES) == METHODS


def reads(node, interpolation: str, path: str = "method") -> list[str]:
    """Paths under ``node`` whose (unresolved) value is exactly ``interpolation``."""
    if OmegaConf.is_dict(node):
        return [p for k in node for p in reads(node._get_node(k), interpolation, f"{path}.{k}")]
    if OmegaConf.is_list(node):
        return [p for i in range(len(node)) for p in reads(node._get_node(i), interpolation, f"{path}[{i}]")]
    return [path] if node._value() == interpolation else []


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("order", ["method first", "method last"])
def test_command_line_trainer_and_data_keys_win(hydra_ctx, method, order):
    overrides = ["trainer.max_steps=5", "trainer.max_epochs=1", "data.train_limit=3"]
    overrides = [f"method={method}", *overrides] if order == "method first" else [*overrides, f"method={method}"]
    cfg = hydra_ctx("train", overrides)
    limits = reads(cfg.method, "${data.train_limit}")
    OmegaConf.resolve(cfg)
    trainer = instantiate(cfg.trainer, logger=False, callbacks=[], enable_progress_bar=False)
    assert (trainer.max_steps, trainer.max_epochs) == (5, 1), FAMILIES[method]
    assert "trainer" not in cfg.method  # no second, method-private trainer config merged at run time
    assert limits or method == "pretrain", method  # pretraining reads a corpus, not the ID split
    for path in limits:
        assert OmegaConf.select(cfg, path) == 3, path


@pytest.mark.parametrize("trainer", ["cpu", "gpu", "deepspeed_zero2_cpu"])
@pytest.mark.parametrize("method", ["rl", "thinking_rl", "ours"])
def test_rl_step_budget_is_a_default_every_trainer_keeps(hydra_ctx, trainer, method):
    assert hydra_ctx("train", [f"method={method}", f"trainer={trainer}"]).trainer.max_steps == 40
    assert hydra_ctx("train", [f"trainer={trainer}", f"method={method}", "trainer.max_steps=7"]).trainer.max_steps == 7
    assert hydra_ctx("train", ["method=sft", f"trainer={trainer}"]).trainer.max_steps == -1  # epochs decide


def test_command_line_generation_and_llm_keys_reach_the_method(hydra_ctx):
    cfg = hydra_ctx("train", ["method=rl", "generation.sampling.max_new_tokens=9", "llm.max_retries=1"])
    assert cfg.method.module.max_new_tokens == 9
    cfg = hydra_ctx("train", ["method=da", "llm.max_retries=1", "llm=openai"])
    assert cfg.method.prepare.dialogues.teacher.max_retries == 1
    assert cfg.method.prepare.dialogues.teacher.backend._target_ == "remid.llm.OpenAIChatBackend"


@pytest.mark.slow
def test_rl_trains_the_command_lines_step_count(hydra_ctx, tmp_path, tiny_qwen3):
    """A real GRPO run (its yaml says 40 steps) trains the 3 steps the command line asks for."""
    from remid.run.train import train

    cfg = hydra_ctx("train", [
        "method=rl", "trainer.max_steps=3", f"paths.runs_dir={tmp_path}", f"method.init_from={tiny_qwen3}",
        "logger=csv", "trainer.log_every_n_steps=1", "trainer.enable_progress_bar=false", "data.train_limit=8",
        "method.module.num_generations=2", "method.module.max_new_tokens=6", "method.datamodule.batch_size=1",
    ])
    assert cfg.trainer.max_steps == 3
    train(cfg)
    run_dir = tmp_path / "rl" / "tiny_qwen3"
    checkpoint = torch.load(run_dir / "checkpoints" / "last.ckpt", map_location="cpu", weights_only=False)
    assert checkpoint["global_step"] == 3
    with (run_dir / "csv" / "version_0" / "metrics.csv").open() as f:
        steps = {int(row["step"]) for row in csv.DictReader(f) if row.get("train/loss")}
    assert steps == {0, 1, 2}  # one logged loss per optimizer step, three of them
    assert (run_dir / "hf" / "config.json").exists()
