"""Lightning data module for supervised fine-tuning on ID training samples."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import lightning as L
from torch.utils.data import DataLoader

from remid.core.prompts import Prompt
from remid.core.schema import Sample
from remid.data.readers import by_subset, load_samples
from remid.models.chat import encode_pair, fit_prompt
from remid.models.logprobs import PackedBatch, pack

Task = Callable[..., tuple[Prompt, str]]  # (sample, **columns) -> (prompt, target response)
log = logging.getLogger(__name__)


def encode_example(tokenizer, prompt: Prompt, response: str, max_length: int, max_target: int,
                   max_prompt_tokens: int | None, counts: dict[str, int]) -> tuple[list[int], list[int]]:
    """``(context_ids, target_ids)`` of one SFT example: the target (answer, template suffix, EOS) cut at
    ``max_target``, the prompt fitted to ``max_length`` minus the target and to ``max_prompt_tokens`` by
    dropping its oldest turns (``fit_prompt``), else cut from the left. ``counts`` tallies each case
    (``targets_cut``, ``prompts_truncated``, ``prompts_cut``)."""
    _, target = encode_pair(tokenizer, prompt, response, add_eos=True)
    if len(target) > max_target:
        counts["targets_cut"] += 1
        target = target[:max_target]
    limit = max_length - len(target)
    if max_prompt_tokens is not None:
        limit = min(limit, max_prompt_tokens)
    prompt, dropped = fit_prompt(tokenizer, prompt, limit)
    counts["prompts_truncated"] += dropped > 0
    context, _ = encode_pair(tokenizer, prompt, response)
    if len(context) > limit:  # even the last turn alone is too long: keep the context's end
        counts["prompts_cut"] += 1
        context = context[-limit:]
    return context, target


class SFTDataModule(L.LightningDataModule):
    """Tokenizes ``task(sample)`` pairs of the ``train_subset`` (and a slice of ``val_subset``, a dev split:
    test samples never validate, so no checkpoint or choice is made on them).

    A prompt longer than ``max_prompt_tokens`` (``data.max_prompt_tokens``, shared with generation
    and scoring) or than ``max_length`` minus its target loses its oldest dialogue turns inside the
    template (``remid.models.chat.fit_prompt``); ``truncated`` counts such prompts and targets cut
    at ``max_target`` (which lose their EOS) per split, and both are logged.
    """

    def __init__(self, source: str | None, task: Task, train_subset: str = "id_train", val_subset: str = "id_dev",
                 batch_size: int = 8, max_length: int = 1024, max_target: int = 512, train_limit: int | None = None,
                 val_limit: int | None = 64, skip_invalid: bool = False, seed: int = 0,
                 max_prompt_tokens: int | None = None, extra_train: list[Sample] | None = None,
                 columns: dict[str, dict] | None = None, require_columns: bool = False) -> None:
        super().__init__()
        self.source, self.task = source, task
        # sample_id -> extra keyword arguments of ``task`` (a thinking trace, a best-of-n target), read
        # from a file a prepare step wrote (``remid.training.methods.artefacts.load_columns``).
        # With ``require_columns`` a sample without an entry is left out (and counted): a thinking RPM has
        # no target without its trace; best-of-n targets fall back to the golden response instead.
        self.columns, self.require_columns = dict(columns or {}), require_columns
        # Samples trained on beside ``train_subset`` (e.g. the tiny estimator's multilingual post-training
        # set, ``remid.tiny.corpus.post_training_samples``); ``train_limit`` does not cut them.
        self.extra_train = list(extra_train or [])
        self.train_subset, self.val_subset = train_subset, val_subset
        self.batch_size, self.max_length, self.max_target = batch_size, max_length, max_target
        self.max_prompt_tokens = max_prompt_tokens
        self.truncated: dict[str, dict[str, int]] = {}
        self.train_limit, self.val_limit = train_limit, val_limit
        self.skip_invalid, self.seed = skip_invalid, seed
        self.tokenizer = None
        self.train_set: list[tuple[list[int], list[int]]] = []
        self.val_set: list[tuple[list[int], list[int]]] = []

    def connect(self, tokenizer) -> None:
        """Hand over run-time facts from the model (one call, before ``setup``)."""
        self.tokenizer = tokenizer

    def _encode_one(self, sample: Sample, counts: dict[str, int]) -> tuple[list[int], list[int]]:
        prompt, response = self.task(sample, **self.columns.get(sample.sample_id, {}))
        return encode_example(self.tokenizer, prompt, response, self.max_length, self.max_target,
                              self.max_prompt_tokens, counts)

    def _encode(self, samples: list[Sample], split: str) -> list[tuple[list[int], list[int]]]:
        counts = {"prompts_truncated": 0, "prompts_cut": 0, "targets_cut": 0, "no_columns": 0}
        if self.require_columns:
            kept = [s for s in samples if s.sample_id in self.columns]
            counts["no_columns"] = len(samples) - len(kept)
            samples = kept
        encoded = [self._encode_one(sample, counts) for sample in samples]
        self.truncated[split] = counts
        if any(counts.values()):
            log.warning("%s: of %d samples, %d prompts lost their oldest turns, %d were cut from the left anyway, "
                        "%d targets were cut at max_target=%d (no EOS), %d lacked their prepared columns", split, len(samples),
                        counts["prompts_truncated"], counts["prompts_cut"], counts["targets_cut"], self.max_target,
                        counts["no_columns"])
        return encoded

    def setup(self, stage: str | None = None) -> None:
        if self.tokenizer is None:
            raise RuntimeError("SFTDataModule.connect(tokenizer) must be called before setup")
        if self.train_set:
            return
        groups = by_subset(load_samples(self.source, self.skip_invalid))
        for name in (self.train_subset, self.val_subset):
            if not groups.get(name):
                raise ValueError(f"data {self.source or 'mini'} has no samples in subset {name!r} (has {sorted(groups)})")
        train = groups[self.train_subset][: self.train_limit] + self.extra_train
        val = groups[self.val_subset][: self.val_limit]
        self.sample_ids = {"train": [s.sample_id for s in train], "val": [s.sample_id for s in val]}
        self.train_set = self._encode(train, "train")
        self.val_set = self._encode(val, "val")
        random.Random(self.seed).shuffle(self.train_set)

    def _collate(self, rows: list[tuple[list[int], list[int]]]) -> PackedBatch:
        return pack([r[0] for r in rows], [r[1] for r in rows], self.tokenizer.pad_token_id)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True, collate_fn=self._collate)

    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.val_set, batch_size=self.batch_size, collate_fn=self._collate)


class CorpusDataModule(L.LightningDataModule):
    """Causal-LM pretraining on plain documents: EOS-joined, cut into ``block_size`` token blocks.

    ``source`` is a JSONL file of ``{"text": ...}`` lines, or null for the deterministic
    multilingual corpus of ``remid.tiny.corpus`` (generated in memory). Each block is scored on
    every token after its first (the same SFT step with a one-token context). The last
    ``val_fraction`` of the blocks is held out for ``val/loss``.
    """

    def __init__(self, source: str | None = None, n_documents: int | None = None, block_size: int = 512,
                 batch_size: int = 16, val_fraction: float = 0.02, seed: int = 0) -> None:
        super().__init__()
        self.source, self.n_documents, self.block_size = source, n_documents, block_size
        self.batch_size, self.val_fraction, self.seed = batch_size, val_fraction, seed
        self.tokenizer = None
        self.train_set: list[list[int]] = []
        self.val_set: list[list[int]] = []

    def connect(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def texts(self) -> list[str]:
        if self.source is None:
            from remid.tiny.corpus import N_DOCUMENTS, documents

            return list(documents(self.n_documents or N_DOCUMENTS))
        from pathlib import Path

        from remid.data.readers import DataFormatError, _records_from_jsonl

        texts = []
        for record, where in _records_from_jsonl(Path(self.source)):  # UTF-8 (BOM allowed), line-numbered errors
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise DataFormatError(f"{where}: expected a JSON object with a 'text' field")
            texts.append(record["text"])
        return texts[: self.n_documents]

    def setup(self, stage: str | None = None) -> None:
        if self.tokenizer is None:
            raise RuntimeError("CorpusDataModule.connect(tokenizer) must be called before setup")
        if self.train_set:
            return
        stream: list[int] = []
        for ids in self.tokenizer(self.texts(), add_special_tokens=False)["input_ids"]:
            stream += ids + [self.tokenizer.eos_token_id]
        blocks = [stream[i:i + self.block_size] for i in range(0, len(stream) - self.block_size + 1, self.block_size)]
        if len(blocks) < 2:
            raise ValueError(f"corpus {self.source or 'mini'} holds {len(stream)} tokens: under two blocks of {self.block_size}")
        n_val = max(1, int(len(blocks) * self.val_fraction))
        self.train_set, self.val_set = blocks[:-n_val], blocks[-n_val:]

    def _collate(self, blocks: list[list[int]]) -> PackedBatch:
        return pack([b[:1] for b in blocks], [b[1:] for b in blocks], self.tokenizer.pad_token_id)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True, collate_fn=self._collate)

    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.val_set, batch_size=self.batch_size, collate_fn=self._collate)
