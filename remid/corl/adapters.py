"""Two LoRA adapters on one frozen base: CoRL's reasoning generator and policy model sharing their weights.

``method.module.shared_base=true model.lora={r: 16, ...}`` gives CoRL one base model in memory instead of
two, with a "reasoner" and a "policy" adapter on it (peft). ``AdapterView`` makes one adapter look like a
model of its own to everything that takes a model (generation, the one log-prob function, rewards bound to
the live policy, export): every forward and ``generate`` first activates its adapter. Both adapters stay
trainable throughout (peft's ``set_adapter`` freezes the inactive one; it is unfrozen again, since the
optimizer's groups and DeepSpeed's partitions are fixed at start), and only the active one takes part in a
forward pass, so only it gets gradients. ``own_parameters`` is the view's adapter alone: the optimizer
group of its module. Export merges one adapter into a copy of the base.

Not checked: DeepSpeed ZeRO-3 with a shared base (the base is reachable through both views).
"""

from __future__ import annotations

from typing import Any

import torch

from remid.models.loading import load_model


def _unfreeze_adapters(peft_model) -> None:
    for name, param in peft_model.named_parameters():
        if "lora_" in name:
            param.requires_grad_(True)


def shared_lora(model_path: str, dtype: str, lora: dict[str, Any], names: tuple[str, ...]):
    """``(peft_model, tokenizer)``: the base at ``model_path`` (frozen) with one LoRA adapter per name, all trainable."""
    from peft import LoraConfig, get_peft_model

    base, tokenizer = load_model(model_path, dtype=dtype)
    config = LoraConfig(task_type="CAUSAL_LM", **lora)
    model = get_peft_model(base, config, adapter_name=names[0])
    for name in names[1:]:
        model.add_adapter(name, config)
    _unfreeze_adapters(model)
    model.train(True)
    return model, tokenizer


class AdapterView(torch.nn.Module):
    """One named adapter of a shared peft model, used as a model: forward and ``generate`` activate it first."""

    def __init__(self, peft_model, name: str) -> None:
        super().__init__()
        self.peft, self.name = peft_model, name

    def activate(self) -> None:
        if list(self.peft.active_adapters) != [self.name]:
            self.peft.set_adapter(self.name)
            _unfreeze_adapters(self.peft)

    def forward(self, *args, **kwargs):
        self.activate()
        return self.peft(*args, **kwargs)

    def generate(self, *args, **kwargs):
        self.activate()
        return self.peft.generate(*args, **kwargs)

    @property
    def device(self) -> torch.device:
        return self.peft.device

    @property
    def config(self):
        return self.peft.config

    def own_parameters(self) -> list[torch.nn.Parameter]:
        """This adapter's weights: its module's optimizer group."""
        return [p for n, p in self.peft.named_parameters() if p.requires_grad and f".{self.name}." in n]

    def save_pretrained(self, directory, **kwargs) -> None:
        """The adapter alone (peft format)."""
        self.peft.save_pretrained(directory, selected_adapters=[self.name], **kwargs)

    def merge_and_unload(self):
        """The base with this adapter merged in, as a plain transformers model; in place, as peft's own (export
        calls it on a deep copy)."""
        return self.peft.merge_and_unload(adapter_names=[self.name])


def own_parameters(model) -> list[torch.nn.Parameter]:
    """The weights one CoRL module trains: an adapter view's own, else every trainable parameter."""
    own = getattr(model, "own_parameters", None)
    return own() if callable(own) else [p for p in model.parameters() if p.requires_grad]
