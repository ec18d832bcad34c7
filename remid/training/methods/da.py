"""Data augmentation (appendix E.1, table 22): teacher-written dialogues mixed with the original data.

Step 1 asks the teacher for three conversation topics per augmented ID training sample; step 2 grows
each of the first ``topics_per_sample`` topics into a 4-round dialogue. ``augment_fraction`` of the
originals (a seeded draw) are augmented: the default 0.6 with one topic each gives the paper's mix,
~3k new samples for ~5k originals (section 4). A dialogue becomes one new sample:
rounds 1-3 and the fourth user query are its context, the fourth agent response its golden
response; persona and character are the original's. The paper mixes ~3k such samples with ~5k
originals. New samples are written as RPGBench records (``remid.data.readers.load_samples`` reads
them); the teacher's failures are counted in ``<out>.stats.json``, never silently dropped.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

from remid.core.prompts import DA_DIALOGUE_KEYS, DA_TOPIC_KEYS, da_dialogue_prompt, da_topics_prompt
from remid.core.schema import parse_record
from remid.llm import ChatRequest, LLMClient
from remid.llm.client import check_answered
from remid.training.methods.artefacts import split_samples, write_jsonl

log = logging.getLogger(__name__)


def _ask(prompt: str, task: str, fields: dict, keys: tuple[str, ...], max_tokens: int) -> ChatRequest:
    return ChatRequest(messages=[{"role": "user", "content": prompt}], task=task, fields=fields, json_keys=keys,
                       temperature=0.7, max_tokens=max_tokens)


def augment(out_path: str, teacher: LLMClient, source: str | None = None, skip_invalid: bool = False,
            limit: int | None = None, topics_per_sample: int = 1, max_tokens: int = 1024,
            augment_fraction: float = 0.6, seed: int = 0) -> Path:
    """Write the teacher's new samples to ``out_path`` (JSONL of RPGBench records); returns the path."""
    if not 1 <= topics_per_sample <= len(DA_TOPIC_KEYS):
        raise ValueError(f"topics_per_sample must be 1-{len(DA_TOPIC_KEYS)}, got {topics_per_sample}")
    if not 0.0 < augment_fraction <= 1.0:
        raise ValueError(f"augment_fraction must be in (0, 1], got {augment_fraction}")
    originals = split_samples(source, "id_train", limit, skip_invalid)
    chosen = sorted(random.Random(seed).sample(range(len(originals)), round(augment_fraction * len(originals))))
    samples = [originals[i] for i in chosen]
    topics = teacher.chat([_ask(da_topics_prompt(s), "da_topics", {"sample": s.to_record()}, DA_TOPIC_KEYS, max_tokens)
                           for s in samples])
    check_answered(topics, "the teacher (llm group)", "check llm.backend (its server, model and key)")
    seeds = [(s, k, str(t.parsed[key])) for s, t in zip(samples, topics, strict=True) if t.ok
             for k, key in enumerate(DA_TOPIC_KEYS[:topics_per_sample])]
    dialogues = teacher.chat([_ask(da_dialogue_prompt(s, seed), "da_dialogue", {"sample": s.to_record(), "seed": seed},
                                   DA_DIALOGUE_KEYS, max_tokens) for s, _, seed in seeds])
    records, invalid = [], []
    for (sample, k, _), answer in zip(seeds, dialogues, strict=True):
        if not answer.ok:
            continue
        d = answer.parsed
        context = [{"user_query": str(d[f"user_query_{i}"])} if who == "user" else
                   {"agent_response": str(d[f"agent_response_{i}"])}
                   for i in range(1, 4) for who in ("user", "agent")] + [{"user_query": str(d["user_query_4"])}]
        record = {"sample_ID": f"{sample.sample_id}-da{k + 1}", "user_persona": sample.user_persona,
                  "agent_character": sample.agent_character, "dialogue_context": context,
                  "agent_golden_response": str(d["agent_response_4"]), "subset_tag": "IDTrain"}
        parsed = parse_record(record, f"teacher dialogue for {sample.sample_id}")
        (invalid.append(record["sample_ID"]) if isinstance(parsed, list) else records.append(record))
    stats = {"originals": len(originals), "samples": len(samples), "topic_requests": len(topics), "topic_failures": sum(not t.ok for t in topics),
             "dialogue_requests": len(dialogues), "dialogue_failures": sum(not d.ok for d in dialogues),
             "invalid_dialogues": invalid, "new_samples": len(records)}
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).with_suffix(".stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    log.info("DA: %d new samples from %d originals (%d topic and %d dialogue answers failed, %d invalid)",
             len(records), len(samples), stats["topic_failures"], stats["dialogue_failures"], len(invalid))
    if not records:
        raise RuntimeError(f"the teacher produced no usable dialogue for {len(samples)} samples; see {out_path}.stats.json "
                           "and the LLM cache for its raw answers")
    return write_jsonl(out_path, records)
