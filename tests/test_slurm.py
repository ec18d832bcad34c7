"""remid's SLURM path against a real one-node SLURM (slurmctld + slurmd + munged on this host), brought up by
scripts/slurm-local.sh for this module and taken down after it, by pid."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from slurm_cluster import (
    LAUNCHER,
    QUIET,
    ROOT,
    empty_queue,
    job_in_state,
    local_cluster,
    scontrol,
    submit,
    wait_for,
)
from subprocess_runs import weights


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    yield from local_cluster(tmp_path_factory)


@pytest.fixture(autouse=True)
def no_job_left_behind(request):
    """Each test gets an empty queue: jobs an earlier test left (a requeued or dependent job) would hold the
    node's CPUs and keep a later job pending."""
    yield
    if "cluster" in request.fixturenames:
        empty_queue(request.getfixturevalue("cluster"))


def logged_steps(metrics: Path) -> list[int]:
    if not metrics.exists():
        return []
    return [int(r["step"]) for r in csv.DictReader(metrics.open()) if r.get("train/loss")]


@pytest.mark.slow
@pytest.mark.slurm
def test_a_multirun_submits_real_slurm_jobs_and_each_run_records_its_config(cluster, tmp_path):
    runs = tmp_path / "runs"
    env = {**cluster, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1"}
    done = submit(cluster, ["train.py", "-m", "hydra/launcher=slurm", "hydra.launcher.partition=local",
                            "hydra.launcher.cpus_per_task=1", "hydra.launcher.gpus_per_node=0",
                            "hydra.launcher.timeout_min=10", "model=tiny_qwen3,tiny_llama", "trainer.max_steps=2",
                            "data.train_limit=16", "logger=csv", f"paths.runs_dir={runs}"], runs, env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    for model in ("tiny_qwen3", "tiny_llama"):
        run = runs / "sft" / model
        assert (run / "hf" / "config.json").exists(), sorted(p.name for p in run.iterdir())
        assert yaml.safe_load((run / "config.yaml").read_text())["model"]["name"] == model
    # the jobs ran under SLURM, not in this process: slurmctld knows the job array, both tasks COMPLETED
    array = next(d.name for d in (runs / "multirun").glob("*/.submitit/*") if d.name.isdigit())
    shown = subprocess.run(["scontrol", "show", "job", array], env=cluster, capture_output=True, text=True).stdout
    assert shown.count("JobState=COMPLETED") == 2 and f"ArrayJobId={array}" in shown, shown


@pytest.mark.slow
@pytest.mark.slurm
def test_a_preempted_job_checkpoints_is_requeued_and_ends_with_the_weights_of_an_uncut_run(cluster, tmp_path):
    """USR2 (what SLURM sends before a time limit under submitit) mid-run: the job saves at the end of its step,
    submitit requeues it, the requeued job resumes from that checkpoint and trains each remaining step once."""
    steps = 12
    # one batch an epoch; no periodic or epoch-end checkpoint: the only one is what the signal makes the job save
    common = ["data.train_limit=4", "model.batch_size=4", "trainer.max_epochs=-1", f"trainer.max_steps={steps}",
              "logger=csv", "+logger.flush_logs_every_n_steps=1", "trainer.log_every_n_steps=1",
              "trainer.enable_progress_bar=false", "+trainer.limit_val_batches=0", "checkpoint_every_n_steps=1000",
              "callbacks.model_checkpoint.save_last=false"]
    env = {**cluster, **QUIET}
    cut, uncut = tmp_path / "cut", tmp_path / "uncut"
    # the uncut run of the same seed, outside SLURM, alongside (the job takes one of the node's CPUs)
    reference = subprocess.Popen([sys.executable, "train.py", *common, f"paths.runs_dir={uncut}"], cwd=ROOT, env={
        **{k: v for k, v in os.environ.items() if not k.startswith("SLURM")}, **QUIET}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    job = subprocess.Popen([sys.executable, "train.py", "-m", *LAUNCHER, *common, f"paths.runs_dir={cut}"], cwd=ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        run = cut / "sft" / "tiny_qwen3"
        wait_for(lambda: len(logged_steps(run / "csv" / "version_0" / "metrics.csv")) >= 2, "2 trained steps", 150)
        job_id = subprocess.run(["squeue", "-h", "-o", "%i"], env=cluster, capture_output=True, text=True).stdout.split()[0]
        subprocess.run(["scancel", "--signal=USR2", job_id], env=cluster, check=True, timeout=30)
        # SLURM holds a requeued job back for a while (its BeginTime); the test lets it start at once
        wait_for(lambda: "Restarts=1" in (job_in_state(cluster, job_id, "PENDING") or ""), "the job requeued", 60)
        scontrol(cluster, "update", f"JobId={job_id}", "StartTime=now")
        out, _ = job.communicate(timeout=180)
        reference_out, _ = reference.communicate(timeout=120)
    finally:
        job.kill()
        reference.kill()
    (tmp_path / "multirun.log").write_text(out)
    assert job.returncode == 0, out[-4000:]
    shown = wait_for(lambda: job_in_state(cluster, job_id, "COMPLETED"), "the job COMPLETED", 60)
    assert "Restarts=1" in shown, shown
    log = next((cut / "multirun").glob("*/.submitit/*/*_0_log.out")).read_text()
    saved = int(re.search(r"SIGUSR2 at step (\d+): saving", log).group(1))
    assert re.search(rf"training from step {saved} to trainer.max_steps={steps}", log), log[-3000:]
    # each step trained once: the first attempt up to the signal (the step it saved at is cut before the logger
    # writes it), the requeued one from there to the end
    first = logged_steps(run / "csv" / "version_0" / "metrics.csv")
    assert first == list(range(len(first))) and saved - 1 <= len(first) <= saved, (first, saved)
    assert logged_steps(run / "csv" / "version_1" / "metrics.csv") == list(range(saved, steps))

    assert reference.returncode == 0, reference_out[-3000:]
    resumed, reference = weights(run / "hf"), weights(uncut / "sft" / "tiny_qwen3" / "hf")
    assert all(resumed[k].equal(reference[k]) for k in reference), "the resumed run's weights differ"


TINY_TRAIN = ["data.train_limit=4", "trainer.max_steps=1", "+trainer.limit_val_batches=1", "model.batch_size=2",
              "trainer.enable_progress_bar=false", "generation.sampling.max_new_tokens=8"]
TINY_EVALUATE = ["shift=german", "data.eval_limit=6", "estimator.n_boot=20", "generation.sampling.max_new_tokens=12"]


def listed(items: list[str]) -> str:
    return "[" + ",".join(f'"{item}"' for item in items) + "]"


def run_sweep(cluster: dict, runs: Path, *overrides: str) -> tuple[dict, dict[str, str]]:
    """``python sweep.py hydra/launcher=slurm ...`` against the cluster: its sweep.json, and each job's
    ``Dependency=`` as ``scontrol show job`` showed it while the job was pending (SLURM clears it once met)."""
    sweep = subprocess.Popen([sys.executable, "sweep.py", *LAUNCHER, "logger=none", "models=[tiny_qwen3]",
                              f"paths.runs_dir={runs}", *overrides], cwd=ROOT, env={**cluster, **QUIET},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    pending: dict[str, str] = {}
    try:
        end = time.monotonic() + 420
        while sweep.poll() is None and time.monotonic() < end:
            for job in scontrol(cluster, "show", "job", "--oneliner").splitlines():
                if "JobState=PENDING" in job and "Dependency=(null)" not in job:
                    pending[re.search(r"JobId=(\d+)", job).group(1)] = re.search(r"Dependency=(\S+)", job).group(1)
            time.sleep(0.5)
        out, _ = sweep.communicate(timeout=5)
    finally:
        sweep.kill()
    assert sweep.returncode == 0, out[-5000:]
    return json.loads(next((runs / "sweeps").glob("*/sweep.json")).read_text()), pending


@pytest.mark.slow
@pytest.mark.slurm
def test_sweep_stages_are_slurm_jobs_and_a_later_stage_waits_on_slurm_dependencies(cluster, tmp_path):
    runs = tmp_path / "runs"
    summary, pending = run_sweep(cluster, runs, "experiment=sweep_tiny", "emi=false", "methods=[sft,rl]",
                        f"train_overrides={listed(TINY_TRAIN)}", f"evaluate_overrides={listed(TINY_EVALUATE)}",
                        'remi_overrides=["estimator.reasoning_max_new_tokens=16"]')
    assert summary["failures"] == [] and len(summary["results"]) == 1, summary["failures"]
    # three SLURM jobs: train sft, train rl (starts from sft's run), the evaluation of both
    jobs = sorted(int(d.name) for d in (runs / "sweeps" / "tiny" / ".submitit").iterdir() if d.name.isdigit())
    assert len(jobs) == 3, jobs
    sft, rl, evaluate = (scontrol(cluster, "show", "job", str(j)) for j in jobs)
    assert all("JobState=COMPLETED" in shown for shown in (sft, rl, evaluate))
    # rl waited in SLURM for sft: its dependency was afterok on sft's job, and it started after sft ended
    assert pending.get(str(jobs[1]), "").startswith(f"afterok:{jobs[0]}"), pending
    started = re.search(r"StartTime=(\S+)", rl).group(1)
    assert started >= re.search(r"EndTime=(\S+)", sft).group(1)
    assert all((runs / m / "tiny_qwen3" / "hf" / "config.json").exists() for m in ("sft", "rl"))


@pytest.mark.slow
@pytest.mark.slurm
def test_a_failed_slurm_job_shows_its_error_and_its_log_in_the_sweep_summary(cluster, tmp_path):
    runs = tmp_path / "runs"
    summary, _ = run_sweep(cluster, runs, "methods=[sft]", 'train_overrides=["trainer.max_steps=abc"]')
    train = summary["failures"][0]
    assert train["stage"] == "train" and train["job"] == "tiny_qwen3/sft", summary["failures"]
    assert "trainer.max_steps" in train["error"] and "FailedJobError" not in train["error"], train
    log = Path(train["log"])
    assert log.parent.parent == runs / "sweeps" / "default" / ".submitit" and "trainer.max_steps" in log.read_text()
    index = (runs / "sweeps" / "default" / "report" / "index.md").read_text()
    assert train["error"] in index and str(log) in index, index[:3000]


@pytest.mark.slow
@pytest.mark.slurm
def test_a_two_task_slurm_job_trains_zero2_over_gloo_with_ranks_from_slurm(cluster, tmp_path):
    """``--ntasks=2`` on one node (tasks per node from ``trainer.devices``): SLURM starts both ranks, Lightning's
    SLURMEnvironment (the GPU configs' ``cluster_plugins``) reads them; Lightning starts no process of its own."""
    runs = tmp_path / "runs"
    done = submit(cluster, ["train.py", "-m", *LAUNCHER, "trainer=deepspeed_zero2_cpu",
                            "+trainer.plugins._target_=remid.training.strategies.cluster_plugins", "data.train_limit=8",
                            "model.batch_size=2", "trainer.max_steps=2", "+trainer.limit_val_batches=0", "logger=csv",
                            "trainer.enable_progress_bar=false", f"paths.runs_dir={runs}"],
                  runs, {**cluster, **QUIET, "DS_ACCELERATOR": "cpu"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    folder = next(d for d in (runs / "multirun").glob("*/.submitit/*") if d.name.isdigit())
    shown = wait_for(lambda: job_in_state(cluster, folder.name, "COMPLETED"), "the job COMPLETED", 90)
    assert "NumTasks=2" in shown and "NumNodes=1" in shown, shown
    for rank in (0, 1):  # each SLURM task is one rank of a world of two
        log = (folder / f"{folder.name}_{rank}_log.out").read_text() + (folder / f"{folder.name}_{rank}_log.err").read_text()
        assert f"GLOBAL_RANK: {rank}, MEMBER: {rank + 1}/2" in log, log[-3000:]
    run = runs / "sft" / "tiny_qwen3"
    shards = sorted(p.name for p in (run / "checkpoints" / "last.ckpt" / "checkpoint").glob("*optim_states.pt"))
    assert len(shards) == 2, shards  # ZeRO-2 partitioned the optimizer states over the two ranks
    assert not (run / "train_ddp_process_1.log").exists()  # the second rank came from srun, not from Lightning
    assert (run / "hf" / "config.json").exists()
