"""``train(cfg)``: fit the configured method's LightningModule; writes checkpoints and an HF model."""

from __future__ import annotations

import inspect
import logging
from pathlib import Path

import lightning as L
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from remid.config.targets import check_targets
from remid.core.validation import ConfigError, check_int, check_trainer
from remid.run.common import build_callbacks, build_logger, closing_wandb
from remid.run.plan import before_launch
from remid.run.requeue import SaveThenRequeue, requeued, under_submitit_slurm
from remid.training.strategies import cluster_plugins

log = logging.getLogger(__name__)


def last_checkpoint(run_dir: Path) -> Path | None:
    """``checkpoints/last.ckpt``: a file, or under DeepSpeed a directory of shards (resume with the same trainer)."""
    path = run_dir / "checkpoints" / "last.ckpt"
    return path if path.exists() else None


def check_checkpoint_kind(cfg: DictConfig) -> None:
    """A ``checkpoints/last.ckpt`` written by the other kind of trainer (DeepSpeed writes a directory of shards,
    the others one file) can be neither resumed nor replaced by this one: fail before any weights load."""
    ckpt = last_checkpoint(Path(cfg.run_dir))
    strategy = cfg.trainer.get("strategy")
    target = strategy.get("_target_", "") if isinstance(strategy, DictConfig) else str(strategy or "")
    if ckpt is None or ckpt.is_dir() == ("deepspeed" in str(target).lower()):
        return
    raise ConfigError(f"{ckpt} was written by {'a DeepSpeed' if ckpt.is_dir() else 'a non-DeepSpeed'} trainer; this "
                      f"trainer cannot {'resume' if cfg.resume else 'replace'} it: train with that trainer, or into "
                      "another folder (run_dir=... or paths.runs_dir=...)")


def training_dtype(cfg: DictConfig) -> str:
    """The precision weights are loaded in for training.

    Under a mixed-precision trainer (``bf16-mixed``: ``trainer=gpu`` and the DeepSpeed configs) full
    fine-tuning loads float32 weights: autocast computes in bf16 while AdamW steps float32 master
    weights (with ``model.dtype=bfloat16`` an update of lr 1e-5 x a weight of ~1 rounds away).
    LoRA keeps ``model.dtype`` for the frozen base (peft keeps the adapters in float32).
    """
    precision = str(cfg.trainer.get("precision", ""))
    if precision.endswith("-mixed") and not cfg.model.lora:
        return "float32"
    return cfg.model.dtype


def init_model(cfg: DictConfig) -> str:
    """The weights a method starts from: ``method.init_from`` (e.g. the SFT run of the same base) or the base."""
    init = cfg.method.get("init_from")
    if not init:
        return cfg.model.name_or_path
    if not (Path(init) / "hf" / "config.json").exists() and not (Path(init) / "config.json").exists():
        raise FileNotFoundError(
            f"method={cfg.method.name} starts from {init}, which holds no trained model: train it first "
            f"(for an SFT start: python train.py method=sft model={cfg.model.name}; a multirun lists sft before it)")
    return init


def run_prepare_steps(cfg: DictConfig) -> dict[str, str]:
    """Run ``method.prepare``: named steps that write the data a method trains on (teacher dialogues,
    rejected responses, best-of-n targets, thinking traces) as files under the run directory.

    Each step is a ``_partial_`` callable returning the path it wrote; steps cache their own work, so
    a re-run or a resumed run reuses what is there.
    """
    written = {}
    for name, step in (cfg.method.get("prepare") or {}).items():
        log.info("method %s: preparing %s", cfg.method.name, name)
        written[name] = str(instantiate(step)())
        log.info("method %s: %s -> %s", cfg.method.name, name, written[name])
    return written


def write_record(cfg: DictConfig) -> None:
    """The run's ``config.yaml`` (what evaluation reads back), written once the run has succeeded."""
    (Path(cfg.run_dir) / "config.yaml").write_text(OmegaConf.to_yaml(cfg, resolve=True))


def checkpoint_step(ckpt_path: Path) -> int:
    """The optimizer steps a Lightning checkpoint (a file, or DeepSpeed's directory) has trained."""
    import torch

    if ckpt_path.is_dir():  # DeepSpeed: Lightning's state sits beside the shards
        ckpt_path = sorted((ckpt_path / "checkpoint").glob("*model_states.pt"))[0]
    return int(torch.load(ckpt_path, map_location="cpu", weights_only=False, mmap=True)["global_step"])


def resume_limits(cfg: DictConfig, ckpt_path: Path | None) -> dict:
    """Trainer overrides of a resumed run: a ``trainer.max_steps`` above the checkpoint's steps is trained to,
    whatever epochs the checkpoint has done (``max_epochs`` is lifted); one at or below them is an error."""
    max_steps = cfg.trainer.get("max_steps", -1)
    if ckpt_path is None or max_steps is None or max_steps < 0:
        return {}
    done = checkpoint_step(ckpt_path)
    if done >= max_steps:
        raise ConfigError(f"resume=true: {ckpt_path} has trained {done} steps, trainer.max_steps={max_steps} leaves "
                          f"nothing to train; raise it (e.g. trainer.max_steps={done + max(done, 1)})")
    log.info("resume=true: training from step %d to trainer.max_steps=%d (max_epochs lifted)", done, max_steps)
    return {"max_epochs": -1}


# The groups a train run instantiates from ``_target_`` nodes: their keywords are checked before anything runs.
INSTANTIATED = ("method", "trainer", "callbacks", "logger", "generation", "llm", "embedder")


def train(cfg: DictConfig) -> dict[str, float]:
    """Train ``cfg.method`` on ``cfg.model``; returns the final logged metrics."""
    for key in INSTANTIATED:  # a misspelt keyword fails here, not after the prepare steps
        check_targets(cfg.get(key), key)
    check_trainer(cfg.trainer)  # trainer.max_steps=abc fails here, before any weights load
    check_int(cfg.data.get("train_limit"), "data.train_limit", "64")
    check_int(cfg.seed, "seed", "0")
    if before_launch(cfg):  # plan=true: print the memory / step-time plan and stop; a GPU plan that cannot fit stops
        return {}
    check_checkpoint_kind(cfg)
    L.seed_everything(cfg.seed, workers=True)
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    model_path = init_model(cfg)
    run_prepare_steps(cfg)
    if cfg.method.get("module") is None:  # nothing to fit (ICL): the prepare steps made the RPM
        write_record(cfg)
        log.info("method %s trains no weights; its RPM is described in %s", cfg.method.name, run_dir / "config.yaml")
        return {}
    build = instantiate(cfg.method.module)
    extra = {}
    if "chat_template" in inspect.signature(build).parameters:  # RPM methods; CoRL's modules keep their template
        extra["chat_template"] = cfg.model.get("chat_template")
    module = build(model_path=model_path, dtype=training_dtype(cfg),
                   lora=OmegaConf.to_container(cfg.model.lora) if cfg.model.lora else None, **extra)
    datamodule = instantiate(cfg.method.datamodule)
    datamodule.connect(module.tokenizer)
    ckpt_path = None
    overrides = {}
    if cfg.resume or requeued():  # a requeued SLURM job continues from what its last attempt saved
        ckpt_path = last_checkpoint(run_dir)
        log.info("resuming from %s", ckpt_path) if ckpt_path else log.warning("resume=true but no checkpoint in %s", run_dir)
        overrides = resume_limits(cfg, ckpt_path)
    with closing_wandb():
        logger = build_logger(cfg)
        callbacks = build_callbacks(cfg, logger)
        if under_submitit_slurm():  # SLURM's pre-emption signal: save, then requeue (remid.run.requeue)
            callbacks.append(SaveThenRequeue(run_dir / "checkpoints"))
            if not cfg.trainer.get("plugins"):  # Lightning's default SLURMEnvironment would requeue too
                overrides["plugins"] = cluster_plugins()
        trainer: L.Trainer = instantiate(cfg.trainer, logger=logger, callbacks=callbacks, **overrides)
        trainer.fit(module, datamodule=datamodule, ckpt_path=ckpt_path)
    write_record(cfg)
    return {k: float(v) for k, v in trainer.callback_metrics.items()}
