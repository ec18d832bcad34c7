"""In-process backend: a transformers model answers chat requests through ``HFGenerator``.

Messages are rendered the way every remid prompt is (``remid.models.chat.context_text``): the chat
template with a generation prompt, or plain text and a blank line for a tokenizer without one. A
trailing ``assistant`` message is a prefill (a template's response prefix): it is appended after the
generation prompt and the model continues it. Generation is ``HFGenerator``'s (left-padded batches,
greedy at temperature 0, prompts longer than ``max_prompt_tokens`` keep their last tokens).
"""

from __future__ import annotations

import threading

from remid.core.prompts import Prompt
from remid.generation.base import SamplingParams
from remid.llm.types import ChatRequest, FatalError
from remid.models.chat import context_text


def render_messages(tokenizer, messages: list[dict[str, str]]) -> str:
    """The context text of a chat: ``context_text`` for one user turn (+ prefill), the chat template for more."""
    prefill = ""
    if messages and messages[-1]["role"] == "assistant":
        messages, prefill = messages[:-1], messages[-1]["content"]
    if not messages:
        raise FatalError("a request needs at least one message besides an assistant prefill")
    if len(messages) == 1 and messages[0]["role"] == "user":
        return context_text(tokenizer, Prompt(messages[0]["content"], prefill, ""))
    if getattr(tokenizer, "chat_template", None):
        rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    else:
        rendered = "".join(m["content"] + "\n\n" for m in messages)
    return rendered + prefill


class TransformersBackend:
    """A local model as teacher or judge. ``model`` is a remid model spec (``tiny:qwen3``, a train run,
    a path or a hub id), loaded on first use, so a run whose answers are all cached loads nothing.
    The client hands it ``batch_size`` requests per ``complete_batch`` call.
    """

    reads_fields = False
    deterministic = True  # greedy decoding repeats itself: a bad answer at temperature 0 is not re-asked

    def __init__(self, model: str, max_prompt_tokens: int | None = 1536, batch_size: int = 8,
                 dtype: str = "float32") -> None:
        from remid.models.loading import model_fingerprint

        self.model, self.max_prompt_tokens, self.batch_size, self.dtype = str(model), max_prompt_tokens, batch_size, dtype
        # The weights' fingerprint keeps answers of retrained weights at the same path apart.
        self.name = f"transformers:{self.model}:{model_fingerprint(self.model)}:{dtype}"
        self._generator = None
        self._lock = threading.Lock()

    @classmethod
    def from_generator(cls, generator, name: str) -> TransformersBackend:
        """Wrap an already loaded ``HFGenerator``; ``name`` must identify its weights (it keys the cache)."""
        backend = cls.__new__(cls)
        backend.model, backend.max_prompt_tokens = name, generator.max_prompt_tokens
        backend.batch_size, backend.dtype, backend.name = generator.batch_size, "", f"transformers:{name}"
        backend._generator, backend._lock = generator, threading.Lock()
        return backend

    @property
    def generator(self):
        """The ``HFGenerator`` (loads the model on first use)."""
        if self._generator is None:
            from remid.generation.hf import HFGenerator

            self._generator = HFGenerator.from_pretrained(self.model, batch_size=self.batch_size, dtype=self.dtype,
                                                          max_prompt_tokens=self.max_prompt_tokens)
        return self._generator

    def complete(self, request: ChatRequest) -> str:
        return self.complete_batch([request])[0]

    def complete_batch(self, requests: list[ChatRequest]) -> list[str]:
        """Answers in order; requests sharing sampling settings are generated together."""
        with self._lock:  # one model, one generate at a time
            generator = self.generator
            contexts = [render_messages(generator.tokenizer, r.messages) for r in requests]
            answers: list[str | None] = [None] * len(requests)
            groups: dict[tuple[float, int], list[int]] = {}
            for i, r in enumerate(requests):
                groups.setdefault((r.temperature, r.max_tokens), []).append(i)
            for (temperature, max_tokens), indices in groups.items():
                sampling = SamplingParams(max_new_tokens=max_tokens, temperature=temperature)
                outputs = generator.generate([contexts[i] for i in indices], sampling)  # [len(indices)][n=1]
                for i, completions in zip(indices, outputs, strict=True):
                    answers[i] = completions[0]
        return answers  # type: ignore[return-value]
