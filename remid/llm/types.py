"""What goes into and comes out of the LLM client, and the two errors a backend may raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

ROLES = ("system", "user", "assistant")


class RetryableError(Exception):
    """A failure worth retrying: HTTP 429/5xx, a connection error, a timeout or stall.

    ``retry_after`` is the server's ``Retry-After`` in seconds, when it gave one.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FatalError(Exception):
    """A failure that retrying cannot fix (HTTP 4xx other than 408/429, an unknown task, a bad request)."""


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion to ask for.

    ``messages`` are ``{"role", "content"}`` dicts (roles: system, user, assistant). ``task`` names what
    is asked ("da_dialogue", "rejection", ...); ``fields`` carries its structured inputs (e.g.
    ``{"sample": sample.to_record(), "seed": ...}``, JSON-serialisable): the offline ``RulesBackend``
    answers from them, HTTP and in-process backends read only ``messages``; both are stored with the
    result. A non-empty ``json_keys`` asks for a JSON object holding those keys.
    """

    messages: list[dict[str, str]]
    task: str
    fields: dict[str, Any] = field(default_factory=dict)
    temperature: float = 0.0
    max_tokens: int = 512
    json_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "json_keys", tuple(self.json_keys))
        problems = []
        if not isinstance(self.messages, list):
            problems.append(f"messages must be a list, got {type(self.messages).__name__}")
        else:
            for i, message in enumerate(self.messages):
                if not isinstance(message, dict) or set(message) != {"role", "content"}:
                    problems.append(f"messages[{i}] must be a dict with exactly 'role' and 'content'")
                elif message["role"] not in ROLES or not isinstance(message["content"], str):
                    problems.append(f"messages[{i}]: role must be one of {ROLES} and content a string")
        if not isinstance(self.task, str) or not self.task:
            problems.append("task must be a non-empty string")
        if self.max_tokens < 1:
            problems.append(f"max_tokens must be >= 1, got {self.max_tokens}")
        if self.temperature < 0:
            problems.append(f"temperature must be >= 0, got {self.temperature}")
        if problems:
            raise ValueError("invalid ChatRequest: " + "; ".join(problems))

    def record(self) -> dict[str, Any]:
        """The request as stored in the cache beside its answer."""
        return {"messages": self.messages, "task": self.task, "fields": self.fields,
                "temperature": self.temperature, "max_tokens": self.max_tokens, "json_keys": list(self.json_keys)}


@dataclass(frozen=True)
class ChatResult:
    """The outcome of one request.

    ``text`` is the raw answer (None when no answer came back), ``parsed`` the JSON object when
    ``json_keys`` were asked for and it parsed; ``ok`` is False with ``error`` set otherwise.
    ``attempts`` counts the backend calls spent on it (0 when ``cached``).
    """

    key: str
    text: str | None
    parsed: dict[str, Any] | None
    ok: bool
    error: str | None
    attempts: int
    cached: bool


@runtime_checkable
class Backend(Protocol):
    """Answers one request with raw text, or raises ``RetryableError`` / ``FatalError``.

    ``name`` identifies the backend and its model in cache keys (never a secret). Optional members
    the client uses when present: ``complete_batch(requests) -> list[str]`` (answer many at once;
    called instead of per-request threads), ``batch_size`` (requests per ``complete_batch`` call),
    ``reads_fields`` (True when answers depend on ``task``/``fields``, so they enter the cache key),
    ``deterministic`` (True when a temperature-0 request always gets the same answer, so a parse
    failure is not re-asked).
    """

    name: str

    def complete(self, request: ChatRequest) -> str: ...
