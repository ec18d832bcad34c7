"""Pieces both entry points share: loggers, validation of config choices."""

from __future__ import annotations

from contextlib import contextmanager

from hydra.utils import instantiate
from omegaconf import DictConfig

from remid.validation import ConfigError, check_choice

__all__ = ["ConfigError", "build_logger", "check_choice", "closing_wandb"]


def build_logger(cfg: DictConfig):
    """The configured Lightning logger, or ``False`` for ``logger=none``."""
    return instantiate(cfg.logger) if cfg.get("logger") else False


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
