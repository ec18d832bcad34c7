"""Table 1: does CoRL, and does reasoning at all, model the golden responses better? Perplexity per shift family.

python -m remid.run.ablation [estimator.base_model=...] [shift=all] [data.eval_limit=48]

Each variant of ``estimator.ablation`` (conf/estimator/corl.yaml) is an estimator built the way
``evaluate.py`` builds one (``remid.run.assemble.build_estimator``): CoRL (a CoRL run's ``hf_reasoner`` /
``hf_policy``), "w/o CoRL" (the same run's SFT stage, ``hf_*_sft``) and "w/o Reasoning" (one model p(y | x),
the ``sft_direct`` scorer of the EMI baseline, trained first when missing). For every subset it scores the
reference matrix log p(y_j | x_i, r_i) (``Estimator.reference_scores``: the one scorer, the one log-prob
function, the evaluation caches) and reports

- perplexity of the golden responses: exp(-sum_i log p(y_i | x_i, r_i) / sum_i |y_i|), tokens counted as
  scored (the response and its EOS), averaged over a family's subsets as table 1 does (ID, U., C., D.);
- the estimator diagnostics of that matrix (``remid.estimators.diagnostics.pair_diagnostics``) and its
  I(X_R; Y_ref) (equation 2): perplexity says how well y is modelled, the diagnostics whether x still matters.

Writes ``ablation.json`` and ``ablation_table.md`` to ``run_dir`` (``runs/evaluate/<time>``).
"""

from __future__ import annotations

import math

import numpy as np

from remid.core.progress import progress_bar
from remid.core.schema import SHIFT_FAMILIES
from remid.estimators.club import club_mi
from remid.estimators.diagnostics import pair_diagnostics
from remid.estimators.remi import Estimator

FAMILY_LABELS = {"id": "ID", "user": "U. Shift", "character": "C. Shift", "dialogue": "D. Shift"}


def family_means(subsets: dict[str, dict]) -> dict[str, float]:
    """Mean perplexity over each shift family's subsets that were evaluated."""
    out = {}
    for family, names in SHIFT_FAMILIES.items():
        values = [subsets[n]["perplexity"] for n in names if n in subsets]
        if values:
            out[family] = float(np.mean(values))
    return out


def score_variant(estimator: Estimator, reduction: str, subsets: dict[str, list], label: str = "") -> dict:
    """Perplexity and diagnostics of one estimator on every subset (``reduction``: ``estimator.reduction``)."""
    out = {}
    total = sum(map(len, subsets.values()))
    reasoning_bar = progress_bar(total=total if estimator.uses_reasoning else 0, desc=f"{label}: reasoning r = f_R(x)",
                         unit="sample", disable=not estimator.uses_reasoning)
    scoring_bar = progress_bar(total=total, desc=f"{label}: reference matrices", unit="row")
    for name, samples in subsets.items():
        reasoning = estimator.reasoning(samples, reasoning_bar.update) if estimator.uses_reasoning else None
        contexts, logp = estimator.reference_scores(samples, reasoning, scoring_bar.update)
        tokens = sum(len(estimator.scorer.response_ids(s.golden_response, contexts[0])) for s in samples)
        out[name] = {"n": len(samples), "tokens": tokens,
                     "perplexity": math.exp(-float(np.trace(logp["sum"])) / tokens),
                     "mi_ref": club_mi(logp[reduction], estimator.club_form), "diagnostics": pair_diagnostics(logp[reduction]).as_dict()}
    reasoning_bar.close()
    scoring_bar.close()
    return out


def tables_markdown(results: dict[str, dict]) -> str:
    """Table 1 (best per column in bold) and the diagnostics of each variant's reference matrix."""
    families = [f for f in FAMILY_LABELS if any(f in r["families"] for r in results.values())]
    best = {f: min(r["families"][f] for r in results.values() if f in r["families"]) for f in families}
    lines = ["| Method | " + " | ".join(FAMILY_LABELS[f] for f in families) + " |", "|---" * (len(families) + 1) + "|"]
    for label, r in results.items():
        cells = [f"**{r['families'][f]:.3f}**" if r["families"].get(f) == best[f] else f"{r['families'][f]:.3f}"
                 if f in r["families"] else "–" for f in families]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Estimator diagnostics (reference matrix, each response's own context among all contexts):", "",
              "| Method | Subset | N | perplexity | I(X_R; Y_ref) | rank per response (chance) | p | Informative |",
              "|---|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        for name, s in r["subsets"].items():
            d = s["diagnostics"]
            lines.append(f"| {label} | {name} | {s['n']} | {s['perplexity']:.3f} | {s['mi_ref']:.3f} | "
                         f"{d['column_mean_rank']:.1f} ({d['chance_rank']:.1f}) | {d['column_p_value']:.2g} | "
                         f"{'yes' if d['informative'] else 'NO'} |")
    return "\n".join(lines)
