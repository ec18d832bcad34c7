"""An on-disk cache of any embedder's vectors (``remid.models.embeddings``), one ``.npz`` shard per batch of new texts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from remid.core.atomic import atomic_write
from remid.models.embeddings import Embedder, short_hash


class CachedEmbedder:
    """Any embedder plus an on-disk cache of its vectors, keyed by (embedder name, text).

    Each ``encode`` that computes new vectors writes them as one ``.npz`` shard (keys + vectors, written
    to a temporary name and renamed, so a killed process never leaves half a shard) under
    ``cache_dir/<hash of the name>/``; all shards load at start-up. Another embedder name uses another
    folder, so vectors of different models never mix.
    """

    def __init__(self, embedder: Embedder, cache_dir: str | Path) -> None:
        self.embedder, self.name = embedder, embedder.name
        self.dir = Path(cache_dir) / short_hash(embedder.name)
        self._vectors: dict[str, np.ndarray] = {}
        for shard in sorted(self.dir.glob("*.npz")):
            with np.load(shard) as data:
                self._vectors.update(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def spec(self) -> dict[str, Any] | None:
        spec = getattr(self.embedder, "spec", None)
        return spec() if callable(spec) else None

    def __len__(self) -> int:
        return len(self._vectors)

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        keys = [short_hash(self.name + "\x00" + t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            fresh = self.embedder.encode([text_of[k] for k in missing], batch_size=batch_size)
            self._vectors.update(zip(missing, fresh, strict=True))
            self.dir.mkdir(parents=True, exist_ok=True)
            stem = uuid.uuid4().hex
            with atomic_write(self.dir / f"{stem}.npz", "wb") as handle:
                np.savez(handle, keys=np.array(missing), vectors=fresh.astype(np.float32))
        if not keys:
            return self.embedder.encode([])
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)
