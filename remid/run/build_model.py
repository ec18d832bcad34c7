"""Rebuild a shipped tiny model: ``python -m remid.run.build_model NAME [OVERRIDE ...]``.

NAME is one of ``remid.tiny.pretrained.SHIPPED``. It runs ``train.py`` with the recipe below (the
same ``train(cfg)`` a user runs, through the real config tree), stores the result in bfloat16 in
``remid/tiny/pretrained/NAME/`` and writes ``MANIFEST.json``: command, overrides, composed
config, data sha256, final metrics, versions, and the sha256 of every file. Extra ``OVERRIDE``s
are appended to the recipe and recorded too. Order matters: the estimator modules start from the
shipped ``qwen3`` base, so rebuild ``qwen3`` first.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from remid.tiny.pretrained import MANIFEST, ROOT, SHIPPED, file_sha256

CONF_DIR = ROOT.parents[2] / "conf"
# The command that builds a shipped module, as MANIFEST.json records it. The modules shipped before the package
# took its layered layout record the command of that layout, which built them then.
COMMAND = "python -m remid.run.build_model"
FORMER_COMMANDS = ("python -m remid.models.pretrained.build",)
# The estimator modules, under two protocols (docs/protocol.md). Every choice is made on dev: validation on the
# first DECIDE ID dev samples, epochs from the dev loss curve, the protocol by dev diagnostics of the first
# DECIDE dev samples of each subset (python evaluate.py data.eval_split=dev data.eval_limit=24).
# * held-out (remi_tiny_*): IDTrain only. No post-training set: samples drawn from the benchmark's pools hold
#   the evaluated characters (153 of 160) and golden sentences, so none would be held out.
# * transductive (remi_tiny_transductive_*): IDTrain plus dev records of every subset from DECIDE on, i.e. fitted
#   on records of the evaluated distributions (the authors fit CoRL on 1,000 records of the test splits).
DECIDE = 24
DEV_VAL = f"method.datamodule.val_limit={DECIDE}"
TRANSDUCTIVE = f"+method.datamodule.extra_train={{_target_: remid.data.readers.dev_records, start: {DECIDE}}}"
REASONER_EPOCHS, POLICY_EPOCHS = 6, 10
REASONER = ["method=sft_reasoner", "model=tiny_qwen3", f"trainer.max_epochs={REASONER_EPOCHS}", DEV_VAL]
POLICY = ["method=sft_policy", "model=tiny_qwen3", f"trainer.max_epochs={POLICY_EPOCHS}", DEV_VAL]
# name -> train.py overrides. Pretraining: one pass over 16,000 corpus documents (~400 steps of 16 x 1,024 tokens).
RECIPES: dict[str, list[str]] = {
    "qwen3": ["method=pretrain", "model=tiny_qwen3_random", "trainer.max_epochs=1", "method.datamodule.n_documents=16000"],
    "llama": ["method=pretrain", "model=tiny_llama_random", "trainer.max_epochs=1", "method.datamodule.n_documents=16000"],
    "remi_tiny_reasoner": REASONER,
    "remi_tiny_policy": POLICY,
    "remi_tiny_transductive_reasoner": [*REASONER, TRANSDUCTIVE],
    "remi_tiny_transductive_policy": [*POLICY, TRANSDUCTIVE],
}


def data_sha256(cfg) -> str:
    """sha256 of what the run trained on: the corpus documents, or the benchmark file (+ its base's manifest)."""
    digest = hashlib.sha256()
    if cfg.method.name == "pretrain":
        dm = cfg.method.datamodule
        from remid.training.data.datamodule import CorpusDataModule

        for text in CorpusDataModule(dm.source, dm.n_documents).texts():
            digest.update(text.encode() + b"\x00")
    else:
        from remid.data.readers import mini_benchmark_path
        from remid.models.loading import resolve_model_path

        digest.update(Path(cfg.data.source or mini_benchmark_path()).read_bytes())
        if cfg.method.datamodule.get("extra_train"):
            from hydra.utils import instantiate

            for sample in instantiate(cfg.method.datamodule.extra_train):
                digest.update(json.dumps(sample.to_record(), ensure_ascii=False).encode() + b"\x00")
        base = Path(resolve_model_path(cfg.model.name_or_path)) / MANIFEST
        if base.exists():
            digest.update(base.read_bytes())
    return digest.hexdigest()


def build(name: str, extra: list[str] = (), runs_dir: str | None = None) -> Path:
    """Train ``name`` by its recipe and replace ``remid/tiny/pretrained/<name>/`` with the result."""
    import torch
    import transformers
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from remid.run.train import train

    if name not in RECIPES:
        raise ValueError(f"unknown shipped model {name!r}; expected one of {sorted(RECIPES)}")
    runs_dir = runs_dir or tempfile.mkdtemp(prefix=f"remid-build-{name}-")
    overrides = [*RECIPES[name], *extra]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="train", overrides=[*overrides, f"paths.runs_dir={runs_dir}", "logger=csv"])
    metrics = train(cfg)
    hf = Path(cfg.run_dir) / "hf"
    model = AutoModelForCausalLM.from_pretrained(hf, dtype=torch.float32).to(torch.bfloat16)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=ROOT))
    model.save_pretrained(staging)
    AutoTokenizer.from_pretrained(hf).save_pretrained(staging)
    record = {
        "name": name,
        "description": SHIPPED[name],
        "command": " ".join([COMMAND, name, *extra]),
        "overrides": overrides,
        "data_sha256": data_sha256(cfg),
        "metrics": metrics,
        "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
        "stored_dtype": "bfloat16",
        "config": OmegaConf.to_container(cfg, resolve=True),
        "files": {p.name: file_sha256(p) for p in sorted(staging.iterdir()) if p.is_file()},
    }
    (staging / MANIFEST).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for file in staging.iterdir():
        file.chmod(0o644)
    staging.chmod(0o755)
    target = ROOT / name
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    print(f"{name}: written to {target} ({sum(p.stat().st_size for p in target.iterdir()) / 1e6:.1f} MB); metrics {metrics}")
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in RECIPES:
        print(f"usage: python -m remid.run.build_model {{{','.join(RECIPES)}}} [OVERRIDE ...]", file=sys.stderr)
        return 2
    build(argv[0], argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
