"""What the side-by-side benchmarks share: measured runs, a step clock, peak memory per side, alternating rounds,
the machine's load, quiet libraries. ``train_throughput.py`` uses it (scripts in ``benchmarks/`` import it by name)."""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from typing import NamedTuple


class Measured(NamedTuple):
    """One run's measured steps (after warm-up): their count, wall seconds, non-pad tokens, one extra figure."""

    steps: int
    seconds: float
    tokens: int
    extra: float = 0.0

    @property
    def rate(self) -> float:
        return self.tokens / self.seconds

    @property
    def step_s(self) -> float:
        return self.seconds / self.steps


class Row(NamedTuple):
    name: str
    steps: int  # measured steps per side, all rounds
    ours: float
    trl: float
    ratio: float  # > 1: ours is faster
    per_round: str  # the ratio's range over rounds
    notes: str


@dataclass
class Clock:
    """Wall time and non-pad tokens at the end of every optimizer step."""

    ends: list[float] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    pending: int = 0

    def tick(self) -> None:
        self.ends.append(time.perf_counter())
        self.tokens.append(self.pending)
        self.pending = 0

    def measured(self, warmup: int) -> tuple[int, float, int]:
        """``(steps, seconds, tokens)`` over the steps after the first ``warmup``."""
        if len(self.ends) <= warmup:
            raise RuntimeError(f"only {len(self.ends)} steps ran, {warmup} of them warm-up")
        return len(self.ends) - warmup, self.ends[-1] - self.ends[warmup - 1], sum(self.tokens[warmup:])


PEAKS: dict[str, list[float]] = {"ours": [], "trl": []}  # peak resident GiB of each run, per side


def with_peak(side: str, run):
    """Run ``run()`` with the process's peak resident set reset first (Linux ``clear_refs`` 5); note its peak."""
    from remid.plan.measure import peak_rss_bytes

    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:  # not Linux: the peak is the process's so far
        pass
    result = run()
    PEAKS[side].append(peak_rss_bytes() / 2**30)
    return result


def peak_note() -> str:
    ours, trl = (max(PEAKS[k]) if PEAKS[k] else float("nan") for k in ("ours", "trl"))
    for values in PEAKS.values():
        values.clear()
    return f"; peak RSS {ours:.2f} vs {trl:.2f} GiB"


def alternate(rounds: int, ours, trl) -> tuple[list[Measured], list[Measured]]:
    """``rounds`` runs of each side, ours first in even rounds and TRL first in odd ones (a shared machine's
    load drifts: alternating keeps the drift from favouring one side)."""
    mine, theirs = [], []
    for r in range(rounds):
        for name, run, out in (("ours", ours, mine), ("trl", trl, theirs)) if r % 2 == 0 else \
                (("trl", trl, theirs), ("ours", ours, mine)):
            out.append(with_peak(name, lambda run=run, r=r: run(r)))
    return mine, theirs


def pooled(runs: list[Measured]) -> Measured:
    """All rounds as one run (total steps, seconds, tokens; ``extra`` averaged)."""
    return Measured(sum(m.steps for m in runs), sum(m.seconds for m in runs), sum(m.tokens for m in runs),
                    sum(m.extra for m in runs) / len(runs))


def spread(ratios: list[float]) -> str:
    return f"{min(ratios):.2f}-{max(ratios):.2f}x" if len(ratios) > 1 else "-"


def load_line(cores: int) -> str:
    load = os.getloadavg()
    warn = (f"  WARNING: above the {cores} cores: others are running and timings are unreliable (threads that wait "
            "for each other suffer most: --threads 1 is steadier)") if load[0] > cores else ""
    return f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} (1, 5, 15 min){warn}"


def quiet() -> None:
    """No progress bars or start-up notices from datasets, transformers and Lightning."""
    import logging

    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    for name in ("lightning.pytorch", "lightning.fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
