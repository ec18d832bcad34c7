"""The plan of an evaluation (``evaluate.py ... plan=true``): the three model phases of R-EMI, one at a time.

RPM generation (the RPM in ``model.dtype``, a KV cache of ``generation.generator.batch_size`` prompts), reasoning
(q_phi1 writing r for every sample, ``estimator.batch_size`` at once) and scoring (q_phi2: one KV cache per
context shared by a batch of responses, the batch's logits in float32). Evaluation loads them in turn, so the
peak is the largest phase. Time: decoding is memory-bound (every weight read once a new token), scoring is
compute-bound: exact CLUB (equation 2) scores N contexts and N x N responses per subset, ``estimator.negatives=K``
N + K pairs (each a full context + response pass).
"""

from __future__ import annotations

from remid.core.conf import model_conf_path
from remid.plan import memory
from remid.plan.architectures import Architecture, architecture
from remid.plan.hardware import CUDA_OVERHEAD_BYTES, DECODE_BANDWIDTH_SHARE, GPU


def module_arch(spec: str | None, base_model: str | None, fallback: Architecture) -> Architecture:
    """An estimator module's architecture: its own config, else its base model's (``conf/model/<base>.yaml``)."""
    for candidate in (spec, _base_spec(base_model)):
        if candidate and not str(candidate).startswith("?"):
            try:
                return architecture(candidate)
            except (ValueError, FileNotFoundError, OSError):
                continue
    return fallback


def _base_spec(base_model: str | None) -> str | None:
    path = model_conf_path(base_model)
    if path is None:
        return None
    from omegaconf import OmegaConf

    return str(OmegaConf.load(path).name_or_path)


def decode_seconds(arch: Architecture, dtype: str, prompts: int, batch: int, new: int, context: int,
                   hardware: GPU) -> float:
    steps = -(-prompts // batch) * new
    read = memory.weights_bytes(arch, dtype) + memory.kv_cache_bytes(arch, batch, context + new // 2)
    return steps * read / (hardware.bandwidth_tbs * 1e12 * DECODE_BANDWIDTH_SHARE)


def score_seconds(arch: Architecture, n: int, context: int, response: int, negatives: int | None, hardware: GPU,
                  mfu: float) -> float:
    """Forward FLOPs (2 N per token) of one subset's CLUB terms at ``mfu`` of peak."""
    # exact: prefix-cached, each context once and every response after it; sampled: each pair a full pass
    tokens = n * context + n * n * response if negatives is None else (n + negatives) * (context + response)
    return 2 * arch.params(active=True) * tokens / (hardware.bf16_tflops * 1e12 * mfu)


def evaluate_phases(model: dict, est: dict, data: dict, generation: dict, subsets: int, rpms: int,
                    hardware: GPU | None, mfu: float = 0.4) -> tuple[list[tuple[str, int, float | None]], str]:
    """``[(phase, peak bytes per GPU, seconds over all subsets or None)]`` and a description of the workload, from
    the ``model``, ``estimator``, ``data`` and ``generation`` groups of a composed evaluate config (plain dicts),
    the number of subsets and of RPMs."""
    rpm = architecture(model["name_or_path"])
    policy = module_arch(est.get("policy"), est.get("base_model"), rpm)
    reasoner = module_arch(est.get("reasoner"), est.get("base_model"), policy) if est.get("reasoner") else None
    n = int(data.get("eval_limit") or 64)
    prompt = int(data.get("max_prompt_tokens") or 1536)
    new = int(generation["sampling"]["max_new_tokens"])
    gen_batch = int(generation["generator"].get("batch_size", 16))
    overhead = CUDA_OVERHEAD_BYTES if hardware is not None else 0
    dtype, est_dtype = str(model["dtype"]), str(est.get("dtype", "bfloat16"))
    timed = hardware is not None and hardware.bf16_tflops and hardware.bandwidth_tbs
    phases = [("RPM generation", memory.weights_bytes(rpm, dtype) + memory.kv_cache_bytes(rpm, gen_batch, prompt + new)
               + overhead, decode_seconds(rpm, dtype, n * subsets * rpms, gen_batch, new, prompt, hardware)
               if timed else None)]
    batch = int(est.get("batch_size", 16))
    if reasoner is not None:
        from remid.estimators.build import reasoning_limit

        r_new = reasoning_limit(est) if "base_model" in est else int(est.get("reasoning_max_new_tokens") or 1024)
        phases.append(("reasoning (q_phi1)", memory.weights_bytes(reasoner, est_dtype)
                       + memory.kv_cache_bytes(reasoner, batch, prompt + r_new) + overhead,
                       decode_seconds(reasoner, est_dtype, n * subsets, batch, r_new, prompt, hardware) if timed else None))
    negatives = est.get("negatives")
    logits = batch * new * policy.vocab * (memory.DTYPE_BYTES.get(est_dtype, 4) + 4)
    kv = memory.kv_cache_bytes(policy, 1, prompt) + memory.kv_cache_bytes(policy, batch, new)
    score_time = (score_seconds(policy, n, prompt, new, negatives, hardware, mfu) * subsets * (rpms + 1)
                  if timed else None)  # every RPM's responses and the golden reference matrix
    phases.append(("scoring (q_phi2)", memory.weights_bytes(policy, est_dtype) + kv + logits + overhead, score_time))
    about = (f"{rpms} RPM(s) x {subsets} subsets x {n} samples, prompts <= {prompt} tokens, responses <= {new} tokens, "
             f"CLUB {'exact N x N' if negatives is None else f'{negatives} sampled negatives'}")
    return phases, about
