"""Lightning data module for on-policy RL: batches of samples and their rendered prompts (no targets).

The policy writes the completions itself (``remid.training.methods.rl.GRPOModule``), so a batch is just
the samples and the prompt each one is rolled out from: ``prompt`` is any ``Sample -> Prompt``
callable (``remid.core.prompts.rpm_prompt`` for table 21, ``thinking_prompt`` for the thinking RPMs),
picked in the method's yaml with ``_target_`` and ``_partial_: true``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import lightning as L
from torch.utils.data import DataLoader

from remid.core.prompts import Prompt, rpm_prompt
from remid.core.schema import Sample
from remid.data.readers import by_subset, load_samples
from remid.models.chat import fit_prompt

log = logging.getLogger(__name__)


class PromptBatch:
    """B samples, their prompts (fitted to ``max_prompt_tokens``) and each sample's prepared columns.

    A plain object, not a tuple or dataclass: Lightning moves tensors inside collections to the
    device and cannot rebuild the frozen ``Sample``/``Prompt`` records; there is nothing to move.
    """

    __slots__ = ("samples", "prompts", "columns")

    def __init__(self, samples: list[Sample], prompts: list[Prompt], columns: list[dict] | None = None) -> None:
        self.samples, self.prompts = samples, prompts
        self.columns = columns if columns is not None else [{} for _ in samples]  # per sample, e.g. {"trace": ...}

    def __len__(self) -> int:
        return len(self.samples)


class PromptDataModule(L.LightningDataModule):
    """Samples of ``train_subset`` (or ``samples`` given directly), shuffled, ``batch_size`` prompts a batch.

    A prompt longer than ``max_prompt_tokens`` (``data.max_prompt_tokens``) loses its oldest
    dialogue turns inside the template (``remid.models.chat.fit_prompt``), as in SFT and scoring;
    ``truncated`` counts such prompts. ``columns`` (sample_id -> extra data a prepare step wrote,
    ``remid.training.methods.artefacts.load_columns``) ride along in each batch; with ``require_columns`` a sample
    without an entry is left out (``no_columns`` counts them).
    """

    def __init__(self, source: str | None = None, prompt: Callable[[Sample], Prompt] = rpm_prompt,
                 train_subset: str = "id_train", batch_size: int = 8, train_limit: int | None = None,
                 skip_invalid: bool = False, max_prompt_tokens: int | None = None,
                 samples: list[Sample] | None = None, columns: dict[str, dict] | None = None,
                 require_columns: bool = False) -> None:
        super().__init__()
        self.columns, self.require_columns = dict(columns or {}), require_columns
        self.no_columns = 0
        self.source, self.prompt, self.train_subset = source, prompt, train_subset
        self.batch_size, self.train_limit, self.skip_invalid = batch_size, train_limit, skip_invalid
        self.max_prompt_tokens = max_prompt_tokens
        self.samples = list(samples) if samples is not None else None
        self.tokenizer = None
        self.train_set: list[Sample] = []
        self.truncated = 0

    def connect(self, tokenizer) -> None:
        """Hand over run-time facts from the model (one call, before ``setup``)."""
        self.tokenizer = tokenizer

    def setup(self, stage: str | None = None) -> None:
        if self.tokenizer is None:
            raise RuntimeError("PromptDataModule.connect(tokenizer) must be called before setup")
        if self.train_set:
            return
        samples = self.samples
        if samples is None:
            groups = by_subset(load_samples(self.source, self.skip_invalid))
            if not groups.get(self.train_subset):
                raise ValueError(f"data {self.source or 'mini'} has no samples in subset {self.train_subset!r} "
                                 f"(has {sorted(groups)})")
            samples = groups[self.train_subset]
        self.train_set = samples[: self.train_limit]
        if self.require_columns:
            kept = [s for s in self.train_set if s.sample_id in self.columns]
            self.no_columns = len(self.train_set) - len(kept)
            if self.no_columns:
                log.warning("%d of %d samples lack their prepared columns and are left out",
                            self.no_columns, len(self.train_set))
            self.train_set = kept
        if not self.train_set:
            raise ValueError("PromptDataModule has no samples to roll out")

    def _collate(self, samples: list[Sample]) -> PromptBatch:
        prompts = []
        for sample in samples:
            prompt, dropped = fit_prompt(self.tokenizer, self.prompt(sample), self.max_prompt_tokens)
            self.truncated += dropped > 0
            prompts.append(prompt)
        return PromptBatch(samples, prompts, [self.columns.get(s.sample_id, {}) for s in samples])

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True, collate_fn=self._collate)
