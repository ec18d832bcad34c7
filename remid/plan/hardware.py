"""GPUs a plan is checked against, and the step time their peak throughput gives at a stated utilisation.

Peak dense bf16 tensor throughput and memory bandwidth are the vendor's datasheet figures (NVIDIA A100,
H100 SXM, H200 SXM, L40S datasheets); a plan states the utilisation it assumes (``plan_mfu``, default 0.4:
model FLOPs utilisation of a well-tuned dense fine-tune) and the share of bandwidth decoding reaches
(``DECODE_BANDWIDTH_SHARE``).
"""

from __future__ import annotations

from dataclasses import dataclass

GB = 1000**3
DECODE_BANDWIDTH_SHARE = 0.6  # batched HF decoding reads every weight once a step; kernels reach ~60 % of peak
# Per process outside tensors: the CUDA context, cuBLAS / cuDNN workspaces and NCCL buffers.
CUDA_OVERHEAD_BYTES = int(1.5 * 1024**3)


@dataclass(frozen=True)
class GPU:
    name: str
    memory_bytes: int
    bf16_tflops: float | None  # dense, no sparsity
    bandwidth_tbs: float | None


GPUS = {g.name: g for g in (
    GPU("a100_40gb", 40 * GB, 312.0, 1.555),
    GPU("a100_80gb", 80 * GB, 312.0, 2.039),
    GPU("h100_80gb", 80 * GB, 989.0, 3.35),
    GPU("h200", 141 * GB, 989.0, 4.8),
    GPU("l40s", 48 * GB, 362.0, 0.864),
)}
_NAMES = {"A100": ("a100_80gb", "a100_40gb"), "H100": ("h100_80gb",), "H200": ("h200",), "L40S": ("l40s",)}


def gpu(name: str) -> GPU:
    if name not in GPUS:
        raise ValueError(f"plan_gpu={name!r} is not one of {sorted(GPUS)}")
    return GPUS[name]


def visible_gpu() -> tuple[GPU, int] | None:
    """The first visible CUDA GPU (its real memory; throughput from the table when its name matches) and the
    number visible; None without CUDA."""
    import torch

    if not torch.cuda.is_available():
        return None
    props = torch.cuda.get_device_properties(0)
    known = next((GPUS[n] for key, names in _NAMES.items() if key in props.name for n in names
                  if abs(GPUS[n].memory_bytes - props.total_memory) < 0.15 * GPUS[n].memory_bytes), None)
    return (GPU(props.name, props.total_memory, known.bf16_tflops if known else None,
                known.bandwidth_tbs if known else None), torch.cuda.device_count())
