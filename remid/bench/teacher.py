"""The construction's teacher: an ``LLMClient`` that checks answers per task, records rejects, counts cost.

``BenchClient`` is ``remid.llm.LLMClient`` with the answer check of ``remid.bench.parse.PARSERS``: an
answer that fails it is re-asked (``parse_retries``) and then recorded failed, with its raw text, in
the client's cache. ``Teacher.ask(step, requests)`` runs one step's requests (``max_concurrency`` in
flight), writes each final failure to the rejects ledger (``rejects.jsonl``: step, task, key, error,
raw answer) and tallies the step: requests, cached, asked, rejected, re-asks, characters sent and
received, the tokens the server reported and their cost. A request rejected in an earlier run of the
same build is not asked again (``retry_rejects`` asks it again), so a resumed build ends exactly as an
uninterrupted one and a finished build re-runs for free.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from remid.bench.parse import PARSERS
from remid.llm import ChatRequest, ChatResult, JSONAnswerError, LLMClient

log = logging.getLogger(__name__)


class BenchClient(LLMClient):
    """``LLMClient`` whose answers to the construction tasks must pass ``PARSERS[task]``."""

    def _parse(self, request: ChatRequest, text: str | None) -> tuple[dict[str, Any] | None, str | None]:
        parser = PARSERS.get(request.task)
        if parser is None:
            return super()._parse(request, text)
        if not isinstance(text, str):
            return None, f"the backend returned {type(text).__name__}, not text"
        try:
            return parser(text, request.fields), None
        except JSONAnswerError as exc:
            return None, str(exc)


@dataclass
class StepStats:
    """One step's teacher calls (``requests = cached + asked + skipped_rejects``)."""

    requests: int = 0
    cached: int = 0
    asked: int = 0
    skipped_rejects: int = 0  # rejected in an earlier run of this build, not asked again
    rejected: int = 0  # failed for good in this run (bad answers and HTTP failures)
    rejected_parse: int = 0
    retries: int = 0
    reasks: int = 0
    prompt_chars: int = 0  # of the requests asked
    answer_chars: int = 0  # of the raw answers received (last attempt)
    prompt_tokens: int | None = None  # as the server reported them (None: the backend reports none)
    completion_tokens: int | None = None
    cost: float | None = None

    def line(self, step: str) -> str:
        tokens = ("tokens not reported by the backend" if self.prompt_tokens is None else
                  f"{self.prompt_tokens} prompt + {self.completion_tokens} completion tokens")
        cost = "" if self.cost is None else f", cost {self.cost:.4f}"
        return (f"{step}: {self.requests} requests ({self.cached} cached, {self.asked} asked, "
                f"{self.skipped_rejects} earlier rejects skipped), {self.rejected} rejected "
                f"({self.rejected_parse} unparseable), {self.retries} retries, {self.reasks} re-asks; "
                f"{self.prompt_chars} chars sent, {self.answer_chars} received; {tokens}{cost}")


class Teacher:
    """Runs the construction's requests step by step (module docstring)."""

    def __init__(self, client: LLMClient, rejects_path: str | Path, retry_rejects: bool = False,
                 price_per_1m: dict[str, float | None] | None = None,
                 on_progress: Callable[[str, int], None] | None = None) -> None:
        self.client, self.rejects_path, self.retry_rejects = client, Path(rejects_path), retry_rejects
        self.price = dict(price_per_1m or {})
        self.on_progress = on_progress
        self.steps: dict[str, StepStats] = {}
        self.rejects: dict[str, dict] = {}  # key -> reject record, from earlier runs and this one
        if self.rejects_path.exists():
            for line in self.rejects_path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:  # a torn last line of a killed run
                        continue
                    self.rejects[record["key"]] = record

    def _usage(self) -> dict[str, int] | None:
        usage = getattr(self.client.backend, "usage", None)
        return dict(usage) if isinstance(usage, dict) else None

    def ask(self, step: str, requests: list[ChatRequest]) -> list[ChatResult | None]:
        """One result per request (None: rejected in an earlier run); failures go to the rejects ledger."""
        stats = self.steps.setdefault(step, StepStats())
        stats.requests += len(requests)
        keys = [self.client.key(r) for r in requests]
        todo = [i for i, k in enumerate(keys) if self.retry_rejects or k not in self.rejects]
        stats.skipped_rejects += len(requests) - len(todo)
        before, calls_before = self._usage(), self.client.stats.as_dict()
        progress = (lambda k: self.on_progress(step, k)) if self.on_progress else None
        answered = self.client.chat([requests[i] for i in todo], progress=progress)
        results: list[ChatResult | None] = [None] * len(requests)
        fresh = []
        for i, result in zip(todo, answered, strict=True):
            results[i] = result
            if result.cached:
                stats.cached += 1
                continue
            stats.asked += 1
            stats.prompt_chars += sum(len(m["content"]) for m in requests[i].messages)
            stats.answer_chars += len(result.text or "")
            if not result.ok and keys[i] not in self.rejects:
                fresh.append({"step": step, "task": requests[i].task, "key": keys[i], "error": result.error,
                              "raw": result.text, "fields": requests[i].fields})
        after = self.client.stats.as_dict()
        stats.retries += after["retries"] - calls_before["retries"]
        stats.reasks += after["reasks"] - calls_before["reasks"]
        stats.rejected += sum(1 for i in todo if results[i] is not None and not results[i].ok)
        stats.rejected_parse += after["failed_parse"] - calls_before["failed_parse"]
        usage = self._usage()
        if before is not None and usage is not None and usage.get("responses_with_usage"):
            stats.prompt_tokens = (stats.prompt_tokens or 0) + usage["prompt_tokens"] - before["prompt_tokens"]
            stats.completion_tokens = ((stats.completion_tokens or 0) + usage["completion_tokens"]
                                       - before["completion_tokens"])
            prompt_price, completion_price = self.price.get("prompt"), self.price.get("completion")
            if prompt_price is not None and completion_price is not None:
                stats.cost = (stats.prompt_tokens * prompt_price + stats.completion_tokens * completion_price) / 1e6
        if fresh:
            self.rejects_path.parent.mkdir(parents=True, exist_ok=True)
            with self.rejects_path.open("a", encoding="utf-8") as handle:
                for record in fresh:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    self.rejects[record["key"]] = record
        log.info("%s", stats.line(step))
        return results

    def rejected(self, step: str) -> int:
        """Requests of ``step`` without a usable answer (this run's rejects and earlier ones skipped)."""
        stats = self.steps.get(step, StepStats())
        return stats.rejected + stats.skipped_rejects

    def summary(self) -> dict[str, dict]:
        return {step: asdict(stats) for step, stats in self.steps.items()}
