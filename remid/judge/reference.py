"""The offline default judge: reference-based chrF, **not an LLM** (its label says so in every report).

It needs no model, no network and no key, so evaluation always reports a WinRate and a PointScore;
they measure closeness to the golden response, not role-play quality as an LLM judge would, and
are not comparable with the paper's LLM-as-a-judge numbers.

chrF is the character n-gram F-score (n = 1..6, beta = 2, whitespace ignored), computed per sentence
with the ``sacrebleu`` package, on a 0-100 scale. Character n-grams need no tokenizer, so every
language of RPGBench (English, German, Spanish, Chinese, Japanese, Korean) is handled alike.

* **PointScore** of a response y_i to sample i with golden response g_i: ``1 + 9 * chrF(y_i, g_i) / 100``
  (1 for nothing in common, 10 for the golden response itself).
* **WinRate**: does the response beat an off-topic in-domain reference? The *foil* of sample i is the
  golden response g_j of the next sample j after i (cyclically, in the order given) of the same subset
  whose golden response differs from g_i. The response wins (1) when ``chrF(y_i, g_i) > chrF(g_j, g_i)``,
  ties (0.5) when they are equal, and loses (0) otherwise. A sample with no foil (the only one of its
  subset, or all goldens there identical) has no WinRate outcome and counts as missing. Where golden
  responses share templates (as in the mini set) a foil can be close to the golden, and a response must
  then match its own golden closely to win.

There is no position to swap, so ``inconsistent`` is always 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property

from remid.core.schema import Sample
from remid.judge.report import JudgeScores

REFERENCE_NAME = "reference-chrF"
REFERENCE_LABEL = "reference-chrF (offline, not an LLM)"
_EQUAL = 1e-9  # chrF values closer than this are a tie


def foil_index(samples: Sequence[Sample], i: int) -> int | None:
    """The index of sample i's foil (module docstring), or None when it has none."""
    own = samples[i]
    for step in range(1, len(samples)):
        j = (i + step) % len(samples)
        other = samples[j]
        if other.subset == own.subset and other.golden_response.strip() != own.golden_response.strip():
            return j
    return None


class ReferenceJudge:
    """WinRate and PointScore from chrF against the golden response (module docstring)."""

    def __init__(self, char_order: int = 6, beta: float = 2.0, n_boot: int = 1000, seed: int = 0) -> None:
        if char_order < 1 or beta <= 0:
            raise ValueError(f"char_order must be >= 1 and beta > 0, got {char_order}, {beta}")
        self.char_order, self.beta, self.n_boot, self.seed = int(char_order), beta, int(n_boot), int(seed)
        self.names = [REFERENCE_NAME]
        self.label = REFERENCE_LABEL if (self.char_order, self.beta) == (6, 2) else (
            f"{REFERENCE_NAME} (n={self.char_order}, beta={self.beta}; offline, not an LLM)")

    def __repr__(self) -> str:
        return f"ReferenceJudge(char_order={self.char_order}, beta={self.beta})"

    @cached_property
    def _metric(self):
        from sacrebleu.metrics import CHRF

        return CHRF(char_order=self.char_order, word_order=0, beta=self.beta)

    def chrf(self, hypothesis: str, reference: str) -> float:
        """Sentence-level chrF of ``hypothesis`` against ``reference``, 0..100 (0 when either is empty)."""
        if not hypothesis.strip() or not reference.strip():
            return 0.0
        return float(self._metric.sentence_score(hypothesis, [reference]).score)

    def units(self, n: int) -> int:
        """Progress steps for ``n`` samples (one per sample)."""
        return n

    def score(self, samples: Sequence[Sample], responses: Sequence[str],
              progress: Callable[[int], None] | None = None) -> list[JudgeScores]:
        """One ``JudgeScores`` over the samples, in order; ``progress(1)`` after each sample."""
        scores = JudgeScores(REFERENCE_NAME)
        for i, (sample, response) in enumerate(zip(samples, responses, strict=True)):
            own = self.chrf(response, sample.golden_response)
            scores.point.append(1.0 + 9.0 * own / 100.0)
            j = foil_index(samples, i)
            if j is None:
                scores.win.append(None)
            else:
                foil = self.chrf(samples[j].golden_response, sample.golden_response)
                scores.win.append(0.5 if abs(own - foil) <= _EQUAL else float(own > foil))
            if progress is not None:
                progress(1)
        return [scores]
