"""The one log-prob function: SFT loss, rewards and CLUB scoring all go through it.

A scored sequence is ``context_ids + response_ids`` (each tokenized on its own, see
``remid.prompts``); only the response tokens are scored.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import NamedTuple

import torch

REDUCTIONS = ("sum", "mean")


class PackedBatch(NamedTuple):
    input_ids: torch.Tensor  # [B, L] right-padded
    attention_mask: torch.Tensor  # [B, L]
    response_mask: torch.Tensor  # [B, L] True at response tokens


def pack(context_ids: Sequence[Sequence[int]], response_ids: Sequence[Sequence[int]], pad_id: int) -> PackedBatch:
    """Right-pad ``context + response`` pairs into one batch with a response-token mask."""
    if len(context_ids) != len(response_ids):
        raise ValueError(f"{len(context_ids)} contexts but {len(response_ids)} responses")
    for i, (ctx, resp) in enumerate(zip(context_ids, response_ids, strict=True)):
        if not ctx or not resp:
            raise ValueError(f"pair {i}: context and response must both be non-empty token lists")
    length = max(len(c) + len(r) for c, r in zip(context_ids, response_ids, strict=True))
    batch = len(context_ids)
    input_ids = torch.full((batch, length), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((batch, length), dtype=torch.long)
    response_mask = torch.zeros((batch, length), dtype=torch.bool)
    for i, (ctx, resp) in enumerate(zip(context_ids, response_ids, strict=True)):
        n_ctx, n_all = len(ctx), len(ctx) + len(resp)
        input_ids[i, :n_all] = torch.tensor(list(ctx) + list(resp))
        attention_mask[i, :n_all] = 1
        response_mask[i, n_ctx:n_all] = True
    return PackedBatch(input_ids, attention_mask, response_mask)


def gather_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """log softmax(logits)[target] per position, in float32. [B, T, V], [B, T] -> [B, T]"""
    logits = logits.float()
    return logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, dim=-1)


def token_logprobs(model, batch: PackedBatch) -> torch.Tensor:
    """log p(token_t | tokens_<t) at response positions, 0 elsewhere. -> [B, L]"""
    batch = PackedBatch(*(t.to(model.device) for t in batch))
    logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits  # [B, L, V]
    scores = torch.zeros(batch.input_ids.shape, dtype=torch.float32, device=logits.device)
    scores[:, 1:] = gather_logprobs(logits[:, :-1], batch.input_ids[:, 1:])
    return scores * batch.response_mask


def reduce_logprobs(scores: torch.Tensor, mask: torch.Tensor, reduction: str) -> torch.Tensor:
    """Sum or per-token mean of masked token log-probs. [B, L] -> [B]"""
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; expected one of {REDUCTIONS}")
    total = (scores * mask).sum(-1)
    return total if reduction == "sum" else total / mask.sum(-1).clamp(min=1)


def sequence_logprobs(model, context_ids: Sequence[Sequence[int]], response_ids: Sequence[Sequence[int]],
                      reduction: str = "sum", pad_id: int = 0) -> torch.Tensor:
    """log p(response | context) for each pair, summed or averaged over response tokens. -> [B]"""
    batch = pack(context_ids, response_ids, pad_id)
    scores = token_logprobs(model, batch)
    return reduce_logprobs(scores, batch.response_mask.to(scores.device), reduction)


@torch.inference_mode()
def cross_logprobs(model, context_ids: Sequence[Sequence[int]], response_ids: Sequence[Sequence[int]],
                   reduction: str = "sum", pad_id: int = 0, batch_size: int = 64,
                   progress=None) -> torch.Tensor:
    """The N x M matrix log p(response_j | context_i) (CLUB, equation 2), prefix-cached.

    Each context is run once; its KV cache is repeated across a batch of responses, so the cost is
    N context passes plus N*M response-token passes instead of N*M full passes. -> [N, M] float32
    """
    from transformers import DynamicCache

    resp = pack([[pad_id]] * len(response_ids), response_ids, pad_id)  # a dummy 1-token "context"
    resp_ids = resp.input_ids[:, 1:].to(model.device)  # [M, R]
    resp_mask = resp.attention_mask[:, 1:].to(model.device)  # [M, R]
    out = torch.empty((len(context_ids), len(response_ids)), dtype=torch.float32)
    for i, ctx in enumerate(context_ids):
        ctx_ids = torch.tensor([list(ctx)], device=model.device)  # [1, C]
        cache = DynamicCache(config=model.config)
        ctx_out = model(input_ids=ctx_ids, past_key_values=cache, use_cache=True)
        first_logprobs = torch.log_softmax(ctx_out.logits[0, -1].float(), -1)  # [V] predicts response token 0
        for start in range(0, len(response_ids), batch_size):
            ids, mask = resp_ids[start:start + batch_size], resp_mask[start:start + batch_size]  # [b, R]
            b, n_ctx = ids.shape[0], ctx_ids.shape[1]
            batch_cache = copy.deepcopy(cache)
            batch_cache.batch_repeat_interleave(b)
            attention = torch.cat([torch.ones((b, n_ctx), dtype=mask.dtype, device=mask.device), mask], 1)
            logits = model(input_ids=ids, attention_mask=attention, past_key_values=batch_cache,
                           use_cache=True).logits  # [b, R, V]
            scores = torch.empty(ids.shape, dtype=torch.float32, device=logits.device)  # [b, R]
            scores[:, 0] = first_logprobs[ids[:, 0]]
            scores[:, 1:] = gather_logprobs(logits[:, :-1], ids[:, 1:])
            out[i, start:start + b] = reduce_logprobs(scores, mask, reduction).cpu()
        if progress is not None:
            progress()
    return out
