"""From one RPM's per-subset scores to what results.json stores: point estimates, bootstrap intervals,
estimator diagnostics, the comparison with a baseline RPM, and plain-words warnings."""

from __future__ import annotations

import numpy as np

from remid.estimators.club import bootstrap_difference, bootstrap_mi, bootstrap_remid, club_mi
from remid.estimators.diagnostics import PairDiagnostics, holm, pair_diagnostics
from remid.estimators.remi import SubsetScores
from remid.evaluation.results import EvaluationResults, SubsetEstimate
from remid.evaluation.tables import (
    CAP_MARK,
    CAP_WARN,
    EMPTY_WARN,
    LEXICAL_MARK,
    below_floor,
    uninformative_subsets,
)

Baseline = tuple[str, dict[str, np.ndarray | None]]  # the baseline RPM's label and its [N, N] response matrices


def summarize(scores: dict[str, SubsetScores], n_boot: int, seed: int) -> dict[str, SubsetEstimate]:
    """Point estimates, bootstrap 95% intervals and estimator diagnostics; R-EMID (definition 3.3) against
    ``id`` when present."""
    out: dict[str, SubsetEstimate] = {}
    exact = all(s.logp_model is not None for s in scores.values())
    ids = scores.get("id")
    for name, s in scores.items():
        nan = (float("nan"),) * 2
        cis = bootstrap_mi(s.logp_model, s.logp_ref, n_boot, seed, s.club_form) if exact else {}
        r_emid = r_emid_ci = None
        if ids is not None and name != "id":
            r_emid = ids.r_emi - s.r_emi
            if exact:
                r_emid_ci = bootstrap_remid(ids.logp_model, ids.logp_ref, s.logp_model, s.logp_ref, n_boot, seed,
                                            s.club_form)
        diagnostics = ({"model": pair_diagnostics(s.logp_model).as_dict(), "ref": pair_diagnostics(s.logp_ref).as_dict()}
                       if exact else {})
        diagnostics.update({f"lexical_{side}": pair_diagnostics(m).as_dict()
                            for side, m in (("model", s.lexical_model), ("ref", s.lexical_ref)) if m is not None})
        out[name] = SubsetEstimate(subset=name, n=len(s.contexts), mi_model=s.mi_model, mi_ref=s.mi_ref,
                                   r_emi=s.r_emi, r_emi_ci=tuple(cis.get("r_emi", nan)), r_emid=r_emid,
                                   r_emid_ci=r_emid_ci, mi_model_ci=cis.get("mi_model"), mi_ref_ci=cis.get("mi_ref"),
                                   diagnostics=diagnostics or None,
                                   extra={**{k: v for k, v in s.extra.items() if k != "logp"},
                                          "empty_responses": empty_share(s.model_responses)})
    return adjust_across_subsets(out)


def adjust_across_subsets(estimates: dict[str, SubsetEstimate]) -> dict[str, SubsetEstimate]:
    """Holm-correct each matrix's per-response p-value across the evaluated subsets (``diagnostics["holm"]``):
    with 12 subsets and no correction, one false "informative" in about 11% of all-null runs."""
    for side in ("ref", "model"):
        raw = {k: e.diagnostics[side]["column_p_value"] for k, e in estimates.items()
               if e.diagnostics and side in e.diagnostics}
        for k, p in holm(raw).items():
            estimates[k].diagnostics.setdefault("holm", {})[side] = p
    return estimates


def empty_share(responses: list[str]) -> float:
    """Share of the RPM's parsed responses that are empty (e.g. a thinking RPM that never closed its thinking)."""
    return sum(not r.strip() for r in responses) / len(responses) if responses else 0.0


def baseline_of(label: str, scores: dict[str, SubsetScores]) -> Baseline:
    """What ``compare`` needs of the baseline RPM: its label and its response matrices per subset."""
    return label, {k: v.logp_model for k, v in scores.items()}


def compare(baseline: Baseline, scores: dict[str, SubsetScores], n_boot: int, seed: int) -> dict[str, dict]:
    """R-EMI minus the baseline RPM's per subset, with a paired-bootstrap 95% interval (full matrices only)."""
    name, matrices = baseline
    out = {}
    for subset, s in scores.items():
        base = matrices.get(subset)
        if base is None or s.logp_model is None:
            continue
        lo, hi = bootstrap_difference(s.logp_model, base, n_boot, seed, s.club_form)
        out[subset] = {"baseline": name, "diff": club_mi(s.logp_model, s.club_form) - club_mi(base, s.club_form),
                       "ci": [lo, hi]}
    return out


def uninformative_warnings(results: EvaluationResults) -> list[str]:
    """One plain-words warning per subset where the estimator is near chance, per RPM with mostly empty
    responses or responses at the token cap, and one when the diagnostics could not be computed (sampled negatives)."""
    messages = []
    first = results.models[0] if results.models else None
    for subset in uninformative_subsets(results):
        est = first.subsets[subset]
        ref = est.diagnostics["ref"]
        messages.append(
            f"estimator near chance on {subset}: it cannot tell a context's own reference response from the "
            f"others' ({PairDiagnostics(**ref).summary()}; {results.mi_name('ref')} = {est.mi_ref:.3f}, 95% CI "
            f"[{est.mi_ref_ci[0]:.3f}, {est.mi_ref_ci[1]:.3f}]). Numbers on this subset are not informative.")
    weaker = [k for k, e in first.subsets.items() if below_floor(e)] if first is not None else []
    if weaker:
        floor = {k: (first.subsets[k].diagnostics["ref"]["column_mean_rank"],
                     first.subsets[k].diagnostics["lexical_ref"]["column_mean_rank"]) for k in weaker}
        messages.append("estimator weaker than the lexical floor (own-context rank per golden response, estimator vs "
                        "character n-gram TF-IDF; 0 best) on " + ", ".join(
                            f"{k} ({a:.1f} vs {b:.1f})" for k, (a, b) in floor.items())
                        + " (marked " + LEXICAL_MARK + "): it misses context dependence plain string matching finds.")
    for model in results.models:
        empty = {k: e.extra.get("empty_responses", 0.0) for k, e in model.subsets.items()}
        if any(v > EMPTY_WARN for v in empty.values()):
            messages.append(f"{model.name}: most responses are empty on " + ", ".join(
                f"{k} ({v:.0%})" for k, v in empty.items() if v > EMPTY_WARN) + f" (marked ‡): its "
                f"{results.metric_name('r_emi')} there scores empty answers (a thinking RPM that never closed its "
                "thinking, or one that answers with EOS).")
        capped = {k: e.extra["responses_hit_cap"] for k, e in model.subsets.items()
                  if (e.extra.get("responses_hit_cap") or 0.0) > CAP_WARN}
        if capped:
            messages.append(f"{model.name}: " + ", ".join(f"{v:.0%} on {k}" for k, v in capped.items())
                            + f" of its responses ran to the token cap (marked {CAP_MARK}): it loops or never stops. "
                            "Check its prompt format (model.chat_template) and decoding (generation.sampling).")
    if first is not None and any(e.informative is None for e in first.subsets.values()):
        messages.append("estimator diagnostics need the full N x N matrices (estimator.negatives=null): "
                        "not checked in this run.")
    return messages
