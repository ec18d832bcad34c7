"""``LLMClient``: the one way remid asks an LLM (teachers and judges alike), with a cache, retries and parsing.

    client = LLMClient(RulesBackend(), cache_path="runs/cache/llm/rules.jsonl")
    [result] = client.chat([ChatRequest(messages, task="da_topics", fields={"sample": s.to_record()},
                                        json_keys=("possibility_1", "possibility_2", "possibility_3"))])

* **Cache.** Every answer is appended to a ``JsonlCache`` with its request (messages, task, fields,
  sampling settings), raw text, outcome and error. The key covers the backend's ``name`` (kind, URL,
  model), the messages and the sampling settings (plus task and fields for backends that read them).
  A successful entry is reused; a failed one stays in the file for inspection and is asked again.
* **Retries.** ``RetryableError`` (HTTP 429/5xx, connection errors, timeouts) is retried up to
  ``max_retries`` times with exponential backoff and jitter, waiting at least the server's
  ``Retry-After`` (each wait capped at ``max_backoff_s``); ``FatalError`` (other 4xx, unknown task)
  fails the request at once.
* **Parsing.** With ``json_keys`` the answer must hold a JSON object with those keys; one that does
  not is asked again up to ``parse_retries`` times (not for a deterministic backend at temperature 0,
  which would repeat itself), then recorded as failed with its raw text. Nothing is dropped: every
  request gets a ``ChatResult``, in order, and ``stats`` counts every outcome.
* **Concurrency.** At most ``max_concurrency`` requests are in flight (a thread pool); a backend
  with ``complete_batch`` (in-process models) gets ``batch_size`` requests per call instead.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from remid.core.cache import JsonlCache, cache_key
from remid.llm.parsing import JSONAnswerError, parse_json_answer
from remid.llm.types import ChatRequest, ChatResult, FatalError, RetryableError

log = logging.getLogger(__name__)


class NoAnswerError(RuntimeError):
    """A judge or teacher that answered none of its requests (an unreachable server, a wrong key or model)."""


def check_answered(results: list[ChatResult], who: str, fix: str) -> None:
    """Raise ``NoAnswerError`` when not one of ``results`` came back with an answer (garbage still counts as one)."""
    if results and all(r.text is None for r in results):
        first = next((r.error for r in results if r.error), "none recorded").splitlines()[0][:200]
        raise NoAnswerError(f"{who} answered none of {len(results)} requests (first failure: {first}); {fix}")


@dataclass
class LLMStats:
    """Counts of one ``chat`` call or, summed, of a client's life.

    ``requests = cached + ok + failed_http + failed_parse``: ``ok`` and the failures count the requests
    not served from the cache; ``failed_http`` is a request the backend could not answer
    (HTTP error, retries exhausted, ``FatalError``), ``failed_parse`` one whose answer held no usable
    JSON. ``retries`` counts re-sends after a ``RetryableError``, ``reasks`` re-asks after a bad answer.
    """

    requests: int = 0
    cached: int = 0
    ok: int = 0
    failed_http: int = 0
    failed_parse: int = 0
    retries: int = 0
    reasks: int = 0

    def add(self, other: LLMStats) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def summary(self) -> str:
        return (f"{self.requests} requests: {self.cached} cached, {self.ok} ok, {self.failed_http} failed_http, "
                f"{self.failed_parse} failed_parse; {self.retries} retries, {self.reasks} re-asks")


@dataclass
class _Outcome:
    """One request's result before it becomes a ``ChatResult`` (and a cache entry)."""

    text: str | None = None
    parsed: dict[str, Any] | None = None
    error: str | None = None
    kind: str = "ok"  # ok | failed_http | failed_parse
    attempts: int = 0
    retries: int = 0
    reasks: int = 0


class _GaveUp(Exception):
    """A backend call that failed for good; ``calls`` is how many were made."""

    def __init__(self, message: str, calls: int) -> None:
        super().__init__(message)
        self.calls = calls


class LLMClient:
    """Chat completions through one backend (module docstring: cache, retries, parsing, concurrency)."""

    def __init__(self, backend, cache_path: str | Path | None = None, max_concurrency: int = 4,
                 max_retries: int = 4, parse_retries: int = 2, backoff_s: float = 1.0,
                 max_backoff_s: float = 30.0) -> None:
        if max_concurrency < 1 or max_retries < 0 or parse_retries < 0 or backoff_s < 0:
            raise ValueError("max_concurrency must be >= 1 and max_retries, parse_retries, backoff_s >= 0")
        self.backend = backend
        self.cache = JsonlCache(cache_path) if cache_path else None
        self.max_concurrency, self.max_retries, self.parse_retries = max_concurrency, max_retries, parse_retries
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.stats = LLMStats()
        self._jitter = random.Random()
        self._sleep = time.sleep

    # ------------------------------------------------------------------------------------------ keys
    def key(self, request: ChatRequest) -> str:
        """The cache key of ``request`` under this client's backend."""
        parts: dict[str, Any] = {"backend": self.backend.name, "messages": request.messages,
                                 "temperature": request.temperature, "max_tokens": request.max_tokens,
                                 "json_keys": list(request.json_keys)}
        if getattr(self.backend, "reads_fields", False):
            parts.update(task=request.task, fields=request.fields)
        try:
            return cache_key("llm", parts)
        except TypeError as exc:
            raise TypeError(f"request {request.task!r}: messages and fields must be JSON-serialisable "
                            f"(pass sample.to_record(), not a Sample): {exc}") from exc

    def _from_cache(self, key: str, request: ChatRequest) -> ChatResult | None:
        entry = self.cache.get(key) if self.cache is not None else None
        if not entry or not entry.get("ok"):
            return None  # a recorded failure is asked again
        parsed, error = self._parse(request, entry.get("text"))
        if error is not None:
            return None
        return ChatResult(key, entry["text"], parsed, True, None, 0, True)

    # ------------------------------------------------------------------------------------------ chat
    def chat(self, requests: Iterable[ChatRequest], progress: Callable[[int], None] | None = None) -> list[ChatResult]:
        """One ``ChatResult`` per request, in order; ``progress(k)`` after every ``k`` requests done."""
        requests = list(requests)
        call = LLMStats(requests=len(requests))
        results: list[ChatResult | None] = [None] * len(requests)
        todo: dict[str, list[int]] = {}  # key -> indices asking it (duplicates are asked once)
        for i, request in enumerate(requests):
            key = self.key(request)
            hit = self._from_cache(key, request) if key not in todo else None
            if hit is not None:
                results[i] = hit
                call.cached += 1
            else:
                todo.setdefault(key, []).append(i)
        if progress is not None and call.cached:
            progress(call.cached)
        unique = [(key, requests[indices[0]]) for key, indices in todo.items()]

        def finish(done: list[tuple[str, ChatRequest, _Outcome]]) -> None:
            if self.cache is not None:
                self.cache.put_many((key, self._entry(request, out)) for key, request, out in done)
            for key, _request, out in done:
                indices = todo[key]  # a request repeated in one call is asked once; each copy gets its result
                setattr(call, out.kind, getattr(call, out.kind) + len(indices))
                call.retries, call.reasks = call.retries + out.retries, call.reasks + out.reasks
                for n, i in enumerate(indices):
                    results[i] = ChatResult(key, out.text, out.parsed, out.kind == "ok", out.error,
                                            out.attempts if n == 0 else 0, False)
            if progress is not None:
                progress(sum(len(todo[key]) for key, _, _ in done))

        if unique and hasattr(self.backend, "complete_batch"):
            size = max(1, int(getattr(self.backend, "batch_size", 8)))
            for start in range(0, len(unique), size):
                chunk = unique[start:start + size]
                finish([(k, r, o) for (k, r), o in zip(chunk, self._ask_batch([r for _, r in chunk]), strict=True)])
        elif unique:
            with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(unique))) as pool:
                futures = {pool.submit(self._ask_one, request): (key, request) for key, request in unique}
                for future in as_completed(futures):
                    key, request = futures[future]
                    finish([(key, request, future.result())])
        self.stats.add(call)
        self._report(call, results)
        return results  # type: ignore[return-value]

    def _report(self, call: LLMStats, results: list[ChatResult | None]) -> None:
        failed = [r for r in results if r is not None and not r.ok]
        line = f"llm {self.backend.name}: {call.summary()}"
        if not failed:
            log.info(line)
            return
        where = f"; raw answers and errors in {self.cache.path}" if self.cache is not None else ""
        log.warning("%s; first failure: %s%s", line, failed[0].error, where)

    # ---------------------------------------------------------------------------------------- asking
    def _deterministic(self, request: ChatRequest) -> bool:
        return bool(getattr(self.backend, "deterministic", False)) and request.temperature == 0

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        base = min(self.max_backoff_s, self.backoff_s * 2 ** attempt)
        delay = base * (0.5 + 0.5 * self._jitter.random())  # jitter spreads clients that failed together
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_backoff_s))
        return delay

    def _with_retries(self, fn: Callable[[], Any]) -> tuple[Any, int]:
        """``(fn(), calls made)``; ``RetryableError`` is retried with backoff, then ``_GaveUp``."""
        for attempt in range(self.max_retries + 1):
            try:
                return fn(), attempt + 1
            except FatalError as exc:
                raise _GaveUp(str(exc), attempt + 1) from exc
            except RetryableError as exc:
                if attempt == self.max_retries:
                    raise _GaveUp(f"gave up after {attempt + 1} attempts: {exc}", attempt + 1) from exc
                delay = self._delay(attempt, exc.retry_after)
                log.debug("llm %s: %s; retrying in %.2fs", self.backend.name, exc, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _parse(self, request: ChatRequest, text: str | None) -> tuple[dict[str, Any] | None, str | None]:
        if not isinstance(text, str):
            return None, f"the backend returned {type(text).__name__}, not text"
        if not request.json_keys:
            return None, None
        try:
            return parse_json_answer(text, request.json_keys), None
        except JSONAnswerError as exc:
            return None, str(exc)

    def _ask_one(self, request: ChatRequest) -> _Outcome:
        """Ask until the answer parses (at most ``parse_retries`` re-asks); runs in a worker thread."""
        out = _Outcome()
        for ask in range(self.parse_retries + 1):
            try:
                text, calls = self._with_retries(lambda: self.backend.complete(request))
            except _GaveUp as exc:
                out.attempts += exc.calls
                out.retries += exc.calls - 1
                out.kind, out.error = "failed_http", str(exc)
                return out
            out.attempts, out.retries, out.text = out.attempts + calls, out.retries + calls - 1, text
            out.parsed, out.error = self._parse(request, text)
            if out.error is None:
                return out
            if ask == self.parse_retries or self._deterministic(request):
                break
            out.reasks += 1
        out.kind = "failed_parse"
        return out

    def _ask_batch(self, requests: list[ChatRequest]) -> list[_Outcome]:
        """``_ask_one`` for a backend with ``complete_batch``: bad answers are re-asked together."""
        outs = [_Outcome() for _ in requests]
        pending = list(range(len(requests)))
        for ask in range(self.parse_retries + 1):
            batch = [requests[i] for i in pending]
            try:
                texts, calls = self._with_retries(lambda batch=batch: self.backend.complete_batch(batch))
            except _GaveUp as exc:
                for i in pending:
                    outs[i].attempts += exc.calls
                    outs[i].retries += exc.calls - 1
                    outs[i].kind, outs[i].error = "failed_http", str(exc)
                return outs
            if len(texts) != len(batch):
                raise RuntimeError(f"{self.backend.name}.complete_batch returned {len(texts)} answers for {len(batch)}")
            again = []
            for i, text in zip(pending, texts, strict=True):
                out = outs[i]
                out.attempts, out.retries, out.text = out.attempts + calls, out.retries + calls - 1, text
                out.parsed, out.error = self._parse(requests[i], text)
                if out.error is None:
                    continue
                if ask == self.parse_retries or self._deterministic(requests[i]):
                    out.kind = "failed_parse"
                else:
                    out.reasks += 1
                    again.append(i)
            pending = again
            if not pending:
                break
        return outs

    def _entry(self, request: ChatRequest, out: _Outcome) -> dict[str, Any]:
        return {"backend": self.backend.name, "request": request.record(), "text": out.text,
                "ok": out.kind == "ok", "outcome": out.kind, "error": out.error, "attempts": out.attempts,
                "at": time.strftime("%Y-%m-%dT%H:%M:%S")}

    def close(self) -> None:
        """Release the backend's resources (HTTP connections)."""
        if hasattr(self.backend, "close"):
            self.backend.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
