"""Pieces the entry points share: logger and callbacks from their groups, validation of config choices."""

from __future__ import annotations

from contextlib import contextmanager

from hydra.utils import instantiate
from omegaconf import DictConfig

from remid.core.validation import ConfigError, check_choice

__all__ = ["ConfigError", "build_logger", "check_choice", "closing_wandb"]


def build_logger(cfg: DictConfig):
    """The configured Lightning logger, or ``False`` for ``logger=null`` (``logger=none`` is an alias)."""
    return instantiate(cfg.logger) if cfg.get("logger") else False


def build_callbacks(cfg: DictConfig, logger) -> list:
    """The ``callbacks`` group's callbacks (a null entry is left out; the LR monitor too when there is no logger,
    and the progress bar under ``trainer.enable_progress_bar=false``)."""
    from lightning.pytorch.callbacks import LearningRateMonitor, ProgressBar

    bar = (cfg.get("trainer") or {}).get("enable_progress_bar", True)
    callbacks = [instantiate(node) for node in (cfg.get("callbacks") or {}).values() if node]
    return [c for c in callbacks if (logger or not isinstance(c, LearningRateMonitor))
            and (bar or not isinstance(c, ProgressBar))]


@contextmanager
def closing_wandb():
    """Close a W&B run even when the job fails, so one failed job does not sink a multirun."""
    try:
        yield
    finally:
        import sys

        if "wandb" in sys.modules:
            import wandb

            if wandb.run is not None:
                wandb.finish()


def code_version() -> str:
    """The git commit remid runs from (``<sha>``, ``<sha>-dirty`` when tracked files differ from it), or remid's
    package version outside a git checkout: the stamp of every table a recipe writes."""
    import subprocess
    from importlib.metadata import version
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"remid {version('remid')}"
    return sha + ("-dirty" if dirty else "")


def command_line(script: str) -> str:
    """``python <script> <overrides>`` of the running Hydra job (the command that made its outputs), or just
    ``python <script>`` outside one."""
    from hydra.core.hydra_config import HydraConfig

    overrides = list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []
    return " ".join(["python", script, *(f"'{o}'" if any(c in o for c in " []\"'") else o for o in overrides)])
