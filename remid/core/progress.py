"""Progress bars that stay readable in piped logs.

On a terminal a bar redraws in place; written to a file or a pipe every redraw is a new line (a
576-sample evaluation logged one per scored row). Off a terminal the bars here redraw at most every
``PIPED_INTERVAL`` seconds, plus once when they finish.
"""

from __future__ import annotations

import sys
import time
from typing import IO

from lightning.pytorch.callbacks import TQDMProgressBar
from tqdm.auto import tqdm

PIPED_INTERVAL = 30.0  # seconds between two redraws of a bar whose stream is not a terminal


def is_terminal(stream: IO | None) -> bool:
    """Whether ``stream`` is an interactive terminal (a closed or odd stream counts as not)."""
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def progress_bar(total: int | None = None, desc: str | None = None, unit: str = "it", **kwargs) -> tqdm:
    """A ``tqdm`` bar on stderr; off a terminal it redraws at most every ``PIPED_INTERVAL`` seconds."""
    stream = kwargs.get("file") or sys.stderr
    if not is_terminal(stream):
        kwargs.setdefault("mininterval", PIPED_INTERVAL)
        kwargs.setdefault("maxinterval", 10 * PIPED_INTERVAL)
    return tqdm(total=total, desc=desc, unit=unit, **kwargs)


class LogFriendlyProgressBar(TQDMProgressBar):
    """Lightning's tqdm bar, redrawn every ``refresh_rate`` steps on a terminal and at most every
    ``piped_interval`` seconds (and at the end of each loop) when stdout is a file or a pipe."""

    def __init__(self, refresh_rate: int = 1, piped_interval: float = PIPED_INTERVAL, **kwargs) -> None:
        super().__init__(refresh_rate=refresh_rate, **kwargs)
        self.piped_interval = piped_interval
        self._last_draw = float("-inf")

    def _should_update(self, current: int, total: int) -> bool:
        if is_terminal(sys.stdout):
            return super()._should_update(current, total)
        if not self.is_enabled:
            return False
        now = time.monotonic()
        if current == total or now - self._last_draw >= self.piped_interval:
            self._last_draw = now
            return True
        return False


def progress_callbacks(enable_progress_bar: bool, piped_interval: float = PIPED_INTERVAL) -> list[TQDMProgressBar]:
    """The Trainer callbacks for ``trainer.enable_progress_bar``: a ``LogFriendlyProgressBar`` or none
    (Lightning refuses a progress-bar callback when the flag is off)."""
    return [LogFriendlyProgressBar(piped_interval=piped_interval)] if enable_progress_bar else []
