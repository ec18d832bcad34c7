"""Exact N x N CLUB scoring: shared prefix KV cache vs naive per-pair full passes.

    python benchmarks/club_scoring.py [--n 64] [--model tiny:qwen3] [--reduction mean]

All three score the same N contexts (table 17 policy prompts with the offline teacher's core
features) against the same N golden responses with the same model:

- textbook naive: one full forward pass per pair, logits at every position (``model(ids).logits``);
- naive: one forward pass per pair through ``sequence_logprobs``, logits only at response positions;
- shared prefix: ``cross_logprobs``, each context's KV cache built once and shared by all N responses.

Prints pairs/s of each, the ratios and the largest absolute difference from the shared-prefix matrix, and
the FLOP ideal of this shape: the tokens a forward pass must process at least (each context once, each
response once per context) against the tokens the per-pair passes process (context + response per pair).
"""

from __future__ import annotations

import argparse
import os
import time

import torch

from remid.core.prompts import policy_prompt
from remid.core.reasoning import extract_core_features, rule_based_reasoning
from remid.data.readers import by_subset, load_samples
from remid.models.chat import context_text, encode
from remid.models.loading import load_model
from remid.models.logprobs import cross_logprobs, gather_logprobs, pack, reduce_logprobs, sequence_logprobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--model", default="tiny:qwen3")
    parser.add_argument("--reduction", default="mean", choices=["sum", "mean"])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--skip-textbook", action="store_true", help="leave out the slowest baseline")
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

    def textbook(ctx: list[list[int]], resp: list[list[int]]) -> torch.Tensor:
        batch = pack(ctx, resp, tok.pad_token_id)
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits  # [B, L, V]
        scores = torch.zeros(batch.input_ids.shape)
        scores[:, 1:] = gather_logprobs(logits[:, :-1], batch.input_ids[:, 1:])
        return reduce_logprobs(scores, batch.response_mask, args.reduction)

    def per_pair(score) -> tuple[torch.Tensor, float]:
        start = time.perf_counter()
        matrix = torch.empty(n, n)
        pairs = [(i, j) for i in range(n) for j in range(n)]
        with torch.inference_mode():
            for k in range(0, len(pairs), args.batch_size):
                chunk = pairs[k:k + args.batch_size]
                values = score([contexts[i] for i, _ in chunk], [responses[j] for _, j in chunk])
                for (i, j), v in zip(chunk, values.tolist(), strict=True):
                    matrix[i, j] = v
        return matrix, time.perf_counter() - start

    rows = [("shared prefix KV cache", cached, t_cached)]
    rows.append(("naive per pair", *per_pair(
        lambda c, r: sequence_logprobs(model, c, r, args.reduction, tok.pad_token_id))))
    if not args.skip_textbook:
        rows.append(("textbook naive per pair", *per_pair(textbook)))
    print(f"{'method':<28}{'seconds':>10}{'pairs/s':>12}{'shared prefix speed-up':>26}{'max |diff|':>12}")
    ctx_tokens, resp_tokens = sum(map(len, contexts)), sum(map(len, responses))
    ideal, per_pair_tokens = ctx_tokens + n * resp_tokens, n * ctx_tokens + n * resp_tokens
    print(f"FLOP ideal: {ideal} tokens through the model (contexts once + N x responses) vs {per_pair_tokens} per "
          f"pair: at most {per_pair_tokens / ideal:.2f}x from sharing the prefix at this shape")
    for name, matrix, seconds in rows:
        print(f"{name:<28}{seconds:>10.2f}{n * n / seconds:>12.1f}{seconds / t_cached:>25.2f}x"
              f"{(matrix - cached).abs().max().item():>12.2e}")

if __name__ == "__main__":
    main()
