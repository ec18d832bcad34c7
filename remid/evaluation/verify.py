"""Recompute an evaluation from what it saved, independently of the code that produced it.

    python -m remid.evaluation.verify runs/evaluate/<time> [--entries 3] [--policy PATH]

Needs a run made with ``estimator.save_matrices=true``. For every saved subset matrix it checks that
CLUB in the recorded form (``estimator.club_form``: equation 2, or the authors' off-diagonal mean) gives
the mutual-information terms in results.json, and it rescores ``--entries`` random entries [i, j] with
plain ``transformers``: one forward pass over the saved context text followed by the saved response text
and EOS, log-probs read off by hand. Exits 1 on any disagreement, naming the subset and entry.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from remid.evaluation.results import EvaluationResults


def club_by_hand(matrix: np.ndarray, form: str = "paper") -> float:
    """CLUB written out: mean of the diagonal minus mean of all N^2 entries (equation 2, ``form="paper"``) or of
    the N(N-1) off-diagonal entries (``form="authors"``, the authors' code)."""
    n = matrix.shape[0]
    diag = sum(matrix[i, i] for i in range(n))
    if form == "authors":
        return float(diag / n - (matrix.sum() - diag) / (n * (n - 1)))
    if form != "paper":
        raise ValueError(f"results.json records estimator.club_form {form!r}; expected 'paper' or 'authors'")
    return float(diag / n - matrix.sum() / n**2)


# Largest per-token log-prob difference accepted between evaluate's prefix-cached batched scoring and
# one plain forward pass, by scoring precision: bf16 keeps 8 mantissa bits, so logits of a few tens
# differ by ~0.1 between two kernels; float32 agrees to ~1e-5.
PER_TOKEN_ATOL = {"float32": 1e-4, "float64": 1e-6, "float16": 2e-2, "bfloat16": 1e-1}


def tolerance(dtype: str, reduction: str, n_tokens: int) -> float:
    """The accepted |saved - rescored| of one entry: per-token tolerance, times the token count for ``sum``."""
    per_token = PER_TOKEN_ATOL.get(dtype, PER_TOKEN_ATOL["bfloat16"])
    return per_token * (n_tokens if reduction == "sum" else 1)


def tokenize_entry(tokenizer, context: str, response: str) -> tuple[list[int], list[int], str | None]:
    """``(context ids, response ids + EOS, problem)``: the ids evaluate scored, and a problem when the
    concatenated text tokenized as one string (with the tokenizer's own special tokens) gives other ids.

    The joint tokenization does not go through ``remid.models.chat``: it checks that the split of every
    saved pair falls on a token boundary and that BOS is handled as the tokenizer itself would.
    """
    from remid.models.chat import encode_context, encode_response

    ctx = encode_context(tokenizer, context)
    resp = encode_response(tokenizer, context, response) + [tokenizer.eos_token_id]
    has_bos = bool(tokenizer.bos_token) and context.startswith(tokenizer.bos_token)
    joint = tokenizer(context + response, add_special_tokens=not has_bos)["input_ids"] + [tokenizer.eos_token_id]
    if joint == ctx + resp:
        return ctx, resp, None
    at = next((k for k, (a, b) in enumerate(zip(joint, ctx + resp, strict=False)) if a != b), min(len(joint), len(ctx + resp)))
    return ctx, resp, (f"context + response tokenize differently together and apart (first difference at token "
                       f"{at}, context has {len(ctx)} tokens)")


def copy_by_hand(ctx: list[int], resp: list[int], order: int) -> list[float]:
    """The copy distribution of ``remid.estimators.copy`` written out: for each response token, scan the context
    for the longest suffix (at most ``order`` tokens) of the tokens before it and count what follows."""
    out = []
    for t, token in enumerate(resp):
        p = 0.0
        for m in range(min(order, t), -1, -1):
            suffix = resp[t - m:t]
            follow = [ctx[k] for k in range(m, len(ctx)) if ctx[k - m:k] == suffix]
            if follow:
                p = follow.count(token) / len(follow)
                break
        out.append(p)
    return out


def rescore(model, ctx: list[int], resp: list[int], reduction: str, copy: dict | None = None) -> float:
    """log p(resp | ctx) from one plain forward pass over the concatenation (mixed with the copy distribution
    when the estimator had one: ``copy`` = {weight, order})."""
    import math

    import torch

    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ctx + resp], device=model.device)).logits[0].float()  # [C + R, V]
    logprobs = torch.log_softmax(logits[len(ctx) - 1:-1], -1)  # [R, V] positions predicting each response token
    picked = logprobs.gather(-1, torch.tensor(resp, device=logits.device)[:, None]).squeeze(-1)  # [R]
    if copy and copy.get("weight"):
        w = float(copy["weight"])
        picked = torch.tensor([math.log((1 - w) * math.exp(lp) + w * p)
                               for lp, p in zip(picked.tolist(), copy_by_hand(ctx, resp, int(copy.get("order", 2))),
                                                strict=True)])
    return float(picked.sum() if reduction == "sum" else picked.mean())


def check_entry(model, tokenizer, context: str, response: str, saved: float, reduction: str,
                dtype: str, atol: float | None, copy: dict | None = None) -> list[str]:
    """Problems with one saved matrix entry: tokenization (joint vs apart) and the rescored value."""
    ctx, resp, problem = tokenize_entry(tokenizer, context, response)
    value = rescore(model, ctx, resp, reduction, copy)
    limit = tolerance(dtype, reduction, len(resp)) if atol is None else atol
    found = [problem] if problem else []
    if abs(value - saved) > limit:
        found.append(f"saved {saved:.6f}, transformers gives {value:.6f} (tolerance {limit:.1e} for {dtype})")
    return found


def verify(run_dir: str | Path, entries: int = 3, policy: str | None = None, seed: int = 0,
           atol: float | None = None) -> list[str]:
    """Problems found (empty: everything agrees); prints one line per checked subset.

    ``atol=None`` takes the tolerance from the scoring precision recorded in results.json (``tolerance``).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from remid.estimators.matrices import matrix_stem
    from remid.models.loading import resolve_model_path

    run_dir = Path(run_dir)
    results = EvaluationResults.from_json(run_dir / "results.json")
    matrices = sorted((run_dir / "matrices").glob("*.npz"))
    if not matrices:
        raise FileNotFoundError(f"{run_dir / 'matrices'} holds no .npz: evaluate with estimator.save_matrices=true")
    path = resolve_model_path(policy or results.estimator["policy"])
    dtype = results.estimator.get("dtype", "float32")  # the precision evaluate scored in
    model = AutoModelForCausalLM.from_pretrained(path, dtype=getattr(torch, dtype)).eval()
    tokenizer = AutoTokenizer.from_pretrained(path)
    reduction = results.estimator["reduction"]
    form = results.estimator.get("club_form", "paper")  # the CLUB form evaluate computed (older runs: equation 2)
    by_file = {matrix_stem(m.name, s): est for m in results.models for s, est in m.subsets.items()}
    rng = np.random.default_rng(seed)
    problems: list[str] = []
    for npz_path in matrices:
        stem = npz_path.name.removesuffix(".npz")
        est = by_file.get(stem)
        if est is None:
            problems.append(f"{npz_path.name}: no matching model/subset in results.json")
            continue
        saved = np.load(npz_path)
        rows = [json.loads(line) for line in (npz_path.parent / f"{stem}.jsonl").open(encoding="utf-8")]
        for kind, reported in (("model", est.mi_model), ("ref", est.mi_ref)):
            if abs(club_by_hand(saved[kind], form) - reported) > 1e-9:
                what = "equation 2" if form == "paper" else "the authors' CLUB form"
                problems.append(f"{stem} {kind}: {what} gives {club_by_hand(saved[kind], form):.6f}, "
                                f"results.json says {reported:.6f}")
            n = saved[kind].shape[0]
            for i, j in rng.integers(0, n, size=(entries, 2)):
                found = check_entry(model, tokenizer, rows[i]["context"], rows[j][f"{kind}_response"],
                                    float(saved[kind][i, j]), reduction, dtype, atol,
                                    results.estimator.get("copy"))
                problems += [f"{stem} {kind}[{i}, {j}]: {p}" for p in found]
        print(f"{stem}: N = {len(rows)}, {2 * entries} entries rescored", flush=True)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir")
    parser.add_argument("--entries", type=int, default=3, help="random entries rescored per matrix")
    parser.add_argument("--policy", help="policy model to rescore with (default: the one in results.json)")
    args = parser.parse_args(argv)
    problems = verify(args.run_dir, args.entries, args.policy)
    for problem in problems:
        print(f"MISMATCH {problem}")
    print("all checks agree" if not problems else f"{len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
