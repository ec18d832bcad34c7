"""remid's multi-node path against a real two-node SLURM: two slurmd, each in a network namespace of its own with its
own hostname and address (scripts/slurm-local.sh with REMID_SLURM_NODES=2), so the ranks of a job meet only over the
nodes' addresses, as on a cluster."""

from __future__ import annotations

import pytest
from slurm_cluster import LAUNCHER, QUIET, empty_queue, job_in_state, local_cluster, submit, wait_for


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory):
    yield from local_cluster(tmp_path_factory, nodes=2, port=6907)


@pytest.mark.slow
@pytest.mark.slurm
def test_a_two_node_job_trains_zero2_over_gloo_between_the_nodes(two_nodes, tmp_path):
    """``trainer.num_nodes=2 trainer.devices=1``: the launcher asks SLURM for two nodes with one task each; Lightning's
    SLURMEnvironment takes the world from SLURM and the first node's name as the rendezvous address."""
    runs = tmp_path / "runs"
    done = submit(two_nodes, ["train.py", "-m", *LAUNCHER, "trainer=deepspeed_zero2_cpu", "trainer.num_nodes=2",
                              "trainer.devices=1", "+trainer.plugins._target_=remid.training.strategies.cluster_plugins",
                              "data.train_limit=8", "model.batch_size=2", "trainer.max_steps=2",
                              "+trainer.limit_val_batches=0", "logger=csv", "trainer.enable_progress_bar=false",
                              f"paths.runs_dir={runs}"], runs, {**two_nodes, **QUIET, "DS_ACCELERATOR": "cpu"})
    try:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        folder = next(d for d in (runs / "multirun").glob("*/.submitit/*") if d.name.isdigit())
        shown = wait_for(lambda: job_in_state(two_nodes, folder.name, "COMPLETED"), "the job COMPLETED", 90)
        assert "NumNodes=2" in shown and "NodeList=remid-n[1-2]" in shown and "NumTasks=2" in shown, shown
        for rank in (0, 1):  # rank r ran on node r + 1, under that node's hostname
            log = (folder / f"{folder.name}_{rank}_log.out").read_text() + \
                (folder / f"{folder.name}_{rank}_log.err").read_text()
            assert f"hostname=remid-n{rank + 1}, local_rank=0(1), node={rank}(2), global_rank={rank}(2)" in log, log[-3000:]
            assert f"GLOBAL_RANK: {rank}, MEMBER: {rank + 1}/2" in log, log[-3000:]
        run = runs / "sft" / "tiny_qwen3"
        shards = sorted(p.name for p in (run / "checkpoints" / "last.ckpt" / "checkpoint").glob("*optim_states.pt"))
        assert len(shards) == 2, shards  # ZeRO-2 partitioned the optimizer states over the two nodes' ranks
        assert (run / "hf" / "config.json").exists()
    finally:
        empty_queue(two_nodes)
