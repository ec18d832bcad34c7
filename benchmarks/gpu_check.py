"""GPU check: remid's training steps and R-EMI scoring at real model shapes (random weights), against the plan.

    python benchmarks/gpu_check.py [--out DIR]     # one CUDA GPU, under 10 minutes on an H200
    python benchmarks/gpu_check.py --dry           # the same code at tiny shapes on CPU, in seconds

Needs torch, transformers and the repository on ``sys.path`` (no hydra, omegaconf, deepspeed or network). Random
weights cost what trained ones cost: the same matmuls, the same KV caches. Measured:

1. SFT and GRPO optimizer steps in bf16-mixed (float32 weights and AdamW, bf16 autocast: what trainer=gpu runs)
   at the Qwen3-1.7B shape, through remid.plan.measure.step (remid.models.logprobs.token_logprobs,
   remid.training.methods.sft's loss, remid.training.losses.grpo.grpo_loss); tokens/s and peak memory (torch.cuda.max_memory_allocated)
   against remid.plan. GRPO also times its rollout: ``generate`` of prompts x 8 completions.
2. R-EMI scoring at the Qwen3-8B shape in bf16 for the paper's table 14 workload (1,500 samples, 1,000 sampled
   negatives; ~22 min on one A100 in the paper): the reasoning generator's traces (one batch of ``batch`` prompts
   timed, x ceil(N / batch)), then N + K (context, response) pairs through remid.models.logprobs.sequence_logprobs
   (CachedScorer.pairs_all's call; ``timed_pairs`` timed, x (N + K) / timed_pairs), and the exact N x N matrix
   through cross_logprob_sums (``timed_rows`` context rows over all N responses timed, x N / timed_rows).
   Extrapolation is linear in the count of identical-shape work units, which is how the cost scales.

The plan's step time (training FLOPs at remid.plan's stated utilisation of the GPU's datasheet peak) is printed
beside the measured one. Prints a Markdown table and writes ``gpu_check.md`` / ``gpu_check.json`` under ``--out``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from remid.plan.hardware import visible_gpu  # noqa: E402
from remid.plan.measure import batch, measure, planned, planned_estimate, random_model  # noqa: E402

FULL = {"train_spec": "Qwen/Qwen3-1.7B-Base", "score_spec": "Qwen/Qwen3-8B", "sft": (8, 768, 256),
        "grpo": (2, 512, 256), "n": 1500, "negatives": 1000, "context": 1024, "response": 128,
        "reasoning_new": 1024, "batch": 16, "timed_pairs": 96, "timed_rows": 2, "device": "cuda"}
DRY = {"train_spec": "tiny:qwen3", "score_spec": "tiny:qwen3", "sft": (4, 48, 16), "grpo": (1, 32, 16), "n": 24,
       "negatives": 16, "context": 32, "response": 8, "reasoning_new": 8, "batch": 4, "timed_pairs": 8,
       "timed_rows": 2, "device": "cpu"}


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def measure_step(kind: str, spec: str, sequences: int, prompt: int, response: int, precision: str,
                 device: str) -> dict:
    """remid.plan.measure.measure: here on CUDA; on CPU in a fresh process (its RSS high-water mark is the peak)."""
    if device == "cuda":
        return measure(kind, spec, sequences, prompt, response, precision, device, steps=2)
    cmd = [sys.executable, "-m", "remid.plan.measure", kind, spec, "--sequences", str(sequences), "--prompt",
           str(prompt), "--response", str(response), "--precision", precision, "--steps", "2"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def training_rows(s: dict) -> list[dict]:
    """SFT and GRPO steps at ``train_spec``: measured against the plan."""
    device, precision = s["device"], "bf16-mixed" if s["device"] == "cuda" else "32-true"
    rows = []
    for kind in ("sft", "grpo"):
        items, prompt, response = s[kind]
        sequences = items * (8 if kind == "grpo" else 1)
        got = measure_step(kind, s["train_spec"], sequences, prompt, response, precision, device)
        plan = planned(kind, s["train_spec"], sequences, prompt, response, precision, device)
        found = visible_gpu() if device == "cuda" else None
        timing = planned_estimate(kind, s["train_spec"], sequences, prompt, response, precision, device,
                                  found[0] if found else None)
        rows.append({"what": f"{kind.upper()} step ({precision})", "shape": f"{s['train_spec']}, {sequences} x "
                     f"{prompt + response} tokens", "tokens_per_s": got["tokens_per_s"], "step_s": got["step_s"],
                     "peak_bytes": got["peak_bytes"], "planned_bytes": plan,
                     "plan_error": plan / got["peak_bytes"] - 1 if got["peak_bytes"] > 0 else None,
                     "planned_step_s": timing.step_s, "planned_step_note": timing.step_note})
        if device == "cuda":
            torch.cuda.empty_cache()
    return rows


@torch.inference_mode()
def rollout_row(s: dict) -> dict:
    """GRPO's rollout: ``generate`` of prompts x 8 sampled completions of exactly ``response`` new tokens."""
    items, prompt, response = s["grpo"]
    model, arch = random_model(s["train_spec"], s["device"], torch.bfloat16)
    ids = torch.randint(3, arch.vocab, (items * 8, prompt), device=s["device"])
    sync(s["device"])
    start = time.perf_counter()
    model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=True, max_new_tokens=response,
                   min_new_tokens=response, pad_token_id=0)
    sync(s["device"])
    seconds = time.perf_counter() - start
    del model
    return {"what": "GRPO rollout (generate, bf16 weights)", "shape": f"{items} x 8 completions, {prompt} + {response}",
            "tokens_per_s": items * 8 * response / seconds, "step_s": seconds}


@torch.inference_mode()
def scoring_rows(s: dict) -> list[dict]:
    """Table 14's workload at ``score_spec``: reasoning traces, N + K sampled pairs, and the exact N x N cost."""
    from remid.models.logprobs import cross_logprob_sums, sequence_logprobs

    device, n, k = s["device"], s["n"], s["negatives"]
    model, arch = random_model(s["score_spec"], device, torch.bfloat16 if device == "cuda" else torch.float32)
    model.eval()
    b = s["batch"]
    prompts = torch.randint(3, arch.vocab, (b, s["context"]), device=device)
    sync(device)
    start = time.perf_counter()
    model.generate(input_ids=prompts, attention_mask=torch.ones_like(prompts), do_sample=False,
                   max_new_tokens=s["reasoning_new"], min_new_tokens=s["reasoning_new"], pad_token_id=0)
    sync(device)
    per_batch = time.perf_counter() - start
    reasoning = per_batch * math.ceil(n / b)

    pairs = batch(arch.vocab, s["timed_pairs"], s["context"], s["response"], seed=2)
    ctx = [row[:s["context"]] for row in pairs.input_ids.tolist()]
    resp = [row[s["context"]:] for row in pairs.input_ids.tolist()]
    sequence_logprobs(model, ctx[:b], resp[:b], "sum", 0)  # warm-up
    sync(device)
    start = time.perf_counter()
    for i in range(0, len(ctx), b):
        sequence_logprobs(model, ctx[i:i + b], resp[i:i + b], "sum", 0)
    sync(device)
    pair_s = (time.perf_counter() - start) / len(ctx)
    sampled = pair_s * (n + k)

    responses = torch.randint(3, arch.vocab, (n, s["response"])).tolist()
    rows_ctx = torch.randint(3, arch.vocab, (s["timed_rows"], s["context"])).tolist()
    sync(device)
    start = time.perf_counter()
    cross_logprob_sums(model, rows_ctx, responses, pad_id=0, batch_size=64)
    sync(device)
    row_s = (time.perf_counter() - start) / s["timed_rows"]
    exact = row_s * n
    del model
    shape = f"{s['score_spec']}, context {s['context']}, response {s['response']}"
    return [
        {"what": f"reasoning traces, {n} samples", "shape": f"{shape}, {s['reasoning_new']} new tokens, batch {b}",
         "total_s": reasoning, "how": f"1 batch of {b} timed ({per_batch:.2f} s) x {math.ceil(n / b)}"},
        {"what": f"CLUB, N + K = {n} + {k} sampled pairs", "shape": shape, "total_s": sampled,
         "how": f"{s['timed_pairs']} pairs timed ({pair_s * 1e3:.1f} ms each) x {n + k}"},
        {"what": "R-EMI, table 14 workload (traces + sampled pairs)", "shape": shape, "total_s": reasoning + sampled,
         "how": "sum of the two rows above (paper: ~22 min on one A100)"},
        {"what": f"CLUB exact, N x N = {n} x {n}", "shape": shape, "total_s": exact,
         "how": f"{s['timed_rows']} rows of {n} responses timed ({row_s:.2f} s each) x {n}"},
    ]


def markdown(rows: list[dict], about: str) -> str:
    gib = lambda b: f"{b / 1024**3:.2f} GiB" if b is not None else ""  # noqa: E731
    out = [f"GPU check, {about}", "", "| measurement | shape | tokens/s | time | peak memory | plan | plan error |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        t = r.get("total_s", r.get("step_s"))
        when = f"{t:.3f} s/step" if r.get("total_s") is None else f"{t / 60:.1f} min" if t >= 120 else f"{t:.1f} s"
        err = f"{r['plan_error']:+.0%}" if r.get("plan_error") is not None else ""
        tps = f"{r['tokens_per_s']:,.0f}" if r.get("tokens_per_s") else ""
        out.append(f"| {r['what']} | {r['shape']} | {tps} | {when} | {gib(r.get('peak_bytes'))} | "
                   f"{gib(r.get('planned_bytes'))} | {err} |")
    notes = [f"- {r['what']}: {r['how']}" for r in rows if r.get("how")]
    notes += [f"- {r['what']}: planned {r['planned_step_s']:.3f} s/step ({r['planned_step_note']})"
              for r in rows if r.get("planned_step_s")]
    return "\n".join(out + ["", "Extrapolations:", *notes]) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="remid GPU check (see the module docstring)")
    p.add_argument("--dry", action="store_true", help="tiny shapes on CPU: the same code path in seconds")
    p.add_argument("--out", type=Path, default=Path("gpu_check"))
    a = p.parse_args(argv)
    s = DRY if a.dry else FULL
    if not a.dry and not torch.cuda.is_available():
        print("no CUDA GPU visible: run with --dry for the CPU path", file=sys.stderr)
        return 2
    found = visible_gpu()
    device_name = found[0].name if found else platform.processor() or "CPU"
    about = (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {device_name}, torch {torch.__version__}"
             + (" (dry: tiny shapes on CPU)" if a.dry else ""))
    torch.manual_seed(0)
    start = time.perf_counter()
    rows = training_rows(s)
    rows.append(rollout_row(s))
    rows += scoring_rows(s)
    text = markdown(rows, about) + f"\nWall time of the check: {time.perf_counter() - start:.0f} s\n"
    print(text)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "gpu_check.md").write_text(text)
    (a.out / "gpu_check.json").write_text(json.dumps({"about": about, "settings": s, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
