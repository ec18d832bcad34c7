"""From per-sample judgments to the judge report stored per subset in results.json.

Each judge yields a ``JudgeScores``: per sample its WinRate outcome (the mean of the valid orders,
or None) and its PointScore (or None). ``build_report`` averages them into one report:

* **per judge**: WinRate and PointScore over the samples it judged validly (None when it judged none),
  its missing counts and its position-inconsistent pairs;
* **ensemble**: per sample, the mean over the judges with a valid value; then the mean over samples
  with at least one (with no missing judgments this equals the mean of the per-judge values);
  ``missing`` counts the samples no judge scored; 95% percentile-bootstrap intervals resample those
  samples (numpy, seeded).

The schema (``REPORT_KEYS``, ``PER_JUDGE_KEYS``)::

    {"label": str, "judges": [name, ...], "win_rate": float | None, "win_rate_ci": [lo, hi],
     "point_score": float | None, "point_score_ci": [lo, hi], "n": int,
     "missing": {"win_rate": int, "point_score": int},
     "per_judge": {name: {"win_rate": float | None, "point_score": float | None, "missing_win_rate": int,
                          "missing_point_score": int, "inconsistent": int}}}

An interval is ``[None, None]`` when no sample has a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

REPORT_KEYS = ("label", "judges", "win_rate", "win_rate_ci", "point_score", "point_score_ci", "n", "missing",
               "per_judge")
PER_JUDGE_KEYS = ("win_rate", "point_score", "missing_win_rate", "missing_point_score", "inconsistent")


@dataclass
class JudgeScores:
    """One judge's per-sample outcomes: ``win[i]`` in {0, 0.25, 0.5, 0.75, 1} or None (missing),
    ``point[i]`` in [1, 10] or None; ``inconsistent`` counts samples whose two orders disagreed."""

    name: str
    win: list[float | None] = field(default_factory=list)
    point: list[float | None] = field(default_factory=list)
    inconsistent: int = 0

    def add_pair(self, model_first: float | None, model_second: float | None) -> None:
        """Record one sample's two orders (model as A, model as B): their mean, or the one valid order."""
        valid = [v for v in (model_first, model_second) if v is not None]
        if len(valid) == 2 and model_first != model_second:
            self.inconsistent += 1
        self.win.append(sum(valid) / len(valid) if valid else None)

    def summary(self) -> dict[str, Any]:
        """This judge's entry of ``per_judge``."""
        return {"win_rate": mean_or_none(self.win), "point_score": mean_or_none(self.point),
                "missing_win_rate": sum(v is None for v in self.win),
                "missing_point_score": sum(v is None for v in self.point),
                "inconsistent": self.inconsistent}


def mean_or_none(values: Sequence[float | None]) -> float | None:
    """The mean of the values that are not None, or None when there are none."""
    valid = [v for v in values if v is not None]
    return float(np.mean(valid)) if valid else None


def bootstrap_ci(values: Sequence[float], n_boot: int = 1000, seed: int = 0,
                 level: float = 0.95) -> list[float | None]:
    """Percentile-bootstrap interval of the mean of ``values`` (resampled with replacement, seeded)."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return [None, None]
    if n_boot < 1 or not 0 < level < 1:
        raise ValueError(f"n_boot must be >= 1 and level in (0, 1), got {n_boot}, {level}")
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(n_boot, data.size))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return [float(lo), float(hi)]


def _per_sample(columns: list[list[float | None]], n: int) -> list[float | None]:
    """Per sample, the mean over the judges that have a value there."""
    return [mean_or_none([column[i] for column in columns]) for i in range(n)]


def build_report(label: str, scores: Sequence[JudgeScores], n: int, n_boot: int = 1000,
                 seed: int = 0) -> dict[str, Any]:
    """The report (module docstring) of ``scores`` over ``n`` samples."""
    for judge in scores:
        if len(judge.win) != n or len(judge.point) != n:
            raise ValueError(f"judge {judge.name!r} scored {len(judge.win)} pairs and {len(judge.point)} points "
                             f"for {n} samples")
    names = [judge.name for judge in scores]
    if len(set(names)) != len(names):
        raise ValueError(f"judge names must be unique, got {names}")
    win = _per_sample([judge.win for judge in scores], n)
    point = _per_sample([judge.point for judge in scores], n)
    win_valid = [v for v in win if v is not None]
    point_valid = [v for v in point if v is not None]
    return {
        "label": label,
        "judges": names,
        "win_rate": mean_or_none(win_valid),
        "win_rate_ci": bootstrap_ci(win_valid, n_boot, seed),
        "point_score": mean_or_none(point_valid),
        "point_score_ci": bootstrap_ci(point_valid, n_boot, seed),
        "n": n,
        "missing": {"win_rate": n - len(win_valid), "point_score": n - len(point_valid)},
        "per_judge": {judge.name: judge.summary() for judge in scores},
    }
