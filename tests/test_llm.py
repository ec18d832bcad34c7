"""The LLM client (remid/llm): a real loopback HTTP server speaking the OpenAI chat-completions schema
(generating with the tiny Qwen3, or misbehaving on purpose), the in-process and rule-based backends,
JSON parsing and the conf/llm configs."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from dataclasses import replace

import pytest
from loopback_chat import GARBAGE, serving

from remid.core.reasoning import extract_core_features, rule_based_reasoning
from remid.llm import (
    DIALOGUE_KEYS,
    TOPIC_KEYS,
    ChatRequest,
    JSONAnswerError,
    LLMClient,
    OpenAIChatBackend,
    RulesBackend,
    TransformersBackend,
    extract_json_object,
    parse_json_answer,
    render_messages,
)
from remid.llm.rules import detect_language, sample_facts

SECRET = "sk-remid-test-7f3a9c1e5b2d"
KEY_ENV = "REMID_TEST_LLM_KEY"


@pytest.fixture(scope="module")
def local_backend(tiny_qwen3):
    return TransformersBackend("tiny:qwen3", batch_size=2)


@pytest.fixture(scope="module")
def chat_server(local_backend):
    yield from serving(local_backend)


@pytest.fixture
def server(chat_server, monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)
    chat_server.reset()
    return chat_server


def http_client(server, mode, cache, timeout_s=5.0, **kwargs) -> LLMClient:
    backend = OpenAIChatBackend(server.url(mode), "tiny-qwen3", api_key_env=KEY_ENV, timeout_s=timeout_s)
    return LLMClient(backend, cache_path=cache, backoff_s=0.01, max_backoff_s=2.0, **kwargs)


def ask(text: str, keys: tuple[str, ...] = ("answer",), max_tokens: int = 8) -> ChatRequest:
    return ChatRequest([{"role": "user", "content": text}], task="test", json_keys=keys, max_tokens=max_tokens)


# ------------------------------------------------------------------------------------------------ HTTP
def test_http_answers_match_the_in_process_model(server, local_backend, mini_samples, tmp_path):
    from remid.core.prompts import rpm_prompt

    texts = ["Hello, who are you?", rpm_prompt(mini_samples[0]).text]
    requests = [ask(t, keys=(), max_tokens=4) for t in texts]
    with http_client(server, "model", tmp_path / "llm.jsonl", timeout_s=60, max_concurrency=1) as client:
        results = client.chat(requests)
    assert [r.ok for r in results] == [True] * 2 and client.stats.ok == 2
    assert [r.text for r in results] == [local_backend.complete(r) for r in requests]  # same rendering and model
    assert server.auth == {f"Bearer {SECRET}"}


def test_order_concurrency_bound_progress_and_cache(server, tmp_path):
    requests = [ask(f"item {'x' * i}") for i in range(12)]
    done = []
    client = http_client(server, "echo", tmp_path / "llm.jsonl", max_concurrency=3)
    results = client.chat(requests, progress=done.append)
    assert [r.parsed["answer"] for r in results] == [f"item {'x' * i}" for i in range(12)]
    assert 2 <= server.max_in_flight <= 3 and sum(done) == 12
    seen = server.total
    again = http_client(server, "echo", tmp_path / "llm.jsonl").chat(requests)  # a new run, same cache
    assert server.total == seen and all(r.cached and r.attempts == 0 for r in again)
    assert [r.parsed for r in again] == [r.parsed for r in results]


def test_a_request_repeated_in_one_call_is_asked_once(server, tmp_path):
    client = http_client(server, "echo", None)
    results = client.chat([ask("same"), ask("other"), ask("same")])
    assert server.total == 2 and results[0].parsed == results[2].parsed == {"answer": "same"}
    assert client.stats.requests == 3 and client.stats.ok == 3


@pytest.mark.parametrize("mode", ["flaky", "ratelimit", "stall"])
def test_transient_failures_are_retried(server, tmp_path, mode):
    client = http_client(server, mode, tmp_path / "llm.jsonl", timeout_s=0.3)
    start = time.monotonic()
    [result] = client.chat([ask(f"{mode} once")])
    elapsed = time.monotonic() - start
    assert result.ok and result.parsed == {"answer": f"{mode} once"} and result.attempts == 2
    assert client.stats.retries == 1 and client.stats.ok == 1 and server.total == 2
    if mode == "ratelimit":
        assert elapsed >= 0.3  # Retry-After honoured over the 0.01 s backoff
    if mode == "stall":
        assert elapsed < 1.0  # gave up on the stalled request after timeout_s, did not wait it out


def test_bad_json_is_reasked_then_recorded_failed(server, tmp_path, caplog):
    client = http_client(server, "garbage_once", tmp_path / "llm.jsonl")
    [fixed] = client.chat([ask("please json")])
    assert fixed.ok and fixed.attempts == 2 and client.stats.reasks == 1
    caplog.set_level(logging.INFO, logger="remid.llm")
    bad = http_client(server, "garbage", tmp_path / "llm.jsonl", parse_retries=2)
    [result] = bad.chat([ask("never json")])
    assert not result.ok and result.text == GARBAGE and result.attempts == 3 and "no JSON object" in result.error
    assert bad.stats.failed_parse == 1 and bad.stats.reasks == 2 and bad.stats.requests == 1
    entries = [json.loads(line)["v"] for line in (tmp_path / "llm.jsonl").read_text().splitlines()]
    failed = [e for e in entries if not e["ok"]]
    assert len(failed) == 1 and failed[0]["text"] == GARBAGE and failed[0]["outcome"] == "failed_parse"
    assert failed[0]["request"]["messages"][0]["content"] == "never json"
    assert "1 failed_parse" in caplog.text and "never json" not in caplog.text


def test_a_recorded_failure_is_asked_again_next_run(server, tmp_path):
    cache = tmp_path / "llm.jsonl"
    [first] = http_client(server, "switch", cache, parse_retries=0).chat([ask("flip")])
    assert not first.ok and server.total == 1
    server.broken = False
    [second] = http_client(server, "switch", cache).chat([ask("flip")])
    assert second.ok and not second.cached and server.total == 2
    [third] = http_client(server, "switch", cache).chat([ask("flip")])
    assert third.ok and third.cached and server.total == 2


def test_client_errors_fail_at_once_server_errors_exhaust_retries(server, tmp_path):
    reject = http_client(server, "reject", tmp_path / "llm.jsonl")
    [result] = reject.chat([ask("who")])
    assert not result.ok and result.attempts == 1 and "does not exist" in result.error and "400" in result.error
    assert reject.stats.failed_http == 1 and reject.stats.retries == 0
    down = http_client(server, "down", tmp_path / "llm.jsonl", max_retries=2)
    [result] = down.chat([ask("who")])
    assert not result.ok and result.text is None and result.attempts == 3 and "503" in result.error
    assert down.stats.failed_http == 1 and down.stats.retries == 2


def test_connection_refused_is_retried_then_failed(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens there
    client = LLMClient(OpenAIChatBackend(f"http://127.0.0.1:{port}/v1", "m", api_key_env=None, timeout_s=1),
                       max_retries=1, backoff_s=0.01)
    [result] = client.chat([ask("anyone?")])
    assert not result.ok and "connection error" in result.error and result.attempts == 2


def test_the_key_never_leaks(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / "llm.jsonl"
    results = []
    for mode in ("echo", "flaky", "garbage", "reject", "down"):
        client = http_client(server, mode, cache, max_retries=1, parse_retries=1)
        results += client.chat([ask(f"leak check {mode}")])
        assert SECRET not in repr(client.backend) and SECRET not in client.backend.name
    assert server.auth == {f"Bearer {SECRET}"}  # it was sent...
    assert SECRET not in cache.read_text() and SECRET not in caplog.text  # ...and written nowhere
    assert all(SECRET not in repr(r) for r in results)


def test_api_key_rules(server, monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(ValueError, match=KEY_ENV):
        OpenAIChatBackend("https://api.example.com/v1", "gpt-4o-mini", api_key_env=KEY_ENV)
    [result] = http_client(server, "echo", None).chat([ask("no key")])  # a loopback server needs none
    assert result.ok and server.auth == {None}


# ---------------------------------------------------------------------------------------------- parsing
@pytest.mark.parametrize("text, expected", [
    ('{"a": 1}', {"a": 1}),
    ('Sure! Here you go:\n```json\n{"possibility_1": "x", "possibility_2": "y"}\n```\nHope it helps.',
     {"possibility_1": "x", "possibility_2": "y"}),
    ('```\n{"a": "b"}\n```', {"a": "b"}),
    ('Output: {{ "user_query_1": "Hi", "agent_response_1": "Hello" }}', {"user_query_1": "Hi", "agent_response_1": "Hello"}),
    ('json { { "possibility_1": "", "possibility_2": "" } }', {"possibility_1": "", "possibility_2": ""}),
    ('{{"a": {{"b": 1}}}}', {"a": {"b": 1}}),
    ('The answer {"a": "a } brace", "n": {"m": [1, 2]}} and then {"b": 2}', {"a": "a } brace", "n": {"m": [1, 2]}}),
    ('I think {this} is it: {"a": "\\"quoted\\" {x}"}', {"a": '"quoted" {x}'}),
    ('```json\n{"a": 1,}\n```\nCorrected: {"a": 2}', {"a": 2}),
    ('{"话题": "书法和钓鱼", "키": "값"}', {"话题": "书法和钓鱼", "키": "값"}),
    ('[{"a": 1}, {"b": 2}]', {"a": 1}),  # a list of objects: the first
])
def test_extract_json_object(text, expected):
    assert extract_json_object(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("I am sorry, I cannot help with that.", "no JSON object (no '{')"),
    ('Here: {"user_query_1": "Hi", "agent_response_1": "Hel', "never closes (truncated answer?)"),
    ("{'a': 1}", "not valid JSON"),
    ('{"a": 1', "never closes"),
    ("Sure: [1, 2, 3] and {}", None),
])
def test_broken_answers_raise_clear_errors(text, message):
    if message is None:
        assert extract_json_object(text) == {}
        return
    with pytest.raises(JSONAnswerError, match=re.escape(message)):
        extract_json_object(text)


def test_missing_keys_are_named():
    with pytest.raises(JSONAnswerError, match=r"lacks key\(s\) \['possibility_3'\]"):
        parse_json_answer('{"possibility_1": "a", "possibility_2": "b"}', TOPIC_KEYS)


# ------------------------------------------------------------------------------------------------ rules
LANGUAGE_SUBSETS = ["id", "german", "spanish", "chinese", "japanese", "korean", "literature"]
SCRIPT = {"korean": r"[\uac00-\ud7af]", "japanese": r"[\u3040-\u30ff]", "chinese": r"[\u4e00-\u9fff]",
          "german": r"\b(Sie|du|und|die)\b", "spanish": r"[¿¡ñ]|\b(que|una|por|con|usted)\b",
          "english": r"\b(you|the|and|to|a)\b"}


@pytest.fixture(scope="module")
def language_samples(mini_samples):
    from remid.data.readers import by_subset

    groups = by_subset(mini_samples)
    return {subset: groups[subset][5] for subset in LANGUAGE_SUBSETS}


def test_rules_backend_answers_every_task_in_every_language(language_samples, tmp_path):
    requests = []
    for sample in language_samples.values():
        record = {"sample": sample.to_record()}
        requests += [ChatRequest([], "da_topics", record, json_keys=TOPIC_KEYS),
                     ChatRequest([], "thinking_trace", record), ChatRequest([], "reasoning_trace", record),
                     ChatRequest([], "rejection", record)]
    client = LLMClient(RulesBackend(), cache_path=tmp_path / "rules.jsonl")
    results = client.chat(requests)
    assert all(r.ok for r in results) and client.stats.ok == len(requests)
    dialogue_requests = []
    for i, (subset, sample) in enumerate(language_samples.items()):
        topics, thinking, reasoning, rejection = results[4 * i:4 * i + 4]
        assert thinking.text == extract_core_features(rule_based_reasoning(sample, with_reference=True))
        assert reasoning.text == rule_based_reasoning(sample, with_reference=True)
        facts = sample_facts(sample)
        language = facts.language
        assert language == ("english" if subset in ("id", "literature") else subset)
        for seed in topics.parsed.values():
            dialogue_requests.append(ChatRequest([], "da_dialogue", {"sample": sample.to_record(), "seed": seed},
                                                 json_keys=DIALOGUE_KEYS))
        assert re.search(SCRIPT[language], rejection.text)
        for own in (facts.name, sample.character_name, facts.job, facts.interest, facts.interest2):
            assert own.lower() not in rejection.text.lower()  # table 23: persona and character ignored
    dialogues = client.chat(dialogue_requests)
    assert all(d.ok for d in dialogues)
    for i, sample in enumerate(language_samples.values()):
        facts = sample_facts(sample)
        character = [facts.name, facts.field, facts.practice, facts.known_for, facts.trait]
        user = [facts.job, facts.interest, facts.interest2]
        three = [d.parsed for d in dialogues[3 * i:3 * i + 3]]
        assert len({d["user_query_2"] for d in three}) > 1  # the seed steers the dialogue
        for dialogue in three:
            assert all(re.search(SCRIPT[facts.language], dialogue[k]) for k in DIALOGUE_KEYS)
            for k in range(1, 5):
                reply = dialogue[f"agent_response_{k}"].lower()
                assert any(c.lower() in reply for c in character), (k, reply)
                assert any(u.lower() in reply for u in user), (k, reply)


def test_rules_backend_is_deterministic_and_detects_languages(language_samples):
    backend = RulesBackend()
    for sample in language_samples.values():
        request = ChatRequest([], "da_dialogue", {"sample": sample.to_record(), "seed": "a seed"})
        assert backend.complete(request) == backend.complete(request)
        assert detect_language(replace(sample, subset_tag="PostTrain")) == sample_facts(sample).language


def test_rules_backend_falls_back_to_keywords_outside_the_mini_pools(language_samples):
    character = {"character_name": "Zelda Quill", "character_domain": "Gaming", "character_source": "A game",
                 "basic_character_information": "A cartographer of floating islands.",
                 "character_background": "Raised on a sky ship.", "character_personality": "Zelda is wry and brave."}
    sample = replace(language_samples["id"], agent_character=character,
                     user_persona="I collect antique compasses and teach geography in Lisbon.")
    [dialogue] = LLMClient(RulesBackend()).chat([ChatRequest(
        [], "da_dialogue", {"sample": sample.to_record(), "seed": "compasses"}, json_keys=DIALOGUE_KEYS)])
    assert dialogue.ok and "Zelda Quill" in dialogue.parsed["user_query_1"]
    assert "compasses" in dialogue.parsed["user_query_2"] and "geography" in json.dumps(dialogue.parsed)


def test_rules_backend_rejects_unknown_tasks_and_missing_samples(language_samples):
    client = LLMClient(RulesBackend())
    sample = language_samples["id"]
    bad_task, no_sample = client.chat([ChatRequest([], "summarise", {"sample": sample.to_record()}),
                                       ChatRequest([], "rejection", {})])
    assert not bad_task.ok and "summarise" in bad_task.error and "da_dialogue" in bad_task.error
    assert not no_sample.ok and "fields['sample']" in no_sample.error and bad_task.attempts == 1
    with pytest.raises(TypeError, match="to_record"):
        client.chat([ChatRequest([], "rejection", {"sample": sample})])


# ---------------------------------------------------------------------------------------- transformers
def test_transformers_backend_returns_text_in_batches(local_backend, mini_samples, tmp_path):
    from remid.core.prompts import Prompt
    from remid.models.chat import context_text

    tok = local_backend.generator.tokenizer
    assert render_messages(tok, [{"role": "user", "content": "hi"}]) == context_text(tok, Prompt("hi", "", ""))
    prefilled = render_messages(tok, [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"},
                                      {"role": "assistant", "content": "## Agent Response\n"}])
    assert prefilled.startswith("<|im_start|>system\nBe brief.") and prefilled.endswith("assistant\n## Agent Response\n")
    requests = [ask(f"Tell me about item {i}.", keys=(), max_tokens=3 + i % 2) for i in range(3)]
    client = LLMClient(local_backend, cache_path=tmp_path / "local.jsonl")
    results = client.chat(requests)
    assert all(r.ok and isinstance(r.text, str) for r in results)
    assert [r.text for r in results] == [local_backend.complete(r) for r in requests]  # batching keeps order
    assert all(r.cached for r in LLMClient(local_backend, cache_path=tmp_path / "local.jsonl").chat(requests))
    [bad] = client.chat([ask("Answer in JSON.", keys=("x",), max_tokens=2)])
    assert not bad.ok and bad.attempts == 1 and client.stats.failed_parse == 1  # greedy: not re-asked


# ---------------------------------------------------------------------------------------------- configs
@pytest.mark.parametrize("option", ["rules", "local", "openai", "vllm_server"])
def test_llm_configs_instantiate_a_client(hydra_ctx, option, tmp_path, monkeypatch):
    from hydra.utils import instantiate

    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    overrides = [f"llm={option}", f"paths.runs_dir={tmp_path}"]
    if option == "vllm_server":
        overrides.append("llm.backend.model=Qwen/Qwen3-235B-A22B")
    client = instantiate(hydra_ctx("train", overrides).llm)
    assert isinstance(client, LLMClient) and str(client.cache.path).startswith(str(tmp_path / "cache" / "llm"))
    assert SECRET not in client.backend.name
    if option == "rules":
        [result] = client.chat([ChatRequest([], "reasoning_trace", {"sample": {}})])
        assert not result.ok and "invalid fields['sample']" in result.error
