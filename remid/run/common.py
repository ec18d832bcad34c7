"""Pieces the entry points share: logger and callbacks from their groups, validation of config choices."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

from hydra.utils import instantiate
from omegaconf import DictConfig


class ConfigError(ValueError):
    """A configuration value outside its allowed set."""


def check_choice(value, allowed: Iterable, key: str) -> None:
    """Fail at start-up, listing the valid values, when ``value`` is not allowed for ``key``."""
    allowed = list(allowed)
    if value not in allowed:
        raise ConfigError(f"{key}={value!r} is not valid; choose one of {allowed}")


def build_logger(cfg: DictConfig):
    """The configured Lightning logger, or ``False`` for ``logger=null`` (``logger=none`` is an alias)."""
    return instantiate(cfg.logger) if cfg.get("logger") else False


def build_callbacks(cfg: DictConfig, logger) -> list:
    """The ``callbacks`` group's callbacks (a null entry is left out; the LR monitor too when there is no logger)."""
    from lightning.pytorch.callbacks import LearningRateMonitor

    callbacks = [instantiate(node) for node in (cfg.get("callbacks") or {}).values() if node]
    return [c for c in callbacks if logger or not isinstance(c, LearningRateMonitor)]


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
