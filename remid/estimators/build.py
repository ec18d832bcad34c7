"""Build the configured R-EMI / EMI estimator (``cfg.estimator``): its policy scorer, reasoner and caches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hydra.utils import instantiate
from omegaconf import DictConfig

from remid.core.cache import JsonlCache
from remid.core.conf import MODEL_CONF_DIRS
from remid.core.validation import check_choice
from remid.estimators.club import CLUB_FORMS
from remid.estimators.copy import copy_mixture
from remid.estimators.remi import Estimator
from remid.estimators.scoring import CachedScorer
from remid.generation.base import SamplingParams
from remid.models.loading import load_model, model_fingerprint, resolve_model_path
from remid.models.logprobs import REDUCTIONS


def generator_dtype(cfg: DictConfig) -> str:
    """The generation backend's precision: part of every generation cache's name."""
    return str(cfg.generation.generator.get("dtype", "auto"))


def check_estimator_config(est: DictConfig) -> None:
    """Fail before any work on an unknown ``estimator.reduction`` / ``estimator.club_form`` or a bad
    ``estimator.negatives``."""
    check_choice(est.reduction, REDUCTIONS, "estimator.reduction")
    check_choice(est.get("club_form", "paper"), CLUB_FORMS, "estimator.club_form")
    if est.negatives is not None and (not isinstance(est.negatives, int) or est.negatives < 1):
        raise ValueError(f"estimator.negatives must be null or a positive integer, got {est.negatives!r}")


def check_modules(est: DictConfig) -> None:
    """Fail before any work when an estimator module is missing, saying which command makes it (``train_command``)."""
    missing = []
    for path in (est.reasoner, est.policy):
        try:
            if path:
                resolve_model_path(path)
        except FileNotFoundError:
            missing.append(str(path))
    if missing:
        hint = f": make it with `{est.train_command}`" if est.get("train_command") else ""
        raise FileNotFoundError(f"estimator={est.name} needs {' and '.join(missing)}, which do not exist{hint}")


def reasoning_limit(est: DictConfig) -> int:
    """``estimator.reasoning_max_new_tokens``, or (null) the base model's ``reasoning_max_new_tokens``
    (``conf/model/<base_model>.yaml``): the one limit both CoRL phases decode r with."""
    if est.get("reasoning_max_new_tokens") is not None:
        return int(est.reasoning_max_new_tokens)
    from omegaconf import OmegaConf

    path = next((d / f"{est.base_model}.yaml" for d in MODEL_CONF_DIRS if (d / f"{est.base_model}.yaml").exists()), None)
    value = OmegaConf.load(path).get("reasoning_max_new_tokens") if path is not None else None
    if value is None:
        raise ValueError(f"estimator.reasoning_max_new_tokens is null and conf/model/{est.base_model}.yaml sets no "
                         "reasoning_max_new_tokens: set one of them")
    return int(value)


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
