"""Files the methods' prepare steps write and read back: one JSONL row per sample.

Every generated artefact (DA dialogues, DPO rejections, RFT candidates with their rewards, thinking
traces) lands in ``<run_dir>/data/`` as a JSONL file a user can open, filter and reuse (point a
method's ``prepare`` at an existing file and it is read, not regenerated). Generation in a prepare
step is cached per sample (``remid.core.cache.JsonlCache``), so a killed step resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from remid.core.atomic import atomic_write
from remid.core.cache import JsonlCache, cache_key
from remid.core.progress import progress_bar
from remid.core.prompts import Prompt
from remid.core.schema import Sample
from remid.data.readers import DataFormatError, _records_from_jsonl, by_subset, load_samples
from remid.generation.base import SamplingParams
from remid.generation.cached import generate_cached

log = logging.getLogger(__name__)


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Write ``rows`` to ``path`` atomically (``remid.core.atomic``): readers never see half a file."""
    with atomic_write(path) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return Path(path)


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


def sample_completions(samples: list[Sample], template: Callable[[Sample], Prompt], model: str,
                       generator_factory: Callable[[str], Any], sampling: SamplingParams, cache_path: str | Path,
                       max_prompt_tokens: int | None, desc: str) -> list[list[str]]:
    """``sampling.n`` completions of ``model`` per sample under ``template``, cached per sample.

    The prepare steps' generation (rejections, best-of-n) through ``remid.generation.cached``: prompts
    are fitted to ``max_prompt_tokens`` by dropping their oldest turns, as in training and evaluation.
    """
    from remid.models.loading import model_fingerprint, resolve_model_path

    path = resolve_model_path(model)
    prompts = [template(s) for s in samples]
    keys = [cache_key(desc, model_fingerprint(path), s.sample_id, p.text, sampling.as_dict())
            for s, p in zip(samples, prompts, strict=True)]
    with progress_bar(total=len(samples), desc=desc, unit="sample") as bar:
        return generate_cached(JsonlCache(cache_path), keys, prompts, sampling, lambda: generator_factory(path),
                               max_prompt_tokens=max_prompt_tokens, first_only=False, progress=bar.update)
