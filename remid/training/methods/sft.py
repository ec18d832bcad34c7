"""Supervised fine-tuning (paper appendix E.1): loss on response tokens only (table 21 targets)."""

from __future__ import annotations

from remid.models.logprobs import PackedBatch, token_logprobs
from remid.training.methods.base import CausalLMModule


def sft_loss(model, batch: PackedBatch):
    """``(loss, tokens)``: mean negative log-likelihood of the target tokens (answer, closing template, EOS)."""
    scores = token_logprobs(model, batch)  # [B, L], 0 off the response
    n_tokens = batch.response_mask.sum()
    return -scores.sum() / n_tokens.clamp(min=1), int(n_tokens)


class SFTModule(CausalLMModule):
    """Mean negative log-likelihood of the target tokens (answer, closing template, EOS)."""

    def _nll(self, batch: PackedBatch):
        return sft_loss(self.model, batch)

    def training_step(self, batch: PackedBatch, batch_idx: int):
        loss, n_tokens = self._nll(batch)
        size = batch.input_ids.shape[0]
        self.log("train/loss", loss, prog_bar=True, batch_size=size)
        self.log_throughput(int(batch.attention_mask.sum()), size)
        return loss

    def validation_step(self, batch: PackedBatch, batch_idx: int):
        loss, _ = self._nll(batch)
        self.log("val/loss", loss, prog_bar=True, batch_size=batch.input_ids.shape[0])
