"""Append-only on-disk caches for evaluation (RPM responses, reasoning traces, scores).

Each ``put`` appends one JSON line and fsyncs, so a killed process loses at most the line it was
writing; a torn last line is dropped on the next load.
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
    """A stable 24-hex-digit key for any JSON-serialisable parts (dict keys sorted)."""
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


class JsonlCache:
    """A key -> JSON value store backed by one ``.jsonl`` file of ``{"k": key, "v": value}`` lines."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: dict[str, Any] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                self._data[entry["k"]] = entry["v"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                if lineno == len(lines):  # torn write of a killed run
                    warnings.warn(f"{self.path}:{lineno}: ignoring a truncated last line", stacklevel=2)
                    self._rewrite()
                    return
                raise ValueError(f"{self.path}:{lineno}: corrupt cache line ({exc}); delete the file to rebuild") from exc

    def _rewrite(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for key, value in self._data.items():
                handle.write(json.dumps({"k": key, "v": value}, ensure_ascii=False) + "\n")
        os.replace(tmp, self.path)

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def put(self, key: str, value: Any) -> None:
        self.put_many([(key, value)])

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        items = list(items)
        if not items:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            for key, value in items:
                handle.write(json.dumps({"k": key, "v": value}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._data.update(items)
