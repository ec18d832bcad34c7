"""Greedy responses of one RPM to every evaluated sample: its own prompt, stopped at its stop strings, parsed."""

from __future__ import annotations

from collections.abc import Callable

from remid.cache import JsonlCache, cache_key
from remid.data.schema import Sample
from remid.generation.base import Generator, SamplingParams
from remid.generation.cached import generate_cached
from remid.methods.rpm import RPMSpec


def rpm_responses(rpm: RPMSpec, subsets: dict[str, list[Sample]], cache: JsonlCache, sampling: SamplingParams,
                  generator: Generator | Callable[[], Generator], max_prompt_tokens: int | None,
                  progress: Callable[[int], None] | None = None) -> dict[str, list[str]]:
    """``{subset: parsed responses}``, cached per sample under the RPM's unfitted prompt text and ``sampling``;
    prompts are fitted to ``max_prompt_tokens`` with the generator's tokenizer (``remid.generation.cached``)."""
    out: dict[str, list[str]] = {}
    for name, samples in subsets.items():
        prompts = rpm.prompts(samples)
        keys = [cache_key("rpm", s.sample_id, p.text, sampling.as_dict()) for s, p in zip(samples, prompts, strict=True)]
        completions = generate_cached(cache, keys, prompts, sampling, generator, max_prompt_tokens=max_prompt_tokens,
                                      progress=progress)
        out[name] = [rpm.response(c) for c in completions]
    return out
