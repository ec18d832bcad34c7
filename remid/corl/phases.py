"""CoRL's phase schedule and the optimizer that keeps its two modules' updates apart (appendix D).

The schedule: an optional SFT phase per module (the SFT initialisation from teacher traces), then
``iterations`` rounds of a GRPO phase of the reasoning generator followed by one of the policy model
(the paper: 2 rounds, 3 epochs a phase). Exactly one module trains in a phase.

``PhasedAdamW`` is one torch ``AdamW`` with one named parameter group per module; ``step`` updates the
active group only. This is the design that works on every strategy, DeepSpeed ZeRO included, whose
Lightning integration takes one optimizer: ZeRO flattens each group into its own fp32 partition and
steps groups one at a time by handing the base optimizer one group (``_optimizer_step``), and a plain
AdamW would still move a module whose gradient is zero (momentum, weight decay) and advance its step
count. Here an inactive group is never stepped: its weights and its Adam state stay exactly as they
were. Each module keeps its own moments, never mixed with the other's; ``activate(..., reset=True)``
zeroes the newly active group's moments and step count at a phase start, as each phase of the paper
is a fresh TRL run. The state is zeroed in place (not dropped): ZeRO saves every group's state.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import torch

ROLES = ("reasoner", "policy")


@dataclass(frozen=True)
class Phase:
    """One phase: ``kind`` ("sft" or "grpo") of module ``role`` for ``epochs`` passes at learning rate ``lr``."""

    kind: str
    role: str
    epochs: int
    lr: float

    @property
    def name(self) -> str:
        return f"{self.kind}_{self.role}"

    def as_dict(self) -> dict:
        return asdict(self)


def corl_schedule(iterations: int, epochs_per_phase: int, lr: float, sft_epochs: int = 0,
                  sft_lr: float | None = None) -> list[Phase]:
    """[sft_reasoner, sft_policy] (when ``sft_epochs`` > 0), then ``iterations`` x [grpo_reasoner, grpo_policy]."""
    if iterations < 0 or epochs_per_phase < 1 or sft_epochs < 0:
        raise ValueError(f"need iterations >= 0, epochs_per_phase >= 1, sft_epochs >= 0; got {iterations}, "
                         f"{epochs_per_phase}, {sft_epochs}")
    phases = [Phase("sft", role, sft_epochs, lr if sft_lr is None else sft_lr) for role in ROLES if sft_epochs]
    phases += [Phase("grpo", role, epochs_per_phase, lr) for _ in range(iterations) for role in ROLES]
    if not phases:
        raise ValueError("the CoRL schedule is empty: set iterations >= 1 or sft_epochs >= 1")
    return phases


def phase_steps(phases: list[Phase], batches_per_epoch: int, accumulate: int = 1, last_window: bool = True) -> list[int]:
    """Optimizer steps of each phase: its epochs times the optimizer steps of one epoch. Lightning steps every
    ``accumulate`` batches and, ``last_window``, at an epoch's last batch (not under DeepSpeed, which accumulates)."""
    accumulate = max(accumulate, 1)
    per_epoch = math.ceil(batches_per_epoch / accumulate) if last_window else max(batches_per_epoch // accumulate, 1)
    return [phase.epochs * per_epoch for phase in phases]


def linear_decay(step: int, steps: int) -> float:
    """TRL's default schedule within a phase (linear to 0, no warm-up): the factor at ``step`` of ``steps``."""
    return max(0.0, 1.0 - step / max(steps, 1))


class PhasedAdamW(torch.optim.AdamW):
    """AdamW over named groups (``{"name": role, "params": ...}``); only groups marked active are stepped."""

    def __init__(self, groups: Iterable[dict], lr: float, weight_decay: float = 0.0, **kwargs) -> None:
        groups = [{**g, "active": g.get("active", True)} for g in groups]
        super().__init__(groups, lr=lr, weight_decay=weight_decay, **kwargs)

    def group(self, name: str) -> dict:
        return next(g for g in self.param_groups if g["name"] == name)

    def activate(self, name: str, lr: float | None = None, reset: bool = False) -> None:
        """Make ``name`` the one group that steps (at ``lr``); ``reset`` zeroes its moments and step count."""
        for group in self.param_groups:
            group["active"] = group["name"] == name
        active = self.group(name)
        if lr is not None:
            active["lr"] = lr
        if reset:
            for param in active["params"]:
                for value in self.state.get(param, {}).values():
                    if isinstance(value, torch.Tensor):
                        value.zero_()

    def step(self, closure=None):
        groups = self.param_groups
        self.param_groups = [g for g in groups if g.get("active", True)]  # DeepSpeed ZeRO swaps this list the same way
        try:
            return super().step(closure)
        finally:
            self.param_groups = groups
