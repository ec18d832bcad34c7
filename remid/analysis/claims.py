"""The paper's comparative findings as paired bootstrap tests on one evaluation's N x N matrices.

Two contrasts, each a difference of R-EMID (definition 3.3) with its 95% percentile interval, a two-sided
bootstrap p-value and, where the interval holds 0, the N that would resolve the measured difference:

- ``family_gap``: shift family a against family b (finding 1, "user shift poses the greatest risk":
  a = user, b = character or dialogue). The mean R-EMID over a's subsets minus b's; the ID term cancels,
  so it is the mean R-EMI over b's subsets minus a's.
- ``method_gap``: RPM a against RPM b on the same samples (finding 2, "RL offers consistent gains over
  SFT"). Mean R-EMID over the OOD subsets of b minus a's (positive: a degrades less); the reference terms
  cancel per subset, so it is a difference of equation 2's I(X_R; Y_model) terms.

Subsets are resampled independently (seed + the subset's index in ``EVAL_SUBSETS``); within a subset every
matrix shares the resample (``remid.estimators.club.bootstrap_draws`` with one seed), so the contrasts are
paired wherever the samples are shared. The interval's width shrinks as 1/sqrt(N), so a difference d whose
interval reaches w below it (w >= |d| while it holds 0) is resolved at about N (w / d)^2 samples per subset.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from remid.core.atomic import write_text_atomic
from remid.core.schema import EVAL_SUBSETS, SHIFT_FAMILIES
from remid.estimators.club import bootstrap_draws, club_mi, interval

Matrices = dict[str, tuple[np.ndarray, np.ndarray]]  # subset -> (logp_model, logp_ref), [N, N] each


def _draws(logp: np.ndarray, subset: str, n_boot: int, seed: int, form: str) -> np.ndarray:
    return bootstrap_draws(logp, n_boot, seed + EVAL_SUBSETS.index(subset), form)


def _r_emi(mats: Matrices, subset: str, n_boot: int, seed: int, form: str) -> tuple[float, np.ndarray]:
    """R-EMI of one subset and its bootstrap draws (definition 3.2)."""
    model, ref = mats[subset]
    point = club_mi(model, form) - club_mi(ref, form)
    return point, _draws(model, subset, n_boot, seed, form) - _draws(ref, subset, n_boot, seed, form)


def summarize_draws(point: float, draws: np.ndarray, n: int) -> dict:
    """Point value, 95% interval, two-sided bootstrap p-value (the share of draws across 0, doubled), the draws'
    standard deviation and, when the interval holds 0, the samples per subset that would resolve ``point``
    (None for a point of 0)."""
    draws = draws[np.isfinite(draws)]
    lo, hi = interval(draws)
    p = min(1.0, 2 * min(float((draws <= 0).mean()), float((draws >= 0).mean())))
    sd = float(draws.std(ddof=1))
    resolved = lo > 0 or hi < 0
    reach = point - lo if point > 0 else hi - point  # the interval's half on 0's side: at least |point| here
    n_needed = None if resolved or point == 0 else math.ceil(n * (reach / abs(point)) ** 2)
    return {"value": float(point), "ci": (float(lo), float(hi)), "p": p, "sd": sd, "n": n,
            "resolved": bool(resolved), "n_needed": n_needed}


def _family(name: str, mats: Matrices) -> list[str]:
    subsets = [s for s in SHIFT_FAMILIES[name] if s in mats]
    if not subsets:
        raise ValueError(f"no subset of the {name!r} family was evaluated (have {sorted(mats)})")
    return subsets


def family_gap(models: list[Matrices], a: str = "user", b: str = "character", n_boot: int = 1000, seed: int = 0,
               form: str = "paper") -> dict:
    """Mean R-EMID of family ``a`` minus family ``b``, averaged over ``models`` (each RPM's matrices on the same
    samples; positive: ``a`` degrades the RPMs more)."""
    if not models:
        raise ValueError("family_gap needs at least one model's matrices")
    points, draws = [], []
    for mats in models:
        parts = {}
        for fam in (a, b):
            vals = [_r_emi(mats, s, n_boot, seed, form) for s in _family(fam, mats)]
            parts[fam] = (np.mean([v[0] for v in vals]), np.mean([v[1] for v in vals], axis=0))
        points.append(parts[b][0] - parts[a][0])  # R-EMID_a - R-EMID_b = R-EMI_b - R-EMI_a (ID cancels)
        draws.append(parts[b][1] - parts[a][1])
    n = min(m[s][0].shape[0] for m in models for s in (*_family(a, m), *_family(b, m)))
    return {"a": a, "b": b, "models": len(models),
            **summarize_draws(float(np.mean(points)), np.mean(draws, axis=0), n)}


def method_gap(mats_a: Matrices, mats_b: Matrices, n_boot: int = 1000, seed: int = 0, form: str = "paper") -> dict:
    """Mean R-EMID over the OOD subsets of RPM ``b`` minus RPM ``a``'s, on the same samples (positive: ``a``
    generalizes better), with the mean OOD R-EMI of a minus b beside it."""
    if "id" not in mats_a or "id" not in mats_b:
        raise ValueError("method_gap needs the ID subset for R-EMID (definition 3.3)")
    ood = [s for s in EVAL_SUBSETS if s != "id" and s in mats_a and s in mats_b]
    if not ood:
        raise ValueError("method_gap needs at least one OOD subset scored for both RPMs")
    for s in ("id", *ood):
        if mats_a[s][1].shape != mats_b[s][1].shape or not np.array_equal(mats_a[s][1], mats_b[s][1]):
            raise ValueError(f"method_gap: the two RPMs' reference matrices differ on {s!r}: they must be scored "
                             "on the same samples by the same estimator")
    remi = {s: (_r_emi(mats_a, s, n_boot, seed, form), _r_emi(mats_b, s, n_boot, seed, form)) for s in ("id", *ood)}
    diff = {s: (ra[0] - rb[0], ra[1] - rb[1]) for s, (ra, rb) in remi.items()}  # R-EMI_a - R-EMI_b
    ood_point = float(np.mean([diff[s][0] for s in ood]))
    ood_draws = np.mean([diff[s][1] for s in ood], axis=0)
    n = min(mats_a[s][0].shape[0] for s in ("id", *ood))
    # R-EMID_b - R-EMID_a = (R-EMI_a - R-EMI_b)(OOD) - (R-EMI_a - R-EMI_b)(ID)
    emid = summarize_draws(ood_point - diff["id"][0], ood_draws - diff["id"][1], n)
    return {**emid, "ood_r_emi": summarize_draws(ood_point, ood_draws, n), "subsets": ood}


def claims_markdown(rows: list[tuple[str, dict]], names: dict[str, str]) -> str:
    """One row per contrast: its value, interval, p-value and whether this N resolves it."""
    lines = [f"| Contrast | {names['r_emid']} difference | 95% interval | p | N per subset | resolved |",
             "|---|---|---|---|---|---|"]
    for label, c in rows:
        verdict = "yes" if c["resolved"] else (f"no: about {c['n_needed']} would" if c["n_needed"] else "no")
        lines.append(f"| {label} | {c['value']:+.4f} | [{c['ci'][0]:+.4f}, {c['ci'][1]:+.4f}] | {c['p']:.3f} | "
                     f"{c['n']} | {verdict} |")
    return "\n".join(lines)


def write_claims(run_dir: str | Path, models: dict[str, Matrices], names: dict[str, str], n_boot: int = 1000, seed: int = 0,
                 form: str = "paper") -> dict:
    """claims.json and claims.md in ``run_dir`` (``analyses.claims=true``): finding 1 (user against the
    character and dialogue families, over every evaluated RPM) and, with two RPMs or more, finding 2 (every
    RPM against the first one evaluated)."""
    everyone = list(models.values())
    rows = [(f"user - {b} (all {len(everyone)} RPMs)", family_gap(everyone, "user", b, n_boot, seed, form))
            for b in ("character", "dialogue") if any(s in m for m in everyone for s in SHIFT_FAMILIES[b])]
    labels = list(models)
    rows += [(f"{b} - {labels[0]} (OOD mean)", method_gap(models[b], models[labels[0]], n_boot, seed, form))
             for b in labels[1:]]
    out = {"contrasts": {label: c for label, c in rows}, "n_boot": n_boot, "seed": seed, "form": form}
    write_text_atomic(Path(run_dir) / "claims.json", json.dumps(out, indent=1) + "\n")
    write_text_atomic(Path(run_dir) / "claims.md", claims_markdown(rows, names) + "\n")
    return out
