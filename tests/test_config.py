"""Every shipped config composes; unknown choices fail with the valid ones listed."""

from pathlib import Path

import pytest
from hydra.errors import MissingConfigException
from omegaconf import OmegaConf

CONF = Path(__file__).resolve().parents[1] / "conf"


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF / group).glob("*.yaml"))


def test_the_eleven_base_llms_are_configured():
    # The paper's 11 base LLMs; smollm2_135m is the offline real checkpoint (tests/test_smollm2.py), not one of them.
    real = [m for m in options("model") if not m.startswith(("tiny", "smollm2"))]
    assert len(real) == 11
    for name in real:
        cfg = OmegaConf.load(CONF / "model" / f"{name}.yaml")
        assert cfg.name == name and cfg.family in {"qwen3", "llama"} and "/" in cfg.name_or_path
        assert "Base" in cfg.name_or_path or cfg.family == "llama"  # pre-trained checkpoints only
        assert cfg.chat_template is False  # base checkpoints are prompted with plain text


@pytest.mark.parametrize("model", options("model"))
@pytest.mark.parametrize("method", options("method"))
def test_train_composes(hydra_ctx, model, method):
    cfg = hydra_ctx("train", [f"model={model}", f"method={method}"])
    OmegaConf.resolve(cfg)
    assert cfg.method.name == method and cfg.model.name == model
    assert cfg.run_dir.endswith(f"{method}/{model}")
    if cfg.method.module is not None and cfg.method.datamodule._target_.endswith("SFTDataModule"):
        assert cfg.method.datamodule.batch_size == cfg.model.batch_size  # RL batches count prompts, not pairs


@pytest.mark.parametrize(("group", "roots"), [
    ("shift", ("train", "evaluate")), ("logger", ("train", "evaluate")), ("data", ("train", "evaluate")),
    ("trainer", ("train",)), ("callbacks", ("train",)),
])
def test_every_option_of_shared_groups_composes(hydra_ctx, group, roots):
    for option in options(group):
        for root in roots:
            cfg = hydra_ctx(root, [f"{group}={option}"])
            OmegaConf.resolve(cfg)


@pytest.mark.parametrize("estimator", ["remi_tiny", "emi"])
@pytest.mark.parametrize("generation", options("generation"))
def test_evaluate_composes(hydra_ctx, estimator, generation):
    cfg = hydra_ctx("evaluate", [f"estimator={estimator}", f"generation={generation}", "shift=user"])
    OmegaConf.resolve(cfg)
    assert cfg.shift.subsets[0] == "id" and len(cfg.shift.subsets) == 6
    assert cfg.rpms == [f"{cfg.paths.runs_dir}/sft/tiny_qwen3"]


def test_shift_subsets_are_known(hydra_ctx):
    from remid.core.schema import EVAL_SUBSETS

    for option in options("shift"):
        cfg = hydra_ctx("evaluate", [f"shift={option}"])
        assert set(cfg.shift.subsets) <= set(EVAL_SUBSETS)
    assert list(hydra_ctx("evaluate", ["shift=all"]).shift.subsets) == list(EVAL_SUBSETS)


def test_unknown_choice_lists_the_valid_ones(hydra_ctx):
    with pytest.raises(MissingConfigException, match="model/qwen9") as info:
        hydra_ctx("train", ["model=qwen9"])
    assert "qwen3_8b" in str(info.value.options) or "qwen3_8b" in str(info.value)


def test_mistyped_key_fails(hydra_ctx):
    from hydra.errors import ConfigCompositionException

    with pytest.raises(ConfigCompositionException, match="max_epoch"):
        hydra_ctx("train", ["trainer.max_epoch=3"])


def test_invalid_reduction_is_rejected():
    from remid.run.common import ConfigError, check_choice

    with pytest.raises(ConfigError, match=r"choose one of \['sum', 'mean'\]"):
        check_choice("avg", ["sum", "mean"], "estimator.reduction")


@pytest.mark.parametrize(("overrides", "dtype"), [
    (["trainer=gpu", "model=qwen3_8b"], "float32"),  # bf16-mixed: float32 master weights
    (["trainer=deepspeed_zero3", "model=llama3_8b"], "float32"),
    (["trainer=gpu", "model=qwen3_8b", "+model.lora={r: 16}"], "bfloat16"),  # frozen base stays in model.dtype
    (["trainer=cpu", "model=qwen3_8b"], "bfloat16"),
])
def test_mixed_precision_training_keeps_float32_master_weights(hydra_ctx, overrides, dtype):
    from remid.run.train import training_dtype

    assert training_dtype(hydra_ctx("train", overrides)) == dtype


@pytest.mark.parametrize("name", ["remi", "remi_tiny", "remi_tiny_transductive", "corl"])
def test_reasoning_decodes_without_repetition_penalty(hydra_ctx, name):
    """A penalty > 1 also hits the prompt's tokens, pushing r off the input words it should restate."""
    assert hydra_ctx("evaluate", [f"estimator={name}"]).estimator.reasoning_repetition_penalty == 1.0


# ---- schemas (remid.config): typos and wrong types fail at compose time, naming the key -------------------------
TYPO_OPTIONS = {
    "method": ("# @package _global_\ndefaults:\n  - sft\n  - _self_\nmethod:\n  init_frm: x\n", "init_frm"),
    "estimator": ("defaults:\n  - remi_tiny\n  - _self_\nreducton: sum\n", "reducton"),
    "judge": ("defaults:\n  - reference\n  - _self_\nchar_ordr: 3\n", "char_ordr"),
}


@pytest.mark.parametrize("group", sorted(TYPO_OPTIONS))
def test_a_misspelt_key_in_a_group_option_fails_at_compose_naming_it(hydra_ctx, tmp_path, group):
    from hydra.errors import ConfigCompositionException
    from omegaconf.errors import ConfigKeyError

    text, key = TYPO_OPTIONS[group]
    (tmp_path / group).mkdir()
    (tmp_path / group / "typo.yaml").write_text(text)
    root = "train" if group == "method" else "evaluate"
    with pytest.raises((ConfigCompositionException, ConfigKeyError), match=key):
        hydra_ctx(root, [f"{group}=typo", f"hydra.searchpath=[file://{tmp_path}]"])


@pytest.mark.parametrize(("root", "override", "key"), [
    ("train", "method.init_frm=x", "init_frm"),  # ("+key=..." appends on purpose, past any schema)
    ("evaluate", "estimator.reducton=sum", "reducton"),
    ("train", "method.rpm.max_new_tokens=many", "max_new_tokens"),
    ("evaluate", "estimator.batch_size=sixteen", "batch_size"),
    ("evaluate", "estimator.save_matrices=maybe", "save_matrices"),
    ("evaluate", "judge.char_order=six", "char_order"),
])
def test_schema_rejects_unknown_keys_and_wrong_types(hydra_ctx, root, override, key):
    from hydra.errors import ConfigCompositionException

    overrides = ["method=icl", override] if root == "train" else [override]
    with pytest.raises(ConfigCompositionException, match=key):
        hydra_ctx(root, overrides)


def test_llm_judge_has_its_own_schema(hydra_ctx):
    from hydra.errors import ConfigCompositionException

    assert hydra_ctx("evaluate", ["judge=llm"]).judge.max_tokens == 512
    with pytest.raises(ConfigCompositionException, match="max_tokens"):
        hydra_ctx("evaluate", ["judge=llm", "judge.max_tokens=long"])
    with pytest.raises(ConfigCompositionException, match="char_order"):
        hydra_ctx("evaluate", ["judge=llm", "judge.char_order=6"])  # a key of the reference judge only


@pytest.mark.parametrize(("override", "where"), [
    ("+method.prepare.traces.val_limt=3", "method.prepare.traces.val_limt"),  # a _partial_ prepare step
    ("+method.module.lrr=0.1", "method.module.lrr"),  # the _partial_ LightningModule
    ("+method.datamodule.task.max_len=3", "method.datamodule.task.max_len"),
])
def test_a_bad_target_keyword_fails_before_any_prepare_step(hydra_ctx, tmp_path, override, where):
    from remid.config.targets import TargetKeyError
    from remid.run.train import train

    cfg = hydra_ctx("train", ["method=sft_reasoner", f"paths.runs_dir={tmp_path}", "~logger", override])
    with pytest.raises(TargetKeyError, match=where.replace(".", r"\.")):
        train(cfg)
    assert not any(tmp_path.rglob("*.jsonl"))  # the traces step never ran


def test_every_shipped_target_keyword_is_valid(hydra_ctx):
    from remid.config.targets import check_targets
    from remid.run.train import INSTANTIATED

    for method in options("method"):
        cfg = hydra_ctx("train", [f"method={method}", "logger=csv"])
        for key in INSTANTIATED:
            check_targets(cfg.get(key), key)
    for judge in options("judge"):
        check_targets(hydra_ctx("evaluate", [f"judge={judge}"]).judge, "judge")


# ---- callbacks, logger: null, what evaluate composes ------------------------------------------------------------
def test_callbacks_come_from_the_group_and_logger_null_turns_logging_off(hydra_ctx, tmp_path):
    from lightning.pytorch.callbacks import LearningRateMonitor, ModelCheckpoint

    from remid.core.progress import LogFriendlyProgressBar
    from remid.run.common import build_callbacks, build_logger
    from remid.training.methods.base import HFExport

    cfg = hydra_ctx("train", ["logger=csv", "callbacks.model_checkpoint.every_n_train_steps=7"])
    OmegaConf.resolve(cfg)
    callbacks = build_callbacks(cfg, build_logger(cfg))
    assert [type(c) for c in callbacks] == [ModelCheckpoint, HFExport, LearningRateMonitor, LogFriendlyProgressBar]
    no_bar = hydra_ctx("train", ["logger=csv", "trainer.enable_progress_bar=false"])
    assert LogFriendlyProgressBar not in [type(c) for c in build_callbacks(no_bar, True)]
    assert callbacks[0]._every_n_train_steps == 7 and callbacks[0].dirpath.endswith("sft/tiny_qwen3/checkpoints")
    assert [type(c) for c in build_callbacks(hydra_ctx("train", ["logger=csv", "callbacks.lr_monitor=null"]), True)] \
        == [ModelCheckpoint, HFExport, LogFriendlyProgressBar]
    assert "logger" not in hydra_ctx("train", ["~logger"])
    (tmp_path / "experiment").mkdir()
    (tmp_path / "experiment" / "quiet.yaml").write_text("# @package _global_\nlogger: null\n")
    for off in (["~logger"], ["logger=none"], ["experiment=quiet", f"hydra.searchpath=[file://{tmp_path}]"]):
        cfg = hydra_ctx("train", off)
        assert not cfg.get("logger") and build_logger(cfg) is False, off
        assert [type(c) for c in build_callbacks(cfg, False)] == [ModelCheckpoint, HFExport, LogFriendlyProgressBar]  # no LR monitor


def test_evaluate_composes_only_what_it_reads(hydra_ctx):
    cfg = hydra_ctx("evaluate", [])
    assert not {"method", "trainer", "llm", "callbacks"} & set(cfg)
    assert cfg.rpms == [f"{cfg.paths.runs_dir}/sft/tiny_qwen3"]  # what plain `python train.py` writes
    assert hydra_ctx("evaluate", ["logger=wandb"]).logger.name == "evaluate-tiny_qwen3"
    assert hydra_ctx("train", ["method=rl"]).logger.name == "rl-tiny_qwen3"
