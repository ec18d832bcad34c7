"""RPGBench construction end to end against a loopback server speaking the OpenAI chat schema.

The server's "teacher" reads only the prompts (as an API model does) and answers every table 4-7 task,
with injected faults: non-JSON replies once (re-asked), a 500 once (retried), a truncated JSON object,
a Korean persona in Latin script and prose instead of an array always (rejected).
"""

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from remid.core.schema import EVAL_SUBSETS
from remid.data.readers import by_subset, load_samples
from remid.rpgbench.build import build_bench

ROOT = Path(__file__).resolve().parents[1]
LINES = {"english": "Line {i} on {h}, as you said.", "german": "Zeile {i} über {h}, wie du sagst.",
         "spanish": "Línea {i} sobre {h}, como dices.", "chinese": "第{i}句，关于{h}。",
         "japanese": "{h}についての{i}番目のせりふです。", "korean": "{h}에 대한 {i}번째 말입니다."}
VARIANTS = {"german": "Ich bin Lehrerin in Köln ({h}).", "spanish": "Soy enfermera en Sevilla ({h}).",
            "chinese": "我是上海的工程师（{h}）。", "japanese": "私は札幌の会社員です（{h}）。",
            "korean": "저는 부산의 요리사입니다 ({h})."}
DOMAINS = ["Real-world figures", "Literature", "Film & Television", "Theater", "Gaming"]


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:6]


def _between(prompt: str, start: str, end: str) -> str:
    return re.search(re.escape(start) + r"(.*?)" + re.escape(end), prompt, re.S).group(1)


def _language(text: str) -> str:
    for language, pattern in (("korean", "[\uac00-\ud7af]"), ("japanese", "[\u3040-\u30ff]"), ("chinese", "[\u4e00-\u9fff]")):
        if re.search(pattern, text):
            return language
    return "german" if text.startswith("Ich") else "spanish" if text.startswith("Soy") else "english"


def _dialogue(rounds: int, persona: str, prompt: str) -> dict:
    line, h = LINES[_language(persona)], _h(prompt)
    return {f"{who}_{i}": line.format(i=f"{who[0]}{i}", h=h) for i in range(1, rounds + 1)
            for who in ("user_query", "agent_response")}


def teacher(prompt: str, n: int) -> tuple[int, str]:
    """(status, content) for one prompt asked for the ``n``-th time."""
    h = int(_h(prompt), 16)
    if prompt.startswith("You are given a user's persona"):
        persona = _between(prompt, '#### User Persona Description\n"', '"\n')
        tag = "Broken " if "history teacher" in persona else ""  # its Gaming character never refines
        items = [{"category": d, "character_name": f"{tag if d == 'Gaming' else ''}{d.split()[0]} {_h(persona)}",
                  "character_description": f"someone from {d}", "explanation": "shared interests"} for d in DOMAINS]
        return 200, "Sure:\n```json\n" + json.dumps(items) + "\n```"
    if prompt.startswith("Please summarize"):
        name = _between(prompt, 'the character "', '" from 4 aspects')
        if name.startswith("Broken"):
            return 200, json.dumps({name: {"character_source": "a game"}})[:-2] + ', "basic_char'  # truncated
        return 200, json.dumps({name: {"character_source": "source", "basic_character_information": f"{name} basics",
                                       "character_background": "background", "character_personality": "warm"}})
    if prompt.startswith("Your task is to determine"):
        if n == 1 and h % 3 == 0:
            return 500, "upstream overloaded"
        real = '"character_domain": "Real-world figures"' in prompt
        return 200, json.dumps({"classification_result": "Real Life Role" if real else "Fictional Role"})
    if prompt.startswith("You are designing"):
        persona = _between(prompt, 'The original user persona is: "', '"\n')
        out = {f"user_persona_variant{i}": VARIANTS[lang].format(h=_h(prompt)) for i, lang in
               enumerate(["german", "spanish", "chinese", "japanese", "korean"], 1)}
        if "software engineer" in persona:
            out["user_persona_variant5"] = "A Korean cook from Busan."  # wrong script: rejected
        return 200, json.dumps(out)
    if prompt.startswith("Your task is to take"):
        persona = _between(prompt, "The original user persona: ", "\n\nMake sure")
        keys = ["interests_hobbies", "values_beliefs", "knowledge_expertise", "behavioral_traits",
                "communication_style", "cultural_background"]
        return 200, json.dumps({k: LINES[_language(persona)].format(i=k[:3], h=_h(prompt)) for k in keys})
    if prompt.startswith("You are tasked with generating a realistic 4-round"):
        if n == 1 and h % 4 == 0:
            return 200, "Sure! Here is the dialogue you asked for, in a friendly tone."
        return 200, json.dumps(_dialogue(4, _between(prompt, '**User Persona**: "', '"\n'), prompt))
    if prompt.startswith("You are tasked with generating a realistic 8-round"):
        return 200, json.dumps(_dialogue(8, _between(prompt, '**User Persona**: "', '"\n'), prompt))
    if prompt.startswith("You are tasked with generating 5 possible variants"):
        if "playing chess" in _between(prompt, '**User Persona**: "', '"\n'):
            return 200, "I would rather not change the query."
        query = _between(prompt, '**Original User Query**: "', '"\n')
        return 200, json.dumps([{"user_query_variant": f"{query} ({w})", "golden_agent_response_variant": f"About {w}."}
                                for w in ("tea", "rain", "maps", "jazz", "snow")])
    if prompt.startswith("You are tasked with selecting one variant"):
        [first, *_] = json.loads(_between(prompt, "**Candidate Variants**: ```json ", "```"))
        return 200, json.dumps({"selected_user_query_variant": first["user_query_variant"],
                                "selected_golden_agent_response_variant": first["golden_agent_response_variant"]})
    return 400, f"unknown prompt {prompt[:40]!r}"


def respond(body: dict, n: int):
    prompt = body["messages"][-1]["content"]
    if "4-round dialogue" in prompt:
        time.sleep(0.02)  # slow enough that the client's concurrent requests overlap at the server
    status, content = teacher(prompt, n)
    return status, content, {}


def http_overrides(server) -> list[str]:
    return ["llm=vllm_server", "llm.backend.model=loopback-teacher", f"llm.backend.base_url={server.url}",
            "llm.backend.timeout_s=10", "llm.max_concurrency=3", "llm.backoff_s=0.01", "llm.max_backoff_s=0.02",
            "price_per_1m.prompt=1.0", "price_per_1m.completion=2.0"]


def files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("rpgbench.json", "provenance.jsonl", "stats.md", "rejects.jsonl")}


def test_http_build_end_to_end_with_broken_replies(openai_server, bench_cfg):
    server = openai_server(respond)
    cfg = bench_cfg("http", *http_overrides(server))
    summary = build_bench(cfg)
    groups = by_subset(load_samples(summary["out"]))
    assert sorted(g for g in groups if not g.endswith("_overlap")) == sorted(
        {"id_train", "id_dev", *EVAL_SUBSETS})
    assert "Broken" not in json.dumps([s.character_name for s in load_samples(summary["out"])])
    assert all(re.search("[\uac00-\ud7af]", s.user_persona) for s in groups["korean"])
    rejects = [json.loads(line) for line in (Path(cfg.out_dir) / "rejects.jsonl").read_text().splitlines()]
    by_step = {}
    for r in rejects:
        by_step.setdefault(r["step"], []).append(r)
    assert sorted(by_step) == ["1b_refine_characters", "2a_persona_variants", "3c_word_variants"]
    assert by_step["1b_refine_characters"][0]["raw"].startswith('{"Broken')
    assert "should be in korean" in by_step["2a_persona_variants"][0]["error"]
    assert by_step["3c_word_variants"][0]["raw"] == "I would rather not change the query."
    steps = summary["steps"]
    for step, found in by_step.items():
        assert steps[step]["rejected"] == len(found) == summary["rejected"][step]
    assert steps["1b_refine_characters"]["reasks"] == 2  # parse_retries, then rejected
    assert steps["1c_classify_characters"]["retries"] > 0 and steps["3a_id_dialogues"]["reasks"] > 0
    # Tokens: exactly what the server reported; cost at the configured prices.
    assert sum(s["prompt_tokens"] for s in steps.values()) == server.prompt_tokens
    assert sum(s["completion_tokens"] for s in steps.values()) == server.completion_tokens
    for s in steps.values():
        assert s["cost"] == pytest.approx((s["prompt_tokens"] + 2 * s["completion_tokens"]) / 1e6, rel=1e-12)
    assert 2 <= server.max_in_flight <= 3
    # A re-run sends nothing and writes the same files; earlier rejects are not asked again.
    first, total = files(Path(cfg.out_dir)), server.total
    again = build_bench(cfg)
    assert server.total == total and files(Path(cfg.out_dir)) == first
    assert again["steps"]["1b_refine_characters"]["skipped_rejects"] == 1
    # retry_rejects asks exactly the 3 rejected requests again, each 1 + parse_retries times.
    retried = build_bench(bench_cfg("http", *http_overrides(server), "retry_rejects=true"))
    assert server.total - total == 3 * 3 and sum(s["rejected"] for s in retried["steps"].values()) == 3
    assert files(Path(cfg.out_dir)) == first


@pytest.mark.slow
def test_killed_build_process_resumes_to_the_identical_files(openai_server, bench_cfg, tmp_path):
    server = openai_server(respond)  # one server for both builds: its URL is part of every cache key
    reference = bench_cfg("ref", *http_overrides(server))
    build_bench(reference)
    cfg = bench_cfg("killed", *http_overrides(server))
    overrides = [f"paths.runs_dir={tmp_path / 'killed'}", f"bench.seeds.personas={cfg.bench.seeds.personas}",
                 "bench.characters_per_persona=5", *http_overrides(server)]
    command = [sys.executable, str(ROOT / "build_bench.py"), *overrides]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    dialogues = []

    def kill_mid_dialogues(total: int, prompt: str) -> None:
        if "4-round dialogue" in prompt:
            dialogues.append(total)
            if len(dialogues) == 10:  # step 3a asks 27 ID dialogues: kill the build in the middle of it
                os.kill(proc.pid, signal.SIGKILL)

    server.on_request = kill_mid_dialogues
    proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    steps_dir = Path(cfg.out_dir) / "steps"
    assert (steps_dir / "2_personas.json").exists() and not (steps_dir / "3_dialogues.json").exists()  # killed in 3a
    server.on_request = None
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert files(Path(cfg.out_dir)) == files(Path(reference.out_dir))
    log = json.loads((Path(cfg.out_dir) / "build_log.json").read_text())["steps"]
    # The resumed run asked only what the killed one had not got: nothing before step 3a, part of 3a.
    for step in ("1a_initial_characters", "1b_refine_characters", "1c_classify_characters", "2a_persona_variants",
                 "2b_persona_expansion"):
        assert log[step]["asked"] == 0 and log[step]["cached"] + log[step]["skipped_rejects"] == log[step]["requests"]
    assert 0 < log["3a_id_dialogues"]["cached"] < log["3a_id_dialogues"]["requests"]


def test_requests_without_an_answer_are_asked_again_next_run(openai_server, bench_cfg):
    down = {"on": True}

    def flaky_turn_level(body: dict, n: int):
        if down["on"] and "8-round dialogue" in body["messages"][-1]["content"]:
            return 503, "service unavailable", {}
        return respond(body, n)

    server = openai_server(flaky_turn_level)
    cfg = bench_cfg("down", *http_overrides(server), "llm.max_retries=1")
    summary = build_bench(cfg)
    assert summary["steps"]["3b_turn_level"]["failed_http"] == summary["unanswered"] > 0
    assert "turn_level" in summary["empty_subsets"]
    rejects = (Path(cfg.out_dir) / "rejects.jsonl").read_text()
    assert "3b_turn_level" not in rejects  # not a bad answer: no answer at all
    down["on"] = False
    again = build_bench(cfg)
    assert again["steps"]["3b_turn_level"]["asked"] == summary["unanswered"] and again["empty_subsets"] == []
    assert again["steps"]["3a_id_dialogues"]["asked"] == 0


def test_a_teacher_that_never_answers_in_json_fails_the_build_clearly(openai_server, bench_cfg):
    server = openai_server(lambda body, n: (200, "I am sorry, I cannot help with that.", {}))
    cfg = bench_cfg("sorry", *http_overrides(server))
    with pytest.raises(RuntimeError, match="the build made no sample"):
        build_bench(cfg)
    rejects = (Path(cfg.out_dir) / "rejects.jsonl").read_text().splitlines()
    assert len(rejects) == 3 and server.total == 3 * 3  # each persona asked 1 + parse_retries times
    assert json.loads(rejects[0])["raw"] == "I am sorry, I cannot help with that."
