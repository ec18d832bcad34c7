"""Correlations behind the paper's validation analyses, collected from the results format. Pure (no I/O).

Every collector walks the (model, subset) pairs of one or more evaluations (``EvaluationResults``,
optionally tagged with the results.json path they came from, so each point stays traceable) and
returns ``Pairs``: the points it could form and, for each pair it could not, why.

- figure 4 (a-d): EMI / R-EMI vs WinRate on every subset (ID included) and EMID / R-EMID vs the WinRate
  difference WinRate(ID) - WinRate(subset) on the shifted subsets (an EMI baseline is the same format,
  ``python evaluate.py estimator=emi``: its ``r_emi`` field holds EMI);
- table 13 and figure 5b: the theorem 3.4 bound vs R-EMID, over all shifts and per shift family;
- figure 5a: the same correlation at growing sample sizes n, from each bound's ``curve`` entries;
- figures 2, 9, 10: judge scores (WinRate, PointScore) vs shift severity D_JS(P_X || Q_X)
  (``divergence["input"]``).

``correlate`` gives Pearson's and Spearman's coefficients with two-sided p-values (scipy.stats) over
the finite pairs; with fewer than 3 of them, or a constant side, both coefficients are None and
``reason`` says why. Each point carries its subset's ``informative`` flag: a pair whose axis is the
estimator's (R-EMI, R-EMID, the bound) is left out of the correlation where the estimator is not informative
(``Correlation.excluded`` counts them); results without the flag (None) keep every pair.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from remid.core.schema import EVAL_SUBSETS, SHIFT_FAMILIES
from remid.evaluation.results import EvaluationResults, ModelResults, SubsetEstimate

MIN_PAIRS = 3
EXCLUDED_WHY = "estimator not informative"
FAMILY_OF = {subset: family for family, subsets in SHIFT_FAMILIES.items() for subset in subsets}
# Table 12's names of the shifted subsets ("ID -> DE", ...) and shift families.
SHIFT_NAMES = {"id": "ID", "german": "DE", "spanish": "ES", "chinese": "ZH", "japanese": "JA", "korean": "KO",
               "literature": "Literature", "film": "Film", "theater": "Theater", "gaming": "Gaming",
               "turn_level": "TurnLevel", "word_level": "WordLevel"}
FAMILY_NAMES = {"user": "User Shift", "character": "Character Shift", "dialogue": "Dialogue Compositional Shift"}
JUDGE_SCORES = {"win_rate": "WinRate", "point_score": "PointScore"}
# A results object, or one tagged with the results.json it was read from.
Sourced = EvaluationResults | tuple[EvaluationResults, str | None]


@dataclass
class Correlation:
    """Pearson and Spearman coefficients with two-sided p-values over ``n`` finite pairs.

    ``dropped`` pairs had a non-finite side; ``excluded`` pairs came from subsets where the estimator is not
    informative and were left out before correlating. When fewer than 3 pairs remain or a side is constant
    the coefficients and p-values are None and ``reason`` says why.
    """

    n: int
    pearson: float | None = None
    pearson_p: float | None = None
    spearman: float | None = None
    spearman_p: float | None = None
    dropped: int = 0
    reason: str | None = None
    excluded: int = 0

    @property
    def ok(self) -> bool:
        return self.reason is None

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """``Pearson r = 0.912 (p = 3e-05), Spearman ρ = 0.881 (p = 0.0002), n = 12`` or the reason, and
        ``; 2 excluded (estimator not informative)`` when pairs were left out."""
        if not self.ok:
            return f"n = {self.n}: {self.reason}{self.excluded_note()}"
        return (f"Pearson r = {self.pearson:.3f} (p = {format_p(self.pearson_p)}), Spearman ρ = "
                f"{self.spearman:.3f} (p = {format_p(self.spearman_p)}), n = {self.n}{self.excluded_note()}")

    def excluded_note(self) -> str:
        """``; 2 excluded (estimator not informative)``, or "" when no pair was left out."""
        return f"; {self.excluded} excluded ({EXCLUDED_WHY})" if self.excluded else ""


def format_p(p: float | None) -> str:
    """A p-value in two significant digits (``<1e-300`` for an underflow to 0)."""
    if p is None or not math.isfinite(p):
        return "–"
    return "<1e-300" if p == 0 else f"{p:.2g}"


def correlate(x: Sequence[float | None], y: Sequence[float | None]) -> Correlation:
    """Pearson and Spearman (scipy.stats) over the pairs whose both sides are finite numbers."""
    from scipy import stats

    if len(x) != len(y):
        raise ValueError(f"paired lists differ in length: {len(x)} vs {len(y)}")
    finite = [(float(a), float(b)) for a, b in zip(x, y, strict=True) if _finite(a) and _finite(b)]
    out = Correlation(n=len(finite), dropped=len(x) - len(finite))
    if len(finite) < MIN_PAIRS:
        out.reason = f"fewer than {MIN_PAIRS} finite pairs (n = {len(finite)})"
        return out
    xs, ys = np.array([a for a, _ in finite]), np.array([b for _, b in finite])
    constant = [name for name, v in (("x", xs), ("y", ys)) if np.ptp(v) == 0]
    if constant:
        out.reason = f"{' and '.join(constant)} constant: a correlation is undefined"
        return out
    pearson, spearman = stats.pearsonr(xs, ys), stats.spearmanr(xs, ys)
    out.pearson, out.pearson_p = float(pearson.statistic), float(pearson.pvalue)
    out.spearman, out.spearman_p = float(spearman.statistic), float(spearman.pvalue)
    return out


def _finite(value) -> bool:
    return isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(float(value))


@dataclass(frozen=True)
class Point:
    """One (model, subset) pair: ``x`` and ``y``, the results.json it came from and whether the estimator is
    informative on the subset (``SubsetEstimate.informative``; None: not checked or not recorded)."""

    model: str
    method: str
    subset: str
    x: float
    y: float
    source: str | None = None
    informative: bool | None = None


@dataclass
class Pairs:
    """The points of one analysis and, for each (model, subset) that gave none, why (``missing``).

    ``excludes_uninformative``: an axis is the estimator's, so points where it is not informative are left out
    of the correlation (``kept``); False where neither axis is (judge score vs shift severity).
    """

    name: str
    x_label: str
    y_label: str
    points: list[Point] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    excludes_uninformative: bool = True

    @property
    def kept(self) -> list[Point]:
        """The points correlated: all but those where the estimator is not informative (when excluded)."""
        return [p for p in self.points if not (self.excludes_uninformative and p.informative is False)]

    @property
    def x(self) -> list[float]:
        return [p.x for p in self.points]

    @property
    def y(self) -> list[float]:
        return [p.y for p in self.points]

    def correlation(self) -> Correlation:
        kept = self.kept
        out = correlate([p.x for p in kept], [p.y for p in kept])
        out.excluded = len(self.points) - len(kept)
        return out

    def as_dict(self) -> dict:
        return {"name": self.name, "x": self.x_label, "y": self.y_label, "correlation": self.correlation().as_dict(),
                "points": [asdict(p) for p in self.points], "missing": self.missing}


def sourced(results: Sourced | Iterable[Sourced]) -> list[tuple[EvaluationResults, str | None]]:
    """Normalise one or several results (each maybe tagged with its path) to ``[(results, path), ...]``."""
    if isinstance(results, EvaluationResults) or _is_tagged(results):
        results = [results]
    return [item if _is_tagged(item) else (item, None) for item in results]


def _is_tagged(item) -> bool:
    return (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], EvaluationResults)
            and (item[1] is None or isinstance(item[1], str)))


def estimates(results: Sourced | Iterable[Sourced], shifted_only: bool = False
              ) -> Iterator[tuple[ModelResults, SubsetEstimate, str | None]]:
    """Every (model, subset estimate, source) in table 20 column order; ``shifted_only`` leaves ID out."""
    for res, source in sourced(results):
        for model in res.models:
            for subset in EVAL_SUBSETS:
                est = model.subsets.get(subset)
                if est is not None and not (shifted_only and subset == "id"):
                    yield model, est, source


def as_float(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _judge(est: SubsetEstimate | None, score: str) -> float | None:
    return as_float((est.judge or {}).get(score)) if est is not None else None


def add_point(pairs: Pairs, model: ModelResults, est: SubsetEstimate, source: str | None,
         x: float | None, y: float | None, why: str) -> None:
    if x is None or y is None:
        pairs.missing.append(f"{model.name} {est.subset}: {why}")
    else:
        pairs.points.append(Point(model.name, model.method, est.subset, x, y, source, est.informative))


def remi_vs_winrate(results: Sourced | Iterable[Sourced], metric: str = "R-EMI") -> Pairs:
    """Figure 4c (4a for EMI results): R-EMI (EMI) vs WinRate on every subset, ID included."""
    pairs = Pairs(f"{metric} vs WinRate", metric, "WinRate")
    for model, est, source in estimates(results):
        add_point(pairs, model, est, source, as_float(est.r_emi), _judge(est, "win_rate"), "no judge WinRate")
    return pairs


def information_share_vs_winrate(results: Sourced | Iterable[Sourced]) -> Pairs:
    """I(X_R; Y_model) / I(X_R; Y_ref) vs WinRate on the subsets where the estimator is informative.

    Not one of the paper's figures: R-EMI is the difference of the two terms, so it also scales with how
    much the estimator reads from x on a subset at all. The share of the golden responses' information the
    RPM's responses carry removes that scale; where the estimator is not informative (``informative`` not
    True) or I(X_R; Y_ref) <= 0, the ratio means nothing and the pair is left out, with the reason.
    """
    pairs = Pairs("I(X_R; Y_model) / I(X_R; Y_ref) vs WinRate", "I(X_R; Y_model) / I(X_R; Y_ref)", "WinRate")
    for model, est, source in estimates(results):
        usable = est.informative is True and _finite(est.mi_ref) and est.mi_ref > 0
        share = float(est.mi_model) / float(est.mi_ref) if usable and _finite(est.mi_model) else None
        why = "estimator not informative on it" if not usable else "no judge WinRate"
        add_point(pairs, model, est, source, share, _judge(est, "win_rate"), why)
    return pairs


def remid_vs_winrate_drop(results: Sourced | Iterable[Sourced], metric: str = "R-EMID") -> Pairs:
    """Figure 4d (4b for EMID): R-EMID vs WinRate(ID) - WinRate(subset) on the shifted subsets."""
    pairs = Pairs(f"{metric} vs WinRate difference", metric, "WinRate(ID) - WinRate(OOD)")
    for model, est, source in estimates(results, shifted_only=True):
        wid, wood = _judge(model.subsets.get("id"), "win_rate"), _judge(est, "win_rate")
        drop = None if wid is None or wood is None else wid - wood
        why = "no R-EMID (no ID subset)" if est.r_emid is None else "no judge WinRate on it or on ID"
        add_point(pairs, model, est, source, as_float(est.r_emid), drop, why)
    return pairs


def figure4_pairs(remi: Sourced | Iterable[Sourced], emi: Sourced | Iterable[Sourced] | None = None
                  ) -> dict[str, Pairs]:
    """Figure 4's four panels: ``4a`` EMI vs WinRate, ``4b`` EMID vs WinRate difference, ``4c``/``4d`` the same
    for R-EMI / R-EMID. Without EMI baseline results panels a and b are empty and say so."""
    out = {}
    if emi is None:
        out["4a"], out["4b"] = (Pairs("EMI vs WinRate", "EMI", "WinRate", missing=["no EMI baseline results"]),
                                Pairs("EMID vs WinRate difference", "EMID", "WinRate(ID) - WinRate(OOD)",
                                      missing=["no EMI baseline results"]))
    else:
        out["4a"], out["4b"] = remi_vs_winrate(emi, "EMI"), remid_vs_winrate_drop(emi, "EMID")
    out["4c"], out["4d"] = remi_vs_winrate(remi), remid_vs_winrate_drop(remi)
    return out


def severity_pairs(results: Sourced | Iterable[Sourced], score: str = "win_rate", family: str | None = None) -> Pairs:
    """Figures 2 / 10 (WinRate) and 9 (PointScore): judge score vs D_JS(P_X || Q_X) on the shifted subsets."""
    if score not in JUDGE_SCORES:
        raise ValueError(f"unknown judge score {score!r}; expected one of {sorted(JUDGE_SCORES)}")
    suffix = f" ({FAMILY_NAMES[family]})" if family else ""
    pairs = Pairs(f"{JUDGE_SCORES[score]} vs shift severity{suffix}", "D_JS(P_X || Q_X) [nats]", JUDGE_SCORES[score],
                  excludes_uninformative=False)  # neither axis is the estimator's: every pair is correlated
    for model, est, source in estimates(results, shifted_only=True):
        if family is None or FAMILY_OF.get(est.subset) == family:
            severity = as_float((est.divergence or {}).get("input"))
            why = "no divergence" if severity is None else f"no judge {JUDGE_SCORES[score]}"
            add_point(pairs, model, est, source, severity, _judge(est, score), why)
    return pairs


def coverage(results: Sourced | Iterable[Sourced]) -> dict[str, dict[str, int]]:
    """How many subsets carry each analysis: ``{field: {"present": k, "expected": n}}`` (divergence and bound
    are expected on the shifted subsets, the judge on every subset)."""
    out = {name: {"present": 0, "expected": 0} for name in ("divergence", "bound", "judge")}
    for _, est, _ in estimates(results):
        for name in out:
            if name != "judge" and est.subset == "id":
                continue
            out[name]["expected"] += 1
            out[name]["present"] += getattr(est, name) is not None
    return out
