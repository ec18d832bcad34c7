"""Training throughput: our SFT and GRPO steps against TRL's SFTTrainer and GRPOTrainer.

    python benchmarks/train_throughput.py [--steps 15] [--warmup 2] [--batch 16] [--seq-len 1024] [--new-tokens 64]
                                          [--rounds 2] [--threads N] [--only sft|grpo]

All four run in this one process, one after the other, on the same tiny model (``--model``, default
the shipped ``tiny:qwen3``), from fresh weights each, in float32 on the CPU:

- SFT: ``SFTModule`` + ``SFTDataModule`` (table 21 prompts of the mini-benchmark's ID training split,
  golden response + closing tag + EOS as the target) under a bare Lightning trainer, against
  ``trl.SFTTrainer`` given the very same pairs as text in a ``prompt``/``completion`` dataset (so it
  also trains on completion tokens only). Both read the rows in the same order, ``--batch`` rows a
  step, and the script checks that TRL's tokenized rows are exactly ours. Reported: non-pad tokens
  per second (attention-mask sum of each batch, counted on each side from the batch it trained on).
- GRPO: ``GRPOModule`` + ``PromptDataModule`` against ``trl.GRPOTrainer``: ``--batch`` completions a
  step (``--batch / --generations`` prompts x ``--generations``), the same prompts in the same order
  (their token ids checked equal), ``--new-tokens`` new tokens at most, temperature 1.0, beta 0,
  loss ``dapo``, one optimizer step per generation batch. The reward is the completion's length in
  characters, the same plain callable on both sides, so that reward cost does not dominate the step
  (the project's model-based rewards would). Reported: seconds per optimizer step.

Both sides: the same learning rate, AdamW without weight decay, gradient norm clipped at 1.0, no
evaluation, no checkpoints, no logger, no progress bar. TRL is configured to do the same work:
``bf16=False`` (its default is bf16 autocast), ``gradient_checkpointing=False`` (its default is on;
ours never recomputes activations), ``use_vllm=False``, sequential data order. Left at TRL's
defaults: its fused AdamW, its fused LM head (on CPU it scores every position, ours only the
response/completion positions), its per-step metrics. Our GRPO step also appends its rollouts to a
``rollouts.jsonl`` in a temporary directory, as in training.

A step's time is wall time between the ends of consecutive optimizer steps (data loading,
generation, rewards, forward, backward and optimizer all included); the first ``--warmup`` steps of
each run are left out. Each side runs ``--rounds`` times, ours first in even rounds and TRL first in
odd ones; the table pools the rounds and shows the ratio's range over them. Completion lengths are
random and set a GRPO step's cost, so the table shows each side's mean completion length beside its
time (sampling differs in one detail: ours leaves ``top_k`` to transformers' default of 50, TRL sets
0). The machine may be shared: the script prints the load average before and after and warns when
it exceeds the core count.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import warnings
from pathlib import Path

import lightning as L
import torch
from side_by_side import Clock, Measured, Row, alternate, load_line, peak_note, pooled, quiet, spread
from torch.utils.data import DataLoader

from remid.core.prompts import rpm_prompt
from remid.data.readers import by_subset, load_samples
from remid.models.chat import context_text, encode_context, encode_pair, fit_prompt, split_boundary
from remid.models.loading import load_model
from remid.training.data.datamodule import SFTDataModule
from remid.training.data.prompt_data import PromptDataModule
from remid.training.data.tasks import rpm_example
from remid.training.methods.rl import GRPOModule
from remid.training.methods.sft import SFTModule

LR_SFT, LR_GRPO = 1e-4, 1e-6


def completion_length(prompts, completions, **columns) -> list[float]:
    """The benchmark's reward: characters in the completion (cheap, deterministic, varies within a group)."""
    return [float(len(c)) for c in completions]


class LightningClock(L.Callback):
    def __init__(self, clock: Clock, count_tokens: bool) -> None:
        self.clock, self.count_tokens = clock, count_tokens

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if self.count_tokens:
            self.clock.pending += int(batch.attention_mask.sum())
        self.clock.tick()


class InOrderSFTData(SFTDataModule):
    """``SFTDataModule`` read in its (seeded) order, as TRL reads it with ``train_sampling_strategy="sequential"``."""

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=False, collate_fn=self._collate)


class InOrderPrompts(PromptDataModule):
    """``PromptDataModule`` without shuffling, as TRL's ``shuffle_dataset=False``."""

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=False, collate_fn=self._collate)


def lightning_fit(module: L.LightningModule, data: L.LightningDataModule, steps: int, root: str,
                  count_tokens: bool) -> Clock:
    clock = Clock()
    trainer = L.Trainer(accelerator="cpu", devices=1, precision="32-true", max_steps=steps, gradient_clip_val=1.0,
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, limit_val_batches=0, num_sanity_val_steps=0,
                        default_root_dir=root, callbacks=[LightningClock(clock, count_tokens)])
    trainer.fit(module, datamodule=data)
    return clock


def trl_common(root: str, args, steps: int, lr: float) -> dict:
    return {"output_dir": root, "per_device_train_batch_size": args.batch, "learning_rate": lr, "max_steps": steps,
            "weight_decay": 0.0, "max_grad_norm": 1.0, "bf16": False, "use_cpu": True,
            "gradient_checkpointing": False, "report_to": "none", "save_strategy": "no", "eval_strategy": "no",
            "logging_strategy": "no", "disable_tqdm": True, "seed": 0}


def trl_clock(clock: Clock, lengths: list[float] | None = None):
    """A TRL callback ticking ``clock``; with ``lengths``, it also keeps each GRPO step's mean completion length
    (TRL's own metric, read before its end-of-training log clears it)."""
    from transformers import TrainerCallback

    class Tick(TrainerCallback):
        trainer = None

        def on_step_end(self, args, state, control, **kwargs):
            clock.tick()
            if lengths is not None:
                lengths.append(self.trainer._metrics["train"]["completions/mean_length"][-1])

    return Tick()


def quiet_trainer(trainer) -> None:
    """Drop the callback that prints TRL's end-of-training summary (``logging_strategy="no"`` still logs it)."""
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)


# ---- SFT --------------------------------------------------------------------------------------------------

def sft_data(args, samples) -> InOrderSFTData:
    """Table 21 rows of ``samples`` (the method's ``max_target``), ``--batch`` a step, in a seeded order."""
    return InOrderSFTData(None, rpm_example, batch_size=args.batch, max_length=args.seq_len, max_target=384,
                          train_limit=len(samples), val_limit=1)


def sft_ours(args, samples, root: str) -> Measured:
    module = SFTModule(args.model, lr=LR_SFT, weight_decay=0.0, warmup_ratio=0.0)
    data = sft_data(args, samples)
    data.connect(module.tokenizer)
    return Measured(*lightning_fit(module, data, args.warmup + args.steps, root, True).measured(args.warmup))


def sft_text_pairs(tokenizer, samples, rows: list[tuple[list[int], list[int]]], max_length: int) -> list[dict]:
    """Our encoded rows as TRL's ``prompt``/``completion`` texts, in our order (the context's trailing space
    leads the completion, as in ``remid.models.chat``; TRL appends EOS itself)."""
    by_ids = {}
    for sample in samples:
        prompt, response = rpm_example(sample)
        _, target = encode_pair(tokenizer, prompt, response, add_eos=True)
        prompt = fit_prompt(tokenizer, prompt, max_length - len(target))[0]
        head, lead = split_boundary(context_text(tokenizer, prompt))
        by_ids[tuple(encode_context(tokenizer, head)), tuple(target)] = {
            "prompt": head, "completion": lead + prompt.target(response)}
    missing = sum((tuple(c), tuple(t)) not in by_ids for c, t in rows)
    if missing:
        raise RuntimeError(f"{missing} rows were cut to fit --seq-len {max_length}; choose a larger one")
    return [by_ids[tuple(c), tuple(t)] for c, t in rows]


def sft_trl(args, pairs: list[dict], rows, root: str) -> Measured:
    """TRL's SFT run; ``extra`` is how many of TRL's tokenized rows (ids and labels) equal ours."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    clock = Clock()

    class CountingSFTTrainer(SFTTrainer):
        def training_step(self, model, inputs, *rest, **kwargs):
            clock.pending += int(inputs["attention_mask"].sum())
            return super().training_step(model, inputs, *rest, **kwargs)

    model, tokenizer = load_model(args.model, train=True)
    config = SFTConfig(**trl_common(root, args, args.warmup + args.steps, LR_SFT), max_length=args.seq_len,
                       completion_only_loss=True, train_sampling_strategy="sequential", lr_scheduler_type="linear")
    trainer = CountingSFTTrainer(model=model, args=config, processing_class=tokenizer,
                                 train_dataset=Dataset.from_list(pairs), callbacks=[trl_clock(clock)])
    quiet_trainer(trainer)
    tokenized = trainer.train_dataset
    same = sum(list(ids) == list(c) + list(t) and list(labels) == [-100] * len(c) + list(t)
               for ids, labels, (c, t) in zip(tokenized["input_ids"], tokenized["labels"], rows, strict=True))
    trainer.train()
    return Measured(*clock.measured(args.warmup), extra=same)


def compare_sft(args, tokenizer, train, root: str) -> Row:
    samples = train[: (args.warmup + args.steps) * args.batch]
    data = sft_data(args, samples)
    data.connect(tokenizer)
    data.setup("fit")
    rows = data.train_set
    pairs = sft_text_pairs(tokenizer, samples, rows, args.seq_len)
    runs = alternate(args.rounds, lambda r: sft_ours(args, samples, f"{root}/ours{r}"),
                     lambda r: sft_trl(args, pairs, rows, f"{root}/trl{r}"))
    ours, theirs = (pooled(side) for side in runs)
    same = min(m.extra for m in runs[1])
    mean_len = sum(len(c) + len(t) for c, t in rows) / len(rows)
    return Row("SFT tokens/s, ours / TRL", ours.steps, ours.rate, theirs.rate, ours.rate / theirs.rate,
               spread([a.rate / b.rate for a, b in zip(*runs, strict=True)]),
               f"{ours.tokens / ours.steps:.0f} vs {theirs.tokens / theirs.steps:.0f} non-pad tokens/step, "
               f"rows of {mean_len:.0f} tokens; TRL's rows identical to ours: {same}/{len(rows)}" + peak_note())


# ---- GRPO -------------------------------------------------------------------------------------------------

def grpo_ours(args, samples, root: str) -> Measured:
    """Our GRPO run; ``extra`` is the mean completion length (tokens) over the measured steps."""
    rollouts = Path(root) / "rollouts.jsonl"
    module = GRPOModule(args.model, lr=LR_GRPO, rewards={"length": {"fn": completion_length, "weight": 1.0}},
                        num_generations=args.generations, max_new_tokens=args.new_tokens, temperature=1.0,
                        loss_type="dapo", beta=0.0, max_prompt_tokens=args.seq_len - args.new_tokens,
                        rollout_path=str(rollouts))
    data = InOrderPrompts(samples=samples, batch_size=args.batch // args.generations,
                          max_prompt_tokens=args.seq_len - args.new_tokens)
    data.connect(module.tokenizer)
    clock = lightning_fit(module, data, args.warmup + args.steps, root, count_tokens=False)
    lengths = [r["tokens"] for r in map(json.loads, rollouts.read_text().splitlines()) if r["step"] >= args.warmup]
    return Measured(*clock.measured(args.warmup), extra=sum(lengths) / len(lengths))


def grpo_trl(args, prompts: list[str], root: str) -> Measured:
    """TRL's GRPO run; ``extra`` is the mean completion length (tokens) over the measured steps."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    clock, lengths = Clock(), []
    tick = trl_clock(clock, lengths)
    model, tokenizer = load_model(args.model, train=True)
    config = GRPOConfig(**trl_common(root, args, args.warmup + args.steps, LR_GRPO), num_generations=args.generations,
                        max_completion_length=args.new_tokens, temperature=1.0, beta=0.0, loss_type="dapo",
                        use_vllm=False, shuffle_dataset=False)
    trainer = GRPOTrainer(model=model, reward_funcs=[completion_length], args=config, processing_class=tokenizer,
                          train_dataset=Dataset.from_dict({"prompt": prompts}), callbacks=[tick])
    tick.trainer = trainer
    quiet_trainer(trainer)
    trainer.train()
    return Measured(*clock.measured(args.warmup), extra=sum(lengths[args.warmup:]) / len(lengths[args.warmup:]))


def compare_grpo(args, tokenizer, train, root: str) -> Row:
    limit = args.seq_len - args.new_tokens
    samples = train[: (args.warmup + args.steps) * (args.batch // args.generations)]
    prompts = [split_boundary(context_text(tokenizer, fit_prompt(tokenizer, rpm_prompt(s), limit)[0]))[0]
               for s in samples]
    same = sum(tokenizer(p)["input_ids"] == encode_context(tokenizer, p) for p in prompts)  # what TRL feeds generate
    mean_prompt = sum(len(encode_context(tokenizer, p)) for p in prompts) / len(prompts)
    runs = alternate(args.rounds, lambda r: grpo_ours(args, samples, f"{root}/ours{r}"),
                     lambda r: grpo_trl(args, prompts, f"{root}/trl{r}"))
    ours, theirs = (pooled(side) for side in runs)
    return Row("GRPO s/step, TRL / ours", ours.steps, ours.step_s, theirs.step_s, theirs.step_s / ours.step_s,
               spread([b.step_s / a.step_s for a, b in zip(*runs, strict=True)]),
               f"{args.batch // args.generations} prompts x {args.generations}, prompts of {mean_prompt:.0f} tokens; "
               f"mean completion {ours.extra:.1f} vs {theirs.extra:.1f} tokens; same prompt ids: {same}/{len(prompts)}"
               + peak_note())


# ---- main -------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny:qwen3")
    parser.add_argument("--steps", type=int, default=15, help="measured optimizer steps per run")
    parser.add_argument("--warmup", type=int, default=2, help="steps run first and not measured (>= 1)")
    parser.add_argument("--batch", type=int, default=16, help="SFT rows / GRPO completions per optimizer step")
    parser.add_argument("--generations", type=int, default=8, help="GRPO completions per prompt")
    parser.add_argument("--seq-len", type=int, default=1024,
                        help="SFT max length (prompt + target); GRPO prompts are fitted to seq-len - new-tokens")
    parser.add_argument("--new-tokens", type=int, default=64, help="GRPO max new tokens per completion")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each side, in alternating order")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's own choice)")
    parser.add_argument("--only", choices=["sft", "grpo"], help="run one of the two comparisons")
    args = parser.parse_args()
    if args.warmup < 1 or args.rounds < 1 or args.batch % args.generations:
        parser.error("--warmup and --rounds must be >= 1 and --batch a multiple of --generations")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    warnings.filterwarnings("ignore")
    quiet()
    if args.threads:
        torch.set_num_threads(args.threads)
    cores = os.cpu_count() or 1
    print(f"machine: {cores} CPUs, torch {torch.__version__} with {torch.get_num_threads()} threads; "
          f"load average at start {load_line(cores)}")

    _, tokenizer = load_model(args.model)
    train = by_subset(load_samples())["id_train"]
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sft"):
            table.append(compare_sft(args, tokenizer, train, f"{tmp}/sft"))
        if args.only in (None, "grpo"):
            table.append(compare_grpo(args, tokenizer, train, f"{tmp}/grpo"))
    print(f"load average at end {load_line(cores)}")

    print(f"\n{args.rounds} round(s) per side, {args.steps} measured steps each after {args.warmup} warm-up; "
          f"ratio > 1: ours is faster")
    print(f"{'':<26}{'steps':>6}{'ours':>10}{'TRL':>10}{'ratio':>8}{'per round':>12}   notes")
    for row in table:
        digits = 0 if row.ours > 100 else 3
        print(f"{row.name:<26}{row.steps:>6}{row.ours:>10.{digits}f}{row.trl:>10.{digits}f}{row.ratio:>7.2f}x"
              f"{row.per_round:>12}   {row.notes}")


if __name__ == "__main__":
    main()
