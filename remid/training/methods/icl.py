"""In-context learning RPMs (paper appendix E.1): the k most similar ID-train samples as examples.

"We retrieve the 5 most semantically similar samples from the ID data based on cosine similarity of input
embeddings to use as ICL examples" (the paper embeds with Qwen3-Embedding-0.6B; here any
``remid.models.embeddings.Embedder``, offline by default with ``CharNgramEmbedder``). The flow:

1. ``build_icl_run(run_dir, train_samples, embedder, k)`` embeds every train sample's input (the
   table 21 prompt text: persona, character, dialogue context) once and saves ``run_dir/icl/index.npz``.
2. At evaluation ``ICLPrompter(index_path, train_source)`` reloads the index (and its embedder, from
   the spec saved with it), embeds the test inputs in one batch, takes each one's k nearest train
   samples and renders ``icl_prompt``: the k examples, each a table 21 prompt + its golden response,
   then the sample's own table 21 prompt, with table 21's response prefix and suffix.

Departures: the paper does not print its ICL template; the framing lines here ("Example i", "Task")
are ours. Examples are ordered most similar first; when a prompt is fitted to a token budget
(``remid.models.chat.fit_prompt``) the least similar example goes first, then the dialogue turns.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from remid.core.atomic import atomic_write
from remid.core.prompts import Prompt, rpm_prompt
from remid.core.schema import Sample
from remid.models.embeddings import CharNgramEmbedder, Embedder, embedder_from_spec

INDEX_FORMAT = 1
INDEX_FILE = "index.npz"


def input_text(sample: Sample) -> str:
    """What is embedded: the sample's input X as the table 21 prompt shows it (no golden response)."""
    return rpm_prompt(sample).text


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class ICLIndex:
    """Train sample ids and their unit-length input embeddings; cosine nearest neighbours of queries."""

    def __init__(self, sample_ids: Sequence[str], embeddings: np.ndarray, embedder: Embedder,
                 text_hashes: Sequence[str] | None = None, meta: dict[str, Any] | None = None) -> None:
        self.sample_ids = list(sample_ids)
        self.embeddings = np.asarray(embeddings, dtype=np.float32)  # [N, D]
        if self.embeddings.ndim != 2 or len(self.embeddings) != len(self.sample_ids):
            raise ValueError(f"{len(self.sample_ids)} ids but embeddings of shape {self.embeddings.shape}")
        self.embedder = embedder
        self.text_hashes = list(text_hashes) if text_hashes is not None else None
        self.meta = dict(meta or {})

    def __len__(self) -> int:
        return len(self.sample_ids)

    def save(self, path: str | Path) -> Path:
        """Write ``path`` (.npz): ids, input-text hashes, embeddings and a JSON ``meta`` (embedder name/spec)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        spec = getattr(self.embedder, "spec", None)
        meta = {**self.meta, "format": INDEX_FORMAT, "embedder": self.embedder.name,
                "embedder_spec": spec() if callable(spec) else None, "size": len(self)}
        with atomic_write(path, "wb") as handle:
            np.savez(handle, sample_ids=np.array(self.sample_ids), embeddings=self.embeddings,
                     text_hashes=np.array(self.text_hashes or []), meta=np.array(json.dumps(meta, ensure_ascii=False)))
        return path

    @classmethod
    def load(cls, path: str | Path, embedder: Embedder | None = None) -> ICLIndex:
        """Read an index; without ``embedder`` the one saved with it is rebuilt. A different embedder
        (another ``name``) raises: its query vectors would not be comparable with the saved ones."""
        with np.load(Path(path)) as data:
            meta = json.loads(str(data["meta"]))
            ids, vectors = data["sample_ids"].tolist(), data["embeddings"]
            hashes = data["text_hashes"].tolist() or None
        if meta.get("format") != INDEX_FORMAT:
            raise ValueError(f"{path}: ICL index format {meta.get('format')!r}, expected {INDEX_FORMAT}")
        if embedder is None:
            if not meta.get("embedder_spec"):
                raise ValueError(f"{path}: its embedder {meta['embedder']!r} saved no spec(); pass it as embedder=")
            embedder = embedder_from_spec(meta["embedder_spec"])
        if embedder.name != meta["embedder"]:
            raise ValueError(f"{path} was built with embedder {meta['embedder']!r}, not {embedder.name!r}; "
                             "rebuild the index or pass the same embedder")
        return cls(ids, vectors, embedder, hashes, meta)

    def search(self, queries: np.ndarray, k: int = 5, exclude: Sequence[Sequence[int]] | None = None,
               block: int = 256) -> list[list[int]]:
        """Row indices of the ``k`` most cosine-similar entries for each query row (most similar first,
        ties by index); ``exclude[q]`` lists rows query q may not get."""
        queries = np.asarray(queries, dtype=np.float32)  # [Q, D]
        result: list[list[int]] = []
        for start in range(0, len(queries), block):  # [block, N] scores at a time: bounded memory
            scores = queries[start:start + block] @ self.embeddings.T  # cosines: rows are unit vectors
            for q, row in enumerate(scores):
                if exclude is not None:
                    row[list(exclude[start + q])] = -np.inf
                order = np.argsort(-row, kind="stable")[:k]
                result.append([int(i) for i in order if np.isfinite(row[i])])
        return result

    def nearest(self, query_samples: Sequence[Sample], k: int = 5, exclude_same_id: bool = True
                ) -> list[list[int]]:
        """For each query sample, the row indices of its ``k`` nearest train samples by input embedding;
        ``exclude_same_id`` never returns the query itself (a train sample asked about its neighbours)."""
        if not query_samples:
            return []
        queries = self.embedder.encode([input_text(s) for s in query_samples])  # [Q, D], one batch
        exclude = None
        if exclude_same_id:
            row_of = {sid: i for i, sid in enumerate(self.sample_ids)}
            exclude = [[row_of[s.sample_id]] if s.sample_id in row_of else [] for s in query_samples]
        return self.search(queries, k, exclude)


def build_index(train_samples: Sequence[Sample], embedder: Embedder, path: str | Path | None = None,
                **meta: Any) -> ICLIndex:
    """Embed each train sample's ``input_text`` and (with ``path``) save the index there (.npz)."""
    if not train_samples:
        raise ValueError("build_index needs at least one train sample")
    texts = [input_text(s) for s in train_samples]
    subsets: dict[str, int] = {}
    for sample in train_samples:
        subsets[sample.subset] = subsets.get(sample.subset, 0) + 1
    index = ICLIndex([s.sample_id for s in train_samples], embedder.encode(texts), embedder,
                     [_text_hash(t) for t in texts], {"subsets": subsets, **meta})
    if path is not None:
        index.save(path)
    return index


def _example_block(number: int, exemplar: Sample) -> str:
    prompt = rpm_prompt(exemplar)
    return f"## Example {number}\n{prompt.text}\n{prompt.response_prefix}{prompt.target(exemplar.golden_response)}"


def icl_prompt(sample: Sample, exemplars: Sequence[Sample]) -> Prompt:
    """The table 21 prompt of ``sample`` preceded by ``exemplars`` (most similar first), each rendered as
    its table 21 prompt + ``<Agent Response> golden </Agent Response>``.

    ``shorter`` drops the last (least similar) example; with none left the prompt *is* ``rpm_prompt``,
    whose own ``shorter`` then drops the oldest dialogue turns. So ``fit_prompt`` gives up examples
    before any turn of the sample's dialogue (its count of dropped steps counts both).
    """
    base = rpm_prompt(sample)
    if not exemplars:
        return base
    exemplars = list(exemplars)
    blocks = "\n\n".join(_example_block(i, ex) for i, ex in enumerate(exemplars, 1))
    noun = "example" if len(exemplars) == 1 else "examples"
    text = (f"Here {'is' if len(exemplars) == 1 else 'are'} {len(exemplars)} {noun} of the task, each an input "
            f"followed by the agent's response.\n\n{blocks}\n\n## Task\n{base.text}")
    return Prompt(text, base.response_prefix, base.response_suffix, lambda: icl_prompt(sample, exemplars[:-1]))


class ICLPrompter:
    """``Sample -> Prompt`` with retrieved exemplars, for evaluation or generation of an ICL run.

    ``index_path``: the run's ``index.npz`` (``build_icl_run``); ``train_source``: the train samples
    themselves or a data source for ``remid.data.readers.load_samples`` (the indexed ids are looked up
    there, and their input texts must match what was indexed); ``k``: examples per prompt (default: the
    k the index was built for); ``embedder``: default, the one saved with the index.
    ``prompts(samples)`` embeds all queries in one batch; neighbours are remembered per sample, so
    ``prompter(sample)`` after ``prompts`` does not embed again.
    """

    def __init__(self, index_path: str | Path, train_source: str | Path | Sequence[Sample] | None = None,
                 k: int | None = None, embedder: Embedder | None = None, exclude_same_id: bool = True) -> None:
        from remid.data.readers import load_samples

        self.index = ICLIndex.load(index_path, embedder)
        self.k = int(k if k is not None else self.index.meta.get("k", 5))
        self.exclude_same_id = exclude_same_id
        if train_source is None or isinstance(train_source, (str, Path)):
            train_source = load_samples(train_source)
        by_id = {s.sample_id: s for s in train_source}
        missing = [sid for sid in self.index.sample_ids if sid not in by_id]
        if missing:
            raise ValueError(f"{len(missing)} indexed train sample(s) are not in the train source, e.g. "
                             f"{missing[:3]}; rebuild the index from this source")
        self.train = [by_id[sid] for sid in self.index.sample_ids]
        if self.index.text_hashes is not None:
            changed = [s.sample_id for s, h in zip(self.train, self.index.text_hashes, strict=True)
                       if _text_hash(input_text(s)) != h]
            if changed:
                raise ValueError(f"{len(changed)} train sample(s) differ from when the index was built, e.g. "
                                 f"{changed[:3]}; rebuild the index from this source")
        self._neighbours: dict[tuple[str, str], list[int]] = {}

    def _key(self, sample: Sample) -> tuple[str, str]:
        return sample.sample_id, _text_hash(input_text(sample))

    def exemplars(self, samples: Sequence[Sample]) -> list[list[Sample]]:
        """The ``k`` retrieved train samples of each sample, most similar first (one embedding batch)."""
        todo = list({self._key(s): s for s in samples if self._key(s) not in self._neighbours}.items())
        found = self.index.nearest([s for _, s in todo], self.k, self.exclude_same_id)
        self._neighbours.update((key, rows) for (key, _), rows in zip(todo, found, strict=True))
        return [[self.train[i] for i in self._neighbours[self._key(s)]] for s in samples]

    def prompts(self, samples: Sequence[Sample]) -> list[Prompt]:
        """``icl_prompt`` of every sample (the batched entry point)."""
        return [icl_prompt(s, ex) for s, ex in zip(samples, self.exemplars(samples), strict=True)]

    def __call__(self, sample: Sample) -> Prompt:
        return self.prompts([sample])[0]


def build_icl_run(run_dir: str | Path, train_samples: Sequence[Sample], embedder: Embedder | None = None,
                  k: int = 5) -> Path:
    """Build the ICL index of ``train_samples`` into ``run_dir/icl/index.npz`` (recording ``k``) and
    return its path; ``embedder`` defaults to the offline ``CharNgramEmbedder()``."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    path = Path(run_dir) / "icl" / INDEX_FILE
    build_index(train_samples, embedder or CharNgramEmbedder(), path, k=int(k))
    return path
