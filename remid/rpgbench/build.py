"""``build_bench(cfg)``: seeds -> steps 1-4 -> an RPGBench file, its statistics, provenance and rejects.

Writes to ``cfg.out_dir``: ``rpgbench.json`` (split -> samples, the layout ``remid.data.readers``
reads), ``stats.md`` (paper table 2, per split and per subset), ``provenance.jsonl`` (per sample: the
seeds and the teacher calls, by cache key, that made it), ``rejects.jsonl`` (answers that never
parsed, raw), ``steps/*.json`` (each step's output) and ``build_log.json`` (per-step call counts,
characters, tokens and cost). Every teacher call is cached (``llm.cache_path``): a killed build run
again asks only what is missing and writes the same files.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from remid.data.readers import load_samples
from remid.llm import RulesBackend
from remid.rpgbench import seeds as seed_files
from remid.rpgbench import split as step4
from remid.rpgbench import steps
from remid.rpgbench.rule_teacher import BenchRulesBackend
from remid.rpgbench.teacher import BenchClient, Teacher

log = logging.getLogger(__name__)


def teacher_client(llm_cfg: DictConfig) -> BenchClient:
    """The ``llm`` group's client as a ``BenchClient``; the offline ``RulesBackend`` gains the construction tasks."""
    client = instantiate(OmegaConf.merge(llm_cfg, {"_target_": "remid.rpgbench.teacher.BenchClient"}))
    if type(client.backend) is RulesBackend:
        client.backend = BenchRulesBackend()
    return client


def _write(path: Path, text: str) -> None:
    """Write atomically: a build killed while writing leaves the previous file or none, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def build_bench(cfg: DictConfig, on_step: Callable[[str], None] | None = None,
                on_progress: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """Run steps 1-4 (module docstring); ``on_step(name)`` after each step, ``on_progress(step, k)`` as calls finish."""
    opts = OmegaConf.to_container(cfg.bench, resolve=True)
    out = Path(cfg.out_dir)
    personas = seed_files.load_personas(opts["seeds"]["personas"])
    contexts = seed_files.load_contexts(opts["seeds"]["contexts"])
    by_id = {s.id: s for s in personas}
    unused = [d for d in steps.FICTIONAL_DOMAINS if d not in opts["domains"]]
    if unused:
        log.warning("bench.domains lacks %s: those character-shift subsets will stay empty", unused)
    retriever = instantiate(opts["retrieval"]) if opts.get("retrieval") else None
    log.info("seeds: %d personas, %d context seeds; character retrieval: %s", len(personas), len(contexts),
             "on" if retriever else "off (refinement uses the teacher's own knowledge; set bench.retrieval)")
    started = time.time()
    with teacher_client(cfg.llm) as client:
        log.info("teacher: %s (at most %d requests in flight)", client.backend.name, client.max_concurrency)
        teacher = Teacher(client, out / "rejects.jsonl", bool(cfg.retry_rejects),
                          OmegaConf.to_container(cfg.price_per_1m), on_progress)
        done = on_step or (lambda name: None)
        step1 = steps.characters(teacher, personas, opts, retriever)
        _write(out / "steps" / "1_characters.json", _dump(step1))
        done("characters")
        step2 = steps.personas(teacher, by_id, step1, opts)
        _write(out / "steps" / "2_personas.json", _dump(step2))
        done("personas")
        step3 = steps.dialogues(teacher, by_id, contexts, step1, step2, opts)
        _write(out / "steps" / "3_dialogues.json", _dump(step3))
        done("dialogues")
        teacher.write_rejects()
    samples, provenance = step4.split(step1, step3, opts["split"], int(opts["split"]["seed"]))
    path = out / "rpgbench.json"
    _write(path, _dump({name: [s.to_record() for s in found] for name, found in samples.items()}))
    _write(out / "provenance.jsonl", "".join(json.dumps(provenance[s.sample_id], ensure_ascii=False) + "\n"
                                             for found in samples.values() for s in found))
    stats = step4.stats_markdown(samples)
    _write(out / "stats.md", stats)
    load_samples(path)  # the readers and validation accept what was written (raises otherwise)
    empty = step4.empty_subsets(samples)
    if teacher.unanswered():
        log.warning("%d request(s) got no answer: the benchmark is incomplete; run the same command again",
                    teacher.unanswered())
    if empty:
        log.warning("subsets without a sample: %s (more seeds, characters_per_persona or fewer rejects)", empty)
    summary = {"out": str(path), "teacher": teacher.client.backend.name, "seconds": round(time.time() - started, 2),
               "samples": {name: len(found) for name, found in samples.items()}, "empty_subsets": empty,
               "dropped": step1["dropped"], "steps": teacher.summary(),
               "rejected": {step: teacher.rejected(step) for step in teacher.steps},
               "unanswered": teacher.unanswered()}
    _write(out / "build_log.json", _dump(summary))
    if not any(summary["samples"].values()):
        raise RuntimeError(f"the build made no sample: every path was rejected or unanswered; see "
                           f"{out / 'rejects.jsonl'} and {out / 'build_log.json'}")
    done("split")
    log.info("wrote %s (%d samples)\n%s", path, sum(summary["samples"].values()), stats)
    return summary
