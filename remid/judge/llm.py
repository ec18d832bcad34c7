"""LLM-as-a-judge: WinRate and PointScore from an ensemble of ``LLMClient`` judges (paper section 2.3, appendix B).

Every judge (the paper's: Qwen3-235B-A22B, GPT-4o-mini, Claude-3.7-Sonnet) asks three questions per sample:

* ``judge_pairwise`` twice -- the model response against the golden response, once with the model
  response as A and once as B (``remid.judge.prompts.judge_pairwise_prompt``). Each valid verdict becomes the
  model's outcome (win 1, tie 0.5, loss 0); the sample's WinRate outcome is the mean of the valid
  orders (one order alone when the other is missing), and a sample whose two valid orders disagree is
  *position-inconsistent*. A judge that always says "A" scores 0.5 with every pair inconsistent.
* ``judge_point`` once -- a 1-10 score of the model response (``remid.judge.prompts.judge_point_prompt``).

An answer the client could not get (HTTP failure, or no JSON object with the key even after its
re-asks) or whose value is outside the schema (``remid.judge.verdicts``) is *missing*: it is never
counted as a win, a loss, a tie or a score. Every request and raw answer stays in each client's cache
file (failures included), so every judgment can be read back; a rerun asks only what is not cached.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from remid.core.cache import JsonlCache
from remid.core.schema import Sample
from remid.judge.prompts import JUDGE_SCORE_KEY, JUDGE_WINNER_KEY, judge_pairwise_prompt, judge_point_prompt
from remid.judge.report import JudgeScores
from remid.judge.verdicts import model_outcome, score_of, winner_of
from remid.llm.client import LLMClient, check_answered
from remid.llm.types import ChatRequest

log = logging.getLogger(__name__)

PAIRWISE_TASK, POINT_TASK = "judge_pairwise", "judge_point"
REQUESTS_PER_SAMPLE = 3  # model as A, model as B, point score


def judge_requests(sample: Sample, response: str, max_tokens: int = 512,
                   temperature: float = 0.0) -> list[ChatRequest]:
    """The three requests for one sample: pairwise with the model response as A, as B, then the point score."""
    def request(text: str, task: str, key: str, **fields) -> ChatRequest:
        return ChatRequest([{"role": "user", "content": text}], task=task,
                           fields={"sample_id": sample.sample_id, **fields}, temperature=temperature,
                           max_tokens=max_tokens, json_keys=(key,))

    golden = sample.golden_response
    return [
        request(judge_pairwise_prompt(sample, response, golden), PAIRWISE_TASK, JUDGE_WINNER_KEY, model_position="A"),
        request(judge_pairwise_prompt(sample, golden, response), PAIRWISE_TASK, JUDGE_WINNER_KEY, model_position="B"),
        request(judge_point_prompt(sample, response), POINT_TASK, JUDGE_SCORE_KEY),
    ]


class LLMJudge:
    """An ensemble of named LLM judges (module docstring). ``clients`` maps a judge's name to its
    ``LLMClient``; a client without a cache gets ``cache_dir / f"{name}.jsonl"`` when ``cache_dir`` is given.
    ``n_boot`` and ``seed`` set the bootstrap intervals of the report. A judge that answers none of its requests
(an unreachable server, a missing key) raises ``NoAnswerError`` unless ``allow_missing``.
    """

    def __init__(self, clients: Mapping[str, LLMClient], cache_dir: str | Path | None = None,
                 max_tokens: int = 512, temperature: float = 0.0, n_boot: int = 1000, seed: int = 0,
                 label: str | None = None, allow_missing: bool = False) -> None:
        if not clients:
            raise ValueError("an LLM judge needs at least one client")
        self.clients = {str(name): client for name, client in clients.items()}
        for name, client in self.clients.items():
            if not isinstance(client, LLMClient):
                raise TypeError(f"judge {name!r} must be an LLMClient, got {type(client).__name__}")
            if client.cache is None and cache_dir is not None:
                client.cache = JsonlCache(Path(cache_dir) / f"{name}.jsonl")
            if client.cache is None:
                log.warning("judge %s has no cache: its prompts and answers will not be kept", name)
        self.max_tokens, self.temperature, self.n_boot, self.seed = max_tokens, temperature, int(n_boot), int(seed)
        self.names = list(self.clients)
        self.allow_missing = allow_missing  # a judge that answers nothing: reported missing, or (False) an error
        self.label = label or f"LLM-as-a-judge ({', '.join(self.names)})"

    def __repr__(self) -> str:
        return f"LLMJudge({', '.join(f'{n}={c.backend.name}' for n, c in self.clients.items())})"

    def units(self, n: int) -> int:
        """Progress steps for ``n`` samples (one per request of every judge)."""
        return REQUESTS_PER_SAMPLE * n * len(self.clients)

    def score(self, samples: Sequence[Sample], responses: Sequence[str],
              progress: Callable[[int], None] | None = None) -> list[JudgeScores]:
        """One ``JudgeScores`` per judge, in ``names`` order; the judges are asked concurrently."""
        requests = [r for sample, response in zip(samples, responses, strict=True)
                    for r in judge_requests(sample, response, self.max_tokens, self.temperature)]
        lock = threading.Lock()

        def step(k: int) -> None:
            if progress is not None:
                with lock:  # judges report from their own threads
                    progress(k)

        def run(name: str) -> JudgeScores:
            results = self.clients[name].chat(requests, progress=step)
            if not self.allow_missing:
                check_answered(results, f"judge {name}", "start its server or set its key (conf/judge), or "
                               "judge.allow_missing=true to report its judgments as missing")
            scores = JudgeScores(name)
            for i in range(0, len(results), REQUESTS_PER_SAMPLE):
                as_a, as_b, point = results[i:i + REQUESTS_PER_SAMPLE]
                scores.add_pair(model_outcome(winner_of(as_a), "A"), model_outcome(winner_of(as_b), "B"))
                value = score_of(point)
                scores.point.append(None if value is None else float(value))
            summary = scores.summary()
            log.info("judge %s: %d samples, %d without a WinRate outcome, %d without a PointScore, "
                     "%d position-inconsistent", name, len(scores.win), summary["missing_win_rate"],
                     summary["missing_point_score"], scores.inconsistent)
            return scores

        if len(self.clients) == 1:
            return [run(self.names[0])]
        with ThreadPoolExecutor(max_workers=len(self.clients)) as pool:
            return list(pool.map(run, self.names))

    def close(self) -> None:
        """Release every client's resources."""
        for client in self.clients.values():
            client.close()
