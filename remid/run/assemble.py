"""What run/ assembles from the composed config for the layers below: the configured estimator (its policy
scorer, reasoner and caches), the generation backend's precision, the sampling keys a config sets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from remid.core.cache import JsonlCache
from remid.estimators.build import check_estimator_config, check_modules, reasoning_limit
from remid.estimators.copy import copy_mixture
from remid.estimators.remi import Estimator
from remid.estimators.scoring import CachedScorer
from remid.generation.base import SamplingParams
from remid.models.loading import load_model, model_fingerprint, resolve_model_path


def generator_dtype(cfg: DictConfig) -> str:
    """The generation backend's precision: part of every generation cache's name."""
    return str(cfg.generation.generator.get("dtype", "auto"))


def build_estimator(cfg: DictConfig, prepare: Callable[[DictConfig], None] | None = None) -> Estimator:
    """The estimator of ``cfg.estimator`` with its score and reasoning caches under ``paths.cache_dir``.

    ``prepare(cfg)`` (an entry point's trainer) runs after the settings are checked and before the
    modules are looked for, when ``estimator.prepare`` lists modules to train.
    """
    est = cfg.estimator
    check_estimator_config(est)
    if est.prepare and prepare is not None:
        prepare(cfg)
    check_modules(est)
    cache_dir = Path(cfg.paths.cache_dir)
    policy, policy_tok = load_model(est.policy, dtype=est.dtype)
    scorer = CachedScorer(policy, policy_tok,
                          JsonlCache(cache_dir / "scores" / f"{model_fingerprint(est.policy)}-{est.dtype}.jsonl"),
                          est.reduction, est.batch_size, mix=copy_mixture(est.get("copy")))
    seed = cfg.seed if est.get("negatives_seed") is None else est.negatives_seed  # of the sampled negatives
    limits = {"negatives_replace": est.get("negatives_replace", True), "max_prompt_tokens": cfg.data.max_prompt_tokens,
              "response_max_new_tokens": cfg.generation.sampling.max_new_tokens,
              "club_form": est.get("club_form", "paper")}
    if not est.reasoner:
        return Estimator(scorer, negatives=est.negatives, seed=seed, **limits)
    reasoner = instantiate(cfg.generation.generator)(resolve_model_path(est.reasoner))
    return Estimator(
        scorer, reasoner, reasoner_tokenizer=reasoner.tokenizer if hasattr(reasoner, "tokenizer") else policy_tok,
        reasoning_cache=JsonlCache(cache_dir / "reasoning" / f"{model_fingerprint(est.reasoner)}-{generator_dtype(cfg)}.jsonl"),
        reasoning_sampling=SamplingParams(max_new_tokens=reasoning_limit(est),
                                          repetition_penalty=est.reasoning_repetition_penalty),
        negatives=est.negatives, seed=seed, max_missing_marker=est.get("max_missing_marker"), **limits,
    )


def configured_sampling(cfg: DictConfig) -> set[str]:
    """The ``generation.sampling`` keys the config sets for every RPM: given a value (the command line, a recipe),
    or read from ``model.decoding``; the rest fall back to a plain checkpoint's own ``generation_config.json``."""
    sampling = cfg.generation.sampling
    return {k for k in sampling if not OmegaConf.is_interpolation(sampling, k)
            or OmegaConf.select(cfg, f"model.decoding.{k}") is not None}
