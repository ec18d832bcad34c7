"""Progress bars stay readable in piped logs: few redraws off a terminal, every update on one."""

from __future__ import annotations

import io
import os
import pty
import time

import lightning as L
import torch
from lightning.pytorch.callbacks import TQDMProgressBar

from remid.core.progress import LogFriendlyProgressBar, progress_bar, progress_callbacks


def redraws(text: str) -> int:
    return text.count("\r")


def fill(stream, updates: int = 40, pause: float = 0.015) -> None:
    with progress_bar(total=updates, desc="scoring", unit="row", file=stream) as bar:
        for _ in range(updates):
            time.sleep(pause)  # past tqdm's default 0.1 s redraw interval every ~7 updates
            bar.update(1)


def test_a_piped_bar_redraws_only_at_start_and_end():
    piped = io.StringIO()
    fill(piped)
    assert redraws(piped.getvalue()) <= 3 and "40/40" in piped.getvalue()


def test_a_terminal_bar_keeps_redrawing():
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", closefd=False) as terminal:
            fill(terminal)
        text = os.read(leader, 1 << 16).decode(errors="replace")
    finally:
        os.close(leader)
        os.close(follower)
    assert redraws(text) >= 4  # about one per 0.1 s of the 0.6 s loop


class Tiny(L.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(2, 1)

    def training_step(self, batch, batch_idx):
        time.sleep(0.01)
        return self.layer(batch[0]).pow(2).mean()

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)

    def train_dataloader(self):
        data = torch.utils.data.TensorDataset(torch.randn(30, 2))
        return torch.utils.data.DataLoader(data, batch_size=1)


def fit_with(bar, tmp_path) -> int:
    trainer = L.Trainer(max_epochs=1, callbacks=[bar], logger=False, enable_checkpointing=False,
                        enable_model_summary=False, default_root_dir=tmp_path)
    trainer.fit(Tiny())
    return trainer.global_step


def test_lightning_bar_off_a_terminal_redraws_a_few_times_not_every_step(capsys, tmp_path):
    assert fit_with(TQDMProgressBar(), tmp_path) == 30
    default = capsys.readouterr().out
    assert fit_with(LogFriendlyProgressBar(piped_interval=30.0), tmp_path) == 30
    sparse = capsys.readouterr().out
    assert "30/30" in sparse and redraws(default) >= 30  # Lightning's own bar: every step
    assert redraws(sparse) <= 12  # set-up, the first step, the epoch's end


def test_progress_callbacks_follow_the_trainer_flag(tmp_path):
    assert progress_callbacks(False) == []
    (bar,) = progress_callbacks(True, piped_interval=5.0)
    assert isinstance(bar, LogFriendlyProgressBar) and bar.piped_interval == 5.0
    L.Trainer(callbacks=progress_callbacks(False), enable_progress_bar=False, logger=False, default_root_dir=tmp_path)
