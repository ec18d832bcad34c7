"""A real loopback HTTP server speaking the OpenAI chat-completions schema: it generates with a backend,
or misbehaves on purpose (the first path segment picks the behaviour). Used by the LLM client and judge tests."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from remid.llm import ChatRequest

GARBAGE = "Sure! Here is what you asked for: answer = maybe, I think."


# ---------------------------------------------------------------------------------------------- server
class ChatServer(ThreadingHTTPServer):
    """Loopback chat-completions server; the first path segment picks its behaviour (``Handler``)."""

    daemon_threads = True

    def __init__(self, generate) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.generate, self.lock = generate, threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.calls: Counter = Counter()  # (mode, last message) -> requests seen
        self.total = self.in_flight = self.max_in_flight = 0
        self.auth: set = set()
        self.broken = True  # the "switch" mode answers garbage while True

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/v1"


class Handler(BaseHTTPRequestHandler):
    counted_out = True  # out of the in-flight count (``do_POST`` counts a well-formed request in)

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def finish_handling(self) -> None:
        """Leave the server's in-flight count, once: before the answer is written, since the client may send its
        next request as soon as it has read it (before this thread would reach its ``finally``)."""
        if not self.counted_out:
            self.counted_out = True
            with self.server.lock:
                self.server.in_flight -= 1

    def send(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.finish_handling()
        try:
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (stall mode)
            pass

    def answer(self, body: dict, text: str) -> None:
        self.send(200, {"id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                     "finish_reason": "stop"}]})

    def do_POST(self) -> None:
        server: ChatServer = self.server
        mode, _, rest = self.path.strip("/").partition("/")
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if rest != "v1/chat/completions" or not {"model", "messages", "temperature", "max_tokens"} <= set(body):
            return self.send(400, {"error": {"message": f"bad request to {self.path}: {sorted(body)}"}})
        content = body["messages"][-1]["content"]
        with server.lock:
            server.total += 1
            server.calls[mode, content] += 1
            n = server.calls[mode, content]
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
            server.auth.add(self.headers.get("Authorization"))
        self.counted_out = False
        try:
            self.respond(server, mode, n, body, content)
        finally:
            self.finish_handling()

    def respond(self, server: ChatServer, mode: str, n: int, body: dict, content: str) -> None:
        valid = json.dumps({"answer": content})
        if mode == "model":
            return self.answer(body, server.generate(body["messages"], body["max_tokens"]))
        if mode == "echo":
            time.sleep(0.03 * (len(content) % 4))  # uneven delays: answers finish out of order
            return self.answer(body, valid)
        if mode == "flaky" and n == 1:
            return self.send(500, {"error": {"message": "upstream overloaded"}})
        if mode == "ratelimit" and n == 1:
            return self.send(429, {"error": {"message": "slow down"}}, {"Retry-After": "0.3"})
        if mode == "stall" and n == 1:
            time.sleep(1.2)
        if mode == "garbage_once" and n == 1 or mode == "garbage" or mode == "switch" and server.broken:
            return self.answer(body, GARBAGE)
        if mode == "reject":
            return self.send(400, {"error": {"message": "The model 'nope' does not exist"}})
        if mode == "down":
            return self.send(503, {"error": {"message": "service unavailable"}})
        return self.answer(body, f"Here you go:\n```json\n{valid}\n```")


def serving(backend):
    """A fixture body: ``backend`` served on loopback by a ``ChatServer`` until the fixture ends."""
    def generate(messages, max_tokens):
        return backend.complete(ChatRequest(messages, task="serve", max_tokens=max_tokens))

    assert backend.generator is not None  # load the model before serving, not inside a client timeout
    server = ChatServer(generate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
