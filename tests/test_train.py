"""End-to-end training through the real Hydra config, Lightning trainer and tiny model."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from transformers import AutoModelForCausalLM

from remid.run.train import train

ROOT = Path(__file__).resolve().parents[1]


def test_two_sft_steps_log_checkpoint_and_export(hydra_ctx, tmp_path, read_metric):
    """The fast tier's training run: two optimizer steps through ``train(cfg)`` leave every artefact."""
    cfg = hydra_ctx("train", [f"paths.runs_dir={tmp_path}", "logger=csv", "data.train_limit=4", "model.batch_size=2",
                              "trainer.max_steps=2", "trainer.log_every_n_steps=1", "+trainer.limit_val_batches=1",
                              "trainer.enable_progress_bar=false"])
    metrics = train(cfg)
    run_dir = tmp_path / "sft" / "tiny_qwen3"
    assert len(read_metric(run_dir, "train/loss")) == 2 and "val/loss" in metrics
    assert (run_dir / "checkpoints" / "last.ckpt").exists() and (run_dir / "hf" / "config.json").exists()
    assert (run_dir / "config.yaml").exists()  # what evaluation reads back (remid.evaluation.rpm.rpm_spec)


@pytest.mark.slow
def test_sft_lowers_the_loss_and_writes_checkpoints(hydra_ctx, tmp_path, read_metric):
    cfg = hydra_ctx("train", [f"paths.runs_dir={tmp_path}", "logger=csv", "data.train_limit=64",
                              "trainer.max_epochs=4", "trainer.log_every_n_steps=1", "model.batch_size=8"])
    metrics = train(cfg)
    run_dir = tmp_path / "sft" / "tiny_qwen3"
    losses = read_metric(run_dir, "train/loss")
    assert len(losses) >= 20
    assert sum(losses[-4:]) / 4 < 0.8 * sum(losses[:4]) / 4, losses
    assert "val/loss" in metrics and read_metric(run_dir, "train/tokens_per_s")
    assert (run_dir / "checkpoints" / "last.ckpt").exists()
    model = AutoModelForCausalLM.from_pretrained(run_dir / "hf")  # the HF export loads like any checkpoint
    assert model.config.model_type == "qwen3"


@pytest.mark.slow
def test_resume_continues_from_last_checkpoint(hydra_ctx, tmp_path):
    import torch

    common = [f"paths.runs_dir={tmp_path}", "logger=none", "data.train_limit=32", "model.batch_size=8"]
    train(hydra_ctx("train", [*common, "trainer.max_epochs=1"]))
    ckpt = tmp_path / "sft" / "tiny_qwen3" / "checkpoints" / "last.ckpt"
    assert torch.load(ckpt, weights_only=False)["global_step"] == 4
    train(hydra_ctx("train", [*common, "trainer.max_epochs=2", "resume=true"]))
    state = torch.load(ckpt, weights_only=False)
    assert state["global_step"] == 8 and state["epoch"] == 2  # 4 more steps, not 8


@pytest.mark.slow
def test_lora_trains_adapters_only(hydra_ctx, tmp_path):
    cfg = hydra_ctx("train", [f"paths.runs_dir={tmp_path}", "logger=none", "data.train_limit=16",
                              "trainer.max_steps=2", "model.lora={r: 4, lora_alpha: 8, target_modules: [q_proj, v_proj]}"])
    train(cfg)
    run_dir = tmp_path / "sft" / "tiny_qwen3"
    assert (run_dir / "hf_adapter" / "adapter_config.json").exists()
    AutoModelForCausalLM.from_pretrained(run_dir / "hf")  # merged, plain transformers


@pytest.mark.slow
def test_multirun_over_two_models(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline"}
    cmd = [sys.executable, "train.py", "-m", "model=tiny_qwen3,tiny_llama", f"paths.runs_dir={tmp_path}",
           "logger=none", "data.train_limit=16", "trainer.max_steps=2", "trainer.enable_progress_bar=false"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for model in ("tiny_qwen3", "tiny_llama"):
        assert (tmp_path / "sft" / model / "hf" / "config.json").exists()
