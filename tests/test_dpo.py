"""DPOModule end to end: preference pairs from a JSONL file, the tiny Qwen3, a real Lightning trainer."""

from __future__ import annotations

import csv
import json
import math

import lightning as L
import pytest
import torch
from lightning.pytorch.loggers import CSVLogger

from remid.data.readers import DataFormatError, by_subset, load_samples
from remid.training.data.preference import PreferenceDataModule, read_pairs
from remid.training.methods.dpo import DPOModule


@pytest.fixture(scope="module")
def pairs_file(tmp_path_factory):
    """Rows as ``remid.training.methods.rejections.collect_rejections`` writes them."""
    samples = by_subset(load_samples())["id_train"][:6]
    path = tmp_path_factory.mktemp("dpo") / "pairs.jsonl"
    path.write_text("".join(json.dumps({"sample_id": s.sample_id, "sample": s.to_record(), "chosen": s.golden_response,
                                        "rejected": "I would rather not say."}) + "\n" for s in samples))
    return path


def run(tmp_path, module, data, max_steps=2):
    trainer = L.Trainer(accelerator="cpu", devices=1, max_steps=max_steps, logger=CSVLogger(tmp_path / "logs"),
                        enable_checkpointing=False, log_every_n_steps=1, enable_progress_bar=False,
                        enable_model_summary=False, val_check_interval=max_steps, num_sanity_val_steps=0)
    trainer.fit(module, datamodule=data)
    return list(csv.DictReader(next((tmp_path / "logs").rglob("metrics.csv")).open()))


def test_dpo_trains_against_the_frozen_initial_weights(tmp_path, pairs_file):
    module = DPOModule("tiny:qwen3", lr=1e-3, warmup_ratio=0.0, beta=0.1)
    data = PreferenceDataModule(source=str(pairs_file), batch_size=2, max_length=512, max_target=384,
                                max_prompt_tokens=256, val_size=2)
    data.connect(module.tokenizer)
    initial = {n: p.detach().clone() for n, p in module.model.named_parameters()}
    rows = run(tmp_path, module, data)

    reference = dict(module.reference.model.named_parameters())
    assert all(torch.equal(reference[n], initial[n]) for n in initial)  # pi_ref never moves
    assert any(not torch.equal(p.detach(), initial[n]) for n, p in module.model.named_parameters())
    losses = [float(r["train/loss"]) for r in rows if r.get("train/loss")]
    assert losses[0] == pytest.approx(math.log(2), abs=1e-5)  # policy = reference at step 0: -log sigmoid(0)
    logged = {k for r in rows for k, v in r.items() if v}
    for name in ("train/rewards/chosen", "train/rewards/rejected", "train/rewards/accuracies",
                 "train/rewards/margins", "train/logps/chosen", "train/logps/rejected", "val/loss",
                 "val/rewards/accuracies"):
        assert name in logged, name
    assert len(data.train_set) == 4 and len(data.val_set) == 2


def test_precomputed_reference_logps_replace_the_copy(tmp_path, pairs_file):
    rows = read_pairs(pairs_file)
    for i, row in enumerate(rows):
        row.update(ref_chosen_logps=-50.0 - i, ref_rejected_logps=-20.0)
    module = DPOModule("tiny:qwen3", lr=1e-3, loss_type="ipo", beta=0.5, precomputed_reference=True)
    assert module.reference is None
    data = PreferenceDataModule(pairs=lambda: rows, batch_size=3, max_length=512, max_prompt_tokens=256)
    data.connect(module.tokenizer)
    logged = run(tmp_path, module, data, max_steps=1)
    assert any(r.get("train/rewards/margins") for r in logged)


def test_a_malformed_row_names_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"sample": {}, "chosen": "a", "rejected": "b"}\n{"chosen": "a"}\n')
    with pytest.raises(DataFormatError, match=":2"):
        read_pairs(path)
