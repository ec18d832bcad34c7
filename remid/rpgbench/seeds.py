"""Seed files of a build: English user personas with chat histories, and dialogue context seeds.

Personas (paper appendix A.1 step 1: PersonaChat personas) are records
``{"id": str, "persona": str, "chat_history": [str, ...]}``; context seeds (step 3: PersonaChat /
DailyDialog contexts) are ``{"id": str, "context": [str, ...]}`` (turns, alternating speakers).
A file is JSON (a list of records, or an object holding that list under ``"personas"`` /
``"contexts"``) or JSONL (one record a line). Every problem is reported with its file and record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from remid.data.readers import DataFormatError, read_text

SEEDS_DIR = Path(__file__).parent / "seeds"


class SeedError(ValueError):
    """Seed records that cannot be used; the message names file, record and field of each problem."""


@dataclass(frozen=True)
class PersonaSeed:
    id: str
    persona: str
    chat_history: tuple[str, ...]


@dataclass(frozen=True)
class ContextSeed:
    id: str
    context: tuple[str, ...]


def shipped(kind: str) -> Path:
    """The tiny seed file shipped in the package (``kind``: "personas" or "contexts")."""
    return SEEDS_DIR / f"{kind}.jsonl"


def _records(path: Path, kind: str) -> list[tuple[Any, str]]:
    if not path.is_file():
        raise FileNotFoundError(f"{kind} seed file not found: {path}")
    text = read_text(path)
    if path.suffix == ".jsonl":
        out = []
        for lineno, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    out.append((json.loads(line), f"{path}:{lineno}"))
                except json.JSONDecodeError as exc:
                    raise DataFormatError(f"{path}:{lineno}: malformed JSON at column {exc.colno}: {exc.msg}") from exc
        return out
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if isinstance(data, dict) and isinstance(data.get(kind), list):
        data = data[kind]
    if not isinstance(data, list):
        raise DataFormatError(f"{path}: expected a list of {kind} records (or {{{kind!r}: [...]}})")
    return [(record, f"{path}[{i}]") for i, record in enumerate(data)]


def _strings(value: Any, field: str, where: str, problems: list[str], allow_empty: bool) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: {field}: expected a list of non-empty strings")
        return ()
    if not value and not allow_empty:
        problems.append(f"{where}: {field}: empty list")
    return tuple(v.strip() for v in value)


def _check(records: list[tuple[Any, str]], kind: str, text_field: str, list_field: str, source: Path) -> list:
    problems: list[str] = []
    seen: dict[str, str] = {}
    out = []
    for record, where in records:
        if not isinstance(record, dict):
            problems.append(f"{where}: expected a JSON object, got {type(record).__name__}")
            continue
        allowed = ["id", *([text_field] if text_field else []), list_field]
        unknown = sorted(set(record) - set(allowed))
        if unknown:
            problems.append(f"{where}: unknown field(s) {unknown}; expected {', '.join(allowed)}")
        sid = record.get("id")
        if not isinstance(sid, str) or not sid.strip():
            problems.append(f"{where}: id: missing or empty string")
            sid = None
        elif sid in seen:
            problems.append(f"{where}: id: {sid!r} duplicates {seen[sid]}")
        else:
            seen[sid] = where
        if kind == "personas":
            text = record.get(text_field)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{where}: {text_field}: missing or empty string")
            history = _strings(record.get(list_field, []), list_field, where, problems, allow_empty=True)
            if sid and isinstance(text, str) and text.strip():
                out.append(PersonaSeed(sid, text.strip(), history))
        else:
            turns = _strings(record.get(list_field), list_field, where, problems, allow_empty=False)
            if sid and turns:
                out.append(ContextSeed(sid, turns))
    if not records:
        problems.append(f"{source}: no {kind} records")
    if problems:
        shown = "\n  ".join(problems[:20]) + (f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise SeedError(f"{len(problems)} problem(s) in {kind} seeds {source}:\n  {shown}")
    return out


def load_personas(path: str | Path | None = None) -> list[PersonaSeed]:
    """Validated persona seeds of ``path`` (default: the shipped tiny set), in file order."""
    path = Path(path) if path else shipped("personas")
    return _check(_records(path, "personas"), "personas", "persona", "chat_history", path)


def load_contexts(path: str | Path | None = None) -> list[ContextSeed]:
    """Validated context seeds of ``path`` (default: the shipped tiny set), in file order."""
    path = Path(path) if path else shipped("contexts")
    return _check(_records(path, "contexts"), "contexts", "", "context", path)
