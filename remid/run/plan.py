"""The plan of a composed config (``plan=true``; the check before a GPU run): reads the config into the pure
planner's settings (``remid.plan``) and prints or enforces its verdict."""

from __future__ import annotations

from omegaconf import OmegaConf

from remid.plan import GPU, PlanDoesNotFit, Setting, estimate, fix_text, gib, gpu, setting_of, visible_gpu
from remid.plan.evaluation import evaluate_phases


def train_setting(cfg) -> Setting:
    """The ``Setting`` of a composed ``conf/train.yaml`` config (``cfg``: a DictConfig)."""
    trainer = OmegaConf.merge(cfg.trainer, cfg.method.get("trainer") or {})
    return setting_of(*(OmegaConf.to_container(group, resolve=True)
                        for group in (cfg.method, trainer, cfg.model, cfg.data)))


def target_hardware(cfg) -> GPU | None:
    """``plan_gpu`` (a name in ``GPUS``) when set, else the visible GPU, else None."""
    name = cfg.get("plan_gpu")
    if name:
        return gpu(name)
    found = visible_gpu()
    return found[0] if found else None


def describe(cfg) -> str:
    """The plan of a composed train config as Markdown-ish text."""
    setting = train_setting(cfg)
    if setting.method == "none":
        return f"method={cfg.method.name} trains no weights: nothing to plan"
    hardware = target_hardware(cfg)
    mfu = float(cfg.get("plan_mfu") or 0.4)
    est = estimate(setting, hardware, mfu)
    s, arch = setting, setting.arch
    lines = [f"plan: method={cfg.method.name} ({s.method}) model={cfg.model.name} ({arch.name}: "
             f"{arch.params() / 1e9:.3g} B params, {arch.layers} layers, hidden {arch.hidden}, vocab {arch.vocab})",
             f"  trainer: {s.precision}, ZeRO stage {s.strategy.stage or 'none'}"
             f"{', optimizer offload' if s.strategy.offload_optimizer else ''}, {s.strategy.devices} device(s) x "
             f"{s.strategy.nodes} node(s), LoRA {'r=' + str(s.lora.get('r', 8)) if s.lora else 'off'}",
             f"  micro-batch: {s.sequences} sequences x {s.seq_len} tokens, accumulate {s.accumulate}"
             + (f"; rollout {s.rollout.sequences} x ({s.rollout.prompt} + {s.rollout.new} new)" if s.rollout else ""),
             "  per GPU:"]
    lines += [f"    {label:<58} {gib(b):>10}" for label, b in est.lines]
    lines.append(f"    {'peak (states + frozen + max(training pass, rollout))':<58} {gib(est.peak):>10}")
    if est.cpu:
        lines.append(f"  CPU memory per node (DeepSpeed estimator): {gib(est.cpu)}")
    if est.step_s is not None:
        lines.append(f"  step time: {est.step_s:.2f} s per optimizer step ({est.step_note}); "
                     f"{est.tokens_per_step / est.step_s:,.0f} tokens/s over {s.strategy.world} GPU(s)")
    if hardware is None:
        from remid.plan.hardware import GPUS as table

        fit = [name for name, g in table.items() if est.peak <= g.memory_bytes]
        lines.append(f"  no GPU visible (plan_gpu=NAME to plan for one): fits {', '.join(fit) or 'none of ' + ', '.join(table)}")
    else:
        verdict = "fits" if est.peak <= hardware.memory_bytes else "does NOT fit"
        lines.append(f"  {verdict} {hardware.name} ({gib(hardware.memory_bytes)})")
        if est.peak > hardware.memory_bytes:
            lines.append("  " + fix_text(setting, hardware, mfu))
    return "\n".join(lines)


def describe_evaluation(cfg) -> str:
    """The plan of a composed evaluate config: each phase's peak per GPU and time."""
    hardware = target_hardware(cfg)
    groups = (OmegaConf.to_container(cfg[key], resolve=True) for key in ("model", "estimator", "data", "generation"))
    phases, about = evaluate_phases(*groups, len(cfg.shift.subsets), len(cfg.get("methods") or cfg.rpms), hardware,
                                    float(cfg.get("plan_mfu") or 0.4))
    lines = [f"plan: evaluate estimator={cfg.estimator.name} model={cfg.model.name}: {about}", "  per GPU, one phase at a time:"]
    for name, peak, seconds in phases:
        when = f"{seconds / 60:8.1f} min" if seconds is not None else "    (no GPU throughput)"
        lines.append(f"    {name:<24} {gib(peak):>10}   {when}")
    peak = max(p for _, p, _ in phases)
    if hardware is not None:
        lines.append(f"  {'fits' if peak <= hardware.memory_bytes else 'does NOT fit'} {hardware.name} "
                     f"({gib(hardware.memory_bytes)})")
    return "\n".join(lines)


def before_launch(cfg, evaluation: bool = False) -> bool:
    """The hook at the top of ``train`` / ``evaluate``: with ``plan=true`` print the plan and return True (stop);
    else check that a GPU run fits (``PlanDoesNotFit`` otherwise, unless ``plan_force=true``) and return False."""
    if cfg.get("plan"):
        print(describe_evaluation(cfg) if evaluation else describe(cfg))
        return True
    if not evaluation and not cfg.get("plan_force"):
        check(cfg)
    return False


def check(cfg) -> None:
    """Raise ``PlanDoesNotFit`` when a GPU run's plan exceeds the visible GPU (or ``plan_gpu``); a no-op on CPU."""
    if str(cfg.trainer.get("accelerator", "cpu")) == "cpu" and not cfg.get("plan_gpu"):
        return
    hardware = target_hardware(cfg)
    if hardware is None:
        return
    try:
        setting = train_setting(cfg)
    except (ValueError, KeyError, TypeError) as error:  # a config the planner cannot read: the run will say more
        import logging

        logging.getLogger(__name__).warning("no plan before launch: %s", error)
        return
    if setting.method == "none":
        return
    est = estimate(setting, hardware)
    if est.peak > hardware.memory_bytes:
        raise PlanDoesNotFit(
            f"the plan needs {gib(est.peak)} per GPU but {hardware.name} has {gib(hardware.memory_bytes)}; "
            f"{fix_text(setting, hardware)}. plan=true prints the plan; plan_force=true runs anyway")
