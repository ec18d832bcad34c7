"""Shipped tiny weights: the pretrained tiny bases and the default tiny R-EMI estimator.

Each folder here is a plain transformers checkpoint (bfloat16 safetensors, loaded as float32) with a
``MANIFEST.json`` beside it that records how it was made: the exact rebuild command, the train
overrides and the composed config, the sha256 of the corpus or data it was trained on, its final
metrics, the library versions, and the sha256 of every file. ``python -m remid.run.build_model
NAME`` rebuilds one (see ``build.py``); ``verify(NAME)`` checks the files against the manifest.

Why they ship: pretraining a tiny base takes ~10 min of CPU per architecture and the estimator's two
SFT runs a few more; the quickstart must finish in 10 minutes, so the reusable parts come built.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent
MANIFEST = "MANIFEST.json"
# name -> what it is (README and errors quote these).
SHIPPED = {
    "qwen3": "tiny Qwen3 base, pretrained on the multilingual role-play corpus (model=tiny_qwen3)",
    "llama": "tiny Llama base, pretrained on the multilingual role-play corpus (model=tiny_llama)",
    "remi_tiny_reasoner": "reasoning generator q_phi1 of the default estimator: tiny Qwen3 base + SFT (table 15)",
    "remi_tiny_policy": "policy model q_phi2 of the default estimator: tiny Qwen3 base + SFT (table 17)",
    "remi_tiny_transductive_reasoner": "reasoning generator q_phi1 of estimator=remi_tiny_transductive: as "
                                       "remi_tiny_reasoner, also fitted on dev records of all 12 subsets",
    "remi_tiny_transductive_policy": "policy model q_phi2 of estimator=remi_tiny_transductive: as remi_tiny_policy, "
                                     "also fitted on dev records of all 12 subsets",
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped_path(name: str) -> Path:
    """The folder of shipped model ``name``; a clear error when it is unknown or missing."""
    if name not in SHIPPED:
        raise ValueError(f"unknown shipped model {name!r}; expected one of {sorted(SHIPPED)}")
    path = ROOT / name
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"shipped model {name!r} is missing from {path}: rebuild it with "
                                f"`python -m remid.run.build_model {name}`")
    return path


def manifest(name: str) -> dict:
    return json.loads((shipped_path(name) / MANIFEST).read_text(encoding="utf-8"))


def verify(name: str, folder: Path | None = None) -> list[str]:
    """Problems with shipped model ``name`` (or a copy of it in ``folder``): files missing, extra, or
    not matching the sha256 recorded in its manifest."""
    path = folder or shipped_path(name)
    recorded = json.loads((path / MANIFEST).read_text(encoding="utf-8"))["files"]
    present = {p.name for p in path.iterdir() if p.is_file() and p.name != MANIFEST}
    problems = [f"{name}/{f}: not listed in {MANIFEST}" for f in sorted(present - set(recorded))]
    for file, sha in sorted(recorded.items()):
        if file not in present:
            problems.append(f"{name}/{file}: missing")
        elif file_sha256(path / file) != sha:
            problems.append(f"{name}/{file}: sha256 differs from {MANIFEST}")
    return problems
