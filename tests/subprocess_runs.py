"""Training runs in a fresh Python process, as a user starts them, and what their checkpoints hold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_VARS = ("LOCAL_RANK", "RANK", "WORLD_SIZE", "NODE_RANK", "MASTER_ADDR", "MASTER_PORT", "PL_GLOBAL_SEED")


def run(*args: str) -> None:
    """Run ``python *args`` from the repository root as a user would, with no launcher variables set."""
    env = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARS}
    env.update(HF_HUB_OFFLINE="1", WANDB_MODE="offline", DS_ACCELERATOR="cpu", TOKENIZERS_PARALLELISM="false")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-4000:])


def client_state(ckpt: Path) -> dict:
    """What Lightning stored beside DeepSpeed's shards (global step, loops, ...) in a checkpoint directory."""
    assert ckpt.is_dir() and (ckpt / "latest").exists(), f"{ckpt} is not a DeepSpeed checkpoint directory"
    first = sorted((ckpt / "checkpoint").glob("*model_states.pt"))[0]
    return torch.load(first, map_location="cpu", weights_only=False)


def weights(path: Path | str) -> dict[str, torch.Tensor]:
    return AutoModelForCausalLM.from_pretrained(path).state_dict()


def max_diff(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    assert a.keys() <= b.keys(), sorted(a.keys() - b.keys())[:5]
    return max((a[k] - b[k]).abs().max().item() for k in a)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python *args`` as ``run`` starts it, with ``env`` added; the finished process, whatever its exit code."""
    full = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARS and k != "HYDRA_FULL_ERROR"}
    full.update(HF_HUB_OFFLINE="1", WANDB_MODE="offline", DS_ACCELERATOR="cpu", TOKENIZERS_PARALLELISM="false",
                **(env or {}))
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=400)
