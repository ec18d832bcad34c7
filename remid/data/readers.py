"""Read RPGBench samples from the original JSON layout, JSONL, or a hub dataset id."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from remid.core.schema import DEV_SUFFIX, EVAL_SUBSETS, InvalidRecordsError, RecordError, Sample, parse_record

log = logging.getLogger(__name__)
# Share of IDTrain held out as ID dev where the data has no dev split of its own (RPGBench).
ID_DEV_FRACTION = 0.05
# IDTrain samples sharing a golden response or last user query with a test sample (never trained on).
TEST_OVERLAP = "id_train_test_overlap"
# Suffix of the dev samples set apart because their golden response or last user query is also an IDTrain
# sample's: decisions are made on dev that shares with the training pools no more than test does.
TRAIN_OVERLAP_SUFFIX = "_train_overlap"


class DataFormatError(ValueError):
    """A data file that is not valid JSON / JSONL, with the place it breaks."""


def mini_benchmark_path() -> Path:
    """The offline mini-RPGBench shipped in the package."""
    return Path(__file__).parents[1] / "tiny" / "mini_rpgbench.json"


_OTHER_BOMS = {b"\xff\xfe\x00\x00": "UTF-32-LE", b"\x00\x00\xfe\xff": "UTF-32-BE", b"\xff\xfe": "UTF-16-LE",
               b"\xfe\xff": "UTF-16-BE"}


def read_text(path: Path) -> str:
    """The file as UTF-8 text; a UTF-8 byte-order mark is skipped, any other encoding is a ``DataFormatError``."""
    raw = path.read_bytes()
    for bom, name in _OTHER_BOMS.items():
        if raw.startswith(bom):
            raise DataFormatError(f"{path}: the file is {name} (byte-order mark); save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DataFormatError(f"{path}: not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} (offset "
                              f"{exc.start}) cannot be decoded ({exc.reason}); save the file as UTF-8") from exc


def _records_from_json(path: Path) -> Iterator[tuple[Any, str]]:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if isinstance(data, dict):  # original layout: split name -> list of samples
        for split, records in data.items():
            if not isinstance(records, list):
                raise DataFormatError(f"{path}: split {split!r} should map to a list of samples")
            for i, record in enumerate(records):
                yield record, f"{path.name}:{split}[{i}]"
    elif isinstance(data, list):
        for i, record in enumerate(data):
            yield record, f"{path.name}[{i}]"
    else:
        raise DataFormatError(f"{path}: expected an object of splits or a list of samples")


def _records_from_jsonl(path: Path) -> Iterator[tuple[Any, str]]:
    for lineno, line in enumerate(read_text(path).split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line), f"{path.name}:{lineno}"
        except json.JSONDecodeError as exc:
            raise DataFormatError(f"{path}:{lineno}: malformed JSON at column {exc.colno}: {exc.msg}") from exc


def _records_from_hub(dataset_id: str) -> Iterator[tuple[Any, str]]:
    import datasets

    try:
        splits = datasets.load_dataset(dataset_id)
    except Exception as exc:  # offline, unknown id, gated...
        raise FileNotFoundError(
            f"could not load dataset {dataset_id!r}: not a local file and the hub gave: {exc}"
        ) from exc
    for split, table in splits.items():
        for i, record in enumerate(table):
            yield record, f"{dataset_id}:{split}[{i}]"


def iter_records(source: str | Path) -> Iterator[tuple[Any, str]]:
    """Yield ``(record, location)`` pairs from a file path or a hub dataset id."""
    path = Path(source)
    if path.is_file():
        return _records_from_jsonl(path) if path.suffix == ".jsonl" else _records_from_json(path)
    if path.suffix in {".json", ".jsonl"} or path.is_absolute() or str(source).startswith("."):
        raise FileNotFoundError(f"data file not found: {source}")
    return _records_from_hub(str(source))


def parse_records(records: Iterable[tuple[Any, str]], skip_invalid: bool = False,
                  source: str = "") -> tuple[list[Sample], list[RecordError]]:
    """Validate every record; raise with all problems unless ``skip_invalid``."""
    samples: list[Sample] = []
    errors: list[RecordError] = []
    seen: dict[str, str] = {}
    for record, where in records:
        parsed = parse_record(record, where)
        if isinstance(parsed, list):
            errors.extend(parsed)
        elif parsed.sample_id in seen:
            errors.append(RecordError(parsed.sample_id, "sample_ID", f"duplicate of {seen[parsed.sample_id]}", where))
        else:
            seen[parsed.sample_id] = where
            samples.append(parsed)
    if errors and not skip_invalid:
        raise InvalidRecordsError(errors, source)
    return samples, errors


def load_samples(source: str | Path | None = None, skip_invalid: bool = False) -> list[Sample]:
    """Load and validate all samples of ``source`` (default: the shipped mini benchmark)."""
    source = source or mini_benchmark_path()
    samples, _ = parse_records(iter_records(source), skip_invalid, str(source))
    return samples


def held_out_dev(sample_id: str, fraction: float = ID_DEV_FRACTION) -> bool:
    """Whether an IDTrain sample is held out as ID dev when the data has no dev split (RPGBench):
    a deterministic ``fraction`` of sample ids by their sha256, independent of file order."""
    digest = hashlib.sha256(sample_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") < fraction * 2**64


def sample_texts(samples: Iterable[Sample]) -> set[str]:
    """The golden responses and last user queries of ``samples``: the texts the split rules compare."""
    return {text for s in samples
            for text in (s.golden_response, s.dialogue_context[-1].text if s.dialogue_context else "")} - {""}


def shares_text(sample: Sample, texts: set[str]) -> bool:
    """Whether ``sample``'s golden response or last user query is one of ``texts``."""
    return bool(sample_texts([sample]) & texts)


def test_texts(groups: dict[str, list[Sample]]) -> set[str]:
    """Golden responses and last user queries of every test sample (the 12 evaluated subsets, dev excluded)."""
    return sample_texts(s for name in EVAL_SUBSETS for s in groups.get(name, []))


def by_subset(samples: Iterable[Sample]) -> dict[str, list[Sample]]:
    """Group samples by subset ("id_train", "id", "german", ..., and "<subset>_dev" for dev samples), in
    file order.

    IDTrain samples whose golden response or last user query is also a test sample's golden response or
    last query (templated text repeats) are left out of "id_train" and kept under "id_train_test_overlap",
    so no method fine-tunes on a test sample's golden or exact query. Data without an ID dev split
    (RPGBench) gets one: ``held_out_dev`` moves a deterministic slice of IDTrain to "id_dev".

    The same rule keeps dev as hard as test: a dev sample whose golden response or last user query is also a
    kept IDTrain sample's is set apart under "<subset>_dev_train_overlap", so no decision is made on text a
    training pool holds (IDTrain feeds the RPMs and the held-out estimator modules)."""
    groups: dict[str, list[Sample]] = {}
    for sample in samples:
        groups.setdefault(sample.group, []).append(sample)
    if groups.get("id_train"):
        texts = test_texts(groups)
        clash = [s for s in groups["id_train"]
                 if s.golden_response in texts or (s.dialogue_context and s.dialogue_context[-1].text in texts)]
        if clash:
            names = {s.sample_id for s in clash}
            groups["id_train"] = [s for s in groups["id_train"] if s.sample_id not in names]
            groups[TEST_OVERLAP] = clash
    if f"id{DEV_SUFFIX}" not in groups and groups.get("id_train"):
        train = groups.pop("id_train")
        groups["id_train"] = [s for s in train if not held_out_dev(s.sample_id)]
        groups[f"id{DEV_SUFFIX}"] = [s for s in train if held_out_dev(s.sample_id)]
    if groups.get("id_train"):
        train_texts = sample_texts(groups["id_train"])
        for name in EVAL_SUBSETS:
            dev = groups.get(f"{name}{DEV_SUFFIX}")
            if dev:
                groups[f"{name}{DEV_SUFFIX}"] = [s for s in dev if not shares_text(s, train_texts)]
                clash = [s for s in dev if shares_text(s, train_texts)]
                if clash:
                    groups[f"{name}{DEV_SUFFIX}{TRAIN_OVERLAP_SUFFIX}"] = clash
    return groups


def unique_goldens(samples: list[Sample]) -> list[Sample]:
    """``samples`` without those whose golden response repeats an earlier one's (file order kept): equation 2
    would count such a pair as a negative although y_j is y_i's own text."""
    seen: set[str] = set()
    kept = []
    for sample in samples:
        if sample.golden_response not in seen:
            seen.add(sample.golden_response)
            kept.append(sample)
    return kept


def select_subsets(samples: Iterable[Sample], subsets: Iterable[str], limit: int | None = None,
                   split: str = "test", dedupe: bool = True) -> dict[str, list[Sample]]:
    """The evaluation subsets asked for, each cut to ``limit`` samples; unknown or empty ones raise.
    ``split="dev"`` takes each subset's dev samples instead (model selection; never reported as test).
    ``dedupe`` leaves out a sample whose golden response repeats an earlier one of its subset (before the cut),
    so no evaluated subset holds two identical goldens; how many were left out is logged."""
    if split not in ("test", "dev"):
        raise ValueError(f"unknown evaluation split {split!r}; expected 'test' or 'dev'")
    groups = by_subset(samples)
    selected: dict[str, list[Sample]] = {}
    for name in subsets:
        if name not in EVAL_SUBSETS:
            raise ValueError(f"unknown subset {name!r}; expected one of {list(EVAL_SUBSETS)}")
        key = name if split == "test" else f"{name}{DEV_SUFFIX}"
        found = groups.get(key, [])
        if not found:
            raise ValueError(f"subset {key!r} has no samples in the data (found: {sorted(groups)})")
        kept = unique_goldens(found) if dedupe else found
        if len(kept) < len(found):
            log.warning("%s: %d of %d samples repeat an earlier golden response and are left out (data.dedupe_goldens)",
                        key, len(found) - len(kept), len(found))
        selected[name] = kept[:limit] if limit else kept
    return selected


def dev_records(source: str | Path | None = None, start: int = 0, skip_invalid: bool = False) -> list[Sample]:
    """The dev samples of every evaluated subset from index ``start`` on (the transductive estimator's fitting
    records: records of the evaluated distributions, never a test sample; ``[:start]`` stays for decisions)."""
    groups = by_subset(load_samples(source, skip_invalid))
    return [s for name in EVAL_SUBSETS for s in groups.get(f"{name}{DEV_SUFFIX}", [])[start:]]


def test_records(source: str | Path | None = None, n: int = 1000, seed: int = 42, skip_invalid: bool = False) -> list[Sample]:
    """Authors' code, not in the paper: ``n`` records drawn (``seed``) from every test subset, IDTrain excluded,
    as their CoRL training samples them. Fitting on these puts test samples in the estimator's training data:
    ``experiment=authors_corl`` only, never a default."""
    import random

    groups = by_subset(load_samples(source, skip_invalid))
    pool = [s for name in EVAL_SUBSETS for s in groups.get(name, [])]
    return random.Random(seed).sample(pool, min(n, len(pool)))
