"""Save on SLURM's pre-emption signal, then requeue: ``SaveThenRequeue`` (a Lightning callback).

Under the submitit launcher (``hydra/launcher=slurm``) SLURM sends the job ``SIGUSR2`` ``signal_delay_s`` before
its time limit (submitit's ``--signal``), and the same signal comes with ``scancel --signal=USR2`` or a
pre-emption. submitit's own handler requeues the job (``scontrol requeue``) and exits at once, wherever training
is. This callback takes the signal first: the handler only sets a flag, and at the end of the optimizer step
under way every rank saves ``checkpoints/last.ckpt`` (the same file the periodic checkpoints write, with the
random number generators' states beside the weights), then submitit's handler requeues and exits. The requeued
job runs the same command; ``train()`` sees ``SLURM_RESTART_COUNT`` and resumes from that checkpoint, so a run
cut once or more trains the same steps, in the same order, as one that was not.

Lightning's own requeue (``SLURMEnvironment(auto_requeue=True)``) is off under submitit
(``remid.training.strategies.cluster_plugins``): it would save from inside the signal handler, mid-step, and two
handlers would requeue the job twice.
"""

from __future__ import annotations

import logging
import os
import random
import signal
from pathlib import Path

import lightning as L
import numpy as np
import torch

log = logging.getLogger(__name__)


def under_submitit_slurm() -> bool:
    """Whether this process is a submitit job on SLURM (submitit sets ``SUBMITIT_EXECUTOR``)."""
    return os.environ.get("SUBMITIT_EXECUTOR") == "slurm"


def requeued() -> bool:
    """Whether this SLURM job is a requeued attempt (SLURM counts restarts in ``SLURM_RESTART_COUNT``)."""
    return int(os.environ.get("SLURM_RESTART_COUNT") or 0) > 0


def preemption_signal() -> signal.Signals:
    """The signal submitit asks SLURM for (``SUBMITIT_PREEMPT_SIGNAL``, default USR2)."""
    return signal.Signals["SIG" + os.environ.get("SUBMITIT_PREEMPT_SIGNAL", "USR2").removeprefix("SIG")]


class SaveThenRequeue(L.Callback):
    """On the pre-emption signal: finish the step, save ``last.ckpt`` on every rank, then let submitit requeue."""

    def __init__(self, dirpath: str | Path):
        self.path = Path(dirpath) / "last.ckpt"
        self.signum = preemption_signal()
        self.received = False
        self._handler = None  # submitit's, called once the checkpoint is on disk

    def _note(self, signum, frame) -> None:
        self.received = True

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._handler = signal.getsignal(self.signum)
        signal.signal(self.signum, self._note)

    def on_train_batch_end(self, trainer: L.Trainer, pl_module, outputs, batch, batch_idx: int) -> None:
        # one rank may see the signal a step before another: all save at the first step any of them saw it
        if not trainer.strategy.reduce_boolean_decision(self.received, all=False):
            return
        if trainer.max_steps > 0 and trainer.global_step >= trainer.max_steps:
            self.received = False  # the last step: the run finishes now, nothing to requeue
            return
        log.warning("%s at step %d: saving %s, then requeueing", self.signum.name, trainer.global_step, self.path)
        trainer.save_checkpoint(self.path)
        handler, self._handler = self._handler, None
        signal.signal(self.signum, handler if callable(handler) else signal.SIG_DFL)
        if callable(handler):
            handler(self.signum, None)  # submitit: scontrol requeue, then sys.exit (rank 0)
        raise SystemExit(f"{self.signum.name}: checkpointed at step {trainer.global_step} for the requeued job")

    def on_fit_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if self._handler is not None:
            signal.signal(self.signum, self._handler)
            self._handler = None

    # The generators' states travel with the checkpoint: the requeued job draws the next epoch's order (the
    # DataLoader's shuffle) where the cut one would have.
    # Plain types only: a checkpoint loads with torch.load(weights_only=True).
    def state_dict(self) -> dict:
        kind, keys, pos, has_gauss, gauss = np.random.get_state()
        return {"torch": torch.get_rng_state(), "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), pos,
                                                          has_gauss, gauss], "python": random.getstate()}

    def load_state_dict(self, state: dict) -> None:
        torch.set_rng_state(state["torch"])
        kind, keys, pos, has_gauss, gauss = state["numpy"]
        np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
        random.setstate(state["python"])
