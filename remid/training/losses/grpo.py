"""Pure losses of the RL and preference methods: GRPO (appendix D, equations 8-9) here, DPO (appendix E.1)
in ``remid.training.losses.preference``.

Tensor functions only: the methods in ``remid/training/methods`` feed them log-probs from the one log-prob
function (``remid.models.logprobs``). They reproduce TRL 1.16 (the implementation the paper names,
appendix D), ``GRPOTrainer`` advantages and ``_compute_loss`` and ``DPOTrainer._compute_loss``, for one
process and no gradient accumulation (Lightning scales a loss for accumulation itself);
``tests/test_losses.py`` checks every variant against TRL's own code. Not reproduced: vLLM
importance-sampling correction, the off-policy sequence mask, entropy masks and bonuses (GRPO),
f-divergences, WPO weighting and the length-desensitised ``ld_alpha`` (DPO).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import torch

SCALES = ("group", "batch", "none")


def nanstd(x: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """Unbiased standard deviation ignoring NaNs; NaN where fewer than two values are finite."""
    mean = torch.nanmean(x, dim=dim, keepdim=True)
    count = (~torch.isnan(x)).sum(dim=dim, keepdim=True)
    var = torch.nanmean((x - mean) ** 2, dim=dim, keepdim=True) * count / (count - 1).clamp(min=1)
    std = torch.where(count > 1, var.sqrt(), torch.full_like(var, float("nan")))
    return std.squeeze(dim) if dim is not None else std.reshape(())


def _masked_rewards(rewards: torch.Tensor, group_size: int, valid: torch.Tensor | None) -> torch.Tensor:
    if group_size < 1 or rewards.numel() % group_size:
        raise ValueError(f"{rewards.numel()} rewards do not form groups of {group_size}")
    rewards = rewards.float()
    valid = torch.isfinite(rewards) if valid is None else valid.bool() & torch.isfinite(rewards)
    return rewards.masked_fill(~valid, float("nan"))  # [B*G], NaN = no reward


def group_advantages(rewards: torch.Tensor, group_size: int, scale: str = "group",
                     valid: torch.Tensor | None = None) -> torch.Tensor:
    """GRPO advantages (equation 9): each reward minus its group's mean, over the std + 1e-4. [B*G] -> [B*G]

    Rows are grouped as TRL lays them out: the ``group_size`` completions of one prompt are
    consecutive. ``scale``: ``"group"`` divides by the group's std (equation 9), ``"batch"`` by the
    std of the whole batch (still centred per group), ``"none"`` does not divide (Dr. GRPO).
    Invalid rewards (``valid`` False, or NaN/inf) take no part in a group's mean or std and get
    advantage 0; so does every completion of a group with one valid reward or none (its std is
    undefined). A group whose rewards are all equal gets 0 everywhere (``group_counts`` counts them).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {SCALES}")
    masked = _masked_rewards(rewards, group_size, valid)
    grouped = masked.view(-1, group_size)  # [B, G]
    mean = torch.nanmean(grouped, dim=1).repeat_interleave(group_size)  # [B*G]
    advantages = masked - mean
    if scale == "group":
        advantages = advantages / (nanstd(grouped, dim=1).repeat_interleave(group_size) + 1e-4)
    elif scale == "batch":
        advantages = advantages / (nanstd(masked) + 1e-4)
    return torch.nan_to_num(advantages, nan=0.0)


def group_counts(rewards: torch.Tensor, group_size: int, valid: torch.Tensor | None = None) -> dict[str, int]:
    """Groups that teach nothing: ``all_equal`` (>= 2 valid rewards, zero std) and ``under_two_valid``."""
    grouped = _masked_rewards(rewards, group_size, valid).view(-1, group_size)
    n_valid = (~torch.isnan(grouped)).sum(dim=1)
    std = nanstd(grouped, dim=1)
    all_equal = (n_valid >= 2) & torch.isclose(std, torch.zeros_like(std))
    return {"groups": grouped.shape[0], "all_equal": int(all_equal.sum()), "under_two_valid": int((n_valid < 2).sum())}


# ---- GRPO loss (equation 8) -------------------------------------------------------------------------------

class GRPOInputs(NamedTuple):
    """What a policy term sees. Token level: ratios [B, T]; sequence level: [B, 1]."""

    logps: torch.Tensor  # [B, T] log pi_theta(o_t | q, o_<t), 0 off the completion
    log_ratio: torch.Tensor  # [B, T] log pi_theta - log pi_old per token
    coef: torch.Tensor  # [B, T] or [B, 1] importance ratio pi_theta / pi_old
    advantages: torch.Tensor  # [B, 1] (or [B, T])
    mask: torch.Tensor  # [B, T] float, 1 at completion tokens


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> float:
    """Mean of ``x`` over the mask (one value per sequence when ``x`` is [B, 1]), as TRL's metrics."""
    if x.shape[-1] == 1:
        return float(x.float().mean())
    return float((x * mask).sum() / mask.sum().clamp(min=1.0))


def _sequence_means(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return x.squeeze(1) if x.shape[1] == 1 else (x * mask).sum(-1) / mask.sum(-1)  # [B], NaN for an empty row


def _clipped(inp: GRPOInputs, opts: dict) -> tuple[torch.Tensor, dict[str, float]]:
    """Equation 8: -min(ratio * A, clip(ratio, 1 - eps_low, 1 + eps_high) * A); ``delta`` caps ratio (INTELLECT-2)."""
    coef, adv = inp.coef, inp.advantages
    clipped = torch.clamp(coef, 1 - opts["epsilon_low"], 1 + opts["epsilon_high"])
    capped = coef if opts["delta"] is None else torch.clamp(coef, max=opts["delta"])
    loss = -torch.min(capped * adv, clipped * adv)
    low = ((coef < 1 - opts["epsilon_low"]) & (adv < 0)).float()
    high = ((coef > 1 + opts["epsilon_high"]) & (adv > 0)).float()
    low_seq, high_seq = _sequence_means(low, inp.mask), _sequence_means(high, inp.mask)
    nan = torch.tensor(float("nan"))
    metrics = {
        "clip_ratio/low_mean": masked_mean(low, inp.mask), "clip_ratio/high_mean": masked_mean(high, inp.mask),
        "clip_ratio/region_mean": masked_mean(torch.maximum(low, high), inp.mask),
        "clip_ratio/low_min": float(low_seq[~low_seq.isnan()].min() if (~low_seq.isnan()).any() else nan),
        "clip_ratio/high_max": float(high_seq[~high_seq.isnan()].max() if (~high_seq.isnan()).any() else nan),
    }
    return loss, metrics


def _cispo(inp: GRPOInputs, opts: dict) -> tuple[torch.Tensor, dict[str, float]]:
    """CISPO (MiniMax-M1): -sg(min(ratio, eps_high)) * A * log pi; ``epsilon_high`` is eps_max here."""
    clamped = torch.clamp(inp.coef, max=opts["epsilon_high"]).detach()
    clipped = ((inp.coef > opts["epsilon_high"]) & (inp.advantages > 0)).float()
    return -clamped * inp.advantages * inp.logps, {"cispo_clip_ratio": masked_mean(clipped, inp.mask)}


def _sapo(inp: GRPOInputs, opts: dict) -> tuple[torch.Tensor, dict[str, float]]:
    """SAPO: a soft gate sigmoid(tau (ratio - 1)) * 4 / tau instead of the hard clip."""
    tau = torch.where(inp.advantages > 0, opts["sapo_temperature_pos"], opts["sapo_temperature_neg"])
    return -torch.sigmoid(tau * (inp.coef - 1)) * 4 / tau * inp.advantages, {}


def _vespo(inp: GRPOInputs, opts: dict) -> tuple[torch.Tensor, dict[str, float]]:
    """VESPO: -phi(w) * A * log pi, phi(w) = e^lam w^k e^(-lam w) of the sequence ratio w (no gradient)."""
    k_pos, lambda_pos, k_neg, lambda_neg = opts["vespo"]
    with torch.no_grad():
        seq = (inp.log_ratio.clamp(-20.0, 20.0) * inp.mask).sum(-1, keepdim=True)  # [B, 1]
        log_w = seq.clamp(math.log(1e-8), 20.0)
        nonneg = inp.advantages >= 0
        k = torch.where(nonneg, k_pos, k_neg)
        lam = torch.where(nonneg, lambda_pos, lambda_neg).clamp(min=1e-4)
        phi = torch.exp(lam + k * log_w - lam * torch.exp(log_w)).nan_to_num(nan=0.0, posinf=0.0, neginf=0.0)
    return -phi * inp.advantages * inp.logps, {"vespo/phi_seq_mean": masked_mean(phi, inp.mask)}


def _per_sequence(x, mask, opts):  # grpo, sapo: mean over each completion, then over completions
    return ((x * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()


def _per_token(x, mask, opts):  # bnpo: mean over the batch's tokens (= equation 8's 1 / sum |o_i|)
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


def _per_constant(x, mask, opts):  # dr_grpo: sum over B * max_completion_length
    if opts["max_completion_length"] is None:
        raise ValueError("loss_type 'dr_grpo' needs max_completion_length")
    return (x * mask).sum() / (x.shape[0] * opts["max_completion_length"])


def _per_item(x, mask, opts):  # dapo, cispo, vespo: sum over the token count of the whole generation batch
    n = mask.sum() if opts["num_items"] is None else torch.as_tensor(opts["num_items"], dtype=mask.dtype)
    return (x * mask).sum() / n.clamp(min=1.0)


def _sequence_sums(x, mask, opts):  # luspo: each completion's summed loss, mean over completions
    return (x * mask).sum(-1).mean()


Term = Callable[[GRPOInputs, dict], tuple[torch.Tensor, dict[str, float]]]
GRPO_LOSSES: dict[str, tuple[Term, Callable]] = {
    "grpo": (_clipped, _per_sequence), "bnpo": (_clipped, _per_token), "dr_grpo": (_clipped, _per_constant),
    "dapo": (_clipped, _per_item), "luspo": (_clipped, _sequence_sums), "cispo": (_cispo, _per_item),
    "sapo": (_sapo, _per_sequence), "vespo": (_vespo, _per_item),
}


def grpo_loss(logps: torch.Tensor, old_logps: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              loss_type: str = "dapo", epsilon_low: float = 0.2, epsilon_high: float = 0.2, beta: float = 0.0,
              ref_logps: torch.Tensor | None = None, max_completion_length: int | None = None, *,
              importance_sampling_level: str = "token", num_items: int | torch.Tensor | None = None,
              bias_correction_kl: bool = True, delta: float | None = None, sapo_temperature_pos: float = 1.0,
              sapo_temperature_neg: float = 1.05,
              vespo: tuple[float, float, float, float] = (2.0, 3.0, 3.0, 2.0)) -> tuple[torch.Tensor, dict[str, float]]:
    """The GRPO objective (equation 8) as TRL 1.16 computes it; ``(loss, metrics)``.

    logps, old_logps, ref_logps, mask: [B, T] per completion token; advantages: [B].
    ``loss_type`` picks the policy term and how token losses are averaged (``GRPO_LOSSES``):
    ``grpo`` per completion then per batch; ``bnpo`` over all tokens (equation 8's 1 / sum_i |o_i|);
    ``dapo`` (TRL's default) over ``num_items``, the token count of the whole generation batch
    (default: this batch's); ``dr_grpo`` over B * ``max_completion_length``; ``luspo`` sums each
    completion (use ``importance_sampling_level="sequence"``); ``cispo``, ``sapo``, ``vespo`` replace
    the clip. ``beta > 0`` adds beta * KL with the k3 estimator
    exp(ref - logp) - (ref - logp) - 1 per token (equation 8's D_KL), times the importance ratio
    when ``bias_correction_kl`` (TRL's default since DeepSeek-V3.2: even at ratio 1 its gradient makes
    the KL gradient the unbiased reverse-KL one). Metrics carry TRL's names (``clip_ratio/low_mean``,
    ``kl``, ...).
    """
    if loss_type not in GRPO_LOSSES:
        raise ValueError(f"unknown loss_type {loss_type!r}; expected one of {sorted(GRPO_LOSSES)}")
    if importance_sampling_level not in ("token", "sequence"):
        raise ValueError(f"importance_sampling_level must be 'token' or 'sequence', not {importance_sampling_level!r}")
    mask = mask.to(logps.dtype)
    advantages = advantages.unsqueeze(1) if advantages.dim() == 1 else advantages  # [B, 1]
    log_ratio = logps - old_logps  # [B, T]
    log_weights = log_ratio
    if importance_sampling_level == "sequence":  # GSPO: one ratio per completion
        log_weights = ((log_ratio * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).unsqueeze(-1)  # [B, 1]
    opts = {"epsilon_low": epsilon_low, "epsilon_high": epsilon_high, "delta": delta, "num_items": num_items,
            "max_completion_length": max_completion_length, "sapo_temperature_pos": sapo_temperature_pos,
            "sapo_temperature_neg": sapo_temperature_neg, "vespo": vespo}
    term, aggregate = GRPO_LOSSES[loss_type]
    coef = torch.exp(log_weights)
    per_token, metrics = term(GRPOInputs(logps, log_ratio, coef, advantages, mask), opts)
    if beta != 0.0:
        if ref_logps is None:
            raise ValueError("beta > 0 needs ref_logps")
        diff = ref_logps - logps
        kl = torch.exp(diff) - diff - 1  # [B, T] k3 estimate of KL(pi_theta || pi_ref)
        if bias_correction_kl:
            kl = kl * coef
        per_token = per_token + beta * kl
        metrics["kl"] = masked_mean(kl.detach(), mask)
    return aggregate(per_token, mask, opts), metrics
