"""Rollouts from the model being trained under DeepSpeed ZeRO on CPU (run by tests/test_deepspeed.py).

``python tests/deepspeed_rollout.py STAGE OUT.json``: two processes (Lightning launches the second), SFT
on the tiny Qwen3 for 2 steps; in every training step each rank first generates greedily inside
``gathered_for_generation``, rank r asking for 4 + 6r new tokens, so the ranks generate different
numbers of tokens (a collective inside generation would hang). Rank 0 writes its step-0 completions.
"""

from __future__ import annotations

import json
import sys
from functools import partial

import lightning as L

from remid.generation.base import SamplingParams
from remid.generation.hf import HFGenerator
from remid.training.data.datamodule import SFTDataModule
from remid.training.data.tasks import rpm_example
from remid.training.methods.sft import SFTModule
from remid.training.strategies import CPUDeepSpeedStrategy, gathered_for_generation

CONTEXTS = ["<Character> Ada Lovelace\n<User> Tell me about engines.\n<Agent Response>", "Hello there, friend"]


class RolloutSFT(SFTModule):
    """SFT whose every step first samples rollouts from the current weights, as on-policy RL does."""

    def __init__(self, out: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.out, self.rollouts = out, []

    def training_step(self, batch, batch_idx: int):
        generator = HFGenerator(self.model, self.tokenizer, batch_size=2)
        with gathered_for_generation(self):
            texts = generator.generate(CONTEXTS, SamplingParams(max_new_tokens=4 + 6 * self.global_rank))
        self.rollouts.append(texts)
        if self.global_rank == 0 and self.global_step == 0:
            with open(self.out, "w") as f:
                json.dump({"texts": texts, "world_size": self.trainer.world_size}, f)
        return super().training_step(batch, batch_idx)


def main(stage: int, out: str) -> None:
    L.seed_everything(0)
    module = RolloutSFT(out, model_path="tiny:qwen3", lr=2e-3)
    data = SFTDataModule(None, partial(rpm_example), batch_size=4, train_limit=16, val_limit=4)
    data.connect(module.tokenizer)
    trainer = L.Trainer(accelerator="cpu", devices=2, max_steps=2, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0,
                        limit_val_batches=0, strategy=CPUDeepSpeedStrategy(stage=stage, process_group_backend="gloo"))
    trainer.fit(module, datamodule=data)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
