"""OpenAI-compatible chat-completions backend (OpenAI, vLLM's server, any server speaking that schema).

``POST {base_url}/chat/completions`` with ``{"model", "messages", "temperature", "max_tokens"}``; the
answer is ``choices[0].message.content``. The API key is read only from the environment variable
named by ``api_key_env`` and only ever sent in the ``Authorization`` header: it is not part of the
backend's ``name`` (the cache key), its ``repr``, any error message or log line.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from email.utils import parsedate_to_datetime

import httpx

from remid.core.validation import ConfigError
from remid.llm.types import ChatRequest, FatalError, RetryableError

RETRYABLE_STATUS = {408, 429}  # plus every 5xx


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (a local server may need no key)."""
    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def server_message(response: httpx.Response, limit: int = 300) -> str:
    """The server's own error text: ``{"error": {"message": ...}}`` when it sends one, else the body."""
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        message = error.get("message") if isinstance(error, dict) else error
        if message:
            return str(message)[:limit]
    except ValueError:
        pass
    text = " ".join(response.text.split())
    return text[:limit] or response.reason_phrase or "(empty body)"


class OpenAIChatBackend:
    """Chat completions over HTTP. ``timeout_s`` bounds each connect, send and wait for bytes: a server
    that stalls longer raises a ``RetryableError``. ``json_mode`` also asks the server for
    ``response_format={"type": "json_object"}`` when a request has ``json_keys`` (OpenAI requires the
    word "JSON" in the messages then). A loopback URL may go without a key; any other needs one.
    ``max_connections`` (None: as many as the client's ``max_concurrency`` asks for) caps open sockets.
    """

    reads_fields = False
    deterministic = False

    def __init__(self, base_url: str, model: str, api_key_env: str | None = "OPENAI_API_KEY",
                 timeout_s: float = 60.0, json_mode: bool = False, max_connections: int | None = None) -> None:
        self.base_url, self.model = base_url.rstrip("/"), model
        self.timeout_s, self.json_mode, self.max_connections = timeout_s, json_mode, max_connections
        self.name = f"openai-chat:{self.base_url}:{model}"
        self._loopback = is_loopback(self.base_url)
        api_key = os.environ.get(api_key_env) if api_key_env else None
        if not api_key and not self._loopback:
            raise ConfigError(f"no API key for {self.base_url}: set the environment variable {api_key_env!r} "
                             "(the key is read only from there; a loopback URL may go without one)")
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        # Token counts the server reported in ``usage`` (summed over every answered request).
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0, "responses_with_usage": 0}

    def __repr__(self) -> str:
        return f"OpenAIChatBackend({self.base_url!r}, {self.model!r})"

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout_s),
                    limits=httpx.Limits(max_connections=self.max_connections,
                                        max_keepalive_connections=self.max_connections),
                    trust_env=not self._loopback,  # no proxy between us and a local server
                )
            return self._client

    def payload(self, request: ChatRequest) -> dict:
        body = {"model": self.model, "messages": request.messages, "temperature": request.temperature,
                "max_tokens": request.max_tokens}
        if self.json_mode and request.json_keys:
            body["response_format"] = {"type": "json_object"}
        return body

    def complete(self, request: ChatRequest) -> str:
        url = f"{self.base_url}/chat/completions"
        try:
            response = self._http().post(url, json=self.payload(request), headers=self._headers)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise FatalError(f"bad URL {url}: {exc}") from None
        except httpx.TimeoutException as exc:
            raise RetryableError(f"no answer from {url} within {self.timeout_s}s ({type(exc).__name__})") from None
        except httpx.RequestError as exc:  # connection refused/reset, protocol and decoding errors
            raise RetryableError(f"connection error to {url} ({type(exc).__name__}: {exc})") from None
        status = response.status_code
        if status in RETRYABLE_STATUS or status >= 500:
            raise RetryableError(f"HTTP {status} from {url}: {server_message(response)}",
                                 parse_retry_after(response.headers.get("retry-after")))
        if status >= 400:
            raise FatalError(f"HTTP {status} from {url}: {server_message(response)}")
        try:
            body = response.json()
            choice = body["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise RetryableError(f"malformed completion from {url}: {server_message(response, 120)}") from None
        self._count_usage(body.get("usage"))
        if not isinstance(content, str):
            raise FatalError(f"no text in the completion from {url} (finish_reason={choice.get('finish_reason')!r})")
        return content

    def _count_usage(self, usage) -> None:
        if not isinstance(usage, dict):
            return
        counts = {k: usage.get(k) for k in ("prompt_tokens", "completion_tokens")}
        if all(isinstance(v, int) for v in counts.values()):
            with self._lock:
                for k, v in counts.items():
                    self.usage[k] += v
                self.usage["responses_with_usage"] += 1

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
