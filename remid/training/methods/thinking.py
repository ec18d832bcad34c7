"""Thinking traces for ThinkingSFT (appendix E.1, table 25), distilled from a teacher.

The teacher answers table 15's prompt with the golden response shown (as when collecting CoRL's SFT
traces, ``remid.training.methods.traces``); the trace's final feature set (table 16 Part 3, which is table 25's
format) becomes the thinking section the RPM learns to write before its response. Traces are collected
for the ID training samples and the validation slice, written as ``{"sample_id", "thinking"}`` rows;
failed teacher answers are counted in ``<out>.stats.json``.
"""

from __future__ import annotations

from pathlib import Path

from remid.core.reasoning import extract_core_features
from remid.llm import LLMClient
from remid.training.methods.traces import teacher_traces, training_samples


def collect_traces(out_path: str, teacher: LLMClient, source: str | None = None, skip_invalid: bool = False,
                   train_limit: int | None = None, val_limit: int | None = 64, max_tokens: int = 1024) -> Path:
    """Write one table-25 thinking section per ID training and validation sample; returns the path."""
    samples = training_samples(source, skip_invalid, train_limit, val_limit)
    return teacher_traces(out_path, teacher, samples, "thinking_trace", "thinking", extract_core_features, max_tokens)
