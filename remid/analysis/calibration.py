"""Known-answer calibration: plant context dependence of known strength and check that the estimator sees it.

Per subset, the golden responses are re-assigned to other contexts (a derangement) for a fraction p of the
samples, p in ``FRACTIONS``. The reference matrix log p(y_j | x_i, r_i) is already scored (CLUB, equation 2),
so re-assigning responses is permuting its columns: no new generation or scoring. Two known answers:

- goldens: I(X_R; Y) of the re-assigned goldens must fall as p grows (Spearman with 1 - p near 1) and, at
  p = 1 (every pair broken: no dependence left to find), be consistent with what equation 2 gives for
  independent pairs. That value is not 0 at finite N: the broken pairs' true matches now sit among the
  negatives, so in expectation it is -I(p = 0) / (N - 1), in either CLUB form. Both checks are reported
  (``zero_at_p1``: the interval holds 0; ``independent_at_p1``: it holds -I(p = 0) / (N - 1)); a subset
  passes on the second, the known answer of the estimator as defined;
- a planted RPM whose responses are goldens (re-assigned the same way): its R-EMI (definition 3.2) is 0 at
  p = 0 by construction and must fall towards -I(X_R; Y_ref) as p grows.

Each value is the mean over ``draws`` random derangements; its 95% interval is the percentile interval of
that mean over bootstrap resamples of the samples (``remid.estimators.club.bootstrap_draws``, the samples
resampled with their assigned responses).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from remid.core.atomic import write_text_atomic
from remid.core.schema import EVAL_SUBSETS
from remid.estimators.club import bootstrap_draws, club_mi, interval
from remid.evaluation.results import metric_names

FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)


def derangement(n: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """perm with perm[i] != i for round(p n) samples (at least 2 when p > 0) and perm[i] = i for the rest: the
    chosen samples pass their responses round one random cycle. -> [n]"""
    k = int(round(p * n))
    k = 0 if p == 0 else max(k, 2)
    perm = np.arange(n)
    chosen = rng.choice(n, size=k, replace=False)
    perm[chosen] = np.roll(chosen, 1)
    return perm


def _curve(logp: np.ndarray, draws: int, n_boot: int, seed: int, offset: float, form: str) -> dict:
    """I (minus ``offset``) of the column-permuted matrix at each fraction, mean over draws, with intervals."""
    from scipy.stats import spearmanr

    rng = np.random.default_rng(seed)
    values, cis = [], []
    for p in FRACTIONS:
        perms = [derangement(logp.shape[0], p, rng) for _ in range(draws if p > 0 else 1)]
        values.append(float(np.mean([club_mi(logp[:, perm], form) for perm in perms])) - offset)
        boot = np.mean([bootstrap_draws(logp[:, perm], n_boot, seed, form) for perm in perms], axis=0) - offset
        cis.append(list(interval(boot)))
    rho, p_value = spearmanr(values, [1 - p for p in FRACTIONS])
    return {"values": values, "ci": cis, "spearman": float(rho), "spearman_p": float(p_value),
            "monotone": bool(np.all(np.diff(values) < 0))}


def calibrate(logp_ref: dict[str, np.ndarray], draws: int = 20, n_boot: int = 200, seed: int = 0,
              form: str = "paper") -> dict:
    """Per subset: the goldens' I(X_R; Y) and the planted RPM's R-EMI at each fraction p of re-assigned
    responses, CLUB in ``form`` (``estimator.club_form``)."""
    out: dict = {"fractions": list(FRACTIONS), "draws": draws, "n_boot": n_boot, "seed": seed, "club_form": form,
                 "subsets": {}}
    for name, logp in logp_ref.items():
        logp = np.asarray(logp, dtype=np.float64)
        golden = _curve(logp, draws, n_boot, seed, 0.0, form)
        (lo, hi), n = golden["ci"][-1], logp.shape[0]
        golden["zero_at_p1"] = bool(lo <= 0 <= hi)
        # Equation 2's value with every pair broken, in expectation (module docstring): -I(p=0) / (N - 1).
        golden["expected_at_p1"] = -golden["values"][0] / (n - 1)
        golden["independent_at_p1"] = bool(lo <= golden["expected_at_p1"] <= hi)
        i_ref = golden["values"][0]  # p = 0: the matrix as scored, club_mi(logp, form)
        planted = _curve(logp, draws, n_boot, seed, i_ref, form)
        planted["i_ref"] = i_ref
        out["subsets"][name] = {"n": int(n), "golden_mi": golden, "planted_rpm_r_emi": planted,
                                "passes": golden["monotone"] and golden["independent_at_p1"] and planted["monotone"]}
    return out


def calibration_markdown(cal: dict, informative: dict[str, bool | None], names: dict[str, str] | None = None) -> str:
    """One row per subset: I at each fraction, Spearman with 1 - p, whether p = 1 is consistent with 0 and with
    equation 2's value for independent pairs, -I(p=0) / (N - 1) (``names``: ``remid.evaluation.results.metric_names`` of
    the estimator's kind; R-EMI's when not given)."""
    names = names or metric_names(True)
    fractions = cal["fractions"]
    header = ["Subset", "N", *(f"I at p={p:g}" for p in fractions), "Spearman (1 - p)", "monotone",
              "p=1 consistent with 0", "p=1 consistent with -I(p=0)/(N-1)", f"planted RPM {names['r_emi']} at p=1",
              "informative"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in [s for s in EVAL_SUBSETS if s in cal["subsets"]]:
        row = cal["subsets"][name]
        g, r = row["golden_mi"], row["planted_rpm_r_emi"]
        lines.append("| " + " | ".join([name, str(row["n"]), *(f"{v:.3f}" for v in g["values"]),
                                          f"{g['spearman']:.2f}", "yes" if g["monotone"] else "NO",
                                          "yes" if g["zero_at_p1"] else "NO",
                                          ("yes" if g["independent_at_p1"] else "NO") + f" ({g['expected_at_p1']:.3f})",
                                          f"{r['values'][-1]:.3f} (-I_ref {-r['i_ref']:.3f})",
                                          {True: "yes", False: "no", None: "not checked"}[informative.get(name)]]) + " |")
    return "\n".join(lines)


def plot_calibration(cal: dict, informative: dict[str, bool | None], path: Path,
                     names: dict[str, str] | None = None) -> Path:
    """Two panels against p: the goldens' I(X_R; Y) and the planted RPM's R-EMI, one line per subset, with
    intervals; subsets where the estimator is not informative drawn grey and dashed (legend entry)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = names or metric_names(True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    x = np.array(cal["fractions"])
    for ax, key, title in ((axes[0], "golden_mi", f"goldens: I({names['inputs']}; Y) [nats]"),
                           (axes[1], "planted_rpm_r_emi", f"planted RPM (goldens): {names['r_emi']} [nats]")):
        grey_labelled = False
        for name in [s for s in EVAL_SUBSETS if s in cal["subsets"]]:
            curve = cal["subsets"][name][key]
            lo, hi = np.array(curve["ci"]).T
            vals = np.array(curve["values"])
            if informative.get(name) is False:
                label = None if grey_labelled else "estimator not informative (grey, dashed)"
                grey_labelled = True
                ax.errorbar(x, vals, yerr=[vals - lo, hi - vals], color="0.6", ls="--", marker="o", ms=3,
                            capsize=2, label=label)
            else:
                ax.errorbar(x, vals, yerr=[vals - lo, hi - vals], marker="o", ms=3, capsize=2, label=name)
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xlabel("fraction p of responses re-assigned to other contexts")
        ax.set_title(title)
        ax.set_xticks(x)
    axes[0].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def write_calibration(run_dir: Path, logp_ref: dict[str, np.ndarray], informative: dict[str, bool | None],
                      seed: int = 0, form: str = "paper", names: dict[str, str] | None = None) -> dict:
    """calibration.json, calibration.md and calibration.png in ``run_dir``; returns the json's content."""
    import json

    cal = calibrate(logp_ref, seed=seed, form=form)
    cal["informative"] = informative
    write_text_atomic(run_dir / "calibration.json", json.dumps(cal, indent=1) + "\n")
    write_text_atomic(run_dir / "calibration.md", calibration_markdown(cal, informative, names) + "\n")
    plot_calibration(cal, informative, run_dir / "calibration.png", names)
    return cal
