"""vLLM backend (GPU; optional ``remid[gpu]`` extra). Same interface as ``HFGenerator``."""

from __future__ import annotations

from collections.abc import Callable

from remid.generation.base import SamplingParams, cut_at_stop


class VLLMGenerator:
    """Generate with ``vllm.LLM`` from a checkpoint directory or hub id."""

    def __init__(self, model_path: str, gpu_memory_utilization: float = 0.5, max_model_len: int = 4096,
                 dtype: str = "auto", **llm_kwargs) -> None:
        try:
            import vllm
        except ImportError as exc:
            raise ImportError("generation=vllm needs vLLM: pip install 'remid[gpu]' on a CUDA machine") from exc
        self._vllm = vllm
        self.llm = vllm.LLM(model=model_path, gpu_memory_utilization=gpu_memory_utilization,
                            max_model_len=max_model_len, dtype=dtype, **llm_kwargs)

    def sync_weights(self, model) -> None:
        """Load ``model``'s current weights into the engine (colocated on-policy RL)."""
        state = model.state_dict()
        engine_model = self.llm.llm_engine.model_executor.driver_worker.model_runner.model
        engine_model.load_weights(state.items())

    def generate(self, contexts: list[str], sampling: SamplingParams,
                 progress: Callable[[int], None] | None = None) -> list[list[str]]:
        params = self._vllm.SamplingParams(
            n=sampling.n, temperature=sampling.temperature, top_p=sampling.top_p,
            max_tokens=sampling.max_new_tokens, repetition_penalty=sampling.repetition_penalty, stop=list(sampling.stop) or None, seed=sampling.seed,
        )
        results = self.llm.generate(contexts, params, use_tqdm=False)
        if progress is not None:
            progress(len(contexts))
        return [[cut_at_stop(o.text, sampling.stop) for o in r.outputs] for r in results]
