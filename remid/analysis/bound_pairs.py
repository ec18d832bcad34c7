"""Theorem 3.4's bound against the measured R-EMID: per shift family (table 13) and as the sample size grows
(figure 5a), over (model, subset) pairs of ``remid.analysis.correlations``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np

from remid.analysis.correlations import (
    FAMILY_NAMES,
    FAMILY_OF,
    Correlation,
    Pairs,
    Sourced,
    add_point,
    as_float,
    estimates,
)
from remid.evaluation.results import SubsetEstimate


def bound_value(est: SubsetEstimate) -> float | None:
    """The theorem 3.4 bound on R-EMID of one subset (``bound["value"]``), or None."""
    return as_float((est.bound or {}).get("value"))


def bound_vs_remid(results: Sourced | Iterable[Sourced], family: str | None = None) -> Pairs:
    """Figure 5b / table 13: bound vs R-EMID over the shifted subsets (of one shift family when given)."""
    name = f"Bound vs R-EMID ({FAMILY_NAMES[family]})" if family else "Bound vs R-EMID"
    pairs = Pairs(name, "R-EMID upper bound", "R-EMID")
    for model, est, source in estimates(results, shifted_only=True):
        if family is None or FAMILY_OF.get(est.subset) == family:
            add_point(pairs, model, est, source, bound_value(est), as_float(est.r_emid),
                 "no bound" if est.bound is None else "no R-EMID or bound value")
    return pairs


def table13(results: Sourced | Iterable[Sourced]) -> dict[str, Pairs]:
    """Table 13: bound vs R-EMID per shift family (``user``, ``character``, ``dialogue``) and over ``all``."""
    out = {family: bound_vs_remid(results, family) for family in FAMILY_NAMES}
    out["all"] = bound_vs_remid(results)
    return out


@dataclass
class CurveStep:
    """Figure 5a at one sample size: the bound-vs-R-EMID correlation and both means over the pairs."""

    n: int
    pairs: Pairs
    correlation: Correlation
    mean_bound: float | None
    mean_r_emid: float | None

    def as_dict(self) -> dict:
        return {"n": self.n, "correlation": self.correlation.as_dict(), "mean_bound": self.mean_bound,
                "mean_r_emid": self.mean_r_emid, "points": [asdict(p) for p in self.pairs.points]}


def bound_curve(results: Sourced | Iterable[Sourced]) -> list[CurveStep]:
    """Figure 5a: at each sample size n of the bounds' ``curve`` entries, the correlation of the bound with
    R-EMID over every (model, shifted subset) where the estimator is not flagged uninformative (an entry
    without its own ``r_emid`` uses the subset's)."""
    by_n: dict[int, Pairs] = {}
    for model, est, source in estimates(results, shifted_only=True):
        for entry in (est.bound or {}).get("curve") or []:
            n = int(entry["n"])
            pairs = by_n.setdefault(n, Pairs(f"Bound vs R-EMID at n = {n}", "R-EMID upper bound", "R-EMID"))
            r_emid = as_float(entry.get("r_emid"))
            add_point(pairs, model, est, source, as_float(entry.get("bound")), r_emid if r_emid is not None
                 else as_float(est.r_emid), "no bound or R-EMID at this n")
    steps = []
    for n in sorted(by_n):
        pairs = by_n[n]  # the means are over the pairs correlated (kept: the estimator is informative there)
        xs = [p.x for p in pairs.kept if math.isfinite(p.x)]
        ys = [p.y for p in pairs.kept if math.isfinite(p.y)]
        steps.append(CurveStep(n, pairs, pairs.correlation(), float(np.mean(xs)) if xs else None,
                               float(np.mean(ys)) if ys else None))
    return steps
