"""A real SLURM on this host for the tests: ``scripts/slurm-local.sh`` brought up for a test module (one node, or
several in network namespaces) and taken down after it, by pid; and what the tests ask of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from subprocess_runs import LAUNCH_VARS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "slurm-local.sh"
LAUNCHER = ["hydra/launcher=slurm", "hydra.launcher.partition=local", "hydra.launcher.cpus_per_task=1",
            "hydra.launcher.gpus_per_node=0", "hydra.launcher.timeout_min=15"]
QUIET = {"HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}


def scontrol(cluster: dict, *args: str) -> str:
    return subprocess.run(["scontrol", *args], env=cluster, capture_output=True, text=True, timeout=30).stdout


def job_in_state(cluster: dict, job_id: str, state: str) -> str | None:
    """``scontrol show job`` of ``job_id`` when it is in ``state``, else None."""
    shown = scontrol(cluster, "show", "job", job_id)
    return shown if f"JobState={state} " in shown else None


def wait_for(check, what: str, timeout: float = 120):
    """Poll ``check()`` every 0.3 s until it returns something true; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if found := check():
            return found
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def submit(cluster: dict, args: list[str], runs: Path, env: dict, timeout: float = 400) -> subprocess.CompletedProcess:
    """``python *args`` (a command that submits SLURM jobs and waits on them); past ``timeout`` it fails with what
    SLURM says of the queue and the node, and the tails of the jobs' logs, instead of a bare TimeoutExpired."""
    try:
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as ex:
        queue = subprocess.run(["squeue", "-o", "%i %T %r %M %N"], env=cluster, capture_output=True, text=True).stdout
        node = scontrol(cluster, "show", "node")
        logs = "".join(f"--- {p}\n{p.read_text(errors='replace')[-1500:]}\n"
                       for p in sorted(runs.glob("**/.submitit/*/*_log.*")))
        out = ex.stdout.decode(errors="replace") if isinstance(ex.stdout, bytes) else (ex.stdout or "")
        pytest.fail(f"timed out after {timeout:.0f} s\nqueue:\n{queue}\nnode:\n{node}\nsubmitter:\n{out[-1500:]}\n"
                    f"job logs:\n{logs[-6000:]}")


def local_cluster(tmp_path_factory, nodes: int = 1, port: int = 6837):
    """The environment of a running cluster of ``nodes`` nodes (slurmctld on ``port``); down when the caller ends."""
    if os.geteuid() != 0 and not shutil.which("slurmctld"):
        pytest.fail("the SLURM tests need root (to install slurm-wlm and munge) or SLURM installed: "
                    "run scripts/slurm-local.sh up once as root")
    state = tmp_path_factory.mktemp(f"slurm{nodes}n")
    # no launcher variables from this process: sbatch exports the submitter's environment to every job
    env = {**{k: v for k, v in os.environ.items() if k not in LAUNCH_VARS}, "REMID_SLURM_DIR": str(state),
           "REMID_SLURM_PORT": str(port), "REMID_SLURM_NODES": str(nodes)}
    up = subprocess.run(["bash", str(SCRIPT), "up"], env=env, capture_output=True, text=True, timeout=180)
    assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-2000:]
    env["SLURM_CONF"] = str(state / "slurm.conf")
    try:
        yield env
    finally:
        subprocess.run(["bash", str(SCRIPT), "down"], env=env, capture_output=True, text=True, timeout=120)
        left = subprocess.run(["pgrep", "-f", str(state)], capture_output=True, text=True)
        assert left.stdout.strip() == "", f"daemons left running: {left.stdout}"


def empty_queue(env: dict) -> None:
    """Cancel every job and wait for the queue to empty."""
    subprocess.run(["scancel", "--user", os.environ.get("USER") or "root"], env=env, capture_output=True, timeout=30)
    wait_for(lambda: not subprocess.run(["squeue", "-h"], env=env, capture_output=True, text=True,
                                        timeout=30).stdout.strip(), "an empty queue after the test", timeout=120)
