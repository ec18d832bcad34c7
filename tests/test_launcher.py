"""Hydra launchers: a two-job multirun through submitit's local launcher end to end, the SLURM launcher's sbatch
script from the trainer's nodes and devices, Lightning's SLURM environment, and a sweep handing its jobs to submitit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf, open_dict

from remid.training.strategies import cluster_plugins

ROOT = Path(__file__).resolve().parents[1]
CONF = str(ROOT / "conf")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1"}


def compose_with_hydra(config_name: str, overrides: list[str]):
    """The composed config with its ``hydra`` node resolved (launcher interpolations need it)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.hydra_config import HydraConfig

    with initialize_config_dir(config_dir=CONF, version_base="1.3"):
        cfg = compose(config_name=config_name, overrides=overrides, return_hydra_config=True)
        HydraConfig.instance().set_config(cfg)
        return cfg


@pytest.mark.slow
def test_two_job_multirun_through_submitit_local(tmp_path):
    cmd = [sys.executable, "train.py", "-m", "hydra/launcher=local", "method=sft", "model=tiny_qwen3,tiny_llama",
           f"paths.runs_dir={tmp_path}", f"hydra.sweep.dir={tmp_path / 'multirun'}", "logger=none",
           "data.train_limit=16", "trainer.max_steps=2", "trainer.enable_progress_bar=false"]
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Submitit 'local' sweep output dir" in done.stdout + done.stderr
    for model in ("tiny_qwen3", "tiny_llama"):
        run = tmp_path / "sft" / model
        assert (run / "hf" / "config.json").exists()
        assert torch.load(run / "checkpoints" / "last.ckpt", weights_only=False)["global_step"] == 2
    jobs = [p for p in (tmp_path / "multirun" / ".submitit").iterdir() if p.name != "%j"]
    assert len(jobs) == 2  # each Hydra job ran as its own submitit job, with its own result
    assert all(len(list(job.glob("*_result.pkl"))) == 1 for job in jobs)


def test_slurm_launcher_takes_nodes_and_devices_from_the_trainer(tmp_path, monkeypatch):
    import submitit
    from hydra_plugins.hydra_submitit_launcher.config import BaseQueueConf

    cfg = compose_with_hydra("train", ["hydra/launcher=slurm", "hydra.launcher.partition=gpu", "trainer=deepspeed_zero3",
                                       "trainer.devices=4", "trainer.num_nodes=2", "model=qwen3_8b"])
    params = OmegaConf.to_container(cfg.hydra.launcher, resolve=True)
    assert params["_target_"].endswith("SlurmLauncher")
    assert (params["nodes"], params["tasks_per_node"], params["gpus_per_node"]) == (2, 4, 4)
    # The sbatch script submitit would submit, built as the launcher plugin builds it (a stand-in srun on PATH lets
    # submitit's constructor run on a machine without SLURM; nothing is submitted).
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "srun").write_text("#!/bin/sh\nexit 1\n")
    (tmp_path / "bin" / "srun").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    executor = submitit.AutoExecutor(folder=str(tmp_path / "s"), cluster="slurm",
                                     slurm_max_num_timeout=params["max_num_timeout"])
    base = set(OmegaConf.structured(BaseQueueConf).keys())
    executor.update_parameters(**{k if k in base else f"slurm_{k}": v for k, v in params.items()
                                  if k not in {"_target_", "submitit_folder", "max_num_timeout"}})
    script = executor._executor._make_submission_file_text("python -u -m submitit.core._submit x", "uid")
    for line in ("--nodes=2", "--ntasks-per-node=4", "--gpus-per-node=4", "--partition=gpu", "--signal=USR2@300",
                 "--time=1440"):
        assert f"#SBATCH {line}" in script, script
    assert "\nsrun " in script


def test_cluster_plugins_read_slurm_only_under_srun(monkeypatch):
    from lightning.pytorch.plugins.environments import SLURMEnvironment

    for key in [k for k in os.environ if k.startswith(("SLURM_", "SUBMITIT_"))]:
        monkeypatch.delenv(key)
    assert cluster_plugins() is None
    slurm = {"SLURM_NTASKS": "8", "SLURM_NTASKS_PER_NODE": "4", "SLURM_NNODES": "2", "SLURM_JOB_NAME": "train",
             "SLURM_JOB_ID": "77", "SLURM_PROCID": "5", "SLURM_LOCALID": "1", "SLURM_NODEID": "1",
             "SLURM_NODELIST": "gpu[01-02]"}
    for key, value in slurm.items():
        monkeypatch.setenv(key, value)
    (env,) = cluster_plugins()
    assert isinstance(env, SLURMEnvironment) and env.auto_requeue
    assert (env.world_size(), env.global_rank(), env.local_rank(), env.node_rank()) == (8, 5, 1, 1)
    assert env.main_address == "gpu01"
    env.validate_settings(num_devices=4, num_nodes=2)
    with pytest.raises(ValueError, match="num_nodes"):
        env.validate_settings(num_devices=4, num_nodes=1)
    monkeypatch.setenv("SUBMITIT_EXECUTOR", "slurm")  # submitit requeues: Lightning must not as well
    assert not cluster_plugins()[0].auto_requeue


def test_gpu_trainer_configs_carry_num_nodes_and_the_slurm_plugin():
    for trainer in ("gpu", "deepspeed_zero2", "deepspeed_zero3"):
        cfg = compose_with_hydra("train", [f"trainer={trainer}", "trainer.num_nodes=3"])
        assert cfg.trainer.num_nodes == 3 and cfg.trainer.plugins._target_ == "remid.training.strategies.cluster_plugins"
    assert compose_with_hydra("train", []).trainer.num_nodes == 1


@pytest.mark.slow
def test_sweep_hands_its_jobs_to_the_submitit_launcher(tmp_path):
    from hydra import initialize_config_dir

    from remid.run.sweep import sweep

    train = '["data.train_limit=4","trainer.max_steps=1","+trainer.limit_val_batches=1","model.batch_size=2"]'
    evaluate = '["shift=german","data.eval_limit=6","estimator.n_boot=20","generation.sampling.max_new_tokens=12"]'
    cfg = compose_with_hydra("sweep", ["hydra/launcher=local", f"paths.runs_dir={tmp_path}", "models=[tiny_qwen3]",
                                       "methods=[sft]", "logger=none", f"train_overrides={train}",
                                       f"evaluate_overrides={evaluate}",
                                       'remi_overrides=["estimator.reasoning_max_new_tokens=16"]'])
    with open_dict(cfg):
        cfg.launcher = cfg.hydra.launcher
        del cfg["hydra"]
    with initialize_config_dir(config_dir=CONF, version_base="1.3"):  # the sweep composes its jobs' configs
        summary = sweep(cfg)
    assert summary["failures"] == [] and len(summary["results"]) == 1 and Path(summary["results"][0]).exists()
    jobs = [p for p in (tmp_path / "sweeps" / "default" / ".submitit").iterdir() if p.name != "%j"]
    assert len(jobs) == 2  # the train job and the evaluate job, each a submitit job
    assert (tmp_path / "sft" / "tiny_qwen3" / "hf" / "config.json").exists()


def test_sweep_jobs_on_slurm_take_their_own_trainers_resources(tmp_path, monkeypatch):
    from remid.run.sweep import submitit_executor

    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "srun").write_text("#!/bin/sh\nexit 1\n")  # lets submitit's constructor run; nothing submits
    (tmp_path / "bin" / "srun").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    sweep_cfg = compose_with_hydra("sweep", ["hydra/launcher=slurm", "hydra.launcher.partition=a100"])
    launcher = sweep_cfg.hydra.launcher  # its trainer.* interpolations cannot resolve in the sweep's own config
    train = compose_with_hydra("train", ["trainer=deepspeed_zero2", "trainer.devices=4", "trainer.num_nodes=2"])
    script = submitit_executor(launcher, tmp_path, train)._executor._make_submission_file_text("cmd", "uid")
    assert all(f"#SBATCH {x}" in script for x in ("--nodes=2", "--ntasks-per-node=4", "--gpus-per-node=4",
                                                   "--partition=a100"))
    evaluate = compose_with_hydra("evaluate", [])
    script = submitit_executor(launcher, tmp_path, evaluate, min_gpus=1)._executor._make_submission_file_text("c", "u")
    assert "--nodes=1" in script and "--gpus-per-node=1" in script and "--ntasks-per-node=1" in script
    basic = compose_with_hydra("sweep", []).hydra.launcher
    assert submitit_executor(basic, tmp_path, train) is None  # Hydra's basic launcher: jobs run in the sweep


@pytest.fixture
def isolated_world(monkeypatch):
    """A Trainer built under a SLURM world sets Lightning's process-wide rank (rank 5 here: every later
    rank-zero-only write, such as the CSV logger's, would be skipped): put it back after the test (the
    distributed variables it exports are put back by conftest's ``_environment_restored``)."""
    from lightning.fabric.utilities.rank_zero import rank_zero_only as fabric_rank
    from lightning.pytorch.utilities.rank_zero import rank_zero_only as trainer_rank

    ranks = (getattr(fabric_rank, "rank", 0), getattr(trainer_rank, "rank", 0))
    yield monkeypatch
    fabric_rank.rank, trainer_rank.rank = ranks


def test_deepspeed_trainer_takes_its_multi_node_world_from_slurm(isolated_world):
    monkeypatch = isolated_world
    from hydra.utils import instantiate

    slurm = {"SLURM_NTASKS": "8", "SLURM_NTASKS_PER_NODE": "4", "SLURM_NNODES": "2", "SLURM_JOB_NAME": "train",
             "SLURM_JOB_ID": "77", "SLURM_PROCID": "5", "SLURM_LOCALID": "1", "SLURM_NODEID": "1",
             "SLURM_NODELIST": "gpu[01-02]"}
    for key, value in slurm.items():
        monkeypatch.setenv(key, value)
    cfg = compose_with_hydra("train", ["trainer=deepspeed_zero3_cpu", "trainer.devices=4", "trainer.num_nodes=2"])
    trainer = instantiate(cfg.trainer, plugins=cluster_plugins(), logger=False, default_root_dir=None)
    strategy = trainer.strategy  # ZeRO-3 partitions over this world; its process group spans both nodes
    assert type(strategy).__name__ == "CPUDeepSpeedStrategy" and strategy.config["zero_optimization"]["stage"] == 3
    assert (trainer.world_size, trainer.global_rank, trainer.local_rank, trainer.node_rank) == (8, 5, 1, 1)
    assert strategy.cluster_environment.main_address == "gpu01"
