"""DeepSpeed ZeRO on CPU for tests and development, and ZeRO-3 helpers shared by export and generation.

``CPUDeepSpeedStrategy`` is Lightning's ``DeepSpeedStrategy`` with its CUDA-only check lifted, so the
ZeRO code path (engine, partitioned optimizer states, directory checkpoints, resume, HF export) runs on
Lightning's CPU accelerator with DeepSpeed's CPU accelerator over gloo:
``python train.py trainer=deepspeed_zero2_cpu`` (two processes on one machine). It is a CPU-only
workaround: on a CUDA accelerator every override defers to ``DeepSpeedStrategy`` unchanged, and the GPU
configs (``trainer=deepspeed_zero2|3``) keep using ``DeepSpeedStrategy`` itself.

``cluster_plugins`` gives the Lightning trainer SLURM's ranks under ``srun`` (``trainer.num_nodes=N``: DDP and
DeepSpeed both take their world from it, DeepSpeed's process group included).

``gathered_parameters`` / ``gathered_for_generation`` make a ZeRO-3-partitioned model whole for the
duration of a block (every rank must enter it together); without ZeRO-3 they do nothing.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import lightning as L
import torch
from lightning.pytorch.accelerators import CUDAAccelerator
from lightning.pytorch.strategies import DDPStrategy, DeepSpeedStrategy


class CPUDeepSpeedStrategy(DeepSpeedStrategy):
    """``DeepSpeedStrategy`` that also accepts ``accelerator="cpu"`` (gloo process group).

    Three things differ on CPU, and only on CPU:

    - ``setup_environment``: the parent refuses any accelerator but CUDA; here the DDP set-up runs.
    - ``setup_distributed``: the parent checks that device indices equal local ranks, which CPU devices
      (index ``None``) cannot satisfy; the rest (seed, world ranks, ``deepspeed.init_distributed``) is kept.
    - ``deepspeed.initialize`` gets ``device_rank=LOCAL_RANK``: the parent passes the device index, ``None``
      on CPU, which DeepSpeed cannot compare with 0. Only the training path (``Trainer.fit``) is covered;
      ``validate``/``test``/``predict`` on their own raise.

    The optimizer stays the module's ``configure_optimizers`` (torch AdamW and its schedule), wrapped by
    ZeRO as on GPU (``zero_allow_untested_optimizer``, Lightning's default); DeepSpeed's own (CUDA) Adam
    kernels are never built. The process group is gloo, Lightning's default for CPU devices (the
    ``trainer=deepspeed_zero{2,3}_cpu`` configs name it).
    """

    @property
    def _on_cuda(self) -> bool:
        return isinstance(self.accelerator, CUDAAccelerator)

    def setup_environment(self) -> None:
        if self._on_cuda:
            return super().setup_environment()
        DDPStrategy.setup_environment(self)  # device set-up, then self.setup_distributed()

    def setup_distributed(self) -> None:
        if self._on_cuda:
            return super().setup_distributed()
        from lightning.fabric.utilities.seed import reset_seed

        reset_seed()
        self.set_world_ranks()
        self._init_deepspeed_distributed()

    def _setup_model_and_optimizer(self, model: torch.nn.Module, optimizer: Any, lr_scheduler: Any = None):
        if self._on_cuda:
            return super()._setup_model_and_optimizer(model, optimizer, lr_scheduler)
        import deepspeed

        engine, ds_optimizer, _, _ = deepspeed.initialize(
            args=argparse.Namespace(device_rank=self.local_rank), config=self.config, model=model,
            model_parameters=[p for p in model.parameters() if p.requires_grad], optimizer=optimizer,
            lr_scheduler=lr_scheduler, dist_init_required=False,
        )
        return engine, ds_optimizer

    def _initialize_deepspeed_inference(self, model: torch.nn.Module) -> None:
        if self._on_cuda:
            return super()._initialize_deepspeed_inference(model)
        raise NotImplementedError("CPUDeepSpeedStrategy runs Trainer.fit only (validation inside fit works); "
                                  "use trainer=cpu for validate/test/predict")


def cluster_plugins() -> list | None:
    """``trainer.plugins`` of the GPU configs: ``[SLURMEnvironment]`` inside an ``srun`` step, else None (Lightning picks).

    Lightning reads ranks, world size and the master address from SLURM's variables, and checks that
    ``--nodes`` / ``--ntasks-per-node`` match ``trainer.num_nodes`` / ``trainer.devices``. Requeue on the time-limit
    signal: Lightning's own (``auto_requeue``: it saves ``hpc_ckpt_*.ckpt`` and runs ``scontrol requeue``) in a plain
    ``sbatch`` + ``srun`` job; under the submitit launcher (``SUBMITIT_EXECUTOR=slurm``) Lightning's is off:
    ``remid.run.requeue.SaveThenRequeue`` saves at the end of the step, submitit requeues, and the requeued job
    resumes from ``checkpoints/last.ckpt``.
    """
    from lightning.pytorch.plugins.environments import SLURMEnvironment

    if not SLURMEnvironment.detect():
        return None
    return [SLURMEnvironment(auto_requeue=os.environ.get("SUBMITIT_EXECUTOR") != "slurm")]


def is_zero3_partitioned(model: torch.nn.Module) -> bool:
    """Whether ZeRO-3 has partitioned ``model``'s parameters (DeepSpeed marks each with ``ds_id``)."""
    return any(hasattr(p, "ds_id") for p in model.parameters())


@contextmanager
def gathered_parameters(model: torch.nn.Module) -> Iterator[None]:
    """Inside the block every parameter of ``model`` is whole (read-only) on every rank; a no-op without ZeRO-3.

    Under ZeRO-3 all ranks must enter it together (it all-gathers), and each holds one full copy of the
    weights meanwhile (2 bytes a parameter under bf16: 16 GB for an 8B model). Changes made inside are
    dropped on exit: the partitions are the weights.
    """
    if not is_zero3_partitioned(model):
        yield
        return
    import deepspeed

    with deepspeed.zero.GatheredParameters(list(model.parameters()), modifier_rank=None):
        yield


@contextmanager
def gathered_for_generation(module: L.LightningModule) -> Iterator[None]:
    """Make the model a LightningModule trains whole for ``generate`` (RL rollouts); a no-op without ZeRO-3.

    Under ZeRO-3 every rank must enter the block at the same point (e.g. once per training step, each on
    its own prompts). The weights are gathered once and DeepSpeed's per-module fetch/release hooks are
    lifted meanwhile (``deepspeed.runtime.zero.stage3.unwrap_model_for_generation``), so no collective runs
    inside and ranks may generate different numbers of tokens::

        with gathered_for_generation(self):  # self: the LightningModule, inside training_step
            rollouts = self.generator.complete(contexts, sampling)

    ZeRO-2, DDP and single-device runs need nothing. Each rank holds one full copy of the weights inside
    (``gathered_parameters``); where that does not fit a GPU, drop the block and pass ``synced_gpus=True``
    to ``model.generate`` instead (layer-by-layer gathers, every rank stepping until all are done).
    """
    trainer = module._trainer
    strategy = trainer.strategy if trainer is not None else None
    if not isinstance(strategy, DeepSpeedStrategy) or not is_zero3_partitioned(module):
        yield
        return
    from deepspeed.runtime.zero.stage3 import unwrap_model_for_generation

    with unwrap_model_for_generation(strategy.deepspeed_engine):
        yield
