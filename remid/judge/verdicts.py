"""Read a judge's verdict out of its answer (pure functions).

A pairwise judgment is valid when its JSON object's ``winner`` is ``"A"``, ``"B"`` or ``"tie"`` (case and
surrounding blanks ignored; ``"Response A"`` is read as ``"A"``); a point judgment when its ``score`` is an
integer from 1 to 10 (``7``, ``7.0``, ``"7"`` or ``"7/10"``). Anything else -- no JSON object, a missing
key, ``"C"``, ``""``, ``null``, ``11``, ``7.5``, ``true`` -- is no verdict (None), which WinRate and
PointScore count as *missing*, never as a win, a loss, a tie or a score. Prose without a JSON object
("Winner: A") is not accepted: the prompts ask for JSON, and the client re-asks such answers.

``model_outcome`` turns a valid winner into the model response's outcome: 1 for a win, 0.5 for a tie,
0 for a loss, given which position (A or B) the model response held.
"""

from __future__ import annotations

import math
import re
from typing import Any

from remid.judge.prompts import JUDGE_SCORE_KEY, JUDGE_SCORE_MAX, JUDGE_SCORE_MIN, JUDGE_WINNER_KEY
from remid.llm.parsing import JSONAnswerError, extract_json_object
from remid.llm.types import ChatResult

_WINNERS = {"a": "A", "b": "B", "tie": "tie"}
_SCORE_TEXT = re.compile(r"^\s*(\d+)(?:\.0+)?\s*(?:/\s*10\s*)?$")
MODEL_POSITIONS = ("A", "B")


def parse_winner(value: Any) -> str | None:
    """``"A"``, ``"B"`` or ``"tie"`` for a valid ``winner`` value, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip("\"'*").strip().lower()
    if text.startswith("response "):
        text = text[len("response "):].strip()
    return _WINNERS.get(text)


def parse_score(value: Any) -> int | None:
    """The integer score 1..10 of a valid ``score`` value, else None (bools, fractions, out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        match = _SCORE_TEXT.match(value)
        if match is None:
            return None
        value = int(match.group(1))
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if JUDGE_SCORE_MIN <= value <= JUDGE_SCORE_MAX else None


def _field(obj: dict[str, Any] | None, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def winner_from_text(text: str | None) -> str | None:
    """The verdict of a raw pairwise answer (its JSON object's ``winner``), or None."""
    try:
        return parse_winner(extract_json_object(text or "").get(JUDGE_WINNER_KEY))
    except JSONAnswerError:
        return None


def score_from_text(text: str | None) -> int | None:
    """The score of a raw point answer (its JSON object's ``score``), or None."""
    try:
        return parse_score(extract_json_object(text or "").get(JUDGE_SCORE_KEY))
    except JSONAnswerError:
        return None


def winner_of(result: ChatResult) -> str | None:
    """The verdict of a client result: None when the client failed (HTTP, or no JSON after its re-asks)."""
    return parse_winner(_field(result.parsed, JUDGE_WINNER_KEY)) if result.ok else None


def score_of(result: ChatResult) -> int | None:
    """The score of a client result, or None."""
    return parse_score(_field(result.parsed, JUDGE_SCORE_KEY)) if result.ok else None


def model_outcome(winner: str | None, model_position: str) -> float | None:
    """The model response's outcome (1 win, 0.5 tie, 0 loss) when it held ``model_position``; None stays None."""
    if model_position not in MODEL_POSITIONS:
        raise ValueError(f"model_position must be 'A' or 'B', got {model_position!r}")
    if winner is None:
        return None
    if winner == "tie":
        return 0.5
    return 1.0 if winner == model_position else 0.0
