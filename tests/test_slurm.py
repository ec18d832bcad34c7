"""remid's SLURM path against a real one-node SLURM (slurmctld + slurmd + munged on this host), brought up by
scripts/slurm-local.sh for this module and taken down after it, by pid."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "slurm-local.sh"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.geteuid() != 0 and not shutil.which("slurmctld"):
        pytest.fail("the SLURM tests need root (to install slurm-wlm and munge) or SLURM installed: "
                    "run scripts/slurm-local.sh up once as root")
    state = tmp_path_factory.mktemp("slurm")
    env = {**os.environ, "REMID_SLURM_DIR": str(state), "REMID_SLURM_PORT": "6837"}
    up = subprocess.run(["bash", str(SCRIPT), "up"], env=env, capture_output=True, text=True, timeout=180)
    assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-2000:]
    env["SLURM_CONF"] = str(state / "slurm.conf")
    try:
        yield env
    finally:
        subprocess.run(["bash", str(SCRIPT), "down"], env=env, capture_output=True, text=True, timeout=120)
        left = subprocess.run(["pgrep", "-f", str(state)], capture_output=True, text=True)
        assert left.stdout.strip() == "", f"daemons left running: {left.stdout}"


@pytest.mark.slow
@pytest.mark.slurm
def test_a_multirun_submits_real_slurm_jobs_and_each_run_records_its_config(cluster, tmp_path):
    runs = tmp_path / "runs"
    env = {**cluster, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "train.py", "-m", "hydra/launcher=slurm", "hydra.launcher.partition=local",
         "hydra.launcher.cpus_per_task=1", "hydra.launcher.gpus_per_node=0", "hydra.launcher.timeout_min=10",
         "model=tiny_qwen3,tiny_llama", "trainer.max_steps=2", "data.train_limit=16", "logger=csv",
         f"paths.runs_dir={runs}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    for model in ("tiny_qwen3", "tiny_llama"):
        run = runs / "sft" / model
        assert (run / "hf" / "config.json").exists(), sorted(p.name for p in run.iterdir())
        assert yaml.safe_load((run / "config.yaml").read_text())["model"]["name"] == model
    # the jobs ran under SLURM, not in this process: slurmctld knows the job array, both tasks COMPLETED
    array = next(d.name for d in (runs / "multirun").glob("*/.submitit/*") if d.name.isdigit())
    shown = subprocess.run(["scontrol", "show", "job", array], env=cluster, capture_output=True, text=True).stdout
    assert shown.count("JobState=COMPLETED") == 2 and f"ArrayJobId={array}" in shown, shown
