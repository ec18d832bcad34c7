"""vLLM backend (GPU; optional ``remid[gpu]`` extra). Same ``Generator`` protocol as ``HFGenerator``.

Prompts go to the engine as token ids from ``remid.models.chat.encode_context`` (not as text, which
vLLM would tokenize with special tokens): the same BOS and token-boundary rules as transformers
generation, SFT and scoring.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from remid.generation.base import SamplingParams, cut_at_stop
from remid.models.chat import encode_context

log = logging.getLogger(__name__)


class VLLMGenerator:
    """Generate with ``vllm.LLM`` from a checkpoint directory or hub id; ``tokenizer`` is the engine's."""

    def __init__(self, model_path: str, gpu_memory_utilization: float = 0.5, max_model_len: int = 4096,
                 dtype: str = "auto", batch_size: int = 256, max_prompt_tokens: int | None = None,
                 chat_template: bool | None = None, **llm_kwargs) -> None:
        try:
            import vllm
        except ImportError as exc:
            raise ImportError("generation=vllm needs vLLM: pip install 'remid[gpu]' on a CUDA machine") from exc
        self._vllm = vllm
        self.llm = vllm.LLM(model=model_path, gpu_memory_utilization=gpu_memory_utilization,
                            max_model_len=max_model_len, dtype=dtype, **llm_kwargs)
        self.tokenizer = self.llm.get_tokenizer()
        if chat_template is False:  # model.chat_template=false (base checkpoints): plain-text prompts
            self.tokenizer.chat_template = None
        self.batch_size, self.max_model_len = batch_size, max_model_len
        self.max_prompt_tokens = max_prompt_tokens

    def sync_weights(self, model) -> None:
        """Load ``model``'s current weights into the engine (colocated on-policy RL).

        Uses ``LLM.apply_model`` (vLLM >= 0.9); with the V1 engine in a separate process the state
        dict is pickled to the worker (``VLLM_ALLOW_INSECURE_SERIALIZATION=1``).
        """
        if not hasattr(self.llm, "apply_model"):
            raise NotImplementedError("this vLLM has no LLM.apply_model: upgrade vLLM (>= 0.9) to sync weights")
        state = {name: tensor.detach() for name, tensor in model.state_dict().items()}
        self.llm.apply_model(lambda engine_model: engine_model.load_weights(state.items()))

    def prompt_ids(self, contexts: list[str], max_new_tokens: int) -> list[list[int]]:
        """Token ids per context; keeps the last tokens when a context would not fit the engine (logged)."""
        limit = self.max_model_len - max_new_tokens
        if self.max_prompt_tokens is not None:
            limit = min(limit, self.max_prompt_tokens)
        ids = [encode_context(self.tokenizer, c) for c in contexts]
        too_long = sum(len(x) > limit for x in ids)
        if too_long:
            log.warning("%d of %d prompts exceed %d tokens and lose their first tokens: fit them to "
                        "data.max_prompt_tokens first (remid.models.chat.fit_prompt)", too_long, len(ids), limit)
        return [x[-limit:] for x in ids]

    def generate(self, contexts: list[str], sampling: SamplingParams,
                 progress: Callable[[int], None] | None = None) -> list[list[str]]:
        params = self._vllm.SamplingParams(
            n=sampling.n, temperature=sampling.temperature, top_p=sampling.top_p,
            max_tokens=sampling.max_new_tokens, repetition_penalty=sampling.repetition_penalty,
            stop=list(sampling.stop) or None, seed=sampling.seed,
        )
        prompts = [{"prompt_token_ids": ids} for ids in self.prompt_ids(contexts, sampling.max_new_tokens)]
        results = self.llm.generate(prompts, params, use_tqdm=False)
        if progress is not None:
            progress(len(contexts))
        return [[cut_at_stop(o.text, sampling.stop) for o in r.outputs] for r in results]
