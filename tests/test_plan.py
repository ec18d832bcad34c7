"""remid.plan: architecture numbers, DeepSpeed's ZeRO estimators, plan=true before launch, the fit check and its
fix, and the plan against a measured step's peak on CPU."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from remid.plan import PUBLISHED, PlanDoesNotFit, architecture, estimate, gpu
from remid.plan.memory import Strategy, model_states
from remid.run.plan import describe, train_setting

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1"}


@pytest.mark.parametrize("spec", ["tiny:qwen3", "tiny:llama"])
def test_parameter_count_of_the_tiny_models_is_exact(spec):
    from transformers import AutoModelForCausalLM

    from remid.models.loading import resolve_model_path

    model = AutoModelForCausalLM.from_pretrained(resolve_model_path(spec))
    assert architecture(spec).params() == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", ["Qwen/Qwen3-8B-Base", "Qwen/Qwen3-1.7B-Base", "meta-llama/Llama-3.1-8B",
                                  "meta-llama/Llama-3.2-1B", "HuggingFaceTB/SmolLM2-135M"])
def test_published_architectures_count_as_transformers_builds_them(name):
    from remid.plan.measure import random_model

    with torch.device("meta"):  # shapes only, no memory
        model, arch = random_model(name, "meta")
    assert arch.params() == sum(p.numel() for p in model.parameters())


def test_published_totals_match_the_model_cards():
    billions = {"Qwen/Qwen3-8B-Base": 8.2, "Qwen/Qwen3-14B-Base": 14.8, "Qwen/Qwen3-0.6B-Base": 0.6,
                "meta-llama/Llama-3.1-8B": 8.0, "meta-llama/Meta-Llama-3-70B": 70.6}
    for name, total in billions.items():
        assert PUBLISHED[name].params() / 1e9 == pytest.approx(total, rel=0.01), name
    moe = PUBLISHED["Qwen/Qwen3-30B-A3B-Base"]  # 30.5 B total, 3.3 B active
    assert moe.params() / 1e9 == pytest.approx(30.5, rel=0.01) and moe.params(active=True) / 1e9 == pytest.approx(3.3, rel=0.03)


def test_zero_states_are_deepspeeds_estimates():
    from deepspeed.runtime.zero.stage3 import estimate_zero3_model_states_mem_needs
    from deepspeed.runtime.zero.stage_1_and_2 import estimate_zero2_model_states_mem_needs

    from remid.plan.zero import zero2_states, zero3_states

    arch = PUBLISHED["Qwen/Qwen3-8B-Base"]
    p, largest = arch.params(), arch.largest_module_params()
    for gpus, nodes, offload, offload_params, zero_init in itertools.product(
            (1, 8), (1, 2), (False, True), (False, True), (False, True)):
        assert zero2_states(p, gpus, nodes, offload) == estimate_zero2_model_states_mem_needs(p, gpus, nodes, offload)
        assert zero3_states(p, largest, gpus, nodes, offload, offload_params, zero_init) == \
            estimate_zero3_model_states_mem_needs(p, largest, gpus, nodes, offload, offload_params, zero_init)
    gpu2, cpu2, _ = model_states(arch, Strategy(stage=2, devices=8), "bf16-mixed")
    assert (cpu2, gpu2) == estimate_zero2_model_states_mem_needs(p, 8, 1, cpu_offload=False)
    gpu3, _, _ = model_states(arch, Strategy(stage=3, devices=8, nodes=2), "bf16-mixed")
    assert gpu3 == estimate_zero3_model_states_mem_needs(p, largest, 8, 2, cpu_offload=False,
                                                         cpu_offload_params=False)[1]
    assert gpu3 < gpu2 and model_states(arch, Strategy(), "bf16-mixed")[0] == 18 * p  # 16 B Adam fp32 + 2 B casts


def test_a_zero3_plan_needs_no_deepspeed_install(hydra_ctx, monkeypatch):
    for name in [m for m in sys.modules if m == "deepspeed" or m.startswith("deepspeed.")] or ["deepspeed"]:
        monkeypatch.setitem(sys.modules, name, None)  # import deepspeed... now raises ImportError
    text = describe(hydra_ctx("train", ["model=qwen3_8b", "method=corl", "trainer=deepspeed_zero3", "plan_gpu=h200"]))
    assert "DeepSpeed ZeRO-3 estimator" in text and "peak" in text


@pytest.mark.slow
def test_plan_true_prints_a_plan_without_weights_or_network(tmp_path):
    cmd = [sys.executable, "train.py", "model=qwen3_8b", "method=corl", "trainer=deepspeed_zero3", "plan=true",
           f"paths.runs_dir={tmp_path}"]
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "Qwen/Qwen3-8B-Base: 8.19 B params" in out and "DeepSpeed ZeRO-3 estimator" in out
    assert "model states x2" in out and "frozen PolicyReward" in out and "rollout KV cache" in out
    run = tmp_path / "corl" / "qwen3_8b"  # Hydra made its output folder; the run itself wrote nothing there
    assert not (run / "config.yaml").exists() and not (run / "data").exists() and not (run / "checkpoints").exists()


@pytest.mark.slow
def test_evaluate_plan_lists_its_phases(tmp_path):
    cmd = [sys.executable, "evaluate.py", "plan=true", "model=qwen3_8b", "estimator=corl",
           "estimator.base_model=qwen3_8b", "estimator.negatives=1000", "data.eval_limit=1500", "shift=id",
           "plan_gpu=a100_80gb", f"paths.runs_dir={tmp_path}"]
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert all(p in done.stdout for p in ("RPM generation", "reasoning (q_phi1)", "scoring (q_phi2)", "1000 sampled"))


def test_a_run_that_cannot_fit_stops_before_loading_and_names_a_fix_that_fits(hydra_ctx, tmp_path):
    from remid.run.train import train

    overrides = [f"paths.runs_dir={tmp_path}", "model=qwen3_8b", "trainer=gpu", "trainer.devices=8",
                 "plan_gpu=a100_80gb", "logger=none"]
    with pytest.raises(PlanDoesNotFit, match="cheapest fix: (.*) \\(peak") as caught:
        train(hydra_ctx("train", overrides))
    fix = str(caught.value).split("cheapest fix: ")[1].split(" (peak")[0]
    assert "deepspeed_zero3" in fix
    fixed = hydra_ctx("train", [*overrides, *fix.split()])
    assert estimate(train_setting(fixed), gpu("a100_80gb")).peak <= gpu("a100_80gb").memory_bytes
    assert "fits a100_80gb" in describe(fixed)
    # plan_force=true goes on to load the model (here: no hub, so loading is what fails)
    with pytest.raises((OSError, FileNotFoundError, ValueError)) as loading:
        train(hydra_ctx("train", [*overrides, "plan_force=true"]))
    assert not isinstance(loading.value, PlanDoesNotFit)


def test_lora_and_zero3_shrink_the_states_and_batch_shrinks_activations(hydra_ctx):
    base = ["model=qwen3_8b", "trainer=gpu", "plan_gpu=h200"]
    full = estimate(train_setting(hydra_ctx("train", base)))
    lora = estimate(train_setting(hydra_ctx("train", [*base, "model.lora={r: 16, target_modules: all-linear}"])))
    half = estimate(train_setting(hydra_ctx("train", [*base, "model.batch_size=4"])))
    states = lambda e: e.lines[0][1]  # noqa: E731
    acts = lambda e: next(b for label, b in e.lines if label.startswith("activations"))  # noqa: E731
    assert states(lora) < 0.2 * states(full) and acts(half) == pytest.approx(acts(full) / 2, rel=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("kind,spec,sequences,prompt,response", [("sft", "tiny:qwen3", 8, 192, 64),
                                                                 ("grpo", "tiny:llama", 16, 384, 128)])
def test_plan_is_within_15_percent_of_the_measured_cpu_peak(kind, spec, sequences, prompt, response):
    cmd = [sys.executable, "-m", "remid.plan.measure", kind, spec, "--sequences", str(sequences), "--prompt",
           str(prompt), "--response", str(response)]
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["peak_bytes"] > 50 * 2**20  # a real measurement, not the baseline's noise
    assert result["planned_bytes"] == pytest.approx(result["peak_bytes"], rel=0.15), result


@pytest.mark.parametrize("precision", ["32-true", "bf16-mixed"])
def test_planned_activations_are_what_autograd_saves(precision):
    from remid.plan.measure import batch, random_model, saved_tensor_bytes
    from remid.plan.memory import activation_bytes, precision_bytes

    model, arch = random_model("tiny:qwen3")
    sequences, prompt, response = 8, 192, 64
    saved = saved_tensor_bytes(model, batch(arch.vocab, sequences, prompt, response), precision)
    a = precision_bytes(precision)[0]  # the forward's share of the logits term: the LM head output, its float32 copy
    planned = (activation_bytes(arch, precision, sequences, prompt + response, False)
               + sequences * response * arch.vocab * (a + (0 if a == 4 else 4)))
    assert planned == pytest.approx(saved, rel=0.1)


@pytest.mark.slow
def test_the_cpu_peak_does_not_depend_on_the_allocators_history():
    """glibc told to keep freed blocks resident (as its dynamic mmap threshold does after some allocation
    histories) served the step from the warm-up's memory, and the plan read 64% over the peak."""
    cmd = [sys.executable, "-m", "remid.plan.measure", "sft", "tiny:qwen3", "--sequences", "4", "--prompt", "48",
           "--response", "16", "--steps", "2"]
    tunables = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=335544320"
    done = subprocess.run(cmd, cwd=ROOT, env={**ENV, "GLIBC_TUNABLES": tunables}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert abs(result["planned_bytes"] / result["peak_bytes"] - 1) < 0.3, result  # as gpu_check's dry rows
