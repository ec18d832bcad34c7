"""A plain checkpoint folder as the RPM (``rpms=[/path]``): prompted through its own chat template, decoded as its
generation_config.json asks unless ``generation.sampling`` says otherwise, and both said in one line."""

import json
import logging
import shutil

import pytest

from remid.data.readers import load_samples, select_subsets
from remid.evaluation.rpm import rpm_spec
from remid.run.evaluate import responses_of


@pytest.fixture(scope="module")
def id_samples():
    return select_subsets(load_samples(None, False), ["id"], 4, "test", True)


def checkpoint(tmp_path, source: str, template: bool = True, **generation) -> str:
    """A copy of ``source`` with ``generation`` merged into its generation_config.json (and no chat template)."""
    out = tmp_path / "checkpoint"
    shutil.copytree(source, out)
    config = json.loads((out / "generation_config.json").read_text())
    (out / "generation_config.json").write_text(json.dumps({**config, **generation}))
    if not template:
        (out / "chat_template.jinja").unlink()
        tok = json.loads((out / "tokenizer_config.json").read_text())
        tok.pop("chat_template", None)
        (out / "tokenizer_config.json").write_text(json.dumps(tok))
    return str(out)


def responses(hydra_ctx, tmp_path, ckpt: str, samples, *extra) -> list[str]:
    cfg = hydra_ctx("evaluate", [f"rpms=[{ckpt}]", f"paths.runs_dir={tmp_path}", f"paths.cache_dir={tmp_path / 'cache'}",
                                 "generation.sampling.max_new_tokens=24", *extra])
    return responses_of(cfg, rpm_spec(ckpt), samples, None)["id"]


def test_a_checkpoint_decodes_as_its_generation_config_asks_unless_the_config_says_otherwise(
        hydra_ctx, tmp_path, tiny_qwen3, id_samples, caplog):
    ckpt = checkpoint(tmp_path, tiny_qwen3, repetition_penalty=1.5)
    with caplog.at_level(logging.INFO, logger="remid.run.evaluate"):
        own = responses(hydra_ctx, tmp_path, ckpt, id_samples)
    assert "prompted through its chat template" in caplog.text
    assert "repetition_penalty=1.5" in caplog.text and "repetition_penalty from its generation_config.json" in caplog.text
    assert own == responses(hydra_ctx, tmp_path, ckpt, id_samples, "generation.sampling.repetition_penalty=1.5")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="remid.run.evaluate"):
        plain = responses(hydra_ctx, tmp_path, ckpt, id_samples, "generation.sampling.repetition_penalty=1.0")
    assert plain != own  # the command line wins over the folder's file
    assert "repetition_penalty=1 " in caplog.text and "repetition_penalty from" not in caplog.text


def test_a_checkpoint_without_a_chat_template_is_said_to_be_prompted_as_plain_text(
        hydra_ctx, tmp_path, tiny_qwen3, id_samples, caplog):
    ckpt = checkpoint(tmp_path, tiny_qwen3, template=False)
    with caplog.at_level(logging.INFO, logger="remid.run.evaluate"):
        responses(hydra_ctx, tmp_path, ckpt, id_samples)
    assert "prompted as plain text (no chat template)" in caplog.text
