"""Thinking traces for ThinkingSFT (appendix E.1, table 25), distilled from a teacher.

The teacher answers table 15's prompt with the golden response shown (as when collecting CoRL's SFT
traces); the trace's final feature set (table 16 Part 3, which is table 25's format) becomes the
thinking section the RPM learns to write before its response. Traces are collected for the ID
training samples and the validation slice, written as ``{"sample_id", "thinking"}`` rows; failed
teacher answers are counted in ``<out>.stats.json``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from remid.estimators.reasoner import extract_core_features
from remid.llm import ChatRequest, LLMClient
from remid.methods.artefacts import split_samples, write_jsonl
from remid.prompts import reasoning_prompt

log = logging.getLogger(__name__)


def collect_traces(out_path: str, teacher: LLMClient, source: str | None = None, skip_invalid: bool = False,
                   train_limit: int | None = None, val_limit: int | None = 64, max_tokens: int = 1024) -> Path:
    """Write one table-25 thinking section per ID training and validation sample; returns the path."""
    samples = split_samples(source, "id_train", train_limit, skip_invalid) + split_samples(source, "id", val_limit,
                                                                                         skip_invalid)
    answers = teacher.chat([ChatRequest(messages=[{"role": "user", "content": reasoning_prompt(s, with_reference=True).text}],
                                        task="thinking_trace", fields={"sample": s.to_record()}, max_tokens=max_tokens)
                            for s in samples])
    rows = [{"sample_id": s.sample_id, "thinking": extract_core_features(a.text)}
            for s, a in zip(samples, answers, strict=True) if a.ok and a.text and extract_core_features(a.text)]
    stats = {"samples": len(samples), "failed": len(samples) - len(rows)}
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).with_suffix(".stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    if stats["failed"]:
        log.warning("thinking traces: %d of %d teacher answers failed or were empty; those samples are not trained on",
                    stats["failed"], len(samples))
    if not rows:
        raise RuntimeError(f"the teacher wrote no usable trace for {len(samples)} samples")
    return write_jsonl(out_path, rows)
