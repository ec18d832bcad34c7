"""The one cached generation loop: find the cache misses, batch them, fit each prompt, generate, store.

Every generation of the project that must survive a killed run (RPM responses in evaluation, the
estimator's reasoning traces, the prepare steps' rejections and best-of-n candidates) goes through
``generate_cached``: a re-run reads the cache (``remid.core.cache.JsonlCache``) and generates only what is
missing, in the same batches as the first run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from remid.core.cache import JsonlCache
from remid.core.prompts import Prompt
from remid.generation.base import Generator, SamplingParams
from remid.models.chat import context_text, fit_prompt


def generate_cached(cache: JsonlCache, keys: Sequence[str], prompts: Sequence[Prompt | str],
                    sampling: SamplingParams, generator: Generator | Callable[[], Generator], *,
                    max_prompt_tokens: int | None = None, first_only: bool = True,
                    progress: Callable[[int], None] | None = None) -> list[Any]:
    """The cached completions of ``prompts`` under ``keys`` (one key per prompt), generating the missing ones.

    A ``Prompt`` is fitted to ``max_prompt_tokens`` with the generator's tokenizer (oldest turns dropped)
    and chat-rendered; a ``str`` is a context already rendered and is generated as it is. ``generator``
    is a backend or a zero-argument factory, called only when something is missing (wrap it in
    ``functools.cache`` to share one backend across calls). ``first_only`` stores the first of the
    ``sampling.n`` completions (a string), else the list of all. ``progress(k)`` reports cached
    prompts first, then each generated batch.
    """
    if len(keys) != len(prompts):
        raise ValueError(f"generate_cached: {len(keys)} keys for {len(prompts)} prompts")
    todo = [i for i, k in enumerate(keys) if k not in cache]
    if progress is not None and len(todo) < len(keys):
        progress(len(keys) - len(todo))
    if todo:
        backend = generator() if isinstance(generator, type) or not hasattr(generator, "generate") else generator
        step = getattr(backend, "batch_size", 16)
        for start in range(0, len(todo), step):
            chunk = todo[start:start + step]
            contexts = [_context(backend.tokenizer, prompts[i], max_prompt_tokens) for i in chunk]
            texts = backend.generate(contexts, sampling)
            cache.put_many([(keys[i], t[0] if first_only else t) for i, t in zip(chunk, texts, strict=True)])
            if progress is not None:
                progress(len(chunk))
    return [cache.get(k) for k in keys]


def _context(tokenizer, prompt: Prompt | str, max_prompt_tokens: int | None) -> str:
    if isinstance(prompt, str):
        return prompt
    return context_text(tokenizer, fit_prompt(tokenizer, prompt, max_prompt_tokens)[0])
