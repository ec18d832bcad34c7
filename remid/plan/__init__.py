"""Plan a run before launch: peak memory per GPU and step time, from settings only (no weights, no network).

The pure planner: a ``Setting`` (what one training step holds) -> an ``Estimate``, the fixes that make a run fit,
the evaluation's phases. ``remid.run.plan`` reads a composed config into these (``plan=true`` prints it; a GPU
run that cannot fit stops before loading anything). See docs/scaling.md for the terms and the measured error.
"""

from __future__ import annotations

from dataclasses import replace

from remid.plan.architectures import PUBLISHED, Architecture, architecture
from remid.plan.hardware import GPU, GPUS, gpu, visible_gpu
from remid.plan.planner import Estimate, Setting, estimate, fixes, setting_of

__all__ = ["GPUS", "GPU", "PUBLISHED", "Architecture", "Estimate", "PlanDoesNotFit", "Setting", "architecture",
           "estimate", "fix_text", "fixes", "gib", "gpu", "setting_of", "visible_gpu"]


class PlanDoesNotFit(RuntimeError):
    """The planned peak exceeds the GPU's memory; the message names the cheapest fix."""


def gib(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB"


def fix_text(setting: Setting, hardware: GPU, mfu: float = 0.4) -> str:
    found = fixes(setting, hardware, mfu)
    if not found:
        one = estimate(replace(setting, sequences=setting.batch_per_sequence,
                               scored=setting.scored // max(setting.batch, 1)), hardware, mfu)
        act = next(b for label, b in one.lines if label.startswith("activations"))
        return (f"no layout found that fits: the activations of one batch item alone take {gib(act)} (no activation "
                f"checkpointing in remid): shorten data.max_prompt_tokens / the generated lengths, or use a smaller model")
    text, est = found[0]
    return f"cheapest fix: {text} (peak {gib(est.peak)})"
