"""LLM-as-a-judge metrics of an RPM's responses: WinRate and PointScore (paper section 2.3, appendix B).

    judge = instantiate(cfg.judge)            # conf/judge/reference.yaml (offline default) or llm.yaml
    bar = tqdm(total=judge.units(len(samples)))
    report = judge_responses(judge, samples, responses, progress=bar.update)

Two judges share one interface (``label``, ``names``, ``n_boot``, ``seed``, ``units(n)``,
``score(samples, responses, progress) -> list[JudgeScores]``):

* ``LLMJudge`` (``remid.judge.llm``): an ensemble of ``LLMClient`` judges, pairwise against the golden
  response in both orders (WinRate) and a 1-10 score (PointScore), averaged over the judges.
* ``ReferenceJudge`` (``remid.judge.reference``): the offline default, chrF against the golden response;
  **not an LLM**, and its label says so in every report.

``judge_responses`` returns the report stored per subset in results.json (schema in
``remid.judge.report``); the judges' prompts are ``remid.judge.prompts.judge_pairwise_prompt`` and
``judge_point_prompt``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from remid.core.schema import Sample
from remid.judge.llm import LLMJudge, judge_requests
from remid.judge.reference import REFERENCE_LABEL, REFERENCE_NAME, ReferenceJudge, foil_index
from remid.judge.report import PER_JUDGE_KEYS, REPORT_KEYS, JudgeScores, bootstrap_ci, build_report
from remid.judge.verdicts import (
    model_outcome,
    parse_score,
    parse_winner,
    score_from_text,
    score_of,
    winner_from_text,
    winner_of,
)

log = logging.getLogger(__name__)


@runtime_checkable
class Judge(Protocol):
    """What ``judge_responses`` needs of a judge (``LLMJudge`` and ``ReferenceJudge`` are two)."""

    label: str
    names: list[str]
    n_boot: int
    seed: int

    def units(self, n: int) -> int: ...

    def score(self, samples: Sequence[Sample], responses: Sequence[str],
              progress: Callable[[int], None] | None = None) -> list[JudgeScores]: ...


def judge_responses(judge: Judge, samples: Sequence[Sample], responses: Sequence[str],
                    progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Judge ``responses[i]`` to ``samples[i]``: the report of ``remid.judge.report`` (WinRate, PointScore,
    their 95% bootstrap intervals, per-judge values and missing counts, the judge's label).

    Call it once per subset: the reference judge draws its foils from the samples given. ``progress(k)``
    is called after every ``k`` units of work; ``judge.units(len(samples))`` is their total.
    """
    samples, responses = list(samples), list(responses)
    if len(samples) != len(responses):
        raise ValueError(f"{len(samples)} samples but {len(responses)} responses")
    bad = [i for i, r in enumerate(responses) if not isinstance(r, str)]
    if bad:
        raise TypeError(f"responses must be strings; response {bad[0]} is {type(responses[bad[0]]).__name__}")
    scores = judge.score(samples, responses, progress) if samples else [JudgeScores(n) for n in judge.names]
    report = build_report(judge.label, scores, len(samples), judge.n_boot, judge.seed)
    log.info("%s: WinRate %s, PointScore %s over %d samples (missing: %s)", judge.label,
             _fmt(report["win_rate"]), _fmt(report["point_score"]), report["n"], report["missing"])
    return report


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


__all__ = [
    "PER_JUDGE_KEYS", "REFERENCE_LABEL", "REFERENCE_NAME", "REPORT_KEYS", "Judge", "JudgeScores", "LLMJudge",
    "ReferenceJudge", "bootstrap_ci", "build_report", "foil_index", "judge_requests", "judge_responses",
    "model_outcome", "parse_score", "parse_winner", "score_from_text", "score_of", "winner_from_text", "winner_of",
]
