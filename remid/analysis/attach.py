"""The analyses stored beside each subset's R-EMI (results.json ``divergence``, ``bound``, ``judge``).

``EvaluationContext`` holds what every RPM of one evaluation shares (the subsets, the estimator's scorer,
the embedder, the shift severity computed once, the judge); ``attach_analyses`` fills one RPM's results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from remid.analysis.shift import id_delta, shift_severity, subset_bound
from remid.core.progress import progress_bar
from remid.core.schema import Sample
from remid.estimators.remi import SubsetScores
from remid.estimators.scoring import CachedScorer
from remid.evaluation.results import ModelResults
from remid.judge import Judge, judge_responses
from remid.models.embedding_cache import CachedEmbedder


@dataclass
class EvaluationContext:
    """What the analyses of one evaluation share across its RPMs.

    ``divergence``/``bound``/``divergence_estimator`` are ``cfg.analyses``; ``severity`` is
    ``{subset: D_JS(ID || subset) per input component}`` ({} without an ID subset or an embedder).
    """

    subsets: dict[str, list[Sample]]
    scorer: CachedScorer
    seed: int = 0
    divergence: bool = False
    bound: bool = False
    divergence_estimator: str = "representation"
    embedder: CachedEmbedder | None = None
    judge: Judge | None = None
    severity: dict[str, dict] = field(default_factory=dict)

    def measure_severity(self, check: str | None) -> None:
        """Shift severity of every shifted subset against ``id`` (once per evaluation; needs the embedder)."""
        if self.embedder is not None:
            self.severity = shift_severity(self.subsets, self.embedder, self.divergence_estimator, check, self.seed)


def attach_analyses(ctx: EvaluationContext, model: ModelResults, responses: dict[str, list[str]],
                    scores: dict[str, SubsetScores], rpm_entropy: dict[str, np.ndarray] | None = None) -> None:
    """Attach shift severity, theorem 3.4's bound and the judges' scores to ``model``'s subsets. ``rpm_entropy``
    (the RPM's own entropies per subset): H_hat from both of theorem 3.4's terms, the RPM's and the estimator
    policy's along the golden responses; None: the estimator-policy stand-in."""
    bounded = ctx.bound and bool(ctx.severity) and "id" in scores  # severity is {} without an ID subset
    delta_p = id_delta(scores["id"], ctx.embedder, ctx.divergence_estimator, ctx.seed) if bounded else None
    # theorem 3.4's reference side: the estimator policy along each golden response, per token (the RPM side's scale)
    ref_entropy = ({name: ctx.scorer.entropies_all(s.contexts, s.ref_responses)["mean"] for name, s in scores.items()}
                   if bounded and rpm_entropy is not None else None)
    for name, est in model.subsets.items():
        est.divergence = ctx.severity.get(name) if ctx.divergence else None
        if bounded and name in ctx.severity:
            est.bound = subset_bound(ctx.scorer, scores["id"], scores[name], ctx.subsets["id"], ctx.subsets[name],
                                     ctx.severity[name], ctx.embedder, delta_p, ctx.divergence_estimator, ctx.seed,
                                     rpm_entropy=rpm_entropy, ref_entropy=ref_entropy)
    if ctx.judge is not None:
        with progress_bar(total=ctx.judge.units(sum(map(len, ctx.subsets.values()))), desc=f"{model.name}: judge",
                          unit="judgment") as bar:
            for name, samples in ctx.subsets.items():
                model.subsets[name].judge = judge_responses(ctx.judge, samples, responses[name], progress=bar.update)
