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


def _logits_at(model, keep: torch.Tensor, **inputs) -> torch.Tensor:
    """Logits at the ``True`` positions of ``keep`` [B, L] only, flattened row-major. -> [K, V]

    The LM head and the vocabulary softmax dominate the cost of a small model, and a scored
    response is a few dozen tokens after a context of hundreds: ``logits_to_keep`` (a bool mask)
    skips every other position. Models whose forward ignores a mask (or, before transformers 5.x's
    ``slice_logits_to_keep``, cannot index with one) get full logits, sliced here.
    """
    try:
        logits = model(**inputs, logits_to_keep=keep).logits
    except IndexError:
        logits = model(**inputs).logits
    if logits.ndim == 2 and logits.shape[0] == int(keep.sum()):
        return logits
    return logits[keep]


def token_logprobs(model, batch: PackedBatch) -> torch.Tensor:
    """log p(token_t | tokens_<t) at response positions, 0 elsewhere. -> [B, L]"""
    batch = PackedBatch(*(t.to(model.device) for t in batch))
    predicts = torch.zeros_like(batch.response_mask)  # [B, L] positions whose logits predict a response token
    predicts[:, :-1] = batch.response_mask[:, 1:]
    # Right padding needs no attention mask: causal attention never lets a real token see a later pad.
    logits = _logits_at(model, predicts, input_ids=batch.input_ids)  # [K, V]
    scores = torch.zeros(batch.input_ids.shape, dtype=torch.float32, device=logits.device)
    scores[batch.response_mask] = gather_logprobs(logits, batch.input_ids[batch.response_mask])
    return scores


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

    order = sorted(range(len(response_ids)), key=lambda j: len(response_ids[j]))  # similar lengths batch together
    chunks = []
    for start in range(0, len(order), batch_size):
        cols = order[start:start + batch_size]
        packed = pack([[pad_id]] * len(cols), [response_ids[j] for j in cols], pad_id)  # a dummy 1-token context
        ids, mask = packed.input_ids[:, 1:].to(model.device), packed.attention_mask[:, 1:].to(model.device)  # [b, R]
        later = mask[:, 1:].bool()  # [b, R-1] response tokens after the first
        predicts = torch.zeros_like(mask, dtype=torch.bool)  # [b, R]: position t predicts token t + 1
        predicts[:, :-1] = later
        chunks.append((torch.tensor(cols), ids, mask, later, predicts))
    out = torch.empty((len(context_ids), len(response_ids)), dtype=torch.float32)
    for i, ctx in enumerate(context_ids):
        cache = DynamicCache(config=model.config)
        ctx_out = model(input_ids=torch.tensor([list(ctx)], device=model.device), past_key_values=cache,
                        use_cache=True, logits_to_keep=1)
        first_logprobs = torch.log_softmax(ctx_out.logits[0, -1].float(), -1)  # [V] predicts response token 0
        for cols, ids, mask, later, predicts in chunks:
            batch_cache = copy.deepcopy(cache)
            batch_cache.batch_repeat_interleave(ids.shape[0])
            # Right-padded: no attention mask needed (see token_logprobs).
            logits = _logits_at(model, predicts, input_ids=ids, past_key_values=batch_cache, use_cache=True)  # [K, V]
            scores = torch.zeros(ids.shape, dtype=torch.float32, device=logits.device)  # [b, R]
            scores[:, 0] = first_logprobs[ids[:, 0]]
            scores[:, 1:][later] = gather_logprobs(logits, ids[:, 1:][later])
            out[i, cols] = reduce_logprobs(scores, mask, reduction).cpu()
        if progress is not None:
            progress()
    return out
