"""Default backend: batched ``transformers`` ``generate`` (greedy by default, left padding)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import torch

from remid.generation.base import Completion, SamplingParams, cut_at_stop
from remid.models.chat import encode_context

log = logging.getLogger(__name__)


def sampled_ids(tokenizer, row: list[int], stop: tuple[str, ...]) -> tuple[list[int], bool]:
    """``(ids, finished)``: the tokens one generated row sampled, and whether EOS or a stop string ended it.

    ``generate`` pads rows that finished early; ids run through the first EOS (kept), else trailing
    pads are dropped. Where pad is EOS (Llama 3 base), an EOS right after a stop string is padding.
    """
    def hit_stop(ids: list[int]) -> bool:
        text = tokenizer.decode(ids, skip_special_tokens=True)
        return any(s and s in text for s in stop)

    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    if eos in row:
        ids = row[: row.index(eos) + 1]
        return (ids[:-1], True) if pad == eos and len(ids) > 1 and hit_stop(ids[:-1]) else (ids, True)
    ids = list(row)
    while len(ids) > 1 and ids[-1] == pad:
        ids.pop()
    return ids, hit_stop(ids)


class HFGenerator:
    """Generate with a loaded ``transformers`` model; ``batch_size`` contexts per call.

    Contexts should already fit ``max_prompt_tokens`` (``data.max_prompt_tokens``; callers fit the
    prompt with ``remid.models.chat.fit_prompt``, dropping the oldest turns). A longer one keeps its
    last tokens, with a warning.
    """

    def __init__(self, model, tokenizer, batch_size: int = 16, max_prompt_tokens: int | None = None) -> None:
        self.model, self.tokenizer = model, tokenizer
        self.batch_size, self.max_prompt_tokens = batch_size, max_prompt_tokens

    def prompt_ids(self, contexts: list[str]) -> list[list[int]]:
        ids = [encode_context(self.tokenizer, c) for c in contexts]
        limit = self.max_prompt_tokens
        if limit is None:
            return ids
        too_long = sum(len(x) > limit for x in ids)
        if too_long:
            log.warning("%d of %d prompts exceed max_prompt_tokens=%d and lose their first tokens: fit them "
                        "with remid.models.chat.fit_prompt first", too_long, len(ids), limit)
        return [x[-limit:] for x in ids]

    def sync_weights(self, model) -> None:
        self.model = model

    def _sample(self, ids: list[list[int]], sampling: SamplingParams) -> torch.Tensor:
        """``sampling.n`` rows per prompt of generated ids (padded after EOS/stop). -> [len(ids) * n, new]"""
        tok = self.tokenizer
        width = max(map(len, ids))
        input_ids = torch.tensor([[tok.pad_token_id] * (width - len(x)) + x for x in ids])
        mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in ids])
        kwargs = {"do_sample": sampling.temperature > 0, "num_return_sequences": sampling.n,
                  "repetition_penalty": sampling.repetition_penalty}
        if sampling.temperature > 0:
            # top_k=0: sample the full distribution (transformers defaults to top-50), the one GRPO scores its
            # rollouts under, as TRL does.
            kwargs.update(temperature=sampling.temperature, top_p=sampling.top_p, top_k=0)
        if sampling.stop:
            kwargs.update(stop_strings=list(sampling.stop), tokenizer=tok)
        generated = self.model.generate(
            input_ids=input_ids.to(self.model.device), attention_mask=mask.to(self.model.device),
            max_new_tokens=sampling.max_new_tokens, pad_token_id=tok.pad_token_id,
            eos_token_id=tok.eos_token_id, **kwargs,
        )
        return generated[:, width:].cpu()

    def _batches(self, contexts: list[str], sampling: SamplingParams, progress):
        """Yield the generated ids (``_sample``) of each ``batch_size`` contexts, the model in eval mode, seeded."""
        was_training = self.model.training
        self.model.eval()
        torch.manual_seed(sampling.seed)
        try:
            for start in range(0, len(contexts), self.batch_size):
                chunk = contexts[start:start + self.batch_size]
                yield self._sample(self.prompt_ids(chunk), sampling)
                if progress is not None:
                    progress(len(chunk))
        finally:
            self.model.train(was_training)

    @torch.inference_mode()
    def generate(self, contexts: list[str], sampling: SamplingParams,
                 progress: Callable[[int], None] | None = None) -> list[list[str]]:
        outputs: list[list[str]] = []
        for generated in self._batches(contexts, sampling, progress):
            texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            texts = [cut_at_stop(t, sampling.stop) for t in texts]
            outputs.extend(texts[i:i + sampling.n] for i in range(0, len(texts), sampling.n))
        return outputs

    @torch.inference_mode()
    def complete(self, contexts: list[str], sampling: SamplingParams,
                 progress: Callable[[int], None] | None = None) -> list[list[Completion]]:
        """Like ``generate``, with the sampled token ids and whether each completion ended (on-policy RL)."""
        outputs: list[list[Completion]] = []
        for generated in self._batches(contexts, sampling, progress):
            row_completions = []
            for row in generated.tolist():
                ids, finished = sampled_ids(self.tokenizer, row, sampling.stop)
                text = cut_at_stop(self.tokenizer.decode(ids, skip_special_tokens=True), sampling.stop)
                row_completions.append(Completion(text, ids, finished))
            outputs.extend(row_completions[i:i + sampling.n] for i in range(0, len(row_completions), sampling.n))
        return outputs

    @classmethod
    def from_pretrained(cls, model_path: str, batch_size: int = 16, dtype: str = "float32",
                        max_prompt_tokens: int | None = None, chat_template: bool | None = None) -> HFGenerator:
        from remid.models.loading import load_model

        model, tokenizer = load_model(model_path, dtype=dtype, chat_template=chat_template)
        return cls(model, tokenizer, batch_size=batch_size, max_prompt_tokens=max_prompt_tokens)
