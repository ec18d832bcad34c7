"""Pretraining a tiny base: the corpus data module and `method=pretrain` through the real trainer."""

import json

import pytest

from remid.run.train import train
from remid.training.data.datamodule import CorpusDataModule


def test_corpus_blocks_cover_the_stream_and_score_every_token_but_the_first(tiny_qwen3):
    from transformers import AutoTokenizer

    dm = CorpusDataModule(n_documents=40, block_size=64, batch_size=4, val_fraction=0.1)
    dm.connect(AutoTokenizer.from_pretrained(tiny_qwen3))
    dm.setup()
    assert all(len(b) == 64 for b in dm.train_set + dm.val_set) and len(dm.val_set) >= 1
    batch = next(iter(dm.train_dataloader()))
    assert batch.input_ids.shape == (4, 64)
    assert batch.response_mask[:, 0].sum() == 0 and batch.response_mask[:, 1:].all()


def test_a_malformed_corpus_file_names_the_line(tmp_path, tiny_qwen3):
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"text": "fine"}) + "\n" + json.dumps({"body": "no text"}) + "\n")
    with pytest.raises(ValueError, match=r"corpus.jsonl:2: expected a JSON object with a 'text' field"):
        CorpusDataModule(str(path)).texts()


@pytest.mark.slow
def test_pretraining_from_random_init_lowers_the_loss(hydra_ctx, tmp_path, read_metric):
    cfg = hydra_ctx("train", ["method=pretrain", "model=tiny_qwen3_random", f"paths.runs_dir={tmp_path}",
                              "logger=csv", "method.datamodule.n_documents=120", "method.datamodule.block_size=128",
                              "trainer.max_steps=32", "trainer.log_every_n_steps=1", "model.batch_size=8"])
    train(cfg)
    run_dir = tmp_path / "pretrain" / "tiny_qwen3_random"
    losses = read_metric(run_dir, "train/loss")
    assert sum(losses[-4:]) / 4 < sum(losses[:4]) / 4 - 1.0, losses  # nats per token, from ~ln(6000)
    assert (run_dir / "hf" / "config.json").exists()
