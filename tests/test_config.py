"""Every shipped config composes; unknown choices fail with the valid ones listed."""

from pathlib import Path

import pytest
from hydra.errors import MissingConfigException
from omegaconf import OmegaConf

CONF = Path(__file__).resolve().parents[1] / "conf"


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF / group).glob("*.yaml"))


def test_the_eleven_base_llms_are_configured():
    real = [m for m in options("model") if not m.startswith("tiny")]
    assert len(real) == 11
    for name in real:
        cfg = OmegaConf.load(CONF / "model" / f"{name}.yaml")
        assert cfg.name == name and cfg.family in {"qwen3", "llama"} and "/" in cfg.name_or_path
        assert "Base" in cfg.name_or_path or cfg.family == "llama"  # pre-trained checkpoints only


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
    from remid.data.schema import EVAL_SUBSETS

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


@pytest.mark.parametrize("name", ["remi", "remi_tiny", "corl"])
def test_reasoning_decodes_without_repetition_penalty(name):
    """A penalty > 1 also hits the prompt's tokens, pushing r off the input words it should restate."""
    assert OmegaConf.load(CONF / "estimator" / f"{name}.yaml").reasoning_repetition_penalty == 1.0
