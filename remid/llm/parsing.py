"""Pull a JSON object out of an LLM answer (pure functions).

Teachers answer tables 22's prompts with a JSON object, often wrapped in a ```json fence, in chatter
("Sure! Here it is: ..."), or with the doubled braces ``{{ ... }}`` / ``{ { ... } }`` the paper's
templates print around their output format. ``extract_json_object`` takes the first balanced object
that parses (fenced blocks first), unwrapping doubled braces; ``parse_json_answer`` also checks the
keys asked for. Both raise ``JSONAnswerError`` saying what was found and why it is not usable.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.DOTALL)
_DOUBLED = re.compile(r"^\{\s*\{(.*)\}\s*\}$", re.DOTALL)


class JSONAnswerError(ValueError):
    """An answer holding no usable JSON object; the message says what was found."""


def _preview(text: str, n: int = 80) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= n else flat[:n] + "...")


def balanced_end(text: str, start: int) -> int | None:
    """The index just past the ``}`` closing the ``{`` at ``start`` (braces in JSON strings skipped), or None."""
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _load(candidate: str) -> tuple[Any, str | None]:
    """``(value, None)`` when ``candidate`` (or its doubled-brace unwrapping) is valid JSON, else ``(None, why)``."""
    tries = [candidate]
    inner = candidate
    while (m := _DOUBLED.match(inner.strip())) is not None:  # {{ ... }} or { { ... } }, any depth
        inner = "{" + m.group(1) + "}"
        tries.append(inner)
    if "{{" in candidate or "}}" in candidate:  # format-string escaping throughout: {{"a": {{"b": 1}}}}
        tries.append(candidate.replace("{{", "{").replace("}}", "}"))
    first_error = None
    for text in tries:
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            first_error = first_error or f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    return None, first_error


def _scan(text: str, notes: list[str], where: str) -> dict[str, Any] | None:
    """The first balanced ``{...}`` in ``text`` that loads as a JSON object; problems go to ``notes``."""
    pos = 0
    while (start := text.find("{", pos)) != -1:
        end = balanced_end(text, start)
        if end is None:
            notes.append(f"{where}: an object opens at char {start} but never closes (truncated answer?)")
            pos = start + 1
            continue
        value, why = _load(text[start:end])  # starts with "{": valid JSON here is an object
        if isinstance(value, dict):
            return value
        notes.append(f"{where}: {_preview(text[start:end], 60)} at char {start} is not valid JSON ({why})")
        pos = end  # skip the whole candidate: its nested objects are fragments, not the answer
    return None


def extract_json_object(text: str) -> dict[str, Any]:
    """The answer's JSON object: fenced blocks first, then the first balanced object in the whole text.

    >>> extract_json_object('Sure!\\n```json\\n{"a": 1}\\n```')
    {'a': 1}
    >>> extract_json_object('Output: {{ "a": "x" }} done')
    {'a': 'x'}
    """
    if not isinstance(text, str) or not text.strip():
        raise JSONAnswerError("the answer is empty")
    notes: list[str] = []
    for i, block in enumerate(_FENCE.findall(text)):
        found = _scan(block, notes, f"fenced block {i + 1}")
        if found is not None:
            return found
    found = _scan(text, notes, "answer")
    if found is not None:
        return found
    if not notes:
        raise JSONAnswerError(f"no JSON object (no '{{') in the answer ({len(text)} chars): {_preview(text)}")
    raise JSONAnswerError(f"no valid JSON object in the answer ({len(text)} chars): " + "; ".join(notes[:3]))


def parse_json_answer(text: str, keys: tuple[str, ...] | list[str] = ()) -> dict[str, Any]:
    """``extract_json_object(text)``, which must hold every key of ``keys``."""
    obj = extract_json_object(text)
    missing = [k for k in keys if k not in obj]
    if missing:
        raise JSONAnswerError(f"the JSON object lacks key(s) {missing} (it has {sorted(obj)[:12]})")
    return obj
