"""How a trained RPM is prompted and read: the ``rpm`` section of a method's yaml.

Every method yaml may say, under ``method.rpm``, how evaluation (and any later consumer) gets a
response from the model it trained::

    rpm:
      model: ${run_dir}/hf              # what to generate with (ICL: the untrained base)
      prompt: {_target_: remid.core.prompts.rpm_prompt, _partial_: true}   # Sample -> Prompt, or an
                                        # object with prompts(samples) -> list[Prompt] (ICL)
      stop: null                        # null: the prompt's closing tag (remid.core.prompts.RESPONSE_CLOSE)
      parse: null                       # completion -> response (thinking RPMs drop their thinking)
      max_new_tokens: null              # null: generation.sampling.max_new_tokens

A train run writes its resolved config to ``config.yaml``; evaluation rebuilds the section from it,
so ``python evaluate.py rpms=[runs/<method>/<model>]`` needs no method-specific code. A plain
checkpoint or hub id is an SFT-style RPM (table 21 prompt), prompted through its own chat template where its
tokenizer has one and decoded as its ``generation_config.json`` asks (``folder_decoding``), except for the
``generation.sampling`` keys the config sets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hydra.utils import instantiate
from omegaconf import OmegaConf

from remid.core.prompts import RESPONSE_CLOSE, Prompt, rpm_prompt
from remid.core.schema import Sample


@dataclass
class RPMSpec:
    """One RPM to evaluate: where its weights are, how to prompt it and how to read its answer."""

    label: str  # "<base model name>/<method name>", or the path's name
    method: str
    base: str  # the base model the method started from
    model: str  # model spec handed to the generator (a train run's hf/, a base for ICL, a hub id)
    prompt: Callable[[Sample], Prompt] | object
    stop: tuple[str, ...] = (RESPONSE_CLOSE,)
    parse: Callable[[str], str] | None = None
    max_new_tokens: int | None = None
    # The run's model.chat_template (None: as the checkpoint's tokenizer has it; a trained run saved its choice).
    chat_template: bool | None = None

    def prompts(self, samples: list[Sample]) -> list[Prompt]:
        """The prompt of each sample (batched when the prompter supports it, as ICL retrieval does)."""
        batched = getattr(self.prompt, "prompts", None)
        return batched(samples) if callable(batched) else [self.prompt(s) for s in samples]

    def response(self, completion: str) -> str:
        """The role-play response inside a completion (what R-EMI scores)."""
        return self.parse(completion) if self.parse is not None else completion.strip()


def rpm_spec(spec: str) -> RPMSpec:
    """The ``RPMSpec`` of a train run directory (from its ``config.yaml``), a checkpoint or a hub id."""
    config = Path(spec) / "config.yaml"
    if not config.exists():
        return RPMSpec(Path(spec).name or spec, "-", spec, spec, rpm_prompt)
    run = OmegaConf.load(config)
    section = run.method.get("rpm") or {}
    model = section.get("model") or spec
    return RPMSpec(
        label=f"{run.model.name}/{run.method.name}", method=run.method.name,
        base=str(run.model.name_or_path), model=str(model),
        prompt=instantiate(section["prompt"]) if section.get("prompt") else rpm_prompt,
        stop=tuple(section.get("stop") or (RESPONSE_CLOSE,)),
        parse=instantiate(section["parse"]) if section.get("parse") else None,
        max_new_tokens=section.get("max_new_tokens"),
        chat_template=run.model.get("chat_template"),
    )


def folder_decoding(path: str | Path) -> dict:
    """The decoding a checkpoint folder's ``generation_config.json`` asks for, as ``generation.sampling`` keys:
    greedy (temperature 0) unless ``do_sample``, else its temperature (transformers' 1.0 if unset) and top_p; its
    repetition_penalty where set. ``{}`` without the file."""
    file = Path(path) / "generation_config.json"
    if not file.is_file():
        return {}
    gen = json.loads(file.read_text(encoding="utf-8"))
    out = {"temperature": float(gen.get("temperature", 1.0)) if gen.get("do_sample") else 0.0}
    if gen.get("do_sample") and gen.get("top_p") is not None:
        out["top_p"] = float(gen["top_p"])
    if gen.get("repetition_penalty") is not None:
        out["repetition_penalty"] = float(gen["repetition_penalty"])
    return out


def has_chat_template(path: str | Path) -> bool:
    """Whether the tokenizer saved in ``path`` carries a chat template (its own file or tokenizer_config.json)."""
    folder = Path(path)
    if (folder / "chat_template.jinja").is_file() or (folder / "chat_template.json").is_file():
        return True
    config = folder / "tokenizer_config.json"
    return config.is_file() and bool(json.loads(config.read_text(encoding="utf-8")).get("chat_template"))
