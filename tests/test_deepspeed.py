"""DeepSpeed ZeRO-2/3 on CPU: real two-process ``train.py`` runs over gloo (``remid.training.strategies``).

Each run launches ``python train.py ... trainer=deepspeed_zero{2,3}_cpu``; Lightning starts the second
process by re-running the command under Hydra. The very first run on a machine also compiles
DeepSpeed's small CPU comm extension (~30 s, cached under ~/.cache/torch_extensions).
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
import torch
from subprocess_runs import client_state, max_diff, run, weights

needs_deepspeed = pytest.mark.skipif(importlib.util.find_spec("deepspeed") is None,
                                     reason="DeepSpeed is not installed (pip install deepspeed): ZeRO on CPU untested")
SMALL = ["method=sft", "data.train_limit=16", "model.batch_size=4", "trainer.max_epochs=100", "logger=csv",
         "trainer.log_every_n_steps=1", "trainer.enable_progress_bar=false"]


def consolidated(ckpt: Path) -> dict[str, torch.Tensor]:
    """The full float32 weights DeepSpeed reassembles from a checkpoint's shards, under the HF model's names."""
    from deepspeed.utils.zero_to_fp32 import get_fp32_state_dict_from_zero_checkpoint

    state = get_fp32_state_dict_from_zero_checkpoint(str(ckpt), tag="checkpoint")
    return {k.removeprefix("model."): v for k, v in state.items()}


def logged_steps(run_dir: Path, version: int) -> list[int]:
    rows = csv.DictReader((run_dir / "csv" / f"version_{version}" / "metrics.csv").open())
    return [int(r["step"]) for r in rows if r.get("train/loss")]


@pytest.fixture(scope="module")
def base_weights(tiny_qwen3) -> dict[str, torch.Tensor]:
    return weights(tiny_qwen3)


@pytest.mark.slow
@needs_deepspeed
def test_zero2_trains_exports_and_resumes(tmp_path, base_weights):
    common = ["train.py", *SMALL, "trainer=deepspeed_zero2_cpu", f"paths.runs_dir={tmp_path}"]
    run_dir = tmp_path / "sft" / "tiny_qwen3"
    ckpt = run_dir / "checkpoints" / "last.ckpt"
    run(*common, "trainer.max_steps=3")
    assert client_state(ckpt)["global_step"] == 3
    assert (run_dir / "train_ddp_process_1.log").exists()  # the second process ran train.py under Hydra
    first = weights(run_dir / "hf")
    assert max_diff(first, base_weights) > 1e-4  # trained
    assert max_diff(first, consolidated(ckpt)) == 0.0  # the export is the checkpoint's weights

    run(*common, "trainer.max_steps=5", "resume=true")
    assert client_state(ckpt)["global_step"] == 5
    assert logged_steps(run_dir, 0) == [0, 1, 2] and logged_steps(run_dir, 1) == [3, 4]  # continued, not restarted
    resumed = weights(run_dir / "hf")
    assert max_diff(resumed, first) > 1e-5 and max_diff(resumed, consolidated(ckpt)) == 0.0


@pytest.mark.slow
@needs_deepspeed
def test_zero3_export_gathers_partitioned_weights(tmp_path, base_weights):
    run("train.py", *SMALL, "trainer=deepspeed_zero3_cpu", "trainer.max_steps=2", f"paths.runs_dir={tmp_path}")
    run_dir = tmp_path / "sft" / "tiny_qwen3"
    exported = weights(run_dir / "hf")  # each rank held half of every parameter: the export gathered them
    assert max_diff(exported, base_weights) > 1e-4
    assert max_diff(exported, consolidated(run_dir / "checkpoints" / "last.ckpt")) == 0.0


@pytest.mark.slow
@needs_deepspeed
def test_zero3_rollouts_from_the_model_being_trained(tmp_path, tiny_qwen3):
    from deepspeed_rollout import CONTEXTS

    from remid.generation.base import SamplingParams
    from remid.generation.hf import HFGenerator

    out = tmp_path / "rollouts.json"
    run("tests/deepspeed_rollout.py", "3", str(out))  # ranks generate 4 and 10 tokens: no collective inside
    got = json.loads(out.read_text())
    assert got["world_size"] == 2
    # step 0 precedes any update: the gathered ZeRO-3 model generates exactly what the base model does
    expected = HFGenerator.from_pretrained(tiny_qwen3, batch_size=2).generate(CONTEXTS, SamplingParams(max_new_tokens=4))
    assert got["texts"] == expected


def test_gathering_is_a_no_op_without_zero3(tmp_path, tiny_qwen3):
    from remid.training.methods.sft import SFTModule
    from remid.training.strategies import gathered_for_generation, gathered_parameters, is_zero3_partitioned

    module = SFTModule(model_path=tiny_qwen3)  # no trainer, no DeepSpeed: nothing to gather
    before = {k: v.clone() for k, v in module.state_dict().items()}
    assert not is_zero3_partitioned(module)
    with gathered_parameters(module.model), gathered_for_generation(module):
        pass
    assert module.save_hf(tmp_path / "hf") == tmp_path / "hf"  # rank 0 outside a trainer: writes
    assert max_diff(weights(tmp_path / "hf"), {k.removeprefix("model."): v for k, v in before.items()}) == 0.0
