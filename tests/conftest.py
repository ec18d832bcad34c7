"""Shared fixtures: compose the real Hydra config, shrink it, and write everything under tmp paths.

Runs that several tests read (a trained RPM per method) are session-scoped fixtures built on first use, so
no test depends on another's order or files. Plain support code (``loopback_chat``, ``synthetic_results``,
``subprocess_runs``) sits beside the tests; pytest puts this folder on ``sys.path``.
"""

from __future__ import annotations

import csv
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("WANDB_MODE", "offline")
os.environ.setdefault("WANDB_SILENT", "true")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CONF_DIR = str(Path(__file__).resolve().parents[1] / "conf")


def compose(config_name: str, overrides: list[str]):
    """Compose ``conf/<config_name>.yaml`` with ``overrides`` (inside an initialized Hydra context)."""
    from hydra import compose as hydra_compose
    from hydra.core.hydra_config import HydraConfig

    cfg = hydra_compose(config_name=config_name, overrides=overrides, return_hydra_config=True)
    HydraConfig.instance().set_config(cfg)  # resolves ${now:...} and hydra.* interpolations
    from omegaconf import open_dict

    with open_dict(cfg):
        del cfg["hydra"]
    return cfg


@contextmanager
def hydra_context():
    """Hydra initialised on ``conf/`` (re-entrant: inside an open context it adds nothing)."""
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    import remid.config  # noqa: F401  registers the schemas conf/ composes with

    if GlobalHydra.instance().is_initialized():
        yield compose
        return
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        yield compose


@pytest.fixture(autouse=True)
def _root_logging_restored():
    """A test that runs a Hydra main in-process leaves root handlers on pytest's captured (later closed)
    streams; each test gets the root logger's handlers and level back as they were."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _environment_restored():
    """Library code writes os.environ in-process (Lightning's SLURMEnvironment sets MASTER_ADDR and MASTER_PORT
    when asked for them, remid.run.cli sets HYDRA_FULL_ERROR): each test gets the environment back as it was, so
    no later test or subprocess inherits them (a MASTER_ADDR=gpu01 left behind hung a later two-rank SLURM job)."""
    environ = dict(os.environ)
    yield
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)


@pytest.fixture
def hydra_ctx():
    """``compose(config_name, overrides)`` for one test."""
    with hydra_context():
        yield compose


@pytest.fixture(scope="module")
def compose_ctx():
    """``compose(config_name, overrides)`` for a module's fixtures and tests (Hydra stays initialised)."""
    with hydra_context():
        yield compose


@pytest.fixture(scope="session")
def conf_dir() -> Path:
    return Path(CONF_DIR)


@pytest.fixture(scope="session")
def read_metric():
    """``read_metric(run_dir, name)``: the logged values of ``name`` in a run's CSV metrics."""
    def read(run_dir: Path, name: str) -> list[float]:
        rows = list(csv.DictReader((next((run_dir / "csv").rglob("metrics.csv"))).open()))
        return [float(r[name]) for r in rows if r.get(name)]

    return read


# A few optimizer steps of every table-20 method on the tiny model (what each needs first: ``NEEDS``).
FAST = ["logger=none", "data.train_limit=4", "trainer.max_steps=2", "+trainer.limit_val_batches=1",
        "trainer.enable_progress_bar=false", "model.batch_size=2", "generation.sampling.max_new_tokens=12"]
RL = ["trainer.max_steps=2", "method.module.num_generations=2", "method.module.max_new_tokens=12",
      "method.datamodule.batch_size=2"]
METHOD_OVERRIDES = {
    "sft": [], "thinking_sft": ["method.datamodule.val_limit=2"], "icl": [], "da": [],
    "dpo": ["method.datamodule.val_size=2"], "rft": ["method.prepare.best_of_n.n=2"],
    "rl": RL, "thinking_rl": RL, "ours": RL,
}
NEEDS = {"dpo": "sft", "rft": "sft", "rl": "sft", "thinking_rl": "thinking_sft", "ours": "thinking_sft"}


def method_trainer(runs: Path, extra: list[str] | None = None):
    """``train_method(name) -> (cfg, runs_dir)``: ``name`` trained once into ``runs`` (FAST sizes, ``extra``
    overrides after them), after the run it starts from (``NEEDS``)."""
    from remid.run.train import train

    done: dict[str, object] = {}

    def train_method(name: str):
        if name not in done:
            if name in NEEDS:
                train_method(NEEDS[name])
            with hydra_context():
                cfg = compose("train", [f"method={name}", f"paths.runs_dir={runs}", *FAST, *METHOD_OVERRIDES[name],
                                        *(extra or [])])
                train(cfg)
            done[name] = cfg
        return done[name], runs

    return train_method


@pytest.fixture(scope="session")
def method_runs(tmp_path_factory):
    """``method_trainer`` on the default tiny model, one shared runs directory per session."""
    return method_trainer(tmp_path_factory.mktemp("method_runs"))


@pytest.fixture(scope="session")
def tiny_qwen3() -> str:
    from remid.tiny.models import tiny_model_path

    return str(tiny_model_path("qwen3"))


@pytest.fixture(scope="session")
def mini_samples():
    from remid.data.readers import load_samples

    return load_samples()


QWEN_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
                r"|\s+(?!\S)|\s+")
LLAMA3_PATTERN = QWEN_PATTERN.replace(r"|\p{N}|", r"|\p{N}{1,3}|")
CHATML = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def byte_level_bpe(kind: str, texts: list[str]):
    """A small byte-level BPE built like Qwen's (split regex, ChatML template, no BOS) or Llama 3 base's
    (its regex, a post-processor that adds ``<|begin_of_text|>``, no chat template)."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_PATTERN if kind == "qwen" else LLAMA3_PATTERN), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=900, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(texts, trainer=trainer)
    if kind == "llama":
        bos = tokenizer.token_to_id("<|begin_of_text|>")
        tokenizer.post_processor = processors.TemplateProcessing(
            single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A $B", special_tokens=[("<|begin_of_text|>", bos)])
        return PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<|begin_of_text|>",
                                       eos_token="<|end_of_text|>", pad_token="<|pad|>")
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|im_end|>", pad_token="<|pad|>",
                                   chat_template=CHATML)


@pytest.fixture(scope="session")
def bpe_tokenizers(mini_samples):
    """``{"qwen": ..., "llama": ...}`` trained on every template rendered with its response for a few samples."""
    from remid.core.prompts import direct_prompt, policy_prompt, reasoning_prompt, rpm_prompt
    from remid.core.reasoning import rule_based_reasoning

    texts = []
    for sample in mini_samples[::40]:
        trace = rule_based_reasoning(sample)
        for prompt, answer in ((rpm_prompt(sample), sample.golden_response), (reasoning_prompt(sample), trace),
                               (policy_prompt(sample, trace), sample.golden_response),
                               (direct_prompt(sample), sample.golden_response)):
            texts.append(prompt.text + "\n\n" + prompt.response_prefix + prompt.target(answer))
    return {kind: byte_level_bpe(kind, texts) for kind in ("qwen", "llama")}


class OpenAIChatServer:
    """A loopback server speaking the OpenAI chat-completions schema (``POST /v1/chat/completions``).

    ``respond(body, n)`` answers each request (``n``: how often this exact prompt was seen, from 1) with
    ``(status, content, headers)``: a 200 sends ``content`` as the choice's message with a ``usage`` of
    whitespace-token counts; any other status sends ``{"error": {"message": content}}``. It counts the
    requests, the prompts and the most requests in flight at once; ``on_request(total, prompt)`` runs before
    each answer.
    """

    def __init__(self, respond) -> None:
        import json
        import threading
        from collections import Counter
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        server = self
        self.respond, self.on_request = respond, None
        self.lock = threading.Lock()
        self.seen: Counter = Counter()
        self.total = self.in_flight = self.max_in_flight = 0
        self.prompt_tokens = self.completion_tokens = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                prompt = "\n".join(m["content"] for m in body.get("messages", []))
                with server.lock:
                    server.total += 1
                    server.seen[prompt] += 1
                    n, total = server.seen[prompt], server.total
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if server.on_request is not None:
                        server.on_request(total, prompt)
                    if self.path != "/v1/chat/completions":
                        status, content, headers = 404, f"no route {self.path}", {}
                    else:
                        status, content, headers = server.respond(body, n)
                    if status == 200:
                        usage = {"prompt_tokens": len(prompt.split()), "completion_tokens": len(content.split())}
                        with server.lock:
                            server.prompt_tokens += usage["prompt_tokens"]
                            server.completion_tokens += usage["completion_tokens"]
                        payload = {"id": "chatcmpl-0", "object": "chat.completion", "model": body.get("model"),
                                   "choices": [{"index": 0, "finish_reason": "stop",
                                                "message": {"role": "assistant", "content": content}}],
                                   "usage": usage}
                    else:
                        payload = {"error": {"message": content}}
                    data = json.dumps(payload).encode()
                finally:
                    with server.lock:
                        server.in_flight -= 1
                try:
                    self.send_response(status)
                    for name, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client is gone
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def openai_server():
    """``start(respond) -> OpenAIChatServer`` on loopback; every server started is shut down after the test."""
    servers = []

    def start(respond) -> OpenAIChatServer:
        servers.append(OpenAIChatServer(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def bench_overrides(root: Path, name: str) -> list[str]:
    """build_bench overrides for a small build on the first 3 shipped personas, writing under root/name."""
    from remid.rpgbench.seeds import shipped

    seeds = root / "personas.jsonl"
    if not seeds.exists():
        lines = shipped("personas").read_text(encoding="utf-8").splitlines(keepends=True)[:3]
        seeds.write_text("".join(lines), encoding="utf-8")
    return [f"paths.runs_dir={root / name}", f"bench.seeds.personas={seeds}", "bench.characters_per_persona=5"]


@pytest.fixture
def bench_cfg(hydra_ctx, tmp_path):
    """``make(name, *overrides)``: the build_bench config of ``bench_overrides(tmp_path, name)``."""

    def make(name: str, *overrides: str):
        return hydra_ctx("build_bench", [*bench_overrides(tmp_path, name), *overrides])

    return make
