"""Exact N x N CLUB scoring: shared prefix KV cache vs naive per-pair full passes.

    python benchmarks/club_scoring.py [--n 64] [--model tiny:qwen3] [--reduction mean]

Both score the same N contexts (table 17 policy prompts with the offline teacher's core features)
against the same N golden responses with the same model; prints pairs/s of each, the ratio, and
the largest absolute difference between the two matrices.
"""

from __future__ import annotations

import argparse
import os
import time

import torch

from remid.data.readers import by_subset, load_samples
from remid.estimators.reasoner import extract_core_features, rule_based_reasoning
from remid.models.chat import context_text, encode
from remid.models.loading import load_model
from remid.models.logprobs import cross_logprobs, sequence_logprobs
from remid.prompts import policy_prompt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--model", default="tiny:qwen3")
    parser.add_argument("--reduction", default="mean", choices=["sum", "mean"])
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model, tok = load_model(args.model)
    samples = by_subset(load_samples())["id"][: args.n]
    contexts = [encode(tok, context_text(tok, policy_prompt(s, extract_core_features(rule_based_reasoning(s)))))
                for s in samples]
    responses = [encode(tok, s.golden_response) + [tok.eos_token_id] for s in samples]
    n = len(samples)
    print(f"model={args.model} N={n} pairs={n * n} threads={torch.get_num_threads()} "
          f"mean context={sum(map(len, contexts)) / n:.0f} tok, mean response={sum(map(len, responses)) / n:.0f} tok")

    start = time.perf_counter()
    cached = cross_logprobs(model, contexts, responses, args.reduction, tok.pad_token_id, args.batch_size)
    t_cached = time.perf_counter() - start

    start = time.perf_counter()
    naive = torch.empty(n, n)
    pairs = [(i, j) for i in range(n) for j in range(n)]
    with torch.inference_mode():
        for k in range(0, len(pairs), args.batch_size):
            chunk = pairs[k:k + args.batch_size]
            values = sequence_logprobs(model, [contexts[i] for i, _ in chunk], [responses[j] for _, j in chunk],
                                       args.reduction, tok.pad_token_id)
            for (i, j), v in zip(chunk, values.tolist(), strict=True):
                naive[i, j] = v
    t_naive = time.perf_counter() - start

    print(f"{'method':<34}{'seconds':>10}{'pairs/s':>12}")
    print(f"{'naive per-pair (batched pairs)':<34}{t_naive:>10.2f}{n * n / t_naive:>12.1f}")
    print(f"{'shared prefix KV cache':<34}{t_cached:>10.2f}{n * n / t_cached:>12.1f}")
    print(f"speed-up ratio: {t_naive / t_cached:.2f}x   max |diff|: {(cached - naive).abs().max().item():.2e}")


if __name__ == "__main__":
    main()
