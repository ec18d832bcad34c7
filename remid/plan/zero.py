"""ZeRO-2 / ZeRO-3 model-state bytes per GPU, as DeepSpeed estimates them, without importing DeepSpeed.

A plan runs on the README's install, which has no DeepSpeed. These are the formulas of DeepSpeed's
``deepspeed.runtime.zero.stage_1_and_2.estimate_zero2_model_states_mem_needs`` and
``deepspeed.runtime.zero.stage3.estimate_zero3_model_states_mem_needs``, same arguments, same results
(``tests/test_plan.py`` compares them over a grid of settings where DeepSpeed is installed).
"""

from __future__ import annotations


def zero2_states(total_params: int, num_gpus_per_node: int = 1, num_nodes: int = 1, cpu_offload: bool = True,
                 additional_buffer_factor: float = 1.5) -> tuple[int, int]:
    """``(cpu bytes, gpu bytes)``: 2 B/param of bf16 weights on every GPU, plus 18 B/param (bf16 and fp32
    gradients, fp32 master weights, two Adam moments) split over the GPUs, or held on the CPU when offloaded."""
    total_gpus = num_nodes * num_gpus_per_node
    if cpu_offload:
        gpu_mem = 2 * total_params
        cpu_mem = total_params * max(4 * total_gpus, 16) * additional_buffer_factor
    else:
        gpu_mem = 2 * total_params + int(18 * total_params / total_gpus)
        cpu_mem = total_params * 4 * num_gpus_per_node * additional_buffer_factor
    return int(cpu_mem), int(gpu_mem)


def zero3_states(total_params: int, largest_layer_params: int, num_gpus_per_node: int = 1, num_nodes: int = 1,
                 cpu_offload: bool = True, cpu_offload_params: bool = True, zero_init: bool = True,
                 additional_buffer_factor: float = 1.5) -> tuple[int, int, int]:
    """``(cpu bytes, gpu bytes, largest layer bytes)``: ZeRO-3 also partitions the weights, so a GPU holds
    18 B/param over the GPUs plus the largest layer gathered in fp32 (4 B/param)."""
    total_gpus = num_nodes * num_gpus_per_node
    gpus_factor = 1 / num_nodes
    largest = 4 * largest_layer_params
    if cpu_offload:
        per = 18 if cpu_offload_params else 16
        gpu_mem = largest if cpu_offload_params else largest + int(2 * total_params / total_gpus)
        factor = per * gpus_factor if zero_init else max(4 * num_gpus_per_node, per * gpus_factor)
        cpu_mem = total_params * factor * additional_buffer_factor
    else:
        gpu_mem = largest + int(18 * total_params / total_gpus)
        cpu_mem = (largest_layer_params if zero_init else total_params) * 4 * num_gpus_per_node * additional_buffer_factor
    return int(cpu_mem), int(gpu_mem), largest
