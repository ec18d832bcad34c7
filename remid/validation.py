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
