"""Bytes per GPU of one training or scoring step, term by term, from an ``Architecture`` and the run's shapes.

Model states under DeepSpeed ZeRO follow DeepSpeed's own estimators (remid.plan.zero, which needs no
DeepSpeed install: 2 bytes a parameter of bf16 weights
plus 18 bytes of bf16/fp32 gradients, fp32 master weights and Adam moments, divided over the GPUs).
Without ZeRO: AdamW in float32 holds weights, gradients and two moments, 16 bytes a parameter (the float32
master weights of ``bf16-mixed``, remid.run.train.training_dtype), plus the bf16 copies autocast makes of
the weights it casts (2 bytes a parameter). Activations are the tensors autograd saves for the backward
pass of a Llama/Qwen3 block (no activation checkpointing; remid trains without it), counted per token:
"""

from __future__ import annotations

from dataclasses import dataclass

from remid.plan.architectures import Architecture
from remid.plan.zero import zero2_states, zero3_states

GiB = 1024**3
DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2}


def precision_bytes(precision: str) -> tuple[int, int]:
    """``(activation bytes, residual-stream bytes)`` of a Lightning precision (``bf16-mixed``: bf16 matmul
    outputs, the float32 residual stream of float32 weights)."""
    precision = str(precision)
    if precision.endswith("-mixed"):
        return 2, 4
    if precision.startswith(("bf16", "16")):
        return 2, 2
    return 4, 4


@dataclass(frozen=True)
class Strategy:
    """How a trainer holds model states: ZeRO ``stage`` (0: DDP / one device), offload, GPUs in the world."""

    stage: int = 0
    offload_optimizer: bool = False
    offload_parameters: bool = False
    devices: int = 1
    nodes: int = 1

    @property
    def world(self) -> int:
        return self.devices * self.nodes


def model_states(arch: Architecture, strategy: Strategy, precision: str, trainable_copies: int = 1,
                 lora: dict | None = None, base_dtype: str = "bfloat16") -> tuple[int, int, str]:
    """``(GPU bytes, CPU bytes, how)`` of the trained weights, gradients and optimizer states per GPU.

    ``trainable_copies``: models trained in one optimizer (CoRL: reasoner and policy, 2). With ``lora`` the
    base is frozen in ``base_dtype`` and only the adapters carry gradients and Adam states.
    """
    total = arch.params()
    trained = arch.lora_params(lora) * trainable_copies if lora else total * trainable_copies
    frozen_base = total * (1 if lora else 0) * DTYPE_BYTES.get(base_dtype, 2)
    if strategy.stage in (2, 3):
        if strategy.stage == 2:
            cpu, gpu = zero2_states(
                trained, num_gpus_per_node=strategy.devices, num_nodes=strategy.nodes,
                cpu_offload=strategy.offload_optimizer)
            how = "DeepSpeed ZeRO-2 estimator"
        else:
            largest = arch.lora_params(lora) // arch.layers if lora else arch.largest_module_params()
            cpu, gpu, _ = zero3_states(
                trained, largest, num_gpus_per_node=strategy.devices, num_nodes=strategy.nodes,
                cpu_offload=strategy.offload_optimizer, cpu_offload_params=strategy.offload_parameters)
            frozen_base //= strategy.world  # ZeRO-3 partitions the frozen base too
            how = "DeepSpeed ZeRO-3 estimator"
        return int(gpu + frozen_base), int(cpu), how + (" + frozen LoRA base" if lora else "")
    if str(precision).endswith("-mixed"):
        per_param, how = 16 + 2, "AdamW fp32: 16 B/param + autocast bf16 copies 2 B/param"
    elif str(precision).startswith(("bf16", "16")):
        per_param, how = 8, "AdamW in 16-bit: 8 B/param"
    else:
        per_param, how = 16, "AdamW fp32: 16 B/param"
    return trained * per_param + frozen_base, 0, how + (" + frozen LoRA base" if lora else "")


def layer_activation_bytes_per_token(arch: Architecture, precision: str, seq_len: int,
                                     materialised_attention: bool) -> int:
    """Bytes autograd keeps per token and layer.

    Residual-stream dtype (r): the two RMSNorm inputs and their float32 upcasts (4 h). Activation dtype (a): the
    normed inputs of the attention and MLP projections (2 h), q, k, v (heads + 2 kv_heads) x head_dim, RoPE'd
    q and k, the attention output (heads x head_dim), Qwen3's q/k norms in float32, and the SwiGLU MLP's gate,
    SiLU(gate), up and their product (4 x intermediate). ``materialised_attention`` (SDPA's math kernel, as on
    CPU) adds the softmax probabilities, heads x seq_len per token; flash / memory-efficient kernels keep none.
    """
    a, r = precision_bytes(precision)
    q, kv = arch.heads * arch.head_dim, arch.kv_heads * arch.head_dim
    inter = arch.expert_intermediate * arch.experts_per_token if arch.experts else arch.intermediate
    total = r * 4 * arch.hidden + a * (2 * arch.hidden + (q + 2 * kv) + (q + kv) + q + 4 * inter)
    if arch.qk_norm:
        total += 4 * 2 * (q + kv)
    if materialised_attention:
        total += a * arch.heads * seq_len
    return total


def activation_bytes(arch: Architecture, precision: str, sequences: int, seq_len: int,
                     materialised_attention: bool) -> int:
    """Saved activations of one forward over ``sequences`` x ``seq_len`` tokens (every layer, + embeddings)."""
    tokens = sequences * seq_len
    per_token = layer_activation_bytes_per_token(arch, precision, seq_len, materialised_attention)
    return tokens * (arch.layers * per_token + precision_bytes(precision)[1] * arch.hidden)


def logits_bytes(arch: Architecture, precision: str, scored_tokens: int) -> int:
    """Logits at the scored positions only (remid.models.logprobs keeps response positions): the LM head's output
    (a), its float32 copy (``gather_logprobs``' ``.float()``, none when a is already float32), the log-softmax's
    float32 intermediate (4) and the float32 gradient flowing back (4)."""
    a, _ = precision_bytes(precision)
    return scored_tokens * arch.vocab * (a + (0 if a == 4 else 4) + 8)


def kv_cache_bytes(arch: Architecture, sequences: int, tokens: int, dtype_bytes: int = 2) -> int:
    """The KV cache of ``sequences`` sequences of ``tokens`` tokens (keys and values, every layer)."""
    return sequences * tokens * arch.layers * 2 * arch.kv_heads * arch.head_dim * dtype_bytes


def weights_bytes(arch: Architecture, dtype: str) -> int:
    return arch.params() * DTYPE_BYTES.get(str(dtype), 4)
