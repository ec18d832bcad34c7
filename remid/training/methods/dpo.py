"""Direct Preference Optimization (appendix E.1: golden = chosen, table 23's persona-blind answer = rejected).

python train.py method=dpo   (its yaml starts from the SFT checkpoint, as the paper does)

Each pair is scored with the one log-prob function in a single forward pass over 2B rows (chosen,
then rejected; summed over the target: answer, closing template, EOS) under the policy and under the
frozen reference (the initial weights, ``remid.training.methods.reference.FrozenReference``, or reference
log-probs carried by the data), then ``remid.training.losses.preference.dpo_loss``. Metrics carry TRL's names.
"""

from __future__ import annotations

from typing import Any

import torch

from remid.models.logprobs import reduce_logprobs, token_logprobs
from remid.training.data.preference import PreferenceBatch
from remid.training.losses.preference import DPO_LOSSES, dpo_loss, preference_metrics
from remid.training.methods.base import CausalLMModule
from remid.training.methods.reference import FrozenReference


class DPOModule(CausalLMModule):
    """DPO over ``PreferenceBatch`` batches (``remid.training.data.preference``).

    beta, loss_type, label_smoothing, discopop_tau: as TRL's ``DPOConfig`` (``remid.training.losses.preference.DPO_LOSSES``).
    precomputed_reference: take pi_ref's log-probs from the batches (``ref_chosen_logps`` /
        ``ref_rejected_logps`` in the data) instead of keeping a frozen copy of the initial weights.
    """

    def __init__(self, model_path: str, dtype: str = "float32", lora: dict[str, Any] | None = None,
                 lr: float = 5e-7, weight_decay: float = 0.0, warmup_ratio: float = 0.1, beta: float = 0.1,
                 loss_type: str = "sigmoid", label_smoothing: float = 0.0, discopop_tau: float = 0.05,
                 precomputed_reference: bool = False, chat_template: bool | None = None) -> None:
        if loss_type not in DPO_LOSSES:
            raise ValueError(f"unknown loss_type {loss_type!r}; expected one of {sorted(DPO_LOSSES)}")
        super().__init__(model_path, dtype, lora, lr, weight_decay, warmup_ratio, chat_template)
        self.reference = None if precomputed_reference else FrozenReference(self.model)

    def on_fit_start(self) -> None:
        if self.reference is not None:
            self.reference.to(self.device)

    def _reference_logps(self, batch: PreferenceBatch) -> tuple[torch.Tensor, torch.Tensor]:
        if self.reference is None:
            if batch.ref_chosen_logps is None:
                raise ValueError("precomputed_reference=true but the batch carries no ref_chosen_logps/ref_rejected_logps")
            return batch.ref_chosen_logps.float(), batch.ref_rejected_logps.float()
        scores = self.reference.token_logprobs(batch.packed)  # [2B, L]
        return reduce_logprobs(scores, batch.packed.response_mask.to(scores.device), "sum").chunk(2)

    def _step(self, batch: PreferenceBatch, stage: str) -> torch.Tensor:
        h = self.hparams
        scores = token_logprobs(self.model, batch.packed)  # [2B, L], 0 off the targets
        response = batch.packed.response_mask.to(scores.device)
        chosen, rejected = reduce_logprobs(scores, response, "sum").chunk(2)  # [B] each
        chosen_lengths, rejected_lengths = response.sum(-1).float().chunk(2)
        ref_chosen, ref_rejected = (t.to(scores.device) for t in self._reference_logps(batch))
        losses, chosen_rewards, rejected_rewards = dpo_loss(
            chosen, rejected, ref_chosen, ref_rejected, h.beta, h.loss_type, h.label_smoothing,
            chosen_lengths=chosen_lengths, rejected_lengths=rejected_lengths, discopop_tau=h.discopop_tau)
        loss = losses.mean()
        size = len(batch)
        self.log(f"{stage}/loss", loss, prog_bar=True, batch_size=size)
        metrics = preference_metrics(chosen_rewards, rejected_rewards, chosen, rejected)
        self.log_dict({f"{stage}/{k}": v for k, v in metrics.items()}, batch_size=size)
        if stage == "train":
            self.log_throughput(int(batch.packed.attention_mask.sum()), size)
        return loss

    def training_step(self, batch: PreferenceBatch, batch_idx: int):
        return self._step(batch, "train")

    def validation_step(self, batch: PreferenceBatch, batch_idx: int):
        self._step(batch, "val")
