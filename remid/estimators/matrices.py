"""The saved N x N matrices of one evaluation (``estimator.save_matrices``), read back by ``remid.evaluation.verify``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from remid.core.atomic import atomic_write
from remid.estimators.remi import SubsetScores


def matrix_stem(label: str, subset: str) -> str:
    """File stem of one saved matrix (labels may hold dots, as in hub ids: never use Path.suffix on it)."""
    return f"{label.replace('/', '_')}__{subset}"


def save_matrices(run_dir: str | Path, label: str, subset: str, scores: SubsetScores) -> None:
    """``matrices/<label>__<subset>.npz`` (entry [i, j] = log p(y_j | x_i, r_i)) and the scored texts in order."""
    folder, stem = Path(run_dir) / "matrices", matrix_stem(label, subset)
    with atomic_write(folder / f"{stem}.npz", "wb") as handle:
        np.savez(handle, model=scores.logp_model, ref=scores.logp_ref)
    with atomic_write(folder / f"{stem}.jsonl") as handle:
        for i, context in enumerate(scores.contexts):
            row = {"i": i, "context": context, "model_response": scores.model_responses[i],
                   "ref_response": scores.ref_responses[i]}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
