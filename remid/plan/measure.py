"""Measure one training step's peak memory with remid's own step code, to check a plan against.

``step(kind, model, ...)`` runs what a step of ``SFTModule`` / ``GRPOModule`` runs: ``remid.training.methods.sft.sft_loss``,
or ``remid.models.logprobs.token_logprobs`` -> ``remid.training.methods.rl.to_completions`` -> ``remid.training.losses.grpo.grpo_loss``
(GRPOCore.loss's path, rollouts given as random tokens), backward, and a torch AdamW step, under autocast for
``bf16-mixed``. Peak memory: on CUDA ``torch.cuda.max_memory_allocated`` (every tensor the caching allocator
handed out); on CPU the process's peak resident set (``VmHWM``) minus its resident set before the model
existed, in a fresh process (``python -m remid.plan.measure``); a warm-up step at 8 tokens a sequence runs first,
so lazily imported code and first-call set-up are in the baseline, and the high-water mark is reset after it.
glibc's mmap threshold is pinned at 64 KiB (``pin_allocator``), so every tensor above it is mapped and unmapped
whole and RSS follows tensors on any CPU; what the RSS figure adds beyond tensors (allocator slack, kernels'
scratch) is part of the error it reports. CPU step times are taken under that pinned allocator, slower than a
run's.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import torch


def random_model(spec: str, device: str = "cpu", dtype: torch.dtype = torch.float32):
    """A random-init model with the architecture of ``spec`` (no weights read), on ``device``."""
    from transformers import AutoModelForCausalLM, LlamaConfig, Qwen3Config

    from remid.plan.architectures import architecture

    a = architecture(spec)
    kind = Qwen3Config if a.qk_norm else LlamaConfig
    config = kind(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.intermediate,
                  num_hidden_layers=a.layers, num_attention_heads=a.heads, num_key_value_heads=a.kv_heads,
                  head_dim=a.head_dim, tie_word_embeddings=a.tied, max_position_embeddings=32768)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    return model.train(), a


def batch(vocab: int, sequences: int, prompt: int, response: int, seed: int = 0):
    from remid.models.logprobs import pack

    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, vocab, (sequences, prompt + response), generator=g).tolist()
    return pack([r[:prompt] for r in ids], [r[prompt:] for r in ids], 0)


def _method_losses():
    """``(sft_loss, to_completions)`` from remid.training.methods; None where that package's imports (httpx, matplotlib, ...)
    are missing, as on a bare GPU machine: the step then runs the same two lines over the same log-probs."""
    try:
        from remid.training.methods.rl import to_completions
        from remid.training.methods.sft import sft_loss
    except ImportError:
        return None
    return sft_loss, to_completions


def step(kind: str, model, packed, optimizer, precision: str, group: int = 8) -> int:
    """One optimizer step of ``kind`` (sft | grpo); returns the tokens it processed."""
    from remid.models.logprobs import token_logprobs
    from remid.training.losses.grpo import grpo_loss

    methods = _method_losses()
    device = next(model.parameters()).device.type
    with torch.autocast(device, dtype=torch.bfloat16, enabled=precision.endswith("-mixed")):
        if kind == "sft":
            if methods:
                loss, _ = methods[0](model, packed)
            else:  # remid.training.methods.sft.sft_loss
                loss = -token_logprobs(model, packed).sum() / packed.response_mask.sum().clamp(min=1)
        else:
            scores = token_logprobs(model, packed)
            if methods:
                logps, mask = methods[1](scores, packed.response_mask)
            else:  # remid.training.methods.rl.to_completions
                response = packed.response_mask.to(scores.device)
                mask = torch.arange(int(response.sum(-1).max()), device=scores.device) < response.sum(-1)[:, None]
                logps = scores.new_zeros(mask.shape).masked_scatter(mask, scores[response])
            rewards = torch.rand(logps.shape[0], generator=torch.Generator().manual_seed(1))
            advantages = (rewards - rewards.view(-1, group).mean(1).repeat_interleave(group)).to(logps.device)
            loss, _ = grpo_loss(logps, logps.detach(), advantages, mask, loss_type="dapo")
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return int(packed.attention_mask.sum())


def saved_tensor_bytes(model, packed, precision: str) -> int:
    """Bytes autograd saves for backward in one forward of ``token_logprobs`` (the activations and saved logits
    a plan counts), each storage once: ``torch.autograd.graph.saved_tensors_hooks``. Parameters and autocast's
    casts of them (tensors of a parameter's shape) are left out: the plan counts those with the model states."""
    from remid.models.logprobs import token_logprobs

    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    shapes = {tuple(p.shape) for p in model.parameters()}
    saved: dict[int, int] = {}

    def keep(t):
        storage = t.untyped_storage()
        if storage.data_ptr() not in params and tuple(t.shape) not in shapes:
            saved[storage.data_ptr()] = storage.nbytes()
        return t

    device = next(model.parameters()).device.type
    with torch.autograd.graph.saved_tensors_hooks(keep, lambda t: t), \
            torch.autocast(device, dtype=torch.bfloat16, enabled=precision.endswith("-mixed")):
        token_logprobs(model, packed).sum()
    return sum(saved.values())


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def pin_allocator(threshold: int = 64 * 2**10) -> None:
    """Make glibc map every block above ``threshold`` bytes on its own and unmap it when freed. By default glibc
    raises its mmap threshold as large blocks are freed (up to 32 MiB) and serves later tensors from memory it kept
    resident, so how far RSS follows tensors depended on the allocation history (one CPU's kernels, not another's)."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(-3, threshold)  # M_MMAP_THRESHOLD
    libc.mallopt(-1, threshold)  # M_TRIM_THRESHOLD: free heap tops are given back too


def reset_peak_rss() -> bool:
    """Reset this process's ``VmHWM`` to its resident set now (``/proc/self/clear_refs``, Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes() -> int:
    """This process's peak resident set: ``VmHWM`` of its own address space. Not ``ru_maxrss``: Linux carries that
    over ``execve`` from the forking parent, so a measurement started from a large process (a long test session)
    would read the parent's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(kind: str, spec: str, sequences: int, prompt: int, response: int, precision: str = "32-true",
            device: str = "cpu", steps: int = 1) -> dict:
    """Peak bytes and seconds of ``steps`` steps (the first builds Adam's states) at these shapes."""
    if device == "cpu":  # lazy imports and first-call kernel set-up grow RSS: run them before the baseline
        pin_allocator()
        warm, arch = random_model(spec, device)
        step(kind, warm, batch(arch.vocab, 8, 8, 4), torch.optim.AdamW(warm.parameters()), precision)
        del warm
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = rss_bytes()
        reset_peak_rss()  # the warm-up's peak is not this step's
    model, arch = random_model(spec, device)
    packed = batch(arch.vocab, sequences, prompt, response)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    step(kind, model, packed, optimizer, precision)  # warm-up: Adam's states exist from here
    if device == "cuda":
        torch.cuda.synchronize()
    start, tokens = time.perf_counter(), 0
    for _ in range(steps):
        tokens += step(kind, model, packed, optimizer, precision)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / steps
    peak = (torch.cuda.max_memory_allocated() if device == "cuda"
            else peak_rss_bytes()) - base
    return {"kind": kind, "spec": spec, "sequences": sequences, "prompt": prompt, "response": response,
            "precision": precision, "device": device, "peak_bytes": int(peak), "step_s": seconds,
            "tokens_per_s": tokens / steps / seconds}


def planned_estimate(kind: str, spec: str, sequences: int, prompt: int, response: int, precision: str = "32-true",
                     device: str = "cpu", hardware=None):
    """The plan (``remid.plan.planner.Estimate``) of the step ``measure`` runs: same model, shapes, precision; one
    device, no ZeRO; with ``hardware`` its step time too."""
    from remid.plan.architectures import architecture
    from remid.plan.memory import Strategy
    from remid.plan.planner import Setting, estimate

    setting = Setting(arch=architecture(spec), method=kind, precision=precision, strategy=Strategy(),
                      base_dtype="float32", sequences=sequences, seq_len=prompt + response,
                      scored=sequences * response, on_gpu=device == "cuda")
    return estimate(setting, hardware)


def planned(kind: str, spec: str, sequences: int, prompt: int, response: int, precision: str = "32-true",
            device: str = "cpu") -> int:
    """The planned peak of that step in tensor bytes (``max_memory_allocated`` counts no CUDA context)."""
    est = planned_estimate(kind, spec, sequences, prompt, response, precision, device)
    return est.peak - next((b for label, b in est.lines if label.startswith("CUDA")), 0)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("kind", choices=["sft", "grpo"])
    p.add_argument("spec")
    p.add_argument("--sequences", type=int, default=4)
    p.add_argument("--prompt", type=int, default=96)
    p.add_argument("--response", type=int, default=32)
    p.add_argument("--precision", default="32-true")
    p.add_argument("--device", default="cpu")
    p.add_argument("--steps", type=int, default=1)
    a = p.parse_args(argv)
    out = measure(a.kind, a.spec, a.sequences, a.prompt, a.response, a.precision, a.device, a.steps)
    out["planned_bytes"] = planned(a.kind, a.spec, a.sequences, a.prompt, a.response, a.precision, a.device)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
