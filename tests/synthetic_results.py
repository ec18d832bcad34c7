"""Hand-built ``EvaluationResults`` for the tables, plots, correlations and report tests: the paper's table 20
SFT row, and two RPMs on nine subsets with every analysis field filled from a seeded generator."""

from __future__ import annotations

import math

import numpy as np

from remid.core.schema import EVAL_SUBSETS
from remid.evaluation.results import EvaluationResults, ModelResults, SubsetEstimate

# Paper table 20, Qwen3-4B SFT row (ID, G. S. C. J. K., L. F. T. G., T. W.); its Avg. is -0.057. LABELS: remid's
# column labels for them (the paper's "G." and "T." each name two subsets).
PAPER_SFT = [-0.067, -0.047, -0.051, -0.118, -0.096, -0.070, -0.111, -0.062, -0.078, -0.079, -0.049, 0.143]
LABELS = ["ID", "De", "Es", "Zh", "Ja", "Ko", "Lit.", "Film", "Thea.", "Game", "Turn", "Word", "Avg."]


def estimate(subset: str, value: float) -> SubsetEstimate:
    remid = None if subset == "id" else PAPER_SFT[0] - value
    return SubsetEstimate(subset, 10, value + 1.0, 1.0, value, (value - 0.1, value + 0.1),
                          remid, None if remid is None else (remid - 0.05, remid + 0.05))


def results(values=PAPER_SFT, drop=()) -> EvaluationResults:
    subsets = {s: estimate(s, v) for s, v in zip(EVAL_SUBSETS, values, strict=True) if s not in drop}
    hand = {"id": estimate("id", 0.5), "german": estimate("german", 0.25)}
    return EvaluationResults({"name": "remi_tiny", "n_boot": 1000},
                             [ModelResults("qwen3_4b", "sft", "Qwen/Qwen3-4B-Base", subsets),
                              ModelResults("tiny", "icl", "tiny-gpt", hand)],
                             "2026-01-01T00:00:00+00:00")


def with_diagnostics(informative_ref: dict[str, bool]) -> EvaluationResults:
    """``results()`` whose first model carries diagnostics; the subsets in ``informative_ref`` get them."""
    import json

    import numpy as np

    from remid.estimators.diagnostics import pair_diagnostics

    out = results()
    perfect = pair_diagnostics(np.eye(10) * 5).as_dict()
    blind = pair_diagnostics(np.zeros((10, 10))).as_dict()
    for subset, good in informative_ref.items():
        est = out.models[0].subsets[subset]
        est.diagnostics = {"model": perfect, "ref": json.loads(json.dumps(perfect if good else blind))}
        est.mi_ref_ci = (0.2, 0.4) if good else (-0.1, 0.1)
    return out


SUBSETS = ["id", "german", "chinese", "korean", "literature", "film", "gaming", "turn_level", "word_level"]
CURVE_N = (8, 16, 32)


def _subset(name: str, rng: np.random.Generator, id_r_emi: float, id_win: float, full: bool) -> SubsetEstimate:
    r_emi = id_r_emi if name == "id" else float(rng.normal(-0.05, 0.05))
    win = id_win if name == "id" else float(np.clip(0.45 + 2 * r_emi + rng.normal(0, 0.03), 0, 1))
    est = SubsetEstimate(name, 32, r_emi + 0.1, 0.1, r_emi, (r_emi - 0.05, r_emi + 0.05),
                         None if name == "id" else id_r_emi - r_emi)
    if not full:
        return est
    est.judge = {"label": "reference-based judge (offline)", "judges": ["overlap"], "win_rate": win,
                 "win_rate_ci": [win - 0.1, win + 0.1], "point_score": 1 + 9 * win,
                 "point_score_ci": [9 * win, 2 + 9 * win], "n": 32, "missing": {"win_rate": 1, "point_score": 2},
                 "per_judge": {}}
    if name != "id":
        d = {k: float(rng.uniform(0.1, 0.6)) for k in ("user", "character", "dialogue", "input")}
        est.divergence = {"encoder": "char_ngram", "estimator": "knn", **d,
                          "check": {"estimator": "classifier", **{k: v + 0.01 for k, v in d.items()}},
                          "n_id": 32, "n_ood": 32}
        base = sum(math.sqrt(v) for k, v in d.items() if k != "input")
        value = 0.8 * base + 0.5 * (est.r_emid or 0.0) + 0.2
        est.bound = {"h_hat": 1.2, "delta_p": 0.01, "delta_q": 0.02, "delta": 0.03, "sum_sqrt_djs": base,
                     "divergence_term": 0.7 * base, "delta_term": 0.1, "value": value, "emid_bound": value + 0.1,
                     "curve": [{"n": n, "bound": value + 1.0 / n + float(rng.normal(0, 0.01)),
                                "r_emid": (est.r_emid or 0.0) + float(rng.normal(0, 0.3 / n))} for n in CURVE_N]}
    return est


def analysed_results(seed: int = 0, full: bool = True, names=("tiny_qwen3/sft", "tiny_qwen3/rl")) -> EvaluationResults:
    """Two RPMs on 9 subsets with every analysis field (``full=False``: none of them)."""
    rng = np.random.default_rng(seed)
    models = []
    for name in names:
        id_r_emi = float(rng.normal(0.0, 0.02))
        subsets = {s: _subset(s, rng, id_r_emi, 0.5 + id_r_emi, full) for s in SUBSETS}
        models.append(ModelResults(name, name.split("/")[1], "tiny_qwen3", subsets))
    return EvaluationResults({"name": "remi_tiny"}, models, "2026-01-01T00:00:00+00:00")


def flag_uninformative(res: EvaluationResults, blind: set[tuple[str, str]]) -> EvaluationResults:
    """Give every estimate diagnostics: informative, except the ``(model name, subset)`` pairs in ``blind``."""
    from remid.estimators.diagnostics import pair_diagnostics

    good, chance = pair_diagnostics(np.eye(10) * 5).as_dict(), pair_diagnostics(np.zeros((10, 10))).as_dict()
    for model in res.models:
        for name, est in model.subsets.items():
            flagged = (model.name, name) in blind
            est.diagnostics = {"model": good, "ref": dict(chance if flagged else good)}
            est.mi_ref_ci = (-0.1, 0.1) if flagged else (0.05, 0.15)
    return res
