"""DPO-family preference losses (TRL's ``loss_type`` variants as one lookup table, parity-tested against TRL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import torch
import torch.nn.functional as F

# ---- DPO loss ---------------------------------------------------------------------------------------------

class PreferenceLogps(NamedTuple):
    """Summed log-probs of a batch of preference pairs and what the loss variants read from them. [B] each."""

    chosen: torch.Tensor
    rejected: torch.Tensor
    ref_chosen: torch.Tensor
    ref_rejected: torch.Tensor
    beta: float
    label_smoothing: float
    chosen_lengths: torch.Tensor | None
    rejected_lengths: torch.Tensor | None
    discopop_tau: float

    @property
    def chosen_ratio(self) -> torch.Tensor:  # log pi(y_w|x) / pi_ref(y_w|x)
        return self.chosen - self.ref_chosen

    @property
    def rejected_ratio(self) -> torch.Tensor:
        return self.rejected - self.ref_rejected

    @property
    def margin(self) -> torch.Tensor:  # the implicit reward margin h = chosen_ratio - rejected_ratio
        return self.chosen_ratio - self.rejected_ratio

    def per_token_margin(self) -> torch.Tensor:
        if self.chosen_lengths is None or self.rejected_lengths is None:
            raise ValueError("this loss_type divides by completion lengths: pass chosen_lengths and rejected_lengths")
        return (self.chosen_ratio / self.chosen_lengths.clamp(min=1.0)
                - self.rejected_ratio / self.rejected_lengths.clamp(min=1.0))


def _exo_pair(p: PreferenceLogps) -> torch.Tensor:
    if p.label_smoothing <= 0.0:
        raise ValueError("loss_type 'exo_pair' needs label_smoothing > 0 (the paper uses 1e-3)")
    eps = torch.tensor(p.label_smoothing, dtype=p.margin.dtype)
    z = p.beta * p.margin
    return (torch.sigmoid(z) * (F.logsigmoid(z) - torch.log1p(-eps))
            + torch.sigmoid(-z) * (F.logsigmoid(-z) - torch.log(eps)))


def _smoothed(delta: torch.Tensor, p: PreferenceLogps) -> torch.Tensor:
    return -F.logsigmoid(p.beta * delta) * (1 - p.label_smoothing) - F.logsigmoid(-p.beta * delta) * p.label_smoothing


def _robust(p: PreferenceLogps) -> torch.Tensor:
    clean = -(1 - p.label_smoothing) * F.logsigmoid(p.beta * p.margin)
    flipped = -p.label_smoothing * F.logsigmoid(-p.beta * p.margin)
    return (clean - flipped) / (1 - 2 * p.label_smoothing)


def _discopop(p: PreferenceLogps) -> torch.Tensor:
    z = p.beta * p.margin
    mix = torch.sigmoid(z / p.discopop_tau)
    return -F.logsigmoid(z) * (1 - mix) + torch.exp(-z) * mix


DPO_LOSSES: dict[str, Callable[[PreferenceLogps], torch.Tensor]] = {
    # DPO (Rafailov et al., equation 7): -log sigmoid(beta h)
    "sigmoid": lambda p: -F.logsigmoid(p.beta * p.margin),
    "hinge": lambda p: torch.relu(1 - p.beta * p.margin),  # SLiC
    # IPO (Azar et al., equation 17) on per-token log-ratios, as TRL; beta is tau
    "ipo": lambda p: (p.per_token_margin() - 1 / (2 * p.beta)) ** 2,
    "sigmoid_norm": lambda p: -F.logsigmoid(p.beta * p.per_token_margin()),
    "exo_pair": _exo_pair,
    "nca_pair": lambda p: (-F.logsigmoid(p.beta * p.chosen_ratio) - 0.5 * F.logsigmoid(-p.beta * p.chosen_ratio)
                           - 0.5 * F.logsigmoid(-p.beta * p.rejected_ratio)),
    "robust": _robust,
    "bco_pair": lambda p: -F.logsigmoid(p.beta * p.chosen_ratio) - F.logsigmoid(-p.beta * p.rejected_ratio),
    "sppo_hard": lambda p: (p.chosen_ratio - 0.5 / p.beta) ** 2 + (p.rejected_ratio + 0.5 / p.beta) ** 2,
    # AOT: the batch's log-ratio differences sorted before they are compared (a batch-level loss)
    "aot": lambda p: _smoothed(torch.sort(p.chosen - p.rejected, dim=0).values
                               - torch.sort(p.ref_chosen - p.ref_rejected, dim=0).values, p),
    "aot_unpaired": lambda p: _smoothed(torch.sort(p.chosen_ratio, dim=0).values
                                        - torch.sort(p.rejected_ratio, dim=0).values, p),
    "apo_zero": lambda p: 1 - torch.sigmoid(p.beta * p.chosen_ratio) + torch.sigmoid(p.beta * p.rejected_ratio),
    "apo_down": lambda p: torch.sigmoid(p.beta * p.chosen_ratio) + 1 - torch.sigmoid(p.beta * p.margin),
    "discopop": _discopop,
}


def dpo_loss(policy_chosen_logps: torch.Tensor, policy_rejected_logps: torch.Tensor,
             ref_chosen_logps: torch.Tensor, ref_rejected_logps: torch.Tensor, beta: float = 0.1,
             loss_type: str = "sigmoid", label_smoothing: float = 0.0, *,
             chosen_lengths: torch.Tensor | None = None, rejected_lengths: torch.Tensor | None = None,
             discopop_tau: float = 0.05) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(losses [B], chosen_rewards [B], rejected_rewards [B])`` of a batch of preference pairs.

    Inputs are summed log-probs of the chosen and rejected completions under the policy and the
    frozen reference. The implicit rewards are beta * log(pi / pi_ref) (detached, TRL's
    ``rewards/chosen`` and ``rewards/rejected``). ``ipo`` and ``sigmoid_norm`` average the log-ratios
    per token, so they need ``chosen_lengths`` and ``rejected_lengths`` (completion token counts);
    ``aot``/``aot_unpaired`` sort over the batch, so their i-th loss is not pair i's.
    """
    if loss_type not in DPO_LOSSES:
        raise ValueError(f"unknown loss_type {loss_type!r}; expected one of {sorted(DPO_LOSSES)}")
    pairs = PreferenceLogps(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps,
                            beta, label_smoothing, chosen_lengths, rejected_lengths, discopop_tau)
    losses = DPO_LOSSES[loss_type](pairs)
    return losses, beta * pairs.chosen_ratio.detach(), beta * pairs.rejected_ratio.detach()


def preference_metrics(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor,
                       chosen_logps: torch.Tensor, rejected_logps: torch.Tensor) -> dict[str, float]:
    """TRL's DPO metrics: mean implicit rewards, accuracy (chosen reward above rejected), margin, log-probs."""
    return {
        "rewards/chosen": float(chosen_rewards.mean()), "rewards/rejected": float(rejected_rewards.mean()),
        "rewards/accuracies": float((chosen_rewards > rejected_rewards).float().mean()),
        "rewards/margins": float((chosen_rewards - rejected_rewards).mean()),
        "logps/chosen": float(chosen_logps.detach().mean()), "logps/rejected": float(rejected_logps.detach().mean()),
    }
