"""benchmarks/gpu_check.py: its --dry mode runs every measurement end to end at tiny shapes on CPU."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


@pytest.mark.slow
def test_dry_run_measures_every_row_and_compares_with_the_plan(tmp_path):
    cmd = [sys.executable, "benchmarks/gpu_check.py", "--dry", "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "gpu_check.json").read_text())
    rows = {r["what"].split(" (")[0].split(",")[0]: r for r in report["rows"]}
    assert {"SFT step", "GRPO step", "GRPO rollout", "reasoning traces", "CLUB", "R-EMI", "CLUB exact"} <= set(rows)
    for kind in ("SFT step", "GRPO step"):
        row = rows[kind]
        assert row["tokens_per_s"] > 0 and row["peak_bytes"] > 0
        assert abs(row["plan_error"]) < 0.5, row  # the plan of the same step, on measured CPU peak memory
    n, k = report["settings"]["n"], report["settings"]["negatives"]
    assert rows["R-EMI"]["total_s"] == pytest.approx(rows["reasoning traces"]["total_s"] + rows["CLUB"]["total_s"])
    assert f"x {n + k}" in rows["CLUB"]["how"] and f"x {n}" in rows["CLUB exact"]["how"]
    table = (tmp_path / "gpu_check.md").read_text()
    assert table.count("\n| ") == 8 and "dry: tiny shapes on CPU" in table  # header + 7 measurements


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown where no GPU is visible")
def test_full_mode_needs_a_gpu(tmp_path):
    done = subprocess.run([sys.executable, "benchmarks/gpu_check.py", "--out", str(tmp_path)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--dry" in done.stderr
