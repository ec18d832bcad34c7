"""Checks of an ``estimator`` config group before any work, and the reasoning limit it decodes with (the estimator
itself is assembled from the composed config by ``remid.run.assemble.build_estimator``)."""

from __future__ import annotations

from omegaconf import DictConfig

from remid.core.conf import model_conf_path
from remid.core.validation import check_choice
from remid.estimators.club import CLUB_FORMS
from remid.models.loading import resolve_model_path
from remid.models.logprobs import REDUCTIONS


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


def reasoning_limit(est: DictConfig | dict) -> int:
    """``estimator.reasoning_max_new_tokens``, or (null) the base model's ``reasoning_max_new_tokens``
    (``conf/model/<base_model>.yaml``): the one limit both CoRL phases decode r with."""
    if est.get("reasoning_max_new_tokens") is not None:
        return int(est["reasoning_max_new_tokens"])
    from omegaconf import OmegaConf

    path = model_conf_path(est["base_model"])
    value = OmegaConf.load(path).get("reasoning_max_new_tokens") if path is not None else None
    if value is None:
        raise ValueError(f"estimator.reasoning_max_new_tokens is null and conf/model/{est['base_model']}.yaml sets no "
                         "reasoning_max_new_tokens: set one of them")
    return int(value)
