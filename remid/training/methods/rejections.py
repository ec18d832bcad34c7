"""DPO preference pairs (appendix E.1, table 23): golden = chosen, a persona-blind answer = rejected.

The rejected response is what an RPM writes when the user persona and the agent character are
withheld (table 23's prompt): fluent, on topic, but blind to exactly what role-playing must use.
By default the SFT checkpoint the DPO run starts from writes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from remid.core.prompts import RESPONSE_CLOSE, rejection_prompt
from remid.generation.base import SamplingParams
from remid.training.methods.artefacts import sample_completions, split_samples, write_jsonl

log = logging.getLogger(__name__)


def collect_rejections(out_path: str, model: str, generator: Callable[[str], Any], source: str | None = None,
                       skip_invalid: bool = False, limit: int | None = None, max_new_tokens: int = 384,
                       temperature: float = 0.0, max_prompt_tokens: int | None = None, seed: int = 0) -> Path:
    """Write ``{"sample_id", "sample", "chosen", "rejected"}`` rows for the ID training samples.

    A rejection equal to the golden response, or empty, is no preference: such rows are dropped and counted.
    """
    samples = split_samples(source, "id_train", limit, skip_invalid)
    sampling = SamplingParams(max_new_tokens=max_new_tokens, temperature=temperature, seed=seed,
                              stop=(RESPONSE_CLOSE,))
    texts = sample_completions(samples, rejection_prompt, model, generator, sampling,
                               Path(out_path).with_suffix(".cache.jsonl"), max_prompt_tokens, "DPO rejections")
    rows, dropped = [], 0
    for sample, (text,) in zip(samples, texts, strict=True):
        if not text.strip() or text.strip() == sample.golden_response.strip():
            dropped += 1
            continue
        rows.append({"sample_id": sample.sample_id, "sample": sample.to_record(),
                     "chosen": sample.golden_response, "rejected": text})
    if dropped:
        log.warning("DPO rejections: %d of %d were empty or equal to the golden response and are dropped",
                    dropped, len(samples))
    if not rows:
        raise RuntimeError(f"no usable DPO pairs out of {len(samples)} samples ({model} wrote nothing usable)")
    return write_jsonl(out_path, rows)
