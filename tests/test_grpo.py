"""GRPOModule end to end: the tiny Qwen3, a real Lightning trainer, real generation, rewards, rollouts, resume."""

from __future__ import annotations

import csv
import json

import lightning as L
import pytest
import torch
from hydra.utils import instantiate
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger
from omegaconf import OmegaConf

from remid.training.data.prompt_data import PromptDataModule


def length_reward(prompts, completions, **columns):
    """Longer is better (words), so the reward differs within a group."""
    return [float(len(c.split())) for c in completions]


def flaky_reward(prompts, completions, **columns):
    """NaN, None and inf for the first completions of each batch: never a crash, always counted."""
    bad = [float("nan"), None, float("inf")]
    return [bad[i] if i < len(bad) else 1.0 for i in range(len(completions))]


MODULE = {
    "_target_": "remid.training.methods.rl.GRPOModule", "_partial_": True, "lr": 1e-3, "warmup_ratio": 0.0,
    "num_generations": 4, "max_new_tokens": 12, "stop": ["</Agent Response>"], "beta": 0.04,
    "loss_type": "dapo", "max_prompt_tokens": 192, "generation_batch_size": 8,
    "rewards": {
        "length": {"fn": {"_target_": f"{__name__}.length_reward", "_partial_": True}, "weight": 1.0},
        "flaky": {"fn": {"_target_": f"{__name__}.flaky_reward", "_partial_": True}, "weight": 0.5},
        "match": {"fn": {"_target_": "remid.training.rewards.base.MatchProbabilityReward", "model_spec": "tiny:qwen3",
                         "max_prompt_tokens": 192}, "weight": 1.0},
    },
}


def fit(tmp_path, max_steps: int, ckpt_path=None, without: tuple[str, ...] = (), **overrides):
    config = OmegaConf.merge(OmegaConf.create(MODULE), overrides)
    for name in without:
        del config.rewards[name]
    module = instantiate(config)(model_path="tiny:qwen3")  # as train.py builds it
    data = PromptDataModule(source=None, batch_size=2, train_limit=6, max_prompt_tokens=192)
    data.connect(module.tokenizer)
    trainer = L.Trainer(accelerator="cpu", devices=1, max_steps=max_steps, logger=CSVLogger(tmp_path / "logs"),
                        callbacks=[ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True, save_top_k=0,
                                                   every_n_train_steps=1)],
                        default_root_dir=tmp_path, log_every_n_steps=1, enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.fit(module, datamodule=data, ckpt_path=ckpt_path)
    return module, trainer


@pytest.mark.slow
def test_grpo_trains_logs_and_writes_rollouts(tmp_path):
    module, trainer = fit(tmp_path, max_steps=2)
    assert module.hparams.num_generations == 4 and "rewards" not in module.hparams  # reward objects stay out
    initial = torch.load(tmp_path / "ckpt" / "last.ckpt", weights_only=False)
    reference = dict(module.reference.model.named_parameters())
    changed = [n for n, p in module.model.named_parameters() if not torch.equal(p.detach(), reference[n])]
    assert changed, "no weight moved away from the frozen reference"
    assert all(not p.requires_grad for p in module.reference.model.parameters())
    assert initial["global_step"] == 2

    rows = list(csv.DictReader(next((tmp_path / "logs").rglob("metrics.csv")).open()))
    logged = {k for row in rows for k, v in row.items() if v}
    for name in ("train/loss", "train/reward", "train/reward_std", "train/rewards/length/mean",
                 "train/rewards/match/mean", "train/rewards/flaky/invalid", "train/advantages/std", "train/kl",
                 "train/completions/mean_length", "train/completions/max_length", "train/completions/clipped_ratio",
                 "train/clip_ratio/region_mean", "train/frac_reward_zero_std", "train/groups/all_equal",
                 "train/rewards/unscorable", "train/empty_completions"):
        assert name in logged, name
    assert all(float(r["train/rewards/flaky/invalid"]) == 3 for r in rows if r.get("train/rewards/flaky/invalid"))

    lines = [json.loads(x) for x in (tmp_path / "rollouts.jsonl").read_text().splitlines()]
    assert len(lines) == 2 * 2 * 4  # steps x prompts x generations
    assert {x["step"] for x in lines} == {0, 1}
    first = lines[0]
    assert first["rewards"]["flaky"] is None and first["rewards"]["length"] is not None  # NaN written as null
    assert 0 < first["rewards"]["match"] <= 1 and first["tokens"] <= 12
    assert set(first) >= {"sample_id", "generation", "completion", "finished", "reward", "advantage"}


@pytest.mark.slow
def test_grpo_resumes_from_its_checkpoint(tmp_path):
    cheap = {"beta": 0.0, "num_generations": 2, "loss_type": "grpo"}
    first, _ = fit(tmp_path, max_steps=1, without=("match",), **cheap)
    assert first.reference is None  # beta = 0: no frozen copy
    _, trainer = fit(tmp_path, max_steps=2, ckpt_path=tmp_path / "ckpt" / "last.ckpt", without=("match",), **cheap)
    assert trainer.global_step == 2
    steps = [json.loads(x)["step"] for x in (tmp_path / "rollouts.jsonl").read_text().splitlines()]
    assert steps == [0] * 4 + [1] * 4  # the resumed run continued at step 1 and appended


def test_complete_returns_what_generate_returns_with_the_sampled_ids(mini_samples):
    from remid.core.prompts import rpm_prompt
    from remid.generation.base import SamplingParams
    from remid.generation.hf import HFGenerator
    from remid.models.chat import context_text, fit_prompt
    from remid.models.loading import load_model

    model, tok = load_model("tiny:qwen3")
    generator = HFGenerator(model, tok, batch_size=2)
    contexts = [context_text(tok, fit_prompt(tok, rpm_prompt(s), 96)[0]) for s in mini_samples[:2]]
    sampling = SamplingParams(max_new_tokens=16, temperature=1.0, n=2, stop=("</Agent Response>",), seed=5)
    completions = generator.complete(contexts, sampling)
    assert [[c.text for c in row] for row in completions] == generator.generate(contexts, sampling)
    for c in (c for row in completions for c in row):
        assert 1 <= len(c.token_ids) <= 16 and tok.pad_token_id not in c.token_ids[-1:]
        assert c.finished == (c.token_ids[-1] == tok.eos_token_id or "</Agent Response>" in tok.decode(c.token_ids))
        assert c.finished or len(c.token_ids) == 16


def test_sampled_ids_drop_padding_but_keep_what_was_sampled():
    from remid.generation.hf import sampled_ids

    class Tokenizer:
        eos_token_id, pad_token_id = 2, 3

        def decode(self, ids, skip_special_tokens=True):
            return "".join({5: "a", 6: "</s>"}.get(i, "") for i in ids)

    tok, stop = Tokenizer(), ("</s>",)
    assert sampled_ids(tok, [5, 5, 2, 3, 3], stop) == ([5, 5, 2], True)  # EOS kept, pads dropped
    assert sampled_ids(tok, [5, 6, 3, 3], stop) == ([5, 6], True)  # ended by the stop string
    assert sampled_ids(tok, [5, 5, 5], stop) == ([5, 5, 5], False)  # cut at max_new_tokens
    tok.pad_token_id = 2  # pad = EOS (Llama 3 base)
    assert sampled_ids(tok, [5, 6, 2, 2], stop) == ([5, 6], True)  # that EOS only pads after the stop string
    assert sampled_ids(tok, [5, 5, 2, 2], stop) == ([5, 5, 2], True)
