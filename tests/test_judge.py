"""LLM-as-a-judge (remid/judge): verdict parsing, both-orders WinRate, PointScore, the ensemble report, the
offline reference judge and the conf/judge configs. Judges are real backends behind the real ``LLMClient``: a
fixed-table backend reading only the prompt (as an HTTP server would) and test_llm's loopback
OpenAI-compatible server serving the tiny model."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from loopback_chat import GARBAGE, serving

from remid.judge import (
    REFERENCE_LABEL,
    LLMJudge,
    ReferenceJudge,
    bootstrap_ci,
    foil_index,
    judge_responses,
    score_from_text,
    winner_from_text,
)
from remid.llm import ChatRequest, LLMClient, OpenAIChatBackend, TransformersBackend

SECRET = "sk-remid-judge-test-4b1d"
KEYS = {"label", "judges", "win_rate", "win_rate_ci", "point_score", "point_score_ci", "n", "missing", "per_judge"}
MODEL = "[model reply"
PER_JUDGE = {"win_rate", "point_score", "missing_win_rate", "missing_point_score", "inconsistent"}


def verdict(winner: str) -> str:
    return f'```json\n{{"reason": "Stays in character and answers the question.", "winner": "{winner}"}}\n```'


def between(text: str, start: str, end: str) -> str | None:
    head, found, rest = text.partition(start)
    return rest.partition(end)[0] if found else None


class TableBackend:
    """A judge answering from fixed tables keyed by the model response it finds in the prompt (it reads only
    the messages, as an HTTP server does; model responses start with ``MODEL``). ``pairwise[response] =
    (answer with it as A, answer with it as B)``, ``points[response] = answer``; ``default`` holds the three
    answers for the other responses; ``calls`` counts requests."""

    reads_fields = False
    deterministic = True  # the client does not re-ask a bad answer at temperature 0

    def __init__(self, name: str, pairwise: dict | None = None, points: dict | None = None,
                 default: tuple[str, str, str] = ("", "", "")) -> None:
        self.name, self.pairwise, self.points, self.default = f"table:{name}", pairwise or {}, points or {}, default
        self.calls: Counter = Counter()
        self.lock = threading.Lock()

    def complete(self, request: ChatRequest) -> str:
        text = request.messages[-1]["content"]
        with self.lock:
            self.calls[request.task] += 1
        a = between(text, "<Response A> ", " </Response A>")
        if a is None:
            return self.points.get(between(text, "<Response> ", " </Response>"), self.default[2])
        b = between(text, "<Response B> ", " </Response B>")
        model_is_a = a.startswith(MODEL)
        assert model_is_a != b.startswith(MODEL), "one side is the model's, the other the golden response"
        return self.pairwise.get(a if model_is_a else b, self.default[:2])[0 if model_is_a else 1]


def table_judge(name: str, tmp_path: Path, **tables) -> tuple[LLMJudge, TableBackend]:
    backend = TableBackend(name, **tables)
    client = LLMClient(backend, cache_path=tmp_path / "judge" / f"{name}.jsonl", parse_retries=1, backoff_s=0)
    return LLMJudge({name: client}, n_boot=200, seed=3), backend


@pytest.fixture(scope="module")
def id_samples(mini_samples):
    from remid.data.readers import by_subset

    return by_subset(mini_samples)["id"]


def replies(samples) -> list[str]:
    return [f"{MODEL} {i}] I'd love to talk about that, friend." for i in range(len(samples))]


# ---------------------------------------------------------------------------------------------- parsing
@pytest.mark.parametrize("text, expected", [
    ('{"reason": "B ignores the persona.", "winner": "A"}', "A"),
    (verdict("B"), "B"),
    ('After weighing both, A is more in character.\n{"winner": "tie", "reason": "equal"} Hope this helps!', "tie"),
    ('{"winner": "  b "}', "B"),
    ('{"winner": "Response A", "reason": "..."}', "A"),
    ('{"winner": "TIE"}', "tie"),
    ('{{"reason": "x", "winner": "A"}}', "A"),
    ("Winner: A", None),  # prose without JSON: the client re-asks, then it is missing
    (GARBAGE, None),
    ("", None),
    ('{"winner": "C"}', None),
    ('{"winner": ""}', None),
    ('{"winner": null}', None),
    ('{"winner": ["A"]}', None),
    ('{"verdict": "A"}', None),
    ('{"reason": "A is better", "winner": "A or B"}', None),
    ('{"reason": "cut off after', None),
])
def test_winner_parsing(text, expected):
    assert winner_from_text(text) == expected


@pytest.mark.parametrize("text, expected", [
    ('{"reason": "In character, warm.", "score": 7}', 7),
    ('```json\n{"score": "8", "reason": "good"}\n```', 8),
    ('Here is my rating:\n{"score": 10}', 10),
    ('{"score": 1}', 1),
    ('{"score": 7.0}', 7),
    ('{"score": "9/10"}', 9),
    ('{"score": 11}', None),
    ('{"score": 0}', None),
    ('{"score": -3}', None),
    ('{"score": 7.5}', None),
    ('{"score": true}', None),
    ('{"score": "high"}', None),
    ('{"score": null}', None),
    ("Score: 8", None),
    ("", None),
])
def test_score_parsing(text, expected):
    assert score_from_text(text) == expected


# ------------------------------------------------------------------------------------------ both orders
def test_both_orders_missing_and_points_through_the_client(id_samples, tmp_path):
    samples = id_samples[:7]
    model = replies(samples)
    rows = [  # (answer with the model as A, as B, point answer) -> WinRate outcome, PointScore
        (verdict("A"), verdict("B"), '{"reason": "ok", "score": 7}'),  # consistent win: 1, 7
        (verdict("B"), 'I prefer A.\n{"winner": "A", "reason": "golden is better"}', '{"score": "3/10"}'),  # 0, 3
        (verdict("A"), verdict("A"), "Score: 8"),  # position-inconsistent: 0.5; prose score: missing
        (verdict("tie"), verdict("TIE"), '{"score": 11}'),  # consistent tie: 0.5; out of range: missing
        (GARBAGE, verdict("B"), '{"score": 10.0}'),  # one order missing: the other counts (1), 10
        ('{"winner": "C"}', "", '{"score": true}'),  # both orders invalid: missing; missing
        ('{"reason": "A is better"}', '{"winner": null}', '{"score": 7.5}'),  # missing; missing
    ]
    pairwise = {m: (a, b) for m, (a, b, _) in zip(model, rows, strict=True)}
    points = {m: p for m, (_, _, p) in zip(model, rows, strict=True)}
    judge, backend = table_judge("table", tmp_path, pairwise=pairwise, points=points)
    done = []
    report = judge_responses(judge, samples, model, progress=done.append)

    assert set(report) == KEYS and set(report["per_judge"]["table"]) == PER_JUDGE
    assert report["judges"] == ["table"] and report["n"] == 7 and sum(done) == judge.units(7) == 21
    assert report["win_rate"] == pytest.approx(3 / 5) and report["missing"] == {"win_rate": 2, "point_score": 4}
    assert report["point_score"] == pytest.approx(20 / 3)
    assert report["per_judge"]["table"] == {"win_rate": pytest.approx(0.6), "point_score": pytest.approx(20 / 3),
                                            "missing_win_rate": 2, "missing_point_score": 4, "inconsistent": 1}
    lo, hi = report["win_rate_ci"]
    assert 0 <= lo <= 0.6 <= hi <= 1 and report["point_score_ci"][0] <= 20 / 3 <= report["point_score_ci"][1]
    json.dumps(report, allow_nan=False)  # stored in results.json as is

    # Every prompt and raw answer is in the cache, failures included (a deterministic backend is asked once).
    assert sum(backend.calls.values()) == 21
    entries = [json.loads(line)["v"] for line in (tmp_path / "judge" / "table.jsonl").read_text().splitlines()]
    assert len(entries) == 21 and {e["request"]["task"] for e in entries} == {"judge_pairwise", "judge_point"}
    garbage = [e for e in entries if e["text"] == GARBAGE]
    assert len(garbage) == 1 and garbage[0]["outcome"] == "failed_parse"
    prompt = garbage[0]["request"]["messages"][0]["content"]
    assert f"<Response A> {model[4]} </Response A>" in prompt and samples[4].golden_response in prompt
    assert samples[4].user_persona in prompt and samples[4].character_name in prompt and "JSON" in prompt
    assert garbage[0]["request"]["fields"] == {"sample_id": samples[4].sample_id, "model_position": "A"}

    # A rerun reads every judgment back from the cache: nothing is asked but the failures, same report.
    again, backend2 = table_judge("table", tmp_path, pairwise=pairwise, points=points)
    assert judge_responses(again, samples, model) == report
    assert sum(backend2.calls.values()) == 4  # the garbage, empty, key-less and prose answers: client failures


def test_a_judge_always_saying_a_cancels_to_one_half(id_samples, tmp_path):
    samples = id_samples[:6]
    judge, _ = table_judge("always_a", tmp_path, default=(verdict("A"), verdict("A"), '{"score": 5}'))
    report = judge_responses(judge, samples, replies(samples))
    assert report["win_rate"] == 0.5 and report["win_rate_ci"] == [0.5, 0.5]
    assert report["per_judge"]["always_a"]["inconsistent"] == 6 and report["missing"]["win_rate"] == 0
    assert report["point_score"] == 5.0


# ---------------------------------------------------------------------------------------------- ensemble
def test_ensemble_averages_judges_per_sample(id_samples, tmp_path):
    samples = id_samples[:4]
    model = replies(samples)
    fan, _ = table_judge("fan", tmp_path, default=(verdict("A"), verdict("B"), '{"score": 8}'))
    strict_tables = {"pairwise": {model[3]: (GARBAGE, GARBAGE)}, "points": {model[3]: GARBAGE},
                     "default": (verdict("B"), verdict("A"), '{"score": 4}')}
    strict, _ = table_judge("strict", tmp_path, **strict_tables)
    judge = LLMJudge({**fan.clients, **strict.clients}, n_boot=500, seed=1)
    done = []
    report = judge_responses(judge, samples, model, progress=done.append)
    assert report["judges"] == ["fan", "strict"] and "fan, strict" in report["label"] and sum(done) == 24
    assert report["per_judge"]["fan"] == {"win_rate": 1.0, "point_score": 8.0, "missing_win_rate": 0,
                                          "missing_point_score": 0, "inconsistent": 0}
    assert report["per_judge"]["strict"] == {"win_rate": 0.0, "point_score": 4.0, "missing_win_rate": 1,
                                             "missing_point_score": 1, "inconsistent": 0}
    # Per sample the mean over the judges that judged it: 0.5, 0.5, 0.5 and (fan alone) 1.
    assert report["win_rate"] == pytest.approx(0.625) and report["point_score"] == pytest.approx(6.5)
    assert report["missing"] == {"win_rate": 0, "point_score": 0}
    lo, hi = report["win_rate_ci"]
    assert 0.5 <= lo <= 0.625 <= hi <= 1.0 and lo < hi
    assert judge_responses(judge, samples, model)["win_rate_ci"] == [lo, hi]  # seeded


def test_bootstrap_intervals():
    assert bootstrap_ci([]) == [None, None] and bootstrap_ci([7.0] * 5) == [7.0, 7.0]
    values = [1.0] * 60 + [0.0] * 140  # mean 0.3, standard error ~0.032
    lo, hi = bootstrap_ci(values, n_boot=2000, seed=0)
    assert lo < 0.3 < hi and 0.09 < hi - lo < 0.16
    assert bootstrap_ci(values, n_boot=2000, seed=0) == [lo, hi] != bootstrap_ci(values, n_boot=2000, seed=1)


def test_judge_responses_checks_its_inputs(id_samples):
    judge = ReferenceJudge()
    with pytest.raises(ValueError, match="2 samples but 1 responses"):
        judge_responses(judge, id_samples[:2], ["x"])
    with pytest.raises(TypeError, match="response 1 is NoneType"):
        judge_responses(judge, id_samples[:2], ["x", None])
    empty = judge_responses(judge, [], [])
    assert empty["n"] == 0 and empty["win_rate"] is None and empty["point_score_ci"] == [None, None]
    assert empty["per_judge"]["reference-chrF"]["win_rate"] is None


# ------------------------------------------------------------------------------------------------ HTTP
@pytest.fixture(scope="module")
def tiny_server(tiny_qwen3):
    yield from serving(TransformersBackend("tiny:qwen3", batch_size=3))


@pytest.mark.slow
def test_tiny_model_judge_over_http_is_counted_missing(tiny_server, id_samples, tmp_path):
    samples = id_samples[:3]
    model = replies(samples)
    http = OpenAIChatBackend(tiny_server.url("model"), "tiny-qwen3", api_key_env=None, timeout_s=60)
    tiny = LLMClient(http, max_concurrency=2, parse_retries=1, backoff_s=0)  # no cache: cache_dir gives one
    fan, _ = table_judge("fan", tmp_path, default=(verdict("A"), verdict("B"), '{"score": 9}'))
    judge = LLMJudge({"tiny": tiny, **fan.clients}, cache_dir=tmp_path / "judge", max_tokens=12, seed=0)
    report = judge_responses(judge, samples, model)

    # Every answer is in the cache with its prompt; the invalid ones are missing, whatever the tiny model said.
    entries = [json.loads(line)["v"] for line in (tmp_path / "judge" / "tiny.jsonl").read_text().splitlines()]
    assert len(entries) == 9 and all(isinstance(e["text"], str) for e in entries)
    assert all(e["request"]["messages"][0]["content"].startswith("# Task\nYou are an impartial judge") for e in entries)
    judged = Counter(e["request"]["fields"]["sample_id"] for e in entries
                     if e["request"]["task"] == "judge_pairwise" and winner_from_text(e["text"]) is not None)
    scored = [e for e in entries if e["request"]["task"] == "judge_point" and score_from_text(e["text"]) is not None]
    summary = report["per_judge"]["tiny"]
    assert summary["missing_win_rate"] == 3 - len(judged) and summary["missing_point_score"] == 3 - len(scored)
    assert summary["missing_win_rate"] + summary["missing_point_score"] >= 4  # mostly garbage
    assert tiny.stats.reasks > 0 and tiny.stats.failed_parse > 0  # re-asked, then recorded failed
    if summary["win_rate"] is None:  # the ensemble is the fan's alone where the tiny model gave nothing
        assert report["win_rate"] == 1.0 and report["missing"]["win_rate"] == 0
    assert report["per_judge"]["fan"]["win_rate"] == 1.0 and report["judges"] == ["tiny", "fan"]


# ------------------------------------------------------------------------------------- reference judge
def test_chrf_known_values():
    judge = ReferenceJudge()
    # "ab" vs "abc": unigrams P=1, R=2/3; bigrams P=1, R=1/2; no longer n-grams in "ab".
    # P=1, R=7/12 -> F2 = 5 * P * R / (4 * P + R) = 35/55.
    assert judge.chrf("ab", "abc") == pytest.approx(100 * 35 / 55)
    assert judge.chrf("The cat is on the mat.", "The cat sat on the mat.") == pytest.approx(64.58166836671698)
    assert judge.chrf("我喜欢书法和钓鱼", "我喜欢钓鱼") == pytest.approx(36.502849002849004)
    assert judge.chrf("same words", "same   words") == 100.0  # whitespace is ignored
    assert judge.chrf("", "abc") == judge.chrf("abc", "") == judge.chrf("  ", "abc") == 0.0


@pytest.mark.parametrize("subset", ["id", "german", "spanish", "chinese", "japanese", "korean"])
def test_reference_judge_in_every_language(mini_samples, subset):
    from remid.data.readers import by_subset

    samples = by_subset(mini_samples)[subset][:4]
    judge = ReferenceJudge(n_boot=100)
    gold = samples[3].golden_response
    most = gold[: int(len(gold) * 0.8)]  # the mini set's goldens share templates: half would not beat every foil
    responses = [samples[0].golden_response, "", samples[foil_index(samples, 2)].golden_response, most]
    done = []
    report = judge_responses(judge, samples, responses, progress=done.append)
    assert report["label"] == REFERENCE_LABEL == "reference-chrF (offline, not an LLM)"
    assert report["judges"] == ["reference-chrF"] and sum(done) == judge.units(4) == 4
    own = [judge.chrf(r, s.golden_response) for r, s in zip(responses, samples, strict=True)]
    assert own[0] == 100.0 and own[1] == 0.0 and 60 < own[3] < 100
    # identical wins, empty loses, the foil itself ties, most of the golden beats an off-topic golden
    assert report["win_rate"] == pytest.approx((1 + 0 + 0.5 + 1) / 4)
    points = [10.0, 1.0, 1 + 9 * own[2] / 100, 1 + 9 * own[3] / 100]
    assert report["point_score"] == pytest.approx(sum(points) / 4)
    assert report["per_judge"]["reference-chrF"]["inconsistent"] == 0 and report["missing"]["win_rate"] == 0


def test_reference_foils_stay_in_the_subset(mini_samples, id_samples):
    from remid.data.readers import by_subset

    chinese = by_subset(mini_samples)["chinese"][0]
    mixed = [id_samples[0], chinese, id_samples[1]]
    assert foil_index(mixed, 0) == 2 and foil_index(mixed, 2) == 0 and foil_index(mixed, 1) is None
    report = judge_responses(ReferenceJudge(), mixed, [s.golden_response for s in mixed])
    assert report["win_rate"] == 1.0 and report["missing"] == {"win_rate": 1, "point_score": 0}
    assert report["point_score"] == 10.0


# ---------------------------------------------------------------------------------------------- configs
def judge_override(option: str, conf_dir: Path) -> str:
    """``judge=...`` where the root config lists the judge group, ``+judge=...`` where it does not yet."""
    from omegaconf import OmegaConf

    defaults = OmegaConf.to_container(OmegaConf.load(conf_dir / "evaluate.yaml")).get("defaults", [])
    listed = any(isinstance(d, dict) and any(k.split()[-1] == "judge" for k in d) for d in defaults)
    return f"{'' if listed else '+'}judge={option}"


@pytest.mark.parametrize("option", ["reference", "llm"])
def test_judge_configs_instantiate(hydra_ctx, option, tmp_path, monkeypatch, id_samples, conf_dir):
    from hydra.utils import instantiate

    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    overrides = [judge_override(option, conf_dir), f"paths.runs_dir={tmp_path}"]
    judge = instantiate(hydra_ctx("evaluate", overrides).judge)
    if option == "reference":
        assert isinstance(judge, ReferenceJudge) and judge.label == REFERENCE_LABEL
        assert judge_responses(judge, id_samples[:3], replies(id_samples[:3]))["n"] == 3
        return
    assert isinstance(judge, LLMJudge)
    assert judge.names == ["qwen3_235b_a22b", "gpt_4o_mini", "claude_3_7_sonnet"]
    models = {name: client.backend.model for name, client in judge.clients.items()}
    assert models == {"qwen3_235b_a22b": "Qwen/Qwen3-235B-A22B", "gpt_4o_mini": "gpt-4o-mini",
                      "claude_3_7_sonnet": "claude-3-7-sonnet-20250219"}
    for name, client in judge.clients.items():
        assert client.cache.path == tmp_path / "cache" / "judge" / f"{name}.jsonl"
        assert SECRET not in client.backend.name and SECRET not in repr(judge)
    one = instantiate(hydra_ctx("evaluate", overrides + ["~judge.clients.claude_3_7_sonnet",
                                                         "~judge.clients.qwen3_235b_a22b"]).judge)
    assert one.names == ["gpt_4o_mini"]
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(Exception, match="ANTHROPIC_API_KEY"):
        instantiate(hydra_ctx("evaluate", overrides).judge)


def test_a_judge_that_answers_nothing_fails_unless_allowed(id_samples, tmp_path):
    import socket

    from remid.llm.client import NoAnswerError

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens there

    def judge(allow_missing: bool) -> LLMJudge:
        backend = OpenAIChatBackend(f"http://127.0.0.1:{port}/v1", "m", api_key_env=None, timeout_s=1)
        return LLMJudge({"down": LLMClient(backend, max_retries=0, backoff_s=0)}, n_boot=50,
                        allow_missing=allow_missing)

    samples = id_samples[:2]
    with pytest.raises(NoAnswerError, match=r"judge down answered none of 6 requests .*judge.allow_missing=true"):
        judge_responses(judge(False), samples, replies(samples))
    report = judge_responses(judge(True), samples, replies(samples))
    assert report["missing"] == {"win_rate": 2, "point_score": 2} and report["win_rate"] is None
