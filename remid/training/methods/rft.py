"""Rejection-sampling fine-tuning targets (appendix E.1): the best of n samples of the SFT model.

For each ID training sample the SFT checkpoint writes ``n`` responses (temperature sampling); a
reward (by default table 24's p_ref("100%" | x, y, y_i) under the base model before SFT) scores
each, and the best one becomes that sample's target for continued SFT from the SFT checkpoint.
Every candidate and its reward are kept in the artefact file.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from remid.core.prompts import RESPONSE_CLOSE, rpm_prompt
from remid.generation.base import SamplingParams
from remid.training.methods.artefacts import sample_completions, split_samples, write_jsonl

log = logging.getLogger(__name__)


def _valid(value) -> bool:
    return value is not None and math.isfinite(float(value))


def best_of_n(out_path: str, model: str, generator: Callable[[str], Any], reward: Callable[..., list],
              source: str | None = None, skip_invalid: bool = False, limit: int | None = None, n: int = 5,
              temperature: float = 1.0, top_p: float = 1.0, max_new_tokens: int = 384,
              max_prompt_tokens: int | None = None, seed: int = 0) -> Path:
    """Write ``{"sample_id", "candidates", "rewards", "response"}`` rows (``response`` = the best candidate).

    Invalid rewards (None, NaN, inf) never win; a sample whose candidates all lack a valid reward or
    are all empty keeps its golden response as target and is counted.
    """
    samples = split_samples(source, "id_train", limit, skip_invalid)
    sampling = SamplingParams(max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p, n=n, seed=seed,
                              stop=(RESPONSE_CLOSE,))
    candidates = sample_completions(samples, rpm_prompt, model, generator, sampling,
                                        Path(out_path).with_suffix(".cache.jsonl"), max_prompt_tokens, "RFT candidates")
    flat_samples = [s for s, group in zip(samples, candidates, strict=True) for _ in group]
    flat = [c for group in candidates for c in group]
    scores = reward([rpm_prompt(s).text for s in flat_samples], flat, sample=flat_samples)
    if len(scores) != len(flat):
        raise ValueError(f"reward returned {len(scores)} values for {len(flat)} candidates")
    rows, fallback, at = [], 0, 0
    for sample, group in zip(samples, candidates, strict=True):
        values = scores[at:at + len(group)]
        at += len(group)
        ranked = [i for i in range(len(group)) if _valid(values[i]) and group[i].strip()]
        if ranked:
            best = group[max(ranked, key=lambda i: float(values[i]))]
        else:
            best, fallback = sample.golden_response, fallback + 1
        rows.append({"sample_id": sample.sample_id, "candidates": group,
                     "rewards": [float(v) if _valid(v) else None for v in values], "response": best})
    if fallback:
        log.warning("RFT: %d of %d samples had no valid scored candidate and keep their golden response",
                    fallback, len(samples))
    return write_jsonl(out_path, rows)
