"""The frozen reference policy pi_ref of GRPO's KL term (equation 8) and of DPO: the initial weights.

Kept out of the LightningModule's submodules on purpose: it is not trained, not in the optimizer,
not in checkpoints (a resumed run rebuilds it from the same initial weights) and not exported.
"""

from __future__ import annotations

import contextlib
import copy

import torch

from remid.models.logprobs import PackedBatch, token_logprobs


class FrozenReference:
    """pi_ref as a deep copy of ``model`` (eval mode, no gradients); with LoRA, ``model`` itself with its
    adapters disabled (the base is the initial policy, so nothing is copied)."""

    def __init__(self, model) -> None:
        self.adapters = callable(getattr(model, "disable_adapter", None))
        self.model = model if self.adapters else copy.deepcopy(model).eval().requires_grad_(False)

    def to(self, device) -> FrozenReference:
        if not self.adapters:
            self.model.to(device)
        return self

    @torch.no_grad()
    def token_logprobs(self, batch: PackedBatch) -> torch.Tensor:
        """``remid.models.logprobs.token_logprobs`` under pi_ref. -> [B, L]"""
        with self.model.disable_adapter() if self.adapters else contextlib.nullcontext():
            return token_logprobs(self.model, batch)
