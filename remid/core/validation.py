"""Validation of configuration values shared by the library and the entry points."""

from __future__ import annotations

from collections.abc import Iterable


class ConfigError(ValueError):
    """A configuration value outside its allowed set."""


def check_choice(value, allowed: Iterable, key: str) -> None:
    """Fail at start-up, listing the valid values, when ``value`` is not allowed for ``key``."""
    allowed = list(allowed)
    if value not in allowed:
        raise ConfigError(f"{key}={value!r} is not valid; choose one of {allowed}")


def check_int(value, key: str, example: str = "10") -> None:
    """Fail at start-up when ``key`` holds something other than an integer (or null)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{key}={value!r} is not an integer; give one, e.g. {key}={example}")


# Trainer keys Lightning reads as integers (checked before any weights load).
TRAINER_INTS = ("max_steps", "max_epochs", "devices", "num_nodes", "accumulate_grad_batches", "log_every_n_steps",
                "num_sanity_val_steps")


def check_trainer(trainer) -> None:
    """The trainer group's integer keys are integers (``trainer.devices`` may also be "auto")."""
    for key in TRAINER_INTS:
        value = (trainer or {}).get(key)
        if not (key == "devices" and value == "auto"):
            check_int(value, f"trainer.{key}")
