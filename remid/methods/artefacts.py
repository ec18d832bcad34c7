"""Files the methods' prepare steps write and read back: one JSONL row per sample.

Every generated artefact (DA dialogues, DPO rejections, RFT candidates with their rewards, thinking
traces) lands in ``<run_dir>/data/`` as a JSONL file a user can open, filter and reuse (point a
method's ``prepare`` at an existing file and it is read, not regenerated). Generation in a prepare
step is cached per sample (``remid.cache.JsonlCache``), so a killed step resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from remid.cache import JsonlCache, cache_key
from remid.data.readers import DataFormatError, _records_from_jsonl, by_subset, load_samples
from remid.data.schema import Sample
from remid.generation.base import SamplingParams
from remid.models.chat import context_text, fit_prompt
from remid.prompts import Prompt

log = logging.getLogger(__name__)


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Write ``rows`` to ``path`` atomically (a temp file renamed over it): readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    return path


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a JSONL artefact; a malformed line raises naming the file and line."""
    rows = []
    for record, where in _records_from_jsonl(Path(path)):
        if not isinstance(record, dict):
            raise DataFormatError(f"{where}: expected a JSON object per line")
        rows.append(record)
    return rows


def load_columns(path: str | Path, keys: list[str]) -> dict[str, dict[str, Any]]:
    """``sample_id -> {key: value}`` from an artefact: the extra task arguments of SFT-style training."""
    out = {}
    for i, row in enumerate(read_jsonl(path), 1):
        missing = [k for k in ("sample_id", *keys) if k not in row]
        if missing:
            raise DataFormatError(f"{path}:{i}: row lacks {missing}")
        out[row["sample_id"]] = {k: row[k] for k in keys}
    return out


def split_samples(source: str | None, subset: str, limit: int | None = None, skip_invalid: bool = False) -> list[Sample]:
    """The first ``limit`` samples of ``subset`` in ``source`` (default: the shipped mini benchmark)."""
    groups = by_subset(load_samples(source, skip_invalid))
    if not groups.get(subset):
        raise ValueError(f"data {source or 'mini'} has no samples in subset {subset!r} (has {sorted(groups)})")
    return groups[subset][:limit] if limit is not None else groups[subset]


def generate_cached(samples: list[Sample], template: Callable[[Sample], Prompt], model: str,
                    generator_factory: Callable[[str], Any], sampling: SamplingParams, cache_path: str | Path,
                    max_prompt_tokens: int | None, desc: str) -> list[list[str]]:
    """``sampling.n`` completions of ``model`` per sample under ``template``, cached per sample.

    The one generation loop of the prepare steps (rejections, best-of-n): prompts are fitted to
    ``max_prompt_tokens`` by dropping their oldest turns, as in training and evaluation.
    """
    from remid.models.loading import model_fingerprint, resolve_model_path

    path = resolve_model_path(model)
    cache = JsonlCache(cache_path)
    keys = [cache_key(desc, model_fingerprint(path), s.sample_id, template(s).text, sampling.as_dict()) for s in samples]
    todo = [i for i, k in enumerate(keys) if k not in cache]
    if todo:
        generator = generator_factory(path)
        step = getattr(generator, "batch_size", 16)
        with tqdm(total=len(samples), initial=len(samples) - len(todo), desc=desc, unit="sample") as bar:
            for start in range(0, len(todo), step):
                chunk = todo[start:start + step]
                contexts = [context_text(generator.tokenizer,
                                         fit_prompt(generator.tokenizer, template(samples[i]), max_prompt_tokens)[0])
                            for i in chunk]
                texts = generator.generate(contexts, sampling)
                cache.put_many([(keys[i], t) for i, t in zip(chunk, texts, strict=True)])
                bar.update(len(chunk))
        del generator
    return [cache.get(k) for k in keys]
