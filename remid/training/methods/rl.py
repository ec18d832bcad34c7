"""GRPO (appendix D, equations 8-9), the one RL core of every RL method (RL, ThinkingRL, ours, CoRL).

python train.py method=<an RL method>   (its yaml names the rewards, the prompt template and the start)

Each training step takes B samples, samples ``num_generations`` completions per prompt from the
current policy (``HFGenerator.complete`` over ``self.model``), scores them with the configured
rewards (``remid.training.rewards.base.combine``: weighted, each logged by name), turns the rewards into group
advantages (equation 9, ``remid.training.losses.grpo.group_advantages``), scores the sampled tokens with the one
log-prob function and minimises ``remid.training.losses.grpo.grpo_loss`` (equation 8), as TRL's ``GRPOTrainer``
(which the paper used) does. Every rollout and its rewards are appended to ``rollouts.jsonl``.
``GRPOCore`` is that rollout -> reward -> advantage -> loss step for one policy, free of Lightning:
``GRPOModule`` runs it on its model, CoRL (``remid.corl.module``) on each of its two modules.

Departures from TRL: one optimizer step per generation batch (TRL's default ``num_iterations=1``;
the old log-probs are the current ones detached, so the ratio is 1 and clipping only shows in
the metrics); log-probs are those of the policy at temperature 1 (TRL divides the logits by the
sampling temperature: the same at the default ``temperature=1.0``); under DDP, ``batch`` scaling
and ``dapo``'s token count are per process; no entropy metric.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import lightning as L
import torch
from hydra.utils import instantiate

from remid.core.prompts import RESPONSE_CLOSE
from remid.generation.base import Completion, SamplingParams
from remid.generation.hf import HFGenerator
from remid.models.chat import context_text
from remid.models.logprobs import pack, token_logprobs
from remid.training.data.prompt_data import PromptBatch
from remid.training.losses.grpo import GRPO_LOSSES, SCALES, group_advantages, group_counts, grpo_loss
from remid.training.methods.base import CausalLMModule
from remid.training.methods.reference import FrozenReference
from remid.training.rewards.base import RewardBatch, combine
from remid.training.strategies import gathered_for_generation


def to_completions(scores: torch.Tensor, response_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Token log-probs of a packed batch [N, L] -> ``(logps [N, C], mask [N, C])``, each completion from column 0."""
    response_mask = response_mask.to(scores.device)
    lengths = response_mask.sum(-1)  # [N]
    mask = torch.arange(int(lengths.max()), device=scores.device) < lengths[:, None]  # [N, C]
    return scores.new_zeros(mask.shape).masked_scatter(mask, scores[response_mask]), mask


def completion_logprobs(model, context_ids: list[list[int]], completion_ids: list[list[int]],
                        pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """log pi(o_t | q, o_<t) of every completion token through ``token_logprobs``. -> ([N, C], mask [N, C])"""
    batch = pack(context_ids, completion_ids, pad_id)
    return to_completions(token_logprobs(model, batch), batch.response_mask)


def build_rewards(rewards: Mapping[str, Any]) -> dict[str, tuple[Callable, float]]:
    """``{name: {fn: callable or {_target_: ...}, weight: w}}`` -> ``{name: (callable, w)}``."""
    built = {}
    for name, spec in rewards.items():
        if spec is None:  # a reward an inheriting method's yaml removed (``<name>: null``)
            continue
        fn = spec["fn"]
        if isinstance(fn, Mapping) and "_target_" in fn:
            fn = instantiate(fn)
        if not callable(fn):
            raise TypeError(f"reward {name!r}: fn must be a callable (prompts, completions, **columns), got {fn!r}")
        built[name] = (fn, float(spec.get("weight", 1.0)))
    return built


def _number(x: float) -> float | None:
    return None if math.isnan(x) else x


class Rollouts(NamedTuple):
    """One generation batch: B prompts, G completions each (consecutive), their rewards and advantages."""

    rows: list[int]  # [B*G] completion -> its prompt
    context_ids: list[list[int]]  # [B] prompt token ids
    completions: list[Completion]  # [B*G]
    rewards: RewardBatch
    advantages: torch.Tensor  # [B*G], equation 9


class GRPOCore:
    """Rollout -> reward -> advantage -> loss of one policy (equations 8-9); no Lightning, no optimizer.

    ``rollout`` samples and scores (run it where the generator's weights are whole: ZeRO-3 callers wrap it in
    ``gathered_for_generation``); ``loss`` re-scores the sampled tokens with gradients and applies
    ``grpo_loss``. Arguments as ``GRPOModule``'s.
    """

    def __init__(self, rewards: Mapping[str, Any], num_generations: int = 8, max_new_tokens: int = 384,
                 temperature: float = 1.0, top_p: float = 1.0, repetition_penalty: float = 1.0,
                 stop: tuple[str, ...] | list[str] = (), loss_type: str = "dapo", epsilon_low: float = 0.2,
                 epsilon_high: float | None = None, beta: float = 0.0, scale_rewards: str = "group",
                 importance_sampling_level: str = "token") -> None:
        if not rewards:
            raise ValueError("GRPO needs at least one reward")
        if num_generations < 2:
            raise ValueError(f"GRPO needs num_generations >= 2 to form group advantages, got {num_generations}")
        if loss_type not in GRPO_LOSSES or scale_rewards not in SCALES:
            raise ValueError(f"loss_type must be one of {sorted(GRPO_LOSSES)} (got {loss_type!r}) and scale_rewards "
                             f"one of {SCALES} (got {scale_rewards!r})")
        self.reward = combine(build_rewards(rewards))
        self.num_generations, self.scale_rewards = num_generations, scale_rewards
        self.sampling_options = {"max_new_tokens": max_new_tokens, "temperature": temperature, "top_p": top_p,
                                 "repetition_penalty": repetition_penalty, "stop": tuple(str(x) for x in stop)}
        self.loss_options = {"loss_type": loss_type, "epsilon_low": epsilon_low, "beta": beta,
                             "epsilon_high": epsilon_low if epsilon_high is None else epsilon_high,
                             "max_completion_length": max_new_tokens,
                             "importance_sampling_level": importance_sampling_level}

    def sampling(self, seed: int) -> SamplingParams:
        return SamplingParams(n=self.num_generations, seed=seed, **self.sampling_options)

    @torch.no_grad()
    def rollout(self, generator, contexts: list[str], seed: int, **columns: list) -> Rollouts:
        """G completions per context from ``generator``'s current weights, their rewards and group advantages.

        ``columns`` hold one value per context (``sample``; CoRL's ``reasoning``); every reward gets them
        repeated per completion.
        """
        group = self.num_generations
        completions = [c for row in generator.complete(contexts, self.sampling(seed)) for c in row]  # [B*G]
        rows = [i for i in range(len(contexts)) for _ in range(group)]  # completion -> its prompt
        rewards = self.reward([contexts[i] for i in rows], [c.text for c in completions],
                              **{name: [values[i] for i in rows] for name, values in columns.items()})
        advantages = group_advantages(rewards.total, group, self.scale_rewards, rewards.valid)  # [B*G]
        return Rollouts(rows, generator.prompt_ids(contexts), completions, rewards, advantages)

    def loss(self, model, rollouts: Rollouts, pad_id: int,
             reference: FrozenReference | None = None) -> tuple[torch.Tensor, dict[str, float], int]:
        """``(loss, metrics, tokens)``: equation 8 over the rollouts' sampled tokens under ``model`` (with gradients)."""
        packed = pack([rollouts.context_ids[i] for i in rollouts.rows], [c.token_ids for c in rollouts.completions],
                      pad_id)
        scores = token_logprobs(model, packed)  # [B*G, L]
        logps, mask = to_completions(scores, packed.response_mask)  # [B*G, C]
        ref_logps = None
        if reference is not None:
            ref_logps, _ = to_completions(reference.token_logprobs(packed).to(scores.device), packed.response_mask)
        loss, metrics = grpo_loss(logps, logps.detach(), rollouts.advantages.to(logps.device), mask,
                                  ref_logps=ref_logps, **self.loss_options)
        metrics.update(rollouts.rewards.metrics)
        metrics.update(self.rollout_metrics(rollouts))
        return loss, metrics, int(packed.attention_mask.sum())

    def rollout_metrics(self, rollouts: Rollouts) -> dict[str, float]:
        """Lengths, truncation, advantage spread and the groups that teach nothing (TRL's names)."""
        completions, rewards, advantages = rollouts.completions, rollouts.rewards, rollouts.advantages
        lengths = torch.tensor([len(c.token_ids) for c in completions], dtype=torch.float32)
        groups = group_counts(rewards.total, self.num_generations, rewards.valid)
        return {
            "completions/mean_length": float(lengths.mean()), "completions/min_length": float(lengths.min()),
            "completions/max_length": float(lengths.max()),
            "completions/clipped_ratio": sum(not c.finished for c in completions) / len(completions),
            "advantages/mean_abs": float(advantages.abs().mean()),
            "advantages/std": float(advantages.std()) if advantages.numel() > 1 else 0.0,
            "rewards/unscorable": float((~rewards.valid).sum()),
            "groups/all_equal": float(groups["all_equal"]), "groups/under_two_valid": float(groups["under_two_valid"]),
            "frac_reward_zero_std": groups["all_equal"] / groups["groups"],
        }

    def records(self, rollouts: Rollouts, step: int, sample_ids: list[str], **extra: list) -> list[dict]:
        """One JSON row per rollout: step, sample, completion, its length/end, every reward, the advantage, and
        ``extra`` values given per prompt (e.g. the reasoning a policy rollout was conditioned on)."""
        out = []
        for j, (i, completion) in enumerate(zip(rollouts.rows, rollouts.completions, strict=True)):
            record = {
                "step": step, "sample_id": sample_ids[i], "generation": j % self.num_generations,
                **{name: values[i] for name, values in extra.items()},
                "completion": completion.text, "tokens": len(completion.token_ids), "finished": completion.finished,
                "rewards": {name: _number(float(v[j])) for name, v in rollouts.rewards.per_reward.items()},
                "reward": float(rollouts.rewards.total[j]) if rollouts.rewards.valid[j] else None,
                "advantage": float(rollouts.advantages[j]),
            }
            out.append(record)
        return out


def append_jsonl(path: Path, rows: list[dict], rank: int = 0) -> Path:
    """Append ``rows`` to ``path`` (rank k > 0 appends to ``<stem>.rank<k><suffix>`` beside it)."""
    if rank:
        path = path.with_name(f"{path.stem}.rank{rank}{path.suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


class GRPOModule(CausalLMModule):
    """Group Relative Policy Optimization over ``PromptBatch`` batches (``remid.training.data.prompt_data``).

    rewards: ``{name: {fn: reward callable (or its config), weight: 1.0}}``; completions go to
        each reward with ``sample=[Sample per completion]`` as a column.
    num_generations: completions per prompt (G; 8 in the paper, appendix E.1).
    max_new_tokens, temperature, top_p, repetition_penalty, stop: sampling (``stop`` strings end a
        completion and are cut from the text the rewards see; their tokens are trained on).
    loss_type, epsilon_low, epsilon_high, beta, scale_rewards, importance_sampling_level: as TRL's
        ``GRPOConfig`` (``remid.training.losses.grpo.grpo_loss``; ``epsilon_high=None`` is ``epsilon_low``).
        ``beta > 0`` keeps a frozen copy of the initial weights as pi_ref.
    max_prompt_tokens: the generator's prompt limit (the data module already fits prompts to it).
    generation_batch_size: prompts per ``generate`` call.
    rollout_path: file (or a callable returning it) the rollouts are appended to; default
        ``<trainer.default_root_dir>/rollouts.jsonl`` (the run directory).
    """

    hparams_ignore = ("rewards", "rollout_path")

    def __init__(self, model_path: str, dtype: str = "float32", lora: dict[str, Any] | None = None,
                 lr: float = 1e-6, weight_decay: float = 0.0, warmup_ratio: float = 0.0,
                 rewards: Mapping[str, Any] | None = None, num_generations: int = 8, max_new_tokens: int = 384,
                 temperature: float = 1.0, top_p: float = 1.0, repetition_penalty: float = 1.0,
                 stop: tuple[str, ...] | list[str] = (RESPONSE_CLOSE,), loss_type: str = "dapo", epsilon_low: float = 0.2,
                 epsilon_high: float | None = None, beta: float = 0.0, scale_rewards: str = "group",
                 importance_sampling_level: str = "token", max_prompt_tokens: int | None = None,
                 generation_batch_size: int = 64, rollout_path: str | Callable[[], str] | None = None,
                 seed: int = 0, chat_template: bool | None = None) -> None:
        core = GRPOCore(rewards or {}, num_generations, max_new_tokens, temperature, top_p, repetition_penalty, stop,
                        loss_type, epsilon_low, epsilon_high, beta, scale_rewards, importance_sampling_level)
        super().__init__(model_path, dtype, lora, lr, weight_decay, warmup_ratio, chat_template)
        self.hparams["stop"] = [str(x) for x in stop]  # plain list: a checkpoint loads with weights_only
        self.core, self.reward = core, core.reward
        self.generator = HFGenerator(self.model, self.tokenizer, generation_batch_size, max_prompt_tokens)
        self.reference = FrozenReference(self.model) if beta else None
        self.rollout_path = rollout_path

    def on_fit_start(self) -> None:
        bind_rewards(self.reward, self.device, self.model, self.tokenizer)
        if self.reference is not None:
            self.reference.to(self.device)

    def sampling_seed(self, batch_idx: int) -> int:
        """This step's sampling seed: it follows the step (so a resumed run continues, not repeats)."""
        return rollout_seed(self, batch_idx)

    def sampling(self, batch_idx: int) -> SamplingParams:
        """This step's sampling parameters."""
        return self.core.sampling(self.sampling_seed(batch_idx))

    def training_step(self, batch: PromptBatch, batch_idx: int):
        contexts = [context_text(self.tokenizer, p) for p in batch.prompts]
        self.generator.sync_weights(self.model)
        with gathered_for_generation(self):  # ZeRO-3: every rank generates with the whole weights; else a no-op
            rollouts = self.core.rollout(self.generator, contexts, self.sampling_seed(batch_idx), sample=batch.samples)
        loss, metrics, tokens = self.core.loss(self.model, rollouts, self.tokenizer.pad_token_id, self.reference)
        size = len(rollouts.rows)
        self.log("train/loss", loss, prog_bar=True, batch_size=size)
        self.log_dict({f"train/{k}": float(v) for k, v in metrics.items()}, batch_size=size)
        self.log_throughput(tokens, size)
        append_jsonl(self.rollout_file(), self.core.records(rollouts, self.global_step,
                                                             [s.sample_id for s in batch.samples]), self.global_rank)
        return loss

    def rollout_file(self) -> Path:
        """Where rank 0 appends its rollouts (rank k > 0 writes ``rollouts.rank<k>.jsonl`` beside it)."""
        path = self.rollout_path() if callable(self.rollout_path) else self.rollout_path
        return Path(path) if path is not None else Path(self.trainer.default_root_dir) / "rollouts.jsonl"


def rollout_seed(module: L.LightningModule, batch_idx: int) -> int:
    """The sampling seed of a GRPO step: the configured ``seed`` plus the micro-batch's position in training
    (``global_step`` x gradient accumulation + the micro-batch within it), so a resumed run continues rather
    than repeats its samples, and a distinct offset per rank, so ranks never draw the same completions."""
    accumulate = module.trainer.accumulate_grad_batches
    return (module.hparams.seed + module.global_step * accumulate + batch_idx % accumulate
            + 1_000_003 * module.global_rank)


def bind_rewards(reward, device, model, tokenizer) -> None:
    """Put model-based rewards beside the policy and bind those that score with the live policy ("Ours", CoRL)."""
    for fn, _ in reward.rewards.values():
        if callable(getattr(fn, "to", None)):
            fn.to(device)
        if callable(getattr(fn, "bind_policy", None)):
            fn.bind_policy(model, tokenizer)
