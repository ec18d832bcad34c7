"""Shared fixtures: compose the real Hydra config, shrink it, and write everything under tmp paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")


def compose(config_name: str, overrides: list[str]):
    """Compose ``conf/<config_name>.yaml`` with ``overrides`` (inside an initialized Hydra context)."""
    from hydra import compose as hydra_compose
    from hydra.core.hydra_config import HydraConfig

    cfg = hydra_compose(config_name=config_name, overrides=overrides, return_hydra_config=True)
    HydraConfig.instance().set_config(cfg)  # resolves ${now:...} and hydra.* interpolations
    from omegaconf import open_dict

    with open_dict(cfg):
        del cfg["hydra"]
    return cfg


@pytest.fixture
def hydra_ctx():
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        yield compose


@pytest.fixture(scope="session")
def tiny_qwen3() -> str:
    from remid.models.tiny import tiny_model_path

    return str(tiny_model_path("qwen3"))


@pytest.fixture(scope="session")
def mini_samples():
    from remid.data.readers import load_samples

    return load_samples()
