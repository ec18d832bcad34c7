"""The one generation interface: every backend turns context texts into completions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol


@dataclass(frozen=True)
class SamplingParams:
    """How to sample. ``temperature=0`` is greedy; ``stop`` strings end (and are cut from) a completion."""

    max_new_tokens: int = 128
    temperature: float = 0.0
    top_p: float = 1.0
    n: int = 1
    stop: tuple[str, ...] = field(default_factory=tuple)
    seed: int = 0
    repetition_penalty: float = 1.0

    def as_dict(self) -> dict:
        return {"max_new_tokens": self.max_new_tokens, "temperature": self.temperature, "top_p": self.top_p,
                "n": self.n, "stop": list(self.stop), "seed": self.seed,
                "repetition_penalty": self.repetition_penalty}


class Completion(NamedTuple):
    """One sampled completion as on-policy RL needs it (``HFGenerator.complete``)."""

    text: str  # decoded, cut at the first stop string and stripped (what ``generate`` returns)
    token_ids: list[int]  # the sampled ids: through the first EOS (kept), or the stop string; no padding
    finished: bool  # ended by EOS or a stop string (False: cut at max_new_tokens)


class Generator(Protocol):
    """``generate(contexts, sampling)`` returns ``sampling.n`` completions per context.

    ``tokenizer`` is the one contexts are rendered with (``remid.models.chat.context_text``) and encoded
    with (``encode_context``); ``batch_size`` is how many contexts a caller should hand over at once.
    """

    tokenizer: Any
    batch_size: int

    def generate(self, contexts: list[str], sampling: SamplingParams,
                 progress: Callable[[int], None] | None = None) -> list[list[str]]: ...

    def sync_weights(self, model) -> None:
        """Make the backend sample from ``model``'s current weights (on-policy RL)."""


def cut_at_stop(text: str, stop: tuple[str, ...]) -> str:
    """Cut ``text`` at the first stop string, then strip surrounding whitespace."""
    positions = [text.find(s) for s in stop if s and s in text]
    return (text[: min(positions)] if positions else text).strip()
