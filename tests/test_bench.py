"""RPGBench construction with the offline teacher: seeds, answer checks, the full build, resuming."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from remid.core.cache import JsonlCache
from remid.core.schema import EVAL_SUBSETS
from remid.data import validate
from remid.data.readers import by_subset, load_samples
from remid.llm import JSONAnswerError
from remid.rpgbench import parse
from remid.rpgbench.build import build_bench
from remid.rpgbench.seeds import SeedError, load_contexts, load_personas

OUTPUTS = ("rpgbench.json", "provenance.jsonl", "stats.md", "rejects.jsonl")


def read(path) -> str:
    return Path(path).read_text(encoding="utf-8")


def outputs(cfg) -> dict[str, bytes]:
    out = Path(cfg.out_dir)
    return {name: (out / name).read_bytes() if (out / name).exists() else b"" for name in OUTPUTS}


# ------------------------------------------------------------------------------------------------ seeds
def test_shipped_seeds_load():
    personas, contexts = load_personas(), load_contexts()
    assert len(personas) == 6 and all(p.chat_history for p in personas)
    assert len(contexts) == 8 and all(len(c.context) >= 2 for c in contexts)


@pytest.mark.parametrize(("content", "suffix", "message"), [
    ('{"id": "a", "persona": "x"}\n{"id": "a", "persona": "y"}\n', ".jsonl", "personas.jsonl:2: id: 'a' duplicates"),
    ('{"id": "a", "persona": ""}\n', ".jsonl", "personas.jsonl:1: persona: missing or empty"),
    ('{"id": "a", "persona": "x", "age": 3}\n', ".jsonl", "unknown field(s) ['age']"),
    ('{"id": "a", "persona": "x", "chat_history": "hi"}\n', ".jsonl", "chat_history: expected a list"),
    ('{"id": "a", "persona": "x"\n', ".jsonl", "personas.jsonl:1: malformed JSON"),
    ('{"personas": [{"persona": "x"}]}', ".json", "personas.json[0]: id: missing"),
    ('[]', ".json", "no personas records"),
])
def test_bad_persona_seeds_name_file_record_and_field(tmp_path, content, suffix, message):
    path = tmp_path / f"personas{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_personas(path)
    assert message in str(info.value)


def test_bad_context_seeds_and_missing_file(tmp_path):
    path = tmp_path / "contexts.json"
    path.write_text(json.dumps([{"id": "c", "context": []}, {"id": "d", "context": ["ok", 3]}]), encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_contexts(path)
    assert "contexts.json[0]: context: empty list" in str(info.value)
    assert "contexts.json[1]: context: expected a list of non-empty strings" in str(info.value)
    with pytest.raises(FileNotFoundError, match="contexts seed file not found"):
        load_contexts(tmp_path / "nope.jsonl")


# ----------------------------------------------------------------------------------------------- parsing
def test_character_arrays_parse_from_fences_and_drop_unusable_items():
    text = ('Here you go:\n```json\n[{"category": "Literature", "character_name": "Ahab", "character_description": '
            '"a captain"}, {"category": "Poetry", "character_name": "X", "character_description": "y"}, '
            '{"category": "film", "character_name": "Rick", "character_description": "a bar owner"}]\n```')
    got = parse.characters(text, {"domains": ["Literature", "Film & Television"]})
    assert [c["category"] for c in got["items"]] == ["Literature", "Film & Television"] and got["dropped"] == 1
    games = '[{"category": "Video Games", "character_name": "Link", "character_description": "a hero"}]'
    assert parse.characters(games, {})["items"][0]["category"] == "Gaming"
    with pytest.raises(JSONAnswerError, match="no JSON array"):
        parse.characters("I cannot think of anyone.", {})


def test_answer_checks_catch_wrong_script_roles_and_unchanged_queries():
    variants = {f"user_persona_variant{i}": "Ich bin Lehrerin." for i in range(1, 6)}
    with pytest.raises(JSONAnswerError, match="user_persona_variant3 should be in chinese"):
        parse.variants(json.dumps(variants), {})
    with pytest.raises(JSONAnswerError, match="names neither or both"):
        parse.classification('{"classification_result": "unsure"}', {})
    assert parse.classification('{{"classification_result": "Real Life Role"}}', {}) == {"real": True}
    with pytest.raises(JSONAnswerError, match="unchanged"):
        parse.word_selection(json.dumps(dict.fromkeys(parse.p.WORD_SELECT_KEYS, "Same query?")),
                             {"original_user_query": "Same  query?"})
    rewritten = dict(zip(parse.p.WORD_SELECT_KEYS, ["Would you rather paint the sea at night, or sleep?", "No."],
                         strict=True))
    with pytest.raises(JSONAnswerError, match="changes 7 words"):
        parse.word_selection(json.dumps(rewritten), {"original_user_query": "Would you paint the sea?",
                                                     "max_changed_words": 4})
    assert parse.changed_words("Would you paint the sea?", "Would you paint the lake?") == 2
    with pytest.raises(JSONAnswerError, match="agent_response_2"):
        parse.dialogue(json.dumps({"user_query_1": "a", "agent_response_1": "b", "user_query_2": "c"}), {"rounds": 2})


# --------------------------------------------------------------------------------------------- the build
@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted offline build for this module: ``(cfg, summary, outputs)`` (read only)."""
    from hydra import initialize_config_dir

    from tests.conftest import CONF_DIR, bench_overrides, compose

    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose("build_bench", bench_overrides(tmp_path_factory.mktemp("bench"), "ref"))
    summary = build_bench(cfg)
    return cfg, summary, outputs(cfg)


def test_offline_build_has_every_subset_valid_stats_and_provenance(reference):
    cfg, summary, _ = reference
    path = summary["out"]
    assert validate.main([path]) == 0
    groups = by_subset(load_samples(path))
    # IDTrain samples sharing a golden or last query with a test sample are set apart at load (by_subset)
    assert sorted(g for g in groups if not g.endswith("_overlap")) == sorted(
        {"id_train", "id_dev", *EVAL_SUBSETS})
    data = json.loads(read(path))
    assert list(data) == ["IDTrain", "IDDev", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test"]
    # Table 2 rows recomputed from the file: samples, unique personas, unique characters.
    table = read(cfg.out_dir + "/stats.md")
    for split, label in (("IDTrain", "IDTrain"), ("OOD1Test", "User Shift"), ("OOD3Test", "Dialogue Compositional Shift")):
        rows = data[split]
        expected = (f"| {label} | {'Train' if split == 'IDTrain' else 'Test'} | {len(rows)} | "
                    f"{len({r['user_persona'] for r in rows})} | "
                    f"{len({r['agent_character']['character_name'] for r in rows})} |")
        assert expected in table
    # Shift criteria: user-shift personas are non-English with real characters, character shift fictional.
    provenance = {json.loads(line)["sample_ID"]: json.loads(line) for line in read(cfg.out_dir + "/provenance.jsonl").splitlines()}
    assert set(provenance) == {r["sample_ID"] for rows in data.values() for r in rows}
    cache = JsonlCache(cfg.llm.cache_path)
    for rows in data.values():
        for r in rows:
            prov = provenance[r["sample_ID"]]
            assert prov["real"] == (r["subset_tag"] not in ("Literature", "Film & Television", "Theater", "Gaming"))
            assert (prov["language"] == "english") == (r["subset_tag"] not in ("german", "spanish", "chinese",
                                                                               "japanese", "korean"))
            assert {c["step"] for c in prov["calls"]} >= {"1a", "1b", "1c", "3a"}
            if prov["language"] != "english":
                assert {c["step"] for c in prov["calls"]} >= {"2a", "2b"} and prov["persona_seed"] != prov["persona_id"]
            assert all(cache.get(c["key"], {}).get("request", {}).get("task") == c["task"] for c in prov["calls"])
    turn = data["OOD3Test"][0]
    assert turn["subset_tag"] == "TurnLevelComposition" and len(turn["dialogue_context"]) == 15
    assert {c["step"] for c in provenance[turn["sample_ID"]]["calls"]} >= {"3a", "3b"}
    assert summary["steps"]["1a_initial_characters"]["asked"] == 3 and summary["empty_subsets"] == []


def test_rerun_asks_nothing_and_writes_identical_files(bench_cfg):
    cfg = bench_cfg("a")
    build_bench(cfg)
    first = outputs(cfg)
    stale = {"step": "1a_initial_characters", "task": "bench_characters", "key": "0" * 24, "error": "old", "raw": ""}
    (Path(cfg.out_dir) / "rejects.jsonl").write_text(json.dumps(stale) + "\n", encoding="utf-8")
    summary = build_bench(cfg)
    assert all(s["asked"] == 0 and s["cached"] == s["requests"] for s in summary["steps"].values())
    assert outputs(cfg) == first  # the stale reject of another build is gone


class Interrupt(Exception):
    pass


@pytest.mark.parametrize("where", ["boundary", "mid-step"])
def test_interrupted_build_resumes_to_the_identical_files(bench_cfg, reference, where):
    cfg = bench_cfg("cut")

    def at_boundary(step):
        if step == "personas":
            raise Interrupt(step)

    def mid_step(step, done):
        if step == "3a_id_dialogues":
            raise Interrupt(step)  # after the first answers of the step are cached, before the rest

    with pytest.raises(Interrupt):
        build_bench(cfg, on_step=at_boundary if where == "boundary" else None,
                    on_progress=mid_step if where == "mid-step" else None)
    assert outputs(cfg)["rpgbench.json"] == b""  # nothing written before the split
    summary = build_bench(cfg)
    assert summary["steps"]["1a_initial_characters"]["asked"] == 0  # step 1 came from the cache
    if where == "mid-step":
        dialogues = summary["steps"]["3a_id_dialogues"]
        assert 0 < dialogues["cached"] < dialogues["requests"]
    assert outputs(cfg) == reference[2]


def test_retrieval_hook_feeds_the_refinement(bench_cfg, tmp_path):
    passages = tmp_path / "passages.json"
    passages.write_text(json.dumps({"Nikola Tesla": "Tesla held some 300 patents."}), encoding="utf-8")
    cfg = bench_cfg("r", "+bench.retrieval._target_=remid.rpgbench.retrieval.JsonRetriever", f"+bench.retrieval.path={passages}")
    data = json.loads(read(build_bench(cfg)["out"]))
    tesla = [r for rows in data.values() for r in rows if r["agent_character"]["character_name"] == "Nikola Tesla"]
    assert tesla and all("300 patents" in r["agent_character"]["character_background"] for r in tesla)
    prompts = [e["request"]["messages"][0]["content"] for e in JsonlCache(cfg.llm.cache_path)._data.values()
               if e["request"]["task"] == "bench_refine"]
    assert sum("## Retrieved Information" in text for text in prompts) == 1


@pytest.mark.slow
def test_evaluate_runs_on_a_built_benchmark(hydra_ctx, tmp_path):
    root = Path(__file__).resolve().parents[1]
    path = build_bench(hydra_ctx("build_bench", [f"paths.runs_dir={tmp_path / 'build'}"]))["out"]  # shipped seeds
    command = [sys.executable, str(root / "evaluate.py"), f"data.source={path}", "shift=id", "data.eval_limit=4",
               "rpms=[tiny:qwen3]", "logger=none", f"paths.runs_dir={tmp_path / 'eval'}", f"run_dir={tmp_path / 'out'}",
               "estimator.n_boot=50", "generation.sampling.max_new_tokens=16", "estimator.reasoning_max_new_tokens=32",
               "analyses.divergence=false", "analyses.bound=false"]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr[-3000:]
    [model] = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["models"]
    assert sorted(model["subsets"]) == ["id"]  # evaluate.py loaded and validated the whole built file
    for subset in model["subsets"].values():  # R-EMI computed on 4 built IDTest samples
        assert subset["n"] == 4 and isinstance(subset["r_emi"], float)


def test_retriever_rejects_a_file_that_is_not_a_name_map(tmp_path):
    from remid.rpgbench.retrieval import JsonRetriever

    path = tmp_path / "passages.json"
    path.write_text('["Tesla"]', encoding="utf-8")
    with pytest.raises(ValueError, match="expected a JSON object mapping character names to text"):
        JsonRetriever(path)
