"""Shared LightningModule plumbing for every method: model loading, optimizer, HF export."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import lightning as L
import torch

from remid.models.loading import load_model


class CausalLMModule(L.LightningModule):
    """Wraps a ``transformers`` causal LM (optionally LoRA) trained by one of the methods."""

    # Constructor arguments kept out of ``hparams`` (and so out of checkpoints and the logger): objects
    # such as reward callables that hold models of their own.
    hparams_ignore: tuple[str, ...] = ()

    def __init__(self, model_path: str, dtype: str = "float32", lora: dict[str, Any] | None = None,
                 lr: float = 1e-4, weight_decay: float = 0.0, warmup_ratio: float = 0.03,
                 chat_template: bool | None = None) -> None:
        super().__init__()
        self.save_hyperparameters(ignore=list(self.hparams_ignore))
        self.model, self.tokenizer = load_model(model_path, dtype=dtype, lora=lora, train=True,
                                                chat_template=chat_template)
        self._tick: float | None = None

    def configure_optimizers(self):
        from transformers import get_linear_schedule_with_warmup

        params = [p for p in self.model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
        total = max(1, int(self.trainer.estimated_stepping_batches))
        schedule = get_linear_schedule_with_warmup(optimizer, int(self.hparams.warmup_ratio * total), total)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}

    def on_train_start(self) -> None:
        self.model.train()  # from_pretrained returns eval mode

    def log_throughput(self, n_tokens: int, batch_size: int) -> None:
        """Log ``train/tokens_per_s`` measured between consecutive training steps."""
        now = time.perf_counter()
        if self._tick is not None:
            self.log("train/tokens_per_s", n_tokens / max(now - self._tick, 1e-9), batch_size=batch_size)
        self._tick = now

    def save_hf(self, directory: str | Path) -> Path:
        """Write a plain ``transformers`` checkpoint (LoRA merged) loadable by transformers and vLLM.

        Call it on every rank: under DeepSpeed ZeRO-3 the partitioned weights are gathered (a collective,
        ``remid.training.strategies.gathered_parameters``); rank 0 alone writes. Elsewhere the gather is a no-op.
        """
        return export_hf(self.model, self.tokenizer, directory, self.global_rank)


def export_hf(model, tokenizer, directory: str | Path, rank: int = 0) -> Path:
    """``CausalLMModule.save_hf`` for any model: gather (ZeRO-3, every rank), merge LoRA, rank 0 writes."""
    from remid.training.strategies import gathered_parameters

    directory = Path(directory)
    with gathered_parameters(model):
        if rank != 0:
            return directory
        if hasattr(model, "merge_and_unload"):
            import copy

            model.save_pretrained(directory.with_name(directory.name + "_adapter"))
            model = copy.deepcopy(model).merge_and_unload()
        model.save_pretrained(directory)
        tokenizer.save_pretrained(directory)
    return directory


class HFExport(L.Callback):
    """Save the trained model in HF format when training ends."""

    def __init__(self, dirpath: str) -> None:
        self.dirpath = dirpath

    def on_train_end(self, trainer: L.Trainer, pl_module: CausalLMModule) -> None:
        path = pl_module.save_hf(self.dirpath)  # every rank: ZeRO-3 gathers the weights; rank 0 writes
        if trainer.is_global_zero:
            print(f"HF checkpoint written to {path}")
