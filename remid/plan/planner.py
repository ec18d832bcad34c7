"""A run's peak memory per GPU and step time, from its composed config, before any weight is loaded.

``setting_of`` (fed by ``remid.run.plan.train_setting``) reads what a run holds: the model's architecture (remid.plan.architectures),
the method's models (the trained policy, or CoRL's reasoner and policy in one optimizer; a frozen reference when
``beta`` > 0 or DPO's; every reward model named by path), the trainer (precision, ZeRO stage and offload,
devices x nodes), LoRA, and the shapes of one micro-batch (sequences x length, scored tokens) and of a GRPO
rollout (prompts x generations, prompt + new tokens). ``estimate(setting)`` adds the terms of
remid.plan.memory; the peak is the model states and frozen models plus the larger of the training pass
(activations + logits) and the rollout (KV cache, and under ZeRO-3 the weights gathered for generation).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from remid.plan import memory
from remid.plan.architectures import Architecture, architecture
from remid.plan.hardware import CUDA_OVERHEAD_BYTES, DECODE_BANDWIDTH_SHARE, GPU


@dataclass(frozen=True)
class Rollout:
    sequences: int  # prompts x generations generated at once
    prompt: int
    new: int


@dataclass(frozen=True)
class Setting:
    arch: Architecture
    method: str
    precision: str
    strategy: memory.Strategy
    base_dtype: str = "bfloat16"
    lora: dict | None = None
    trainable_copies: int = 1
    frozen: tuple[tuple[str, Architecture, str], ...] = ()
    sequences: int = 1  # sequences in one micro-batch's forward
    seq_len: int = 512
    scored: int = 512  # tokens whose logits are kept (responses)
    rollout: Rollout | None = None
    accumulate: int = 1
    on_gpu: bool = True
    batch_key: str = "model.batch_size"
    batch_per_sequence: int = 1  # sequences per batch item (GRPO: generations, DPO: chosen + rejected)

    @property
    def batch(self) -> int:
        return self.sequences // self.batch_per_sequence


@dataclass
class Estimate:
    lines: list[tuple[str, int]] = field(default_factory=list)  # per-GPU terms
    peak: int = 0
    cpu: int = 0
    how: str = ""
    step_s: float | None = None
    step_note: str = ""
    tokens_per_step: int = 0


def _training_dtype(precision: str, lora, dtype: str) -> str:  # as remid.run.train.training_dtype
    return "float32" if str(precision).endswith("-mixed") and not lora else dtype


def estimate(s: Setting, hardware: GPU | None = None, mfu: float = 0.4) -> Estimate:
    """The per-GPU memory terms, the peak, and (with ``hardware``) the step time at utilisation ``mfu``."""
    out = Estimate()
    states, out.cpu, out.how = memory.model_states(s.arch, s.strategy, s.precision, s.trainable_copies, s.lora,
                                                   s.base_dtype)
    out.lines.append((f"model states x{s.trainable_copies} ({out.how})", states))
    for label, arch, dtype in s.frozen:
        out.lines.append((f"frozen {label} ({dtype})", memory.weights_bytes(arch, dtype)))
    train = memory.activation_bytes(s.arch, s.precision, s.sequences, s.seq_len, False)  # one module at a time;
    # False: remid passes no attention mask, so SDPA runs causal flash kernels (CPU too), keeping no s x s matrix
    logits = memory.logits_bytes(s.arch, s.precision, s.scored)
    # Backward of a layer holds the gradients of its intermediates beside everything still saved: one layer's worth.
    working = s.sequences * s.seq_len * memory.layer_activation_bytes_per_token(s.arch, s.precision, s.seq_len, False)
    out.lines.append((f"activations ({s.sequences} x {s.seq_len} tokens)", train))
    out.lines.append(("backward working set (one layer's gradients)", working))
    train += working
    out.lines.append((f"logits ({s.scored} scored tokens x {s.arch.vocab})", logits))
    rollout = 0
    if s.rollout:
        kv = memory.kv_cache_bytes(s.arch, s.rollout.sequences, s.rollout.prompt + s.rollout.new,
                                   memory.precision_bytes(s.precision)[0])
        gathered = memory.weights_bytes(s.arch, "bfloat16") if s.strategy.stage == 3 else 0
        out.lines.append((f"rollout KV cache ({s.rollout.sequences} x {s.rollout.prompt}+{s.rollout.new})", kv))
        if gathered:
            out.lines.append(("ZeRO-3 weights gathered for generation", gathered))
        rollout = kv + gathered
    fixed = states + sum(b for label, b in out.lines if label.startswith("frozen"))
    overhead = CUDA_OVERHEAD_BYTES if s.on_gpu else 0
    if overhead:
        out.lines.append(("CUDA context and workspaces", overhead))
    out.peak = fixed + max(train + logits, rollout) + overhead
    out.tokens_per_step = s.sequences * s.seq_len * s.accumulate * s.strategy.world
    if hardware is not None and hardware.bf16_tflops:
        out.step_s, out.step_note = step_time(s, hardware, mfu)
    return out


def step_time(s: Setting, hardware: GPU, mfu: float) -> tuple[float, str]:
    """Seconds per optimizer step per GPU: training FLOPs (6 N per token, 4 N under LoRA, + causal attention) at
    ``mfu`` of peak, plus memory-bound decoding of the rollouts (every weight read once per new token)."""
    n = s.arch.params(active=True)
    per_token = (4 if s.lora else 6) * n + 6 * s.arch.layers * s.arch.heads * s.arch.head_dim * s.seq_len
    tokens = s.sequences * s.seq_len
    train = per_token * tokens / (hardware.bf16_tflops * 1e12 * mfu)
    note = f"{per_token * tokens / 1e12:.0f} TFLOP per micro-batch at {mfu:.0%} of {hardware.bf16_tflops:.0f} TFLOP/s"
    decode = 0.0
    if s.rollout and hardware.bandwidth_tbs:
        dtype = _training_dtype(s.precision, s.lora, s.base_dtype)
        read = memory.weights_bytes(s.arch, dtype) + memory.kv_cache_bytes(
            s.arch, s.rollout.sequences, s.rollout.prompt + s.rollout.new // 2)
        decode = s.rollout.new * read / (hardware.bandwidth_tbs * 1e12 * DECODE_BANDWIDTH_SHARE)
        note += f"; decoding {s.rollout.new} tokens at {DECODE_BANDWIDTH_SHARE:.0%} of {hardware.bandwidth_tbs} TB/s"
    return s.accumulate * (train + decode), note


def _fn_models(node, default_dtype: str) -> list[tuple[str, str, str]]:
    """``(name, spec, dtype)`` of every model a reward names by path (``model_spec`` / ``model``, not ``policy``)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("model_spec", "model") and isinstance(value, str) and value != "policy":
                found.append((node.get("_target_", "").rsplit(".", 1)[-1] or key, value,
                              node.get("dtype") or default_dtype))
            else:
                found += _fn_models(value, default_dtype)
    elif isinstance(node, list):
        for value in node:
            found += _fn_models(value, default_dtype)
    return found


def _spec_arch(spec: str, base: Architecture) -> Architecture:
    try:
        return architecture(spec)
    except (ValueError, FileNotFoundError):  # a run not trained yet (init_from): the base's architecture
        return base


def setting_of(method: dict, trainer: dict, model: dict, data_group: dict) -> Setting:
    """The ``Setting`` of one training run: the ``method``, ``trainer`` (the method's trainer keys merged in),
    ``model`` and ``data`` groups of a composed ``conf/train.yaml`` config, as plain resolved dicts."""
    module, data = method.get("module") or {}, method.get("datamodule") or {}
    target = str(module.get("_target_", ""))
    kind = "corl" if target.endswith("CoRLModule") else "grpo" if target.endswith("GRPOModule") else \
        "dpo" if target.endswith("DPOModule") else "sft" if target else "none"
    base = _spec_arch(method.get("init_from") or model["name_or_path"], architecture(model["name_or_path"]))
    lora = model.get("lora") or None
    strategy_cfg = trainer.get("strategy") if isinstance(trainer.get("strategy"), dict) else {}
    devices = trainer.get("devices", 1)
    if not isinstance(devices, int):
        from remid.plan.hardware import visible_gpu

        devices = (visible_gpu() or (None, 1))[1]
    strategy = memory.Strategy(int(strategy_cfg.get("stage", 0) or 0), bool(strategy_cfg.get("offload_optimizer")),
                               bool(strategy_cfg.get("offload_parameters")), devices, int(trainer.get("num_nodes", 1)))
    precision, dtype = str(trainer.get("precision", "32-true")), str(model["dtype"])
    frozen = tuple((label, _spec_arch(spec, base), dt) for label, spec, dt in _fn_models(module, dtype))
    train_dtype = _training_dtype(precision, lora, dtype)
    if (kind == "dpo" and not module.get("precomputed_reference")) or (kind == "grpo" and module.get("beta", 0)):
        frozen += () if lora else (("reference (copy of the policy)", base, train_dtype),)
    if kind == "corl" and (module.get("grpo") or {}).get("beta", 0) and not lora:
        frozen += (("references of both modules", base, train_dtype),) * 2
    prompt = int(data_group.get("max_prompt_tokens") or 512)
    common = dict(arch=base, method=kind, precision=precision, strategy=strategy, base_dtype=dtype, lora=lora,
                  frozen=frozen, accumulate=int(trainer.get("accumulate_grad_batches", 1)),
                  on_gpu=str(trainer.get("accelerator", "cpu")) in ("gpu", "cuda", "auto"))
    if kind in ("grpo", "corl"):
        grpo = module.get("grpo") or module
        gens, prompts = int(grpo.get("num_generations", 8)), int(data.get("batch_size", 1))
        if kind == "corl":
            new = max(int(module["reasoner"]["max_new_tokens"]), int(module["policy"]["max_new_tokens"]))
        else:
            new = int(module.get("max_new_tokens", 384))
        concurrent = min(prompts, int(module.get("generation_batch_size", prompts))) * gens
        return Setting(**common, trainable_copies=2 if kind == "corl" and not (lora and module.get("shared_base"))
                       else 1, sequences=prompts * gens, seq_len=prompt + new, scored=prompts * gens * new,
                       rollout=Rollout(concurrent, prompt, new), batch_key="method.datamodule.batch_size",
                       batch_per_sequence=gens)
    target_len = int(data.get("max_target", 384))
    seq_len = min(int(data.get("max_length") or model["max_length"]), prompt + target_len)
    batch = int(data.get("batch_size", model["batch_size"]))
    per = 2 if kind == "dpo" else 1
    return Setting(**common, sequences=batch * per, seq_len=seq_len, scored=batch * per * target_len,
                   batch_per_sequence=per)


def with_batch(s: Setting, batch: int) -> Setting:
    """``s`` at ``batch`` items a micro-batch, the effective batch kept through gradient accumulation."""
    factor = max(s.batch // batch, 1)
    rollout = s.rollout and replace(s.rollout, sequences=min(s.rollout.sequences, batch * s.batch_per_sequence))
    return replace(s, sequences=batch * s.batch_per_sequence, scored=s.scored * batch // s.batch,
                   accumulate=s.accumulate * factor, rollout=rollout)


def fixes(s: Setting, hardware: GPU, mfu: float = 0.4) -> list[tuple[str, Estimate]]:
    """Changes that make ``s`` fit ``hardware``, cheapest first. Each layout (as is, ZeRO-3 over the same GPUs,
    ZeRO-3 with optimizer offload, LoRA, LoRA + ZeRO-3, ZeRO-3 on more GPUs) at the largest micro-batch that fits
    (halving it, the effective batch kept through gradient accumulation)."""
    zero3 = replace(s.strategy, stage=3)
    lora = {"r": 16, "target_modules": "all-linear"}
    no_ref = tuple(f for f in s.frozen if not f[0].startswith("reference"))
    lora_text = "model.lora='{r: 16, lora_alpha: 32, target_modules: all-linear}'"
    layouts: list[tuple[str, Setting]] = [("", s)]
    if s.strategy.world > 1 and s.strategy.stage != 3:
        layouts.append(("trainer=deepspeed_zero3", replace(s, strategy=zero3)))
    layouts.append(("trainer=deepspeed_zero3 trainer.strategy.offload_optimizer=true",
                    replace(s, strategy=replace(zero3, offload_optimizer=True))))
    if not s.lora:
        layouts.append((lora_text, replace(s, lora=lora, frozen=no_ref)))
        layouts.append((f"{lora_text} trainer=deepspeed_zero3", replace(s, lora=lora, frozen=no_ref, strategy=zero3)))
    for nodes in (1, 2, 4, 8):
        devices = 8 if nodes > 1 else max(s.strategy.devices * 2, 2)
        if devices * nodes > s.strategy.world:
            layouts.append((f"trainer=deepspeed_zero3 trainer.devices={devices} trainer.num_nodes={nodes}",
                            replace(s, strategy=replace(zero3, devices=devices, nodes=nodes))))
    found = []
    for text, layout in layouts:
        batch = s.batch
        while batch >= 1:
            candidate = with_batch(layout, batch)
            est = estimate(candidate, hardware, mfu)
            if est.peak <= hardware.memory_bytes:
                change = [text] if text else []
                if batch != s.batch:
                    change.append(f"{s.batch_key}={batch} trainer.accumulate_grad_batches={candidate.accumulate}")
                found.append((" ".join(change), est))
                break
            batch //= 2
    return found
