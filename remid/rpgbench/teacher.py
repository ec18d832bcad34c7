"""The construction's teacher: an ``LLMClient`` that checks answers per task, records rejects, counts cost.

``BenchClient`` is ``remid.llm.LLMClient`` with the answer check of ``remid.rpgbench.parse.PARSERS``: an
answer that fails it is re-asked (``parse_retries``) and then recorded failed, with its raw text, in
the client's cache. ``Teacher.ask(step, requests)`` runs one step's requests (``max_concurrency`` in
flight), writes each answer that never parsed to the rejects ledger (``rejects.jsonl``: step, task, key,
error, raw answer, inputs) and tallies the step: requests, cached, asked, rejected, without an answer
(HTTP failures: not ledgered, asked again next run), retries, re-asks, characters sent and received,
the tokens the server reported and their cost. A request rejected in an earlier run of the
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

from remid.llm import ChatRequest, ChatResult, JSONAnswerError, LLMClient
from remid.rpgbench.parse import PARSERS

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
    rejected: int = 0  # answers that never passed their check, in this run (written to rejects.jsonl)
    failed_http: int = 0  # requests without an answer (asked again by the next run)
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
                f"{self.skipped_rejects} earlier rejects skipped), {self.rejected} rejected as unparseable, "
                f"{self.failed_http} without an answer, {self.retries} retries, {self.reasks} re-asks; "
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
        self.rejected_keys: list[str] = []  # this build's rejects, in step and request order
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

    def _outcome(self, key: str, result: ChatResult) -> str:
        """"failed_parse" (an answer that never passed its check) or "failed_http" (no answer) of a failed result."""
        entry = self.client.cache.get(key) if self.client.cache is not None else None
        if isinstance(entry, dict) and entry.get("outcome") in ("failed_parse", "failed_http"):
            return entry["outcome"]
        return "failed_parse" if result.text is not None else "failed_http"

    def _progress(self, step: str, total: int) -> Callable[[int], None]:
        done, every = [0], max(1, total // 10)

        def progress(k: int) -> None:
            before, done[0] = done[0], done[0] + k
            if total >= 50 and done[0] // every > before // every:
                log.info("%s: %d/%d requests done", step, done[0], total)
            if self.on_progress is not None:
                self.on_progress(step, k)

        return progress

    def ask(self, step: str, requests: list[ChatRequest]) -> list[ChatResult | None]:
        """One result per request (None: rejected in an earlier run); unparseable answers go to the rejects
        ledger, requests without an answer (HTTP failures) are only counted and asked again next run."""
        stats = self.steps.setdefault(step, StepStats())
        stats.requests += len(requests)
        keys = [self.client.key(r) for r in requests]
        todo = [i for i, k in enumerate(keys) if self.retry_rejects or k not in self.rejects]
        stats.skipped_rejects += len(requests) - len(todo)
        before, calls_before = self._usage(), self.client.stats.as_dict()
        answered = self.client.chat([requests[i] for i in todo], progress=self._progress(step, len(todo)))
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
            if result.ok:
                continue
            if self._outcome(keys[i], result) == "failed_http":
                stats.failed_http += 1
                continue
            stats.rejected += 1
            fresh.append({"step": step, "task": requests[i].task, "key": keys[i], "error": result.error,
                          "raw": result.text, "fields": requests[i].fields})
        fresh_keys = {r["key"] for r in fresh}
        self.rejected_keys += [k for k, r in zip(keys, results, strict=True) if r is None or k in fresh_keys]
        after = self.client.stats.as_dict()
        stats.retries += after["retries"] - calls_before["retries"]
        stats.reasks += after["reasks"] - calls_before["reasks"]
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
        if stats.failed_http:
            log.warning("%s: %d request(s) got no answer (HTTP errors, see the log above); their samples are "
                        "missing: run the build again to ask them", step, stats.failed_http)
        return results

    def write_rejects(self) -> None:
        """Rewrite the ledger with this build's rejects only, in step and request order (stale ones dropped)."""
        text = "".join(json.dumps(self.rejects[k], ensure_ascii=False) + "\n" for k in dict.fromkeys(self.rejected_keys))
        self.rejects_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.rejects_path.with_name(self.rejects_path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.rejects_path)

    def rejected(self, step: str) -> int:
        """Requests of ``step`` rejected as unparseable (in this run or an earlier one of this build)."""
        stats = self.steps.get(step, StepStats())
        return stats.rejected + stats.skipped_rejects

    def unanswered(self) -> int:
        """Requests of this run that got no answer at all (HTTP failures)."""
        return sum(stats.failed_http for stats in self.steps.values())

    def summary(self) -> dict[str, dict]:
        return {step: asdict(stats) for step, stats in self.steps.items()}
