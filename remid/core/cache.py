"""Append-only on-disk caches for evaluation (RPM responses, reasoning traces, scores).

One ``.jsonl`` file per cache (many caches can share a folder). Each ``put`` appends one
``{"k": key, "v": value}`` line and fsyncs, so a killed process loses at most the line it was
writing; such a torn last line is dropped (with a warning) on the next load.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def cache_key(*parts: Any) -> str:
    """First 24 hex digits of the sha256 of a canonical JSON of ``parts`` (dict keys sorted)."""
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def _line(key: str, value: Any) -> bytes:
    return (json.dumps({"k": key, "v": value}, ensure_ascii=False) + "\n").encode("utf-8")


class JsonlCache:
    """A key -> JSON value store backed by one append-only ``.jsonl`` file; later lines win."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: dict[str, Any] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        raw = self.path.read_bytes()
        lines = raw.split(b"\n")
        offset = 0
        for lineno, line in enumerate(lines, 1):
            start, offset = offset, offset + len(line) + 1
            if not line.strip():
                continue
            try:
                entry = json.loads(line.decode("utf-8"))
                if not isinstance(entry, dict) or not isinstance(entry.get("k"), str) or "v" not in entry:
                    raise ValueError('expected {"k": str, "v": ...}')
            except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
                if all(not rest.strip() for rest in lines[lineno:]):  # the last line: a torn write
                    warnings.warn(f"{self.path}:{lineno}: ignoring a truncated last line", stacklevel=3)
                    with self.path.open("r+b") as handle:  # cut it off so later appends start clean
                        handle.truncate(start)
                        handle.flush()
                        os.fsync(handle.fileno())
                    return
                raise ValueError(f"{self.path}:{lineno}: corrupt cache line ({exc}); "
                                 "delete the file to rebuild the cache") from exc
            self._data[entry["k"]] = entry["v"]
        if raw and not raw.endswith(b"\n"):  # a complete last line whose newline never got written
            with self.path.open("ab") as handle:
                handle.write(b"\n")

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str, default: Any = None) -> Any:
        """The cached value of ``key``, or ``default``."""
        return self._data.get(key, default)

    def put(self, key: str, value: Any) -> None:
        """Store one JSON-serialisable value (appended, flushed and fsynced)."""
        self.put_many([(key, value)])

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        """Store several values with one append and one fsync."""
        items = list(items)
        if not items:
            return
        bad = [key for key, _ in items if not isinstance(key, str)]
        if bad:
            raise TypeError(f"cache keys must be strings, got {bad[0]!r}")
        payload = b"".join(_line(key, value) for key, value in items)  # serialise all before writing any
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        self._data.update(items)
