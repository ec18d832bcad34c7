"""CoRL (section 3.3, appendix D): co-evolving RL of the reasoning generator q_phi1 and the policy model q_phi2.

python train.py method=corl [model=...] [llm=...]   (one command: teacher traces, SFT initialisation, CoRL)

One LightningModule holds both modules (``self.reasoner``, ``self.policy``) and runs the phase schedule of
``remid.corl.phases``: an SFT phase per module on the teacher's traces (table 15 -> table 16 trace;
table 17 with the trace's core features r -> y), then ``iterations`` rounds of a GRPO phase of the
reasoner followed by one of the policy, each module optimised in its own phase only. Both GRPO phases
run the one GRPO core (``remid.training.methods.rl.GRPOCore``):

- reasoner phase: r_i ~ q_phi1(. | x) from table 15 (reference withheld); reward log q_phi2(y | x, r_i)
  under the *current* policy (``remid.training.rewards.base.ReasoningReward`` bound to ``self.policy``; table 18).
- policy phase: r = q_phi1(x) decoded greedily by the current reasoner, y_i ~ q_phi2(. | x, r) from
  table 17; reward min(pi_ref(y_i | x, r) / pi_ref(y | x, r), 1) read as table 19's p("100%")
  (``remid.training.rewards.base.PolicyReward``).

Rollouts with their rewards go to ``<run_dir>/data/rollouts_{reasoner,policy}.jsonl``; metrics to
``train/<role>/...``. The weights at the end of the SFT phases are exported to ``<run_dir>/hf_{role}_sft``
(the ablation's "w/o CoRL"), the final ones to ``<run_dir>/hf_{role}`` (``evaluate.py estimator=corl``).
The phase, the step within it and the schedule are part of the Lightning checkpoint: ``resume=true``
continues in the phase and step the run was in.

Optimisation is Lightning's automatic one with a single ``PhasedAdamW`` holding one parameter group per
module (why, in ``remid.corl.phases``): it is the one design that runs under every trainer config,
DeepSpeed ZeRO included (one optimizer), with the trainer's gradient clipping and accumulation.
Departures from the paper: pi_ref is the policy's weights before CoRL's SFT (``policy_reference``;
the paper names "a reference model", the RFT/RL rewards it resembles use the base before SFT); the
SFT phases use the GRPO phases' prompt batches; each phase's learning rate decays linearly to 0 (TRL's
default) and its Adam state starts from zero.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import lightning as L

from remid.core.prompts import policy_prompt
from remid.core.reasoning import extract_core_features
from remid.corl.adapters import AdapterView, own_parameters, shared_lora
from remid.corl.phases import ROLES, PhasedAdamW, corl_schedule, linear_decay, phase_steps
from remid.generation.base import SamplingParams
from remid.generation.hf import HFGenerator
from remid.models.chat import context_text, fit_prompt
from remid.models.loading import load_model
from remid.models.logprobs import pack
from remid.training.data.datamodule import encode_example
from remid.training.data.prompt_data import PromptBatch
from remid.training.data.tasks import policy_example, reasoner_example
from remid.training.methods.base import export_hf
from remid.training.methods.reference import FrozenReference
from remid.training.methods.rl import GRPOCore, append_jsonl, bind_rewards, rollout_seed
from remid.training.methods.sft import sft_loss
from remid.training.strategies import gathered_for_generation

log = logging.getLogger(__name__)
SFT_TASKS = {"reasoner": reasoner_example, "policy": policy_example}  # (sample, trace) -> (prompt, target)


class CoRLModule(L.LightningModule):
    """Both CoRL modules, their GRPO cores and the phase schedule (module docstring).

    model_path: where both modules start (the base, or ``method.init_from``); ``reasoner_init`` /
        ``policy_init`` start one elsewhere (e.g. a shipped SFT estimator with ``sft_epochs=0``).
    iterations, epochs_per_phase, sft_epochs: the schedule (paper: 2 rounds, 3 epochs a phase).
    lr, sft_lr, weight_decay: AdamW per phase kind; ``reset_optimizer_state`` zeroes a module's Adam
        state when its phase starts (each phase of the paper is a fresh TRL run).
    grpo: GRPO settings shared by both modules (``GRPOCore``: num_generations, loss_type, epsilon_low,
        epsilon_high, beta, scale_rewards, temperature, top_p); ``reasoner`` / ``policy``: each module's own
        (``rewards``, ``max_new_tokens``, ``max_target`` of its SFT targets, any ``GRPOCore`` override).
    reasoning: how the policy phase decodes r = q_phi1(x) (greedy; ``max_new_tokens``, ``repetition_penalty``).
    max_length, max_prompt_tokens, generation_batch_size: SFT sequence limit, the one prompt limit, and
        prompts per ``generate`` call.
    shared_base: with ``lora``, both modules are LoRA adapters on one frozen base (``remid.corl.adapters``)
        instead of two models.
    export_dir: ``<run_dir>/hf``; the SFT weights go to ``<export_dir>_<role>_sft``.
    rollout_dir: where ``rollouts_<role>.jsonl`` are appended (default: the trainer's root dir).
    """

    def __init__(self, model_path: str, dtype: str = "float32", lora: dict[str, Any] | None = None,
                 reasoner_init: str | None = None, policy_init: str | None = None, iterations: int = 2,
                 epochs_per_phase: int = 3, sft_epochs: int = 2, lr: float = 1e-5, sft_lr: float | None = None,
                 weight_decay: float = 0.0, reset_optimizer_state: bool = True, grpo: Mapping[str, Any] | None = None,
                 reasoner: Mapping[str, Any] | None = None, policy: Mapping[str, Any] | None = None,
                 reasoning: Mapping[str, Any] | None = None, max_length: int = 2048,
                 max_prompt_tokens: int | None = None, generation_batch_size: int = 64, shared_base: bool = False,
                 export_dir: str | None = None, rollout_dir: str | None = None, seed: int = 0) -> None:
        super().__init__()
        self.save_hyperparameters(ignore=["grpo", "reasoner", "policy", "reasoning"])
        self.schedule = corl_schedule(iterations, epochs_per_phase, lr, sft_epochs, sft_lr)
        specs = {"reasoner": dict(reasoner or {}), "policy": dict(policy or {})}
        self.max_targets = {role: int(spec.pop("max_target", 1024)) for role, spec in specs.items()}
        self.cores = {role: GRPOCore(**{**dict(grpo or {}), **spec}) for role, spec in specs.items()}
        self.reasoning_sampling = SamplingParams(**{"max_new_tokens": 1024, **dict(reasoning or {})})
        if shared_base:  # two LoRA adapters on one frozen base (remid.corl.adapters)
            if not lora or reasoner_init or policy_init:
                raise ValueError("shared_base=true needs model.lora (the adapters) and one start (no reasoner_init/"
                                 "policy_init)")
            self.backbone, tokenizer = shared_lora(model_path, dtype, lora, ROLES)
            self.reasoner, self.policy = (AdapterView(self.backbone, role) for role in ROLES)
            self.reasoner_tokenizer = self.policy_tokenizer = tokenizer
        else:
            self.reasoner, self.reasoner_tokenizer = load_model(reasoner_init or model_path, dtype, lora, train=True)
            self.policy, self.policy_tokenizer = load_model(policy_init or model_path, dtype, lora, train=True)
        self.generators = {role: HFGenerator(self.model(role), self.tokenizer_of(role), generation_batch_size,
                                             max_prompt_tokens) for role in ROLES}
        self.references: dict[str, FrozenReference] = {}  # beta > 0: each module's weights after SFT
        self.phase, self.phase_step = 0, 0
        self.steps: list[int] | None = None  # optimizer steps per phase, fixed at the first train start
        self._optimizer: PhasedAdamW | None = None

    # ---- the two modules --------------------------------------------------------------------------------
    def model(self, role: str):
        return getattr(self, role)

    def tokenizer_of(self, role: str):
        return getattr(self, f"{role}_tokenizer")

    @property
    def tokenizer(self):
        """The tokenizer the prompt batches are fitted with: the reasoner's (it reads table 15 first)."""
        return self.reasoner_tokenizer

    @property
    def current(self):
        return self.schedule[min(self.phase, len(self.schedule) - 1)]

    def configure_optimizers(self):
        groups = [{"name": role, "params": own_parameters(self.model(role))} for role in ROLES]
        self._optimizer = PhasedAdamW(groups, lr=self.schedule[0].lr, weight_decay=self.hparams.weight_decay)
        return self._optimizer

    # ---- schedule ---------------------------------------------------------------------------------------
    def on_fit_start(self) -> None:
        self.trainer.fit_loop.max_epochs = sum(p.epochs for p in self.schedule)  # the schedule decides the length
        for core in self.cores.values():  # a "policy" scorer is the live policy model (the reasoner's reward)
            bind_rewards(core.reward, self.device, self.policy, self.policy_tokenizer)

    def on_train_start(self) -> None:
        self.reasoner.train()  # from_pretrained returns eval mode
        self.policy.train()
        # Lightning steps at an epoch's partial last window, unless the strategy accumulates itself (DeepSpeed)
        steps = phase_steps(self.schedule, self.trainer.num_training_batches, self.trainer.accumulate_grad_batches,
                            last_window=not self.trainer.strategy.handles_gradient_accumulation)
        if self.steps is not None and self.steps != steps:
            log.warning("CoRL resumes with the schedule it started with (%s steps per phase), not %s", self.steps, steps)
        self.steps = self.steps or steps
        if self.phase >= len(self.schedule):
            self.trainer.should_stop = True
            return
        if self.phase == 0 and self.phase_step == 0 and self.schedule[0].kind != "sft":
            self.save_hf(self.hparams.export_dir, suffix="_sft")  # no SFT here: the start weights are the SFT ones
        self._enter(reset=self.phase_step == 0 and self.hparams.reset_optimizer_state)
        log.info("CoRL schedule: %s", ", ".join(f"{p.name} {n} steps" for p, n in zip(self.schedule, self.steps,
                                                                                        strict=True)))

    def on_train_end(self) -> None:
        if self.steps is None or self.phase >= len(self.schedule):
            return
        log.warning("CoRL stopped in phase %d/%d (%s, step %d of %d) at trainer.max_steps=%s, before its schedule "
                    "ended: the exported modules are part-trained; raise trainer.max_steps to %d (its whole schedule) "
                    "or drop it", self.phase + 1, len(self.schedule), self.current.name, self.phase_step,
                    self.steps[self.phase], self.trainer.max_steps, sum(self.steps))

    def _lr(self) -> float:
        return self.current.lr * linear_decay(self.phase_step, self.steps[self.phase])

    def _enter(self, reset: bool) -> None:
        """Make the current phase's module the one the optimizer steps."""
        self._optimizer.activate(self.current.role, lr=self._lr(), reset=reset)
        log.info("CoRL phase %d/%d: %s, step %d of %d", self.phase + 1, len(self.schedule), self.current.name,
                 self.phase_step, self.steps[self.phase])

    def optimizer_step(self, epoch, batch_idx, optimizer, optimizer_closure=None) -> None:
        self._optimizer.group(self.current.role)["lr"] = self._lr()
        optimizer.step(closure=optimizer_closure)
        self.phase_step += 1
        if self.phase_step < self.steps[self.phase]:
            return
        finished = self.current
        self.phase, self.phase_step = self.phase + 1, 0
        if finished.kind == "sft" and (self.phase == len(self.schedule) or self.current.kind != "sft"):
            self.save_hf(self.hparams.export_dir, suffix="_sft")
        if self.phase == len(self.schedule):
            self.trainer.should_stop = True
        else:
            self._enter(reset=self.hparams.reset_optimizer_state)

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["corl"] = {"phase": self.phase, "phase_step": self.phase_step, "steps": self.steps,
                              "schedule": [p.name for p in self.schedule]}

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        state = checkpoint.get("corl")
        if state is None:
            raise ValueError("this checkpoint holds no CoRL phase state: it was not written by method=corl")
        if state["schedule"] != [p.name for p in self.schedule]:
            raise ValueError(f"the checkpoint's CoRL schedule {state['schedule']} differs from this run's "
                             f"{[p.name for p in self.schedule]}: resume with the same method.module settings")
        self.phase, self.phase_step, self.steps = state["phase"], state["phase_step"], state["steps"]

    # ---- steps ------------------------------------------------------------------------------------------
    def training_step(self, batch: PromptBatch, batch_idx: int):
        phase = self.current
        step = self._sft_step if phase.kind == "sft" else self._grpo_step
        loss, metrics, size = step(phase.role, batch, batch_idx)
        self.log("train/loss", loss, prog_bar=True, batch_size=size)
        self.log_dict({"train/phase": float(self.phase), "train/phase_step": float(self.phase_step),
                       f"train/{phase.role}/lr": self._lr(),
                       **{f"train/{phase.role}/{k}": float(v) for k, v in metrics.items()}}, batch_size=size)
        return loss

    def _sft_step(self, role: str, batch: PromptBatch, batch_idx: int):
        """SFT initialisation (appendix D): the teacher trace (reasoner) or the golden y given its r (policy)."""
        counts = Counter()
        pairs = [encode_example(self.tokenizer_of(role), *SFT_TASKS[role](sample, **columns), self.hparams.max_length,
                                self.max_targets[role], self.hparams.max_prompt_tokens, counts)
                 for sample, columns in zip(batch.samples, batch.columns, strict=True)]
        packed = pack([c for c, _ in pairs], [t for _, t in pairs], self.tokenizer_of(role).pad_token_id)
        loss, tokens = sft_loss(self.model(role), packed)
        return loss, {"sft/loss": loss.detach(), "sft/tokens": tokens, "sft/targets_cut": counts["targets_cut"]}, len(pairs)

    def _grpo_step(self, role: str, batch: PromptBatch, batch_idx: int):
        core, generator = self.cores[role], self.generators[role]
        seed = rollout_seed(self, batch_idx)
        for name in ROLES:
            self.generators[name].sync_weights(self.model(name))
        with gathered_for_generation(self):  # ZeRO-3: both modules whole for generation and scoring; else a no-op
            contexts, columns = getattr(self, f"_{role}_inputs")(batch, seed)
            rollouts = core.rollout(generator, contexts, seed, sample=batch.samples, **columns)
        loss, metrics, _ = core.loss(self.model(role), rollouts, self.tokenizer_of(role).pad_token_id,
                                     self._reference(role))
        rows = core.records(rollouts, self.global_step, [s.sample_id for s in batch.samples], phase=[self.phase] * len(batch),
                            **columns)
        append_jsonl(Path(self.hparams.rollout_dir or self.trainer.default_root_dir) / f"rollouts_{role}.jsonl", rows,
                     self.global_rank)
        return loss, metrics, len(rollouts.rows)

    def _reasoner_inputs(self, batch: PromptBatch, seed: int) -> tuple[list[str], dict]:
        """Table 15 contexts, reference withheld (the prompt batches already hold them, fitted)."""
        return [context_text(self.reasoner_tokenizer, p) for p in batch.prompts], {}

    def _policy_inputs(self, batch: PromptBatch, seed: int) -> tuple[list[str], dict]:
        """r = q_phi1(x) by the current reasoner, then table 17 contexts holding x and r."""
        traces = self.generators["reasoner"].generate(self._reasoner_inputs(batch, seed)[0], self.reasoning_sampling)
        reasoning = [extract_core_features(t[0]) for t in traces]
        tok = self.policy_tokenizer
        prompts = [fit_prompt(tok, policy_prompt(s, r), self.hparams.max_prompt_tokens)[0]
                   for s, r in zip(batch.samples, reasoning, strict=True)]
        return [context_text(tok, p) for p in prompts], {"reasoning": reasoning}

    def _reference(self, role: str) -> FrozenReference | None:
        """pi_ref of equation 8's KL term (``beta > 0``): the module after SFT, read back from its export."""
        if not self.cores[role].loss_options["beta"]:
            return None
        if role not in self.references:
            model, _ = load_model(f"{self.hparams.export_dir}_{role}_sft")
            self.references[role] = FrozenReference(model).to(self.device)
        return self.references[role]

    # ---- export -----------------------------------------------------------------------------------------
    def save_hf(self, directory: str | Path, suffix: str = "") -> Path:
        """Write ``<directory>_reasoner<suffix>`` and ``<directory>_policy<suffix>`` (plain transformers, LoRA
        merged); call on every rank (ZeRO-3 gathers, rank 0 writes)."""
        if directory is None:
            raise ValueError("CoRLModule needs export_dir (the run's hf path) to export its modules")
        for role in ROLES:
            export_hf(self.model(role), self.tokenizer_of(role), f"{directory}_{role}{suffix}", self.global_rank)
        return Path(f"{directory}_{{{','.join(ROLES)}}}{suffix}")
