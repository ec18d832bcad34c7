"""Greedy responses of one RPM to every evaluated sample: its own prompt, stopped at its stop strings, parsed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from remid.core.cache import JsonlCache, cache_key
from remid.core.prompts import Prompt
from remid.core.schema import Sample
from remid.evaluation.rpm import RPMSpec
from remid.generation.base import Generator, SamplingParams
from remid.generation.cached import generate_cached
from remid.models.chat import context_text, fit_prompt


def response_keys(rpm: RPMSpec, samples: list[Sample], sampling: SamplingParams) -> tuple[list[str], list[Prompt]]:
    """The cache keys of the RPM's responses to ``samples`` (its unfitted prompt text and ``sampling``) and the prompts."""
    prompts = rpm.prompts(samples)
    return [cache_key("rpm", s.sample_id, p.text, sampling.as_dict()) for s, p in zip(samples, prompts, strict=True)], prompts


def rpm_responses(rpm: RPMSpec, subsets: dict[str, list[Sample]], cache: JsonlCache, sampling: SamplingParams,
                  generator: Generator | Callable[[], Generator], max_prompt_tokens: int | None,
                  progress: Callable[[int], None] | None = None) -> dict[str, list[str]]:
    """``{subset: parsed responses}``, cached per sample under the RPM's unfitted prompt text and ``sampling``;
    prompts are fitted to ``max_prompt_tokens`` with the generator's tokenizer (``remid.generation.cached``)."""
    out: dict[str, list[str]] = {}
    for name, samples in subsets.items():
        keys, prompts = response_keys(rpm, samples, sampling)
        completions = generate_cached(cache, keys, prompts, sampling, generator, max_prompt_tokens=max_prompt_tokens,
                                      progress=progress)
        out[name] = [rpm.response(c) for c in completions]
    return out


def rpm_entropies(rpm: RPMSpec, subsets: dict[str, list[Sample]], cache: JsonlCache, sampling: SamplingParams,
                  scorer, max_prompt_tokens: int | None) -> dict[str, np.ndarray]:
    """Theorem 3.4's H_hat terms from the RPM itself: per subset, its per-token mean entropy along each of its own
    cached completions, under the context it generated it from. ``scorer`` is a ``CachedScorer`` over the RPM
    (one forward pass per pair, cached). -> {subset: [N]}"""
    out: dict[str, np.ndarray] = {}
    tokenizer = scorer.tokenizer
    for name, samples in subsets.items():
        keys, prompts = response_keys(rpm, samples, sampling)
        missing = [k for k in keys if k not in cache]
        if missing:
            raise ValueError(f"{len(missing)} responses of {rpm.label} on {name} are not in {cache.path}: "
                             "generate them first (rpm_responses)")
        contexts = [context_text(tokenizer, fit_prompt(tokenizer, p, max_prompt_tokens)[0]) for p in prompts]
        out[name] = scorer.entropies_all(contexts, [cache.get(k) for k in keys])["mean"]
    return out
