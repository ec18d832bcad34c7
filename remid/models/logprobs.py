"""The one log-prob function: SFT loss, rewards and CLUB scoring all go through it.

A scored sequence is ``context_ids + response_ids`` (each tokenized on its own, see
``remid.core.prompts``); only the response tokens are scored.
"""

from __future__ import annotations

import copy
import inspect
import weakref
from collections.abc import Callable, Sequence
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


_MASK_SUPPORT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> takes a bool logits_to_keep


def _logits_at(model, keep: torch.Tensor, make_inputs: Callable[[], dict]) -> torch.Tensor:
    """Logits at the ``True`` positions of ``keep`` [B, L] only, flattened row-major. -> [K, V]

    The LM head and the vocabulary softmax dominate the cost of a small model, and a scored
    response is a few dozen tokens after a context of hundreds: ``logits_to_keep`` (a bool mask)
    skips every other position. Models whose forward ignores a mask get full logits, sliced here.
    Whether a model's head takes a mask (before transformers 5.x's ``slice_logits_to_keep`` it
    cannot index with one) is found once per model; ``make_inputs`` builds fresh inputs per call,
    so a failed first attempt never leaves its tokens in a KV cache the retry reads.
    """
    supported = _MASK_SUPPORT.get(model)
    if supported is not False:
        try:
            logits = model(**make_inputs(), logits_to_keep=keep).logits
            _MASK_SUPPORT[model] = True
        except (IndexError, TypeError):
            if supported:  # it took a mask before: this failure is not about the mask
                raise
            _MASK_SUPPORT[model] = supported = False
    if supported is False:
        logits = model(**make_inputs()).logits
    if logits.ndim == 2 and logits.shape[0] == int(keep.sum()):
        return logits
    return logits[keep]


def token_logprobs(model, batch: PackedBatch) -> torch.Tensor:
    """log p(token_t | tokens_<t) at response positions, 0 elsewhere. -> [B, L]"""
    batch = PackedBatch(*(t.to(model.device) for t in batch))
    predicts = torch.zeros_like(batch.response_mask)  # [B, L] positions whose logits predict a response token
    predicts[:, :-1] = batch.response_mask[:, 1:]
    # Right padding needs no attention mask: causal attention never lets a real token see a later pad.
    logits = _logits_at(model, predicts, lambda: {"input_ids": batch.input_ids})  # [K, V]
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
                      reduction: str | tuple[str, ...] = "sum", pad_id: int = 0,
                      mix=None) -> torch.Tensor | dict[str, torch.Tensor]:
    """log p(response | context) for each pair, summed or averaged over response tokens. -> [B]

    A tuple of reductions gives ``{reduction: [B]}`` from one forward pass. ``mix`` (an estimator's copy
    component, ``remid.estimators.copy.CopyMixture``) rewrites each pair's token log-probs before the reduction.
    """
    if mix is None:
        return _per_pair(token_logprobs, model, context_ids, response_ids, reduction, pad_id)

    def mixed(model, batch: PackedBatch) -> torch.Tensor:
        scores = token_logprobs(model, batch)
        for b, (ctx, resp) in enumerate(zip(context_ids, response_ids, strict=True)):
            at = batch.response_mask[b].to(scores.device)
            scores[b, at] = mix.mix(mix.continuations(ctx), [resp], scores[b, at][None])[0]
        return scores

    return _per_pair(mixed, model, context_ids, response_ids, reduction, pad_id)


def _per_pair(per_token: Callable[[object, PackedBatch], torch.Tensor], model, context_ids, response_ids,
              reduction: str | tuple[str, ...], pad_id: int) -> torch.Tensor | dict[str, torch.Tensor]:
    """``per_token`` ([B, L] values at response tokens) reduced over each response. -> [B] or {reduction: [B]}"""
    batch = pack(context_ids, response_ids, pad_id)
    values = per_token(model, batch)
    mask = batch.response_mask.to(values.device)
    if isinstance(reduction, str):
        return reduce_logprobs(values, mask, reduction)
    return {name: reduce_logprobs(values, mask, name) for name in reduction}


def token_entropies(model, batch: PackedBatch) -> torch.Tensor:
    """Entropy (nats) of the next-token distribution that predicts each response token, 0 elsewhere. -> [B, L]

    Position t holds H(p(. | tokens_<t)), the distribution ``token_logprobs`` reads token t from, so
    both line up token by token; float32, clamped at 0 against rounding.
    """
    batch = PackedBatch(*(t.to(model.device) for t in batch))
    predicts = torch.zeros_like(batch.response_mask)  # [B, L] positions whose logits predict a response token
    predicts[:, :-1] = batch.response_mask[:, 1:]
    logits = _logits_at(model, predicts, lambda: {"input_ids": batch.input_ids})  # [K, V]
    logprobs = torch.log_softmax(logits.float(), dim=-1)  # [K, V]
    entropies = torch.zeros(batch.input_ids.shape, dtype=torch.float32, device=logits.device)
    entropies[batch.response_mask] = (-(logprobs.exp() * logprobs).sum(-1)).clamp(min=0)
    return entropies


def sequence_entropies(model, context_ids: Sequence[Sequence[int]], response_ids: Sequence[Sequence[int]],
                       reduction: str | tuple[str, ...] = "mean",
                       pad_id: int = 0) -> torch.Tensor | dict[str, torch.Tensor]:
    """Predictive entropy along each response given its context, per-token mean or summed, in nats. -> [B]

    The per-pair term of theorem 3.4's H_hat (see ``remid.estimators.bound.h_hat``): the entropy of the
    model's next-token distribution at every response position (``token_entropies``), in one forward
    pass per batch like ``sequence_logprobs``. A tuple of reductions gives ``{reduction: [B]}``.
    """
    return _per_pair(token_entropies, model, context_ids, response_ids, reduction, pad_id)


def _cache_kwarg(model) -> str:
    """The forward argument that takes a KV cache: ``cache`` (transformers >= 5.24) or ``past_key_values``."""
    params = inspect.signature(model.forward).parameters
    return "cache" if "cache" in params else "past_key_values"


_SHAREABLE_LAYERS = ("DynamicLayer", "DynamicSlidingWindowLayer")


def share_prefix(cache, batch: int):
    """A cache whose prefix is the [1, H, C, D] keys/values of ``cache`` read as [batch, H, C, D] views.

    transformers' dynamic layers append by ``torch.cat`` into new tensors, so a batch of responses
    reads the one cached context without a deep copy or a ``repeat`` per chunk (only the
    concatenation the attention needs is materialised), and ``cache`` itself is never changed.
    Other layer types (static, quantized, linear attention) get a deep copy repeated ``batch`` times.
    """
    layers = getattr(cache, "layers", None)
    if layers is None or any(type(layer).__name__ not in _SHAREABLE_LAYERS for layer in layers):
        copied = copy.deepcopy(cache)
        copied.batch_repeat_interleave(batch)
        return copied
    shared = copy.copy(cache)
    shared.layers = []
    for layer in layers:
        view = copy.copy(layer)
        if layer.is_initialized:
            view.keys = layer.keys.expand(batch, -1, -1, -1)  # [batch, H, C, D], no copy
            view.values = layer.values.expand(batch, -1, -1, -1)
        shared.layers.append(view)
    return shared


def _response_chunks(response_ids: Sequence[Sequence[int]], pad_id: int, batch_size: int, device) -> list[tuple]:
    """Responses of similar length batched together: ``(cols, ids [b, R], mask [b, R], later [b, R-1], predicts [b, R])``."""
    order = sorted(range(len(response_ids)), key=lambda j: len(response_ids[j]))
    chunks = []
    for start in range(0, len(order), batch_size):
        cols = order[start:start + batch_size]
        packed = pack([[pad_id]] * len(cols), [response_ids[j] for j in cols], pad_id)  # a dummy 1-token context
        ids, mask = packed.input_ids[:, 1:].to(device), packed.attention_mask[:, 1:].to(device)  # [b, R]
        later = mask[:, 1:].bool()  # [b, R-1] response tokens after the first
        predicts = torch.zeros_like(mask, dtype=torch.bool)  # [b, R]: position t predicts token t + 1
        predicts[:, :-1] = later
        chunks.append((torch.tensor(cols), ids, mask, later, predicts))
    return chunks


@torch.inference_mode()
def cross_logprob_sums(model, context_ids: Sequence[Sequence[int]], response_ids: Sequence[Sequence[int]],
                       pad_id: int = 0, batch_size: int = 64, progress=None, mix=None) -> torch.Tensor:
    """The N x M matrix of summed log p(response_j | context_i), prefix-cached. -> [N, M] float32

    Each context is run once; its KV cache is shared (``share_prefix``) across a batch of
    responses, so the cost is N context passes plus N*M response-token passes instead of N*M full
    passes. Divide column j by ``len(response_ids[j])`` for the per-token mean (same forward pass). ``mix``
    (``remid.estimators.copy.CopyMixture``) rewrites the token log-probs of each context's responses first.
    """
    from transformers import DynamicCache

    chunks = _response_chunks(response_ids, pad_id, batch_size, model.device)
    cache_arg = _cache_kwarg(model)
    out = torch.empty((len(context_ids), len(response_ids)), dtype=torch.float32)
    for i, ctx in enumerate(context_ids):
        cache = DynamicCache(config=model.config)
        ctx_out = model(input_ids=torch.tensor([list(ctx)], device=model.device), use_cache=True, logits_to_keep=1,
                        **{cache_arg: cache})
        first_logprobs = torch.log_softmax(ctx_out.logits[0, -1].float(), -1)  # [V] predicts response token 0
        table = mix.continuations(ctx) if mix is not None else None
        for cols, ids, mask, later, predicts in chunks:
            # Right-padded: no attention mask needed (see token_logprobs). A fresh shared view per call.
            def inputs(ids=ids, cache=cache) -> dict:
                return {"input_ids": ids, "use_cache": True, cache_arg: share_prefix(cache, ids.shape[0])}

            logits = _logits_at(model, predicts, inputs)
            scores = torch.zeros(ids.shape, dtype=torch.float32, device=logits.device)  # [b, R]
            scores[:, 0] = first_logprobs[ids[:, 0]]
            scores[:, 1:][later] = gather_logprobs(logits, ids[:, 1:][later])  # logits [K, V]
            if mix is not None:
                scores = mix.mix(table, [response_ids[j] for j in cols.tolist()], scores)
            out[i, cols] = reduce_logprobs(scores, mask, "sum").cpu()
        if progress is not None:
            progress()
    return out


def per_token_mean(sums: torch.Tensor, response_ids: Sequence[Sequence[int]]) -> torch.Tensor:
    """Summed log-probs [N, M] -> per-token means, column j divided by its token count."""
    lengths = torch.tensor([max(len(r), 1) for r in response_ids], dtype=sums.dtype)  # [M]
    return sums / lengths


def cross_logprobs(model, context_ids: Sequence[Sequence[int]], response_ids: Sequence[Sequence[int]],
                   reduction: str | tuple[str, ...] = "sum", pad_id: int = 0, batch_size: int = 64,
                   progress=None, mix=None) -> torch.Tensor | dict[str, torch.Tensor]:
    """The N x M matrix log p(response_j | context_i) (CLUB, equation 2), summed or per-token mean. -> [N, M]

    A tuple of reductions (e.g. ``REDUCTIONS``) gives ``{reduction: [N, M]}``, all from one forward pass.
    """
    names = (reduction,) if isinstance(reduction, str) else tuple(reduction)
    for name in names:
        if name not in REDUCTIONS:
            raise ValueError(f"unknown reduction {name!r}; expected one of {REDUCTIONS}")
    sums = cross_logprob_sums(model, context_ids, response_ids, pad_id, batch_size, progress, mix)
    out = {name: sums if name == "sum" else per_token_mean(sums, response_ids) for name in names}
    return out[reduction] if isinstance(reduction, str) else out
