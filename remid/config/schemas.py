"""Schemas of the method, estimator and judge config groups, registered in Hydra's ConfigStore.

Each option of those groups starts its defaults list with its schema (``conf/method/sft.yaml``:
``- /schema/method@method: base``; ``conf/estimator/*.yaml``: ``- /schema/estimator@_here_: base``;
``conf/judge/<name>.yaml``: ``- /schema/judge@_here_: <name>``), so the yaml (and every command-line
override) is merged into a typed, closed node: a misspelt key or a value of the wrong type fails at compose
time with the key named. Keys of a ``_target_`` (``method.module``, ``method.prepare.*``, ...) are the
target's own: ``remid.config.targets.check_targets`` validates them against its signature at start-up.
A new key of one of these groups is declared here first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

# OmegaConf reads the annotations at run time: ``Optional[X]`` / ``Dict`` / ``List`` (not ``X | None``).


@dataclass
class RPMConfig:
    """``method.rpm``: how evaluation prompts the trained model and reads its answer (``remid.evaluation.rpm``)."""

    model: str | None = None  # null: the train run's hf/ (ICL: the untrained base)
    prompt: Any = None  # a Sample -> Prompt callable or a prompter object (a _target_ node); null: table 21's
    stop: list[str] | None = None  # null: the prompt's closing tag (remid.core.prompts.RESPONSE_CLOSE)
    parse: Any = None  # completion -> response (a _target_ node); null: the stripped completion
    max_new_tokens: int | None = None  # null: generation.sampling.max_new_tokens


@dataclass
class MethodConfig:
    """``method``: one training method (``conf/method/<name>.yaml``; README, "Training methods")."""

    name: str = MISSING
    init_from: str | None = None  # the train run it starts from (e.g. the SFT run of the same base)
    prepare: dict[str, Any] | None = None  # named _partial_ steps that write its training data
    module: Any = None  # the LightningModule (a _partial_ _target_ node); null: nothing to fit (ICL)
    datamodule: Any = None  # the LightningDataModule (a _target_ node)
    rpm: RPMConfig | None = None
    reward: Any = None  # RFT: the reward ranking the candidates (read by prepare.best_of_n)
    policy_reference: str | None = None  # CoRL: pi_ref of the policy reward


@dataclass
class CopyConfig:
    weight: float = 0.0  # w in q = (1 - w) p_LM + w p_copy, in [0, 1)
    order: int = 2  # longest context suffix matched before backing off


@dataclass
class EstimatorConfig:
    """``estimator``: the R-EMI / EMI estimator evaluation builds (``conf/estimator/<name>.yaml``)."""

    name: str = MISSING
    base_model: str = MISSING  # the model group option its modules were trained from
    policy: str = MISSING  # the policy model q_phi2 (or EMI's scorer): a run dir, pretrained:NAME or hub id
    reasoner: str | None = None  # the reasoning generator q_phi1; null: EMI (no reasoning)
    prepare: dict[str, list[str]] | None = None  # modules to train first: method -> extra train overrides
    reduction: str = "mean"  # "mean" or "sum" (equation 2)
    negatives: int | None = None  # null: the full N x N term; K: diagonal + K random pairs
    negatives_seed: int | None = None  # seed of the sampled negatives (null: the run's seed)
    negatives_replace: bool = True  # K pairs with replacement (false: K distinct pairs, as the authors' code)
    club_form: str = "paper"  # "paper": equation 2's N^2 term (diagonal included); "authors": off-diagonal only
    batch_size: int = 16
    dtype: str = "float32"  # precision the policy model scores in
    reasoning_repetition_penalty: float | None = None  # decoding of r = f_R(x) (estimators with a reasoner)
    reasoning_max_new_tokens: int | None = None  # null: conf/model/<base_model>.yaml's reasoning_max_new_tokens
    max_missing_marker: float | None = None  # share of traces without the core-features marker that fails (null: off)
    # The policy model's copy component (remid.estimators.copy); weight 0: the plain policy model.
    copy: CopyConfig = field(default_factory=lambda: CopyConfig())
    n_boot: int = 1000  # bootstrap resamples of the 95% intervals
    save_matrices: bool = False  # also write each N x N log-prob matrix and the scored texts
    run: str | None = None  # CoRL: the train run holding hf_reasoner / hf_policy
    train_command: str | None = None  # said when a module is missing
    ablation: dict[str, Any] | None = None  # table 1 variants (python -m remid.run.ablation)


@dataclass
class ReferenceJudgeConfig:
    """``judge=reference``: chrF against the golden response (``remid.judge.ReferenceJudge``)."""

    _target_: str = "remid.judge.ReferenceJudge"
    char_order: int = 6
    beta: float = 2.0
    n_boot: int = 1000
    seed: int = 0


@dataclass
class LLMJudgeConfig:
    """``judge=llm``: an ensemble of LLM judges (``remid.judge.LLMJudge``)."""

    _target_: str = "remid.judge.LLMJudge"
    _convert_: str = "all"
    clients: dict[str, Any] = field(default_factory=dict)  # name -> an llm group config (remid.llm.LLMClient)
    cache_dir: str | None = None
    max_tokens: int = 512
    temperature: float = 0.0
    n_boot: int = 1000
    seed: int = 0
    label: str | None = None
    allow_missing: bool = False  # a judge that answers nothing fails the run unless true


def register() -> None:
    """Store the schemas under the ``schema`` group (idempotent)."""
    store = ConfigStore.instance()
    store.store(group="schema/method", name="base", node=MethodConfig)
    store.store(group="schema/estimator", name="base", node=EstimatorConfig)
    store.store(group="schema/judge", name="reference", node=ReferenceJudgeConfig)
    store.store(group="schema/judge", name="llm", node=LLMJudgeConfig)
