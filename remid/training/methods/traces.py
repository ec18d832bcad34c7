"""Teacher traces for SFT (appendix D): the teacher answers table 15's prompt with the golden response shown.

One collection loop serves every method that learns from such traces: CoRL and the R-EMI estimator's
SFT initialisation keep the whole table 16 trace (``reasoning_traces``: the reasoning generator learns
it, the policy model reads its core features r); ThinkingSFT keeps its final feature set as a table 25
thinking section (``remid.training.methods.thinking``). The teacher is the project's ``LLMClient`` (``llm=...``;
offline, ``llm=rules`` answers the task ``reasoning_trace`` with ``rule_based_reasoning``). Traces are
written as ``{"sample_id", <key>}`` rows to ``<run_dir>/data/``; failed or unusable answers are counted in
``<out>.stats.json`` and those samples are left out of training (``require_columns``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from remid.core.prompts import CORE_FEATURES_MARKER, reasoning_prompt
from remid.core.schema import Sample
from remid.llm import ChatRequest, LLMClient
from remid.llm.client import check_answered
from remid.training.methods.artefacts import split_samples, write_jsonl

log = logging.getLogger(__name__)


def training_samples(source: str | None, skip_invalid: bool, train_limit: int | None, val_limit: int | None,
                     extra: Sequence[Sample] | None = None) -> list[Sample]:
    """The first ``train_limit`` ID training samples, ``val_limit`` ID dev samples (the validation slice of
    ``SFTDataModule``; 0: none; never a test sample) and ``extra`` ones (e.g. the tiny estimator's
    post-training set)."""
    val = split_samples(source, "id_dev", val_limit, skip_invalid) if val_limit != 0 else []
    return split_samples(source, "id_train", train_limit, skip_invalid) + val + list(extra or [])


def teacher_traces(out_path: str, teacher: LLMClient, samples: list[Sample], task: str, key: str,
                   keep: Callable[[str], str], max_tokens: int = 1024) -> Path:
    """Ask ``teacher`` (task ``task``) for one table 16 trace per sample; write ``keep(answer)`` under ``key``.

    An answer that failed, is empty, or from which ``keep`` keeps nothing is counted and left out.
    """
    answers = teacher.chat([ChatRequest(messages=[{"role": "user", "content": reasoning_prompt(s, with_reference=True).text}],
                                        task=task, fields={"sample": s.to_record()}, max_tokens=max_tokens)
                            for s in samples])
    check_answered(answers, "the teacher (llm group)", "check llm.backend (its server, model and key)")
    kept = [keep(a.text) if a.ok and a.text else "" for a in answers]
    rows = [{"sample_id": s.sample_id, key: k} for s, k in zip(samples, kept, strict=True) if k]
    stats = {"samples": len(samples), "failed": len(samples) - len(rows), "task": task}
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).with_suffix(".stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    if stats["failed"]:
        log.warning("%s: %d of %d teacher answers failed or were unusable; those samples are not trained on",
                    task, stats["failed"], len(samples))
    if not rows:
        raise RuntimeError(f"the teacher wrote no usable {task} for {len(samples)} samples")
    return write_jsonl(out_path, rows)


def whole_trace(answer: str) -> str:
    """The trace as written, when it holds the core-features marker r is read after; else nothing (unusable)."""
    return answer.strip() if CORE_FEATURES_MARKER in answer else ""


def reasoning_traces(out_path: str, teacher: LLMClient, source: str | None = None, skip_invalid: bool = False,
                     train_limit: int | None = None, val_limit: int | None = 64,
                     extra_samples: Sequence[Sample] | None = None, max_tokens: int = 1024) -> Path:
    """Table 16 traces ``{"sample_id", "trace"}`` for the reasoning generator (table 15 -> trace) and the policy
    model (table 17 with the trace's core features -> y); a prepare step of CoRL, sft_reasoner and sft_policy."""
    samples = training_samples(source, skip_invalid, train_limit, val_limit, extra_samples)
    return teacher_traces(out_path, teacher, samples, "reasoning_trace", "trace", whole_trace, max_tokens)
