"""The architecture numbers a plan needs, read from a model's config.json without its weights.

``architecture(spec)`` takes what ``model.name_or_path`` takes: a local directory or train run (its
``config.json`` through ``transformers.AutoConfig``), a tiny spec (the shipped tiny model's config), or a hub
id. Hub ids of the pre-trained bases in ``conf/model`` are answered from ``PUBLISHED`` below, offline: the
values of each checkpoint's public ``config.json`` on the Hugging Face hub (``hidden_size``,
``intermediate_size``, ``num_hidden_layers``, ``num_attention_heads``, ``num_key_value_heads``, ``head_dim``,
``vocab_size``, ``tie_word_embeddings``; MoE: ``num_experts``, ``num_experts_per_tok``,
``moe_intermediate_size``). Any other hub id is read through ``AutoConfig`` (its config.json from the local
cache, or the hub when online).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Architecture:
    """A decoder-only transformer (Llama / Qwen3 layout: GQA attention, SwiGLU MLP, RMSNorm)."""

    name: str
    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    tied: bool
    qk_norm: bool = False  # Qwen3: RMSNorm on each head's q and k
    experts: int = 0  # MoE: experts per layer (0: dense)
    experts_per_token: int = 0
    expert_intermediate: int = 0

    @property
    def embedding_params(self) -> int:
        return self.vocab * self.hidden

    def attention_params(self) -> int:
        q_out, kv_out = self.heads * self.head_dim, self.kv_heads * self.head_dim
        norms = 2 * self.head_dim if self.qk_norm else 0
        return self.hidden * q_out + 2 * self.hidden * kv_out + q_out * self.hidden + norms

    def mlp_params(self, active: bool = False) -> int:
        if not self.experts:
            return 3 * self.hidden * self.intermediate
        n = self.experts_per_token if active else self.experts
        return n * 3 * self.hidden * self.expert_intermediate + self.hidden * self.experts  # experts + router

    def layer_params(self, active: bool = False) -> int:
        return self.attention_params() + self.mlp_params(active) + 2 * self.hidden  # + the two RMSNorms

    def params(self, active: bool = False) -> int:
        """Parameters (``active``: those one token passes through, for FLOPs; MoE counts top-k experts only)."""
        head = 0 if self.tied else self.embedding_params
        return self.embedding_params + self.layers * self.layer_params(active) + self.hidden + head

    def largest_module_params(self) -> int:
        """The largest single module (DeepSpeed ZeRO-3 gathers one at a time): the embedding, or one layer."""
        return max(self.embedding_params, self.layer_params())

    def lora_params(self, lora: dict) -> int:
        """Adapter parameters of peft LoRA ``lora`` (``r``, ``target_modules``) on every layer."""
        r = int(lora.get("r", 8))
        q_out, kv_out = self.heads * self.head_dim, self.kv_heads * self.head_dim
        io = {"q_proj": (self.hidden, q_out), "k_proj": (self.hidden, kv_out), "v_proj": (self.hidden, kv_out),
              "o_proj": (q_out, self.hidden), "gate_proj": (self.hidden, self.intermediate),
              "up_proj": (self.hidden, self.intermediate), "down_proj": (self.intermediate, self.hidden)}
        targets = lora.get("target_modules") or ["q_proj", "v_proj"]  # peft's default for llama/qwen
        if isinstance(targets, str):
            targets = list(io) if targets == "all-linear" else [targets]
        unknown = [t for t in targets if t not in io]
        if unknown:
            raise ValueError(f"model.lora.target_modules {unknown} are not linear layers of {self.name} ({sorted(io)})")
        return self.layers * sum(r * (io[t][0] + io[t][1]) for t in targets)


def _qwen3(name, hidden, intermediate, layers, heads, kv_heads, tied, **moe) -> Architecture:
    return Architecture(name, hidden, intermediate, layers, heads, kv_heads, 128, 151936, tied, qk_norm=True, **moe)


def _llama(name, hidden, intermediate, layers, heads, kv_heads, head_dim, tied) -> Architecture:
    return Architecture(name, hidden, intermediate, layers, heads, kv_heads, head_dim, 128256, tied)


# Public config.json values of the bases in conf/model (huggingface.co/<id>/blob/main/config.json).
PUBLISHED: dict[str, Architecture] = {a.name: a for a in (
    _qwen3("Qwen/Qwen3-0.6B-Base", 1024, 3072, 28, 16, 8, tied=True),
    _qwen3("Qwen/Qwen3-1.7B-Base", 2048, 6144, 28, 16, 8, tied=True),
    _qwen3("Qwen/Qwen3-4B-Base", 2560, 9728, 36, 32, 8, tied=True),
    _qwen3("Qwen/Qwen3-8B-Base", 4096, 12288, 36, 32, 8, tied=False),
    _qwen3("Qwen/Qwen3-14B-Base", 5120, 17408, 40, 40, 8, tied=False),
    _qwen3("Qwen/Qwen3-30B-A3B-Base", 2048, 6144, 48, 32, 4, tied=False, experts=128, experts_per_token=8,
           expert_intermediate=768),
    _llama("meta-llama/Llama-3.2-1B", 2048, 8192, 16, 32, 8, 64, tied=True),
    _llama("meta-llama/Llama-3.2-3B", 3072, 8192, 28, 24, 8, 128, tied=True),
    _llama("meta-llama/Meta-Llama-3-8B", 4096, 14336, 32, 32, 8, 128, tied=False),
    _llama("meta-llama/Llama-3.1-8B", 4096, 14336, 32, 32, 8, 128, tied=False),
    _llama("meta-llama/Meta-Llama-3-70B", 8192, 28672, 80, 64, 8, 128, tied=False),
    # A small public Llama-architecture model the planner is checked against on CPU (docs/scaling.md).
    Architecture("HuggingFaceTB/SmolLM2-135M", 576, 1536, 30, 9, 3, 64, 49152, tied=True),
)}
# The post-trained checkpoints share their base's architecture (the estimator's Qwen/Qwen3-8B, instruct models).
for _base in list(PUBLISHED):
    if _base.endswith("-Base"):
        PUBLISHED[_base[:-len("-Base")]] = replace(PUBLISHED[_base], name=_base[:-len("-Base")])
PUBLISHED["meta-llama/Llama-3.1-8B-Instruct"] = replace(PUBLISHED["meta-llama/Llama-3.1-8B"],
                                                        name="meta-llama/Llama-3.1-8B-Instruct")


def from_config(config, name: str) -> Architecture:
    """An ``Architecture`` from a transformers ``PretrainedConfig`` (dense Llama/Qwen-style or Qwen3-MoE)."""
    get = lambda key, default=None: getattr(config, key, default)  # noqa: E731
    heads = get("num_attention_heads")
    if get("hidden_size") is None or heads is None or get("num_hidden_layers") is None:
        raise ValueError(f"{name}: config.json lacks hidden_size / num_attention_heads / num_hidden_layers")
    return Architecture(
        name=name, hidden=get("hidden_size"), intermediate=get("intermediate_size") or 0,
        layers=get("num_hidden_layers"), heads=heads, kv_heads=get("num_key_value_heads") or heads,
        head_dim=get("head_dim") or get("hidden_size") // heads, vocab=get("vocab_size"),
        tied=bool(get("tie_word_embeddings", False)), qk_norm=str(get("model_type", "")).startswith("qwen3"),
        experts=get("num_experts") or 0, experts_per_token=get("num_experts_per_tok") or 0,
        expert_intermediate=get("moe_intermediate_size") or 0)


def architecture(spec: str) -> Architecture:
    """The architecture of ``spec`` (a ``model.name_or_path`` or ``method.init_from``), reading no weights."""
    from transformers import AutoConfig

    spec = str(spec)
    if spec in PUBLISHED:
        return PUBLISHED[spec]
    from remid.models.loading import TINY_PREFIX, TINY_RANDOM_PREFIX, resolve_model_path

    if spec.startswith(TINY_RANDOM_PREFIX):  # the random init has the shipped tiny model's architecture
        spec = TINY_PREFIX + spec[len(TINY_RANDOM_PREFIX):]
    path = resolve_model_path(spec)
    if Path(path).is_dir() and (Path(path) / "config.json").exists():
        return from_config(AutoConfig.from_pretrained(path), spec)
    try:
        return from_config(AutoConfig.from_pretrained(path), spec)
    except OSError as error:
        raise ValueError(f"no architecture for model {spec!r}: not a local model, not among remid.plan's published "
                         f"configs ({', '.join(sorted(PUBLISHED))}), and its config.json could not be read "
                         f"({error}); pass a local copy of its config.json directory as model.name_or_path") from error
