"""Recompute an evaluation from what it saved, independently of the code that produced it.

    python -m remid.verify runs/evaluate/<time> [--entries 3] [--policy PATH]

Needs a run made with ``estimator.save_matrices=true``. For every saved subset matrix it checks
that equation 2 on the matrix gives the mutual-information terms in results.json, and it rescores
``--entries`` random entries [i, j] with plain ``transformers``: one forward pass over the saved
context text followed by the saved response text and EOS, log-probs read off by hand. Exits 1 on
any disagreement, naming the subset and entry.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from remid.results import EvaluationResults


def club_by_hand(matrix: np.ndarray) -> float:
    """Equation 2 written out: mean of the diagonal minus mean of all N^2 entries."""
    n = matrix.shape[0]
    return float(sum(matrix[i, i] for i in range(n)) / n - matrix.sum() / n**2)


def rescore(model, tokenizer, context: str, response: str, reduction: str) -> float:
    """log p(response + EOS | context) from one plain forward pass over the concatenation."""
    import torch

    ctx = tokenizer(context, add_special_tokens=False)["input_ids"]
    resp = tokenizer(response, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ctx + resp])).logits[0].float()  # [C + R, V]
    logprobs = torch.log_softmax(logits[len(ctx) - 1:-1], -1)  # positions predicting each response token
    picked = logprobs.gather(-1, torch.tensor(resp)[:, None]).squeeze(-1)  # [R]
    return float(picked.sum() if reduction == "sum" else picked.mean())


def verify(run_dir: str | Path, entries: int = 3, policy: str | None = None, seed: int = 0,
           atol: float = 1e-4) -> list[str]:
    """Problems found (empty: everything agrees); prints one line per checked subset."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from remid.models.loading import resolve_model_path
    from remid.run.evaluate import matrix_stem

    run_dir = Path(run_dir)
    results = EvaluationResults.from_json(run_dir / "results.json")
    matrices = sorted((run_dir / "matrices").glob("*.npz"))
    if not matrices:
        raise FileNotFoundError(f"{run_dir / 'matrices'} holds no .npz: evaluate with estimator.save_matrices=true")
    path = resolve_model_path(policy or results.estimator["policy"])
    dtype = getattr(torch, results.estimator.get("dtype", "float32"))  # the precision evaluate scored in
    model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype).eval()
    tokenizer = AutoTokenizer.from_pretrained(path)
    reduction = results.estimator["reduction"]
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
            if abs(club_by_hand(saved[kind]) - reported) > 1e-9:
                problems.append(f"{stem} {kind}: equation 2 gives {club_by_hand(saved[kind]):.6f}, "
                                f"results.json says {reported:.6f}")
            n = saved[kind].shape[0]
            for i, j in rng.integers(0, n, size=(entries, 2)):
                value = rescore(model, tokenizer, rows[i]["context"], rows[j][f"{kind}_response"], reduction)
                if abs(value - saved[kind][i, j]) > atol:
                    problems.append(f"{stem} {kind}[{i}, {j}]: saved {saved[kind][i, j]:.6f}, "
                                    f"transformers gives {value:.6f}")
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
