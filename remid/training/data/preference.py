"""Lightning data module for preference optimisation (DPO, appendix E.1): (prompt, chosen, rejected) pairs.

Rows are ``{"sample": <RPGBench record>, "chosen": str, "rejected": str}`` (extra keys such as
``sample_id`` are ignored), read from a JSONL file (``remid.training.methods.rejections.collect_rejections``
writes one) or returned by a callable. A row may carry precomputed reference log-probs
``ref_chosen_logps`` / ``ref_rejected_logps`` (summed over the target tokens); they travel with the
batch. Targets are tokenized as SFT's: the answer, the template's closing text and EOS.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import lightning as L
import torch
from torch.utils.data import DataLoader

from remid.core.prompts import Prompt, rpm_prompt
from remid.core.schema import Sample, parse_record
from remid.data.readers import DataFormatError, _records_from_jsonl
from remid.models.chat import encode_pair, fit_prompt
from remid.models.logprobs import PackedBatch, pack

log = logging.getLogger(__name__)
Row = tuple[list[int], list[int], list[int], float | None, float | None]  # context, chosen, rejected, refs


class PreferenceBatch:
    """B pairs packed as one batch of 2B rows (chosen first, then rejected), and reference log-probs if given.

    A plain object (not a tuple): Lightning moves its tensors with ``to``.
    """

    __slots__ = ("packed", "ref_chosen_logps", "ref_rejected_logps")

    def __init__(self, packed: PackedBatch, ref_chosen_logps: torch.Tensor | None,
                 ref_rejected_logps: torch.Tensor | None) -> None:
        self.packed, self.ref_chosen_logps, self.ref_rejected_logps = packed, ref_chosen_logps, ref_rejected_logps

    def __len__(self) -> int:
        return self.packed.input_ids.shape[0] // 2

    def to(self, device) -> PreferenceBatch:
        refs = (None if t is None else t.to(device) for t in (self.ref_chosen_logps, self.ref_rejected_logps))
        return PreferenceBatch(PackedBatch(*(t.to(device) for t in self.packed)), *refs)


def read_pairs(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a preference JSONL file; a row without ``sample``/``chosen``/``rejected`` raises, naming its line."""
    rows = []
    for record, where in _records_from_jsonl(Path(path)):
        if not isinstance(record, dict) or any(k not in record for k in ("sample", "chosen", "rejected")):
            raise DataFormatError(f"{where}: expected a JSON object with 'sample', 'chosen' and 'rejected'")
        rows.append({**record, "where": where})
    return rows


def _sample(row: dict[str, Any]) -> Sample:
    sample = row["sample"]
    if isinstance(sample, Sample):
        return sample
    parsed = parse_record(sample, row.get("where", ""))
    if isinstance(parsed, list):
        raise DataFormatError("; ".join(str(e) for e in parsed))
    return parsed


class PreferenceDataModule(L.LightningDataModule):
    """Tokenized preference pairs; the last ``val_size`` rows are held out for ``val/*`` metrics.

    A prompt longer than ``max_prompt_tokens`` or than ``max_length`` minus its longer target loses
    its oldest dialogue turns inside the template; targets longer than ``max_target`` are cut
    (losing their EOS). Both are counted in ``truncated`` and logged.
    """

    def __init__(self, source: str | None = None, pairs: Callable[[], Iterable[dict[str, Any]]] | None = None,
                 prompt: Callable[[Sample], Prompt] = rpm_prompt, batch_size: int = 8, max_length: int = 1024,
                 max_target: int = 512, max_prompt_tokens: int | None = None, train_limit: int | None = None,
                 val_size: int = 0, seed: int = 0) -> None:
        super().__init__()
        if (source is None) == (pairs is None):
            raise ValueError("PreferenceDataModule needs exactly one of source (a JSONL file) and pairs (a callable)")
        self.source, self.pairs, self.prompt = source, pairs, prompt
        self.batch_size, self.max_length, self.max_target = batch_size, max_length, max_target
        self.max_prompt_tokens, self.train_limit, self.val_size, self.seed = max_prompt_tokens, train_limit, val_size, seed
        self.tokenizer = None
        self.train_set: list[Row] = []
        self.val_set: list[Row] = []
        self.truncated = {"prompts_truncated": 0, "targets_cut": 0}

    def connect(self, tokenizer) -> None:
        """Hand over run-time facts from the model (one call, before ``setup``)."""
        self.tokenizer = tokenizer

    def _target(self, prompt: Prompt, response: str) -> list[int]:
        _, target = encode_pair(self.tokenizer, prompt, response, add_eos=True)
        if len(target) > self.max_target:
            self.truncated["targets_cut"] += 1
            target = target[: self.max_target]
        return target

    def _encode(self, row: dict[str, Any]) -> Row:
        prompt = self.prompt(_sample(row))
        chosen, rejected = self._target(prompt, row["chosen"]), self._target(prompt, row["rejected"])
        limit = self.max_length - max(len(chosen), len(rejected))
        if self.max_prompt_tokens is not None:
            limit = min(limit, self.max_prompt_tokens)
        prompt, dropped = fit_prompt(self.tokenizer, prompt, limit)
        self.truncated["prompts_truncated"] += dropped > 0
        context, _ = encode_pair(self.tokenizer, prompt, row["chosen"])
        refs = (row.get("ref_chosen_logps"), row.get("ref_rejected_logps"))
        return context[-max(limit, 1):], chosen, rejected, *refs

    def setup(self, stage: str | None = None) -> None:
        if self.tokenizer is None:
            raise RuntimeError("PreferenceDataModule.connect(tokenizer) must be called before setup")
        if self.train_set:
            return
        rows = read_pairs(self.source) if self.source is not None else list(self.pairs())
        encoded = [self._encode(row) for row in rows]
        if any(self.truncated.values()):
            log.warning("preference pairs: of %d, %d prompts lost their oldest turns, %d targets were cut at "
                        "max_target=%d (no EOS)", len(rows), self.truncated["prompts_truncated"],
                        self.truncated["targets_cut"], self.max_target)
        n_val = min(self.val_size, max(len(encoded) - 1, 0))
        self.train_set = encoded[: len(encoded) - n_val][: self.train_limit]
        self.val_set = encoded[len(encoded) - n_val:] if n_val else []
        if not self.train_set:
            raise ValueError(f"no preference pairs to train on in {self.source or 'pairs()'}")
        random.Random(self.seed).shuffle(self.train_set)

    def _collate(self, rows: list[Row]) -> PreferenceBatch:
        contexts = [r[0] for r in rows]
        packed = pack(contexts + contexts, [r[1] for r in rows] + [r[2] for r in rows], self.tokenizer.pad_token_id)
        refs = [r[3:] for r in rows]
        if all(a is not None and b is not None for a, b in refs):
            return PreferenceBatch(packed, torch.tensor([a for a, _ in refs]), torch.tensor([b for _, b in refs]))
        return PreferenceBatch(packed, None, None)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True, collate_fn=self._collate)

    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.val_set, batch_size=self.batch_size, collate_fn=self._collate)
