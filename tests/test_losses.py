"""GRPO and DPO losses against TRL 1.16's own code, the implementation the paper used (appendix D).

The reference is always TRL's real code path, on the real tiny Qwen3:

* advantages: a real ``GRPOTrainer`` whose ``rollout_func`` returns fixed token ids and whose reward
  function returns fixed values (None included). TRL computes advantages inline in
  ``_generate_and_score_completions`` (no smaller unit exists), so we call that and read ``advantages``.
* GRPO loss: the same trainer's ``_compute_loss`` on those rollouts, with ``old_per_token_logps`` and
  ``ref_per_token_logps`` injected so that ratios leave the clip range. Both losses get the very same
  log-prob tensor (TRL's log-prob method is replaced by one returning it), so loss, gradient (with
  respect to the log-probs) and metrics must agree to float rounding; that our log-probs equal TRL's
  own (its fused LM head on left-padded rows) is checked on its own, to 1e-5 per token.
* DPO: a real ``DPOTrainer``'s ``_compute_loss`` with precomputed reference log-probs, its model call
  answered with our per-token log-probs in TRL's layout (``ScoresModel``); again loss, gradient and
  reward metrics must agree, and our summed log-probs equal its fused forward's on their own.
"""

from __future__ import annotations

import copy
import os

import pytest
import torch

from remid.models.logprobs import pack, reduce_logprobs, token_logprobs
from remid.training.losses.grpo import GRPO_LOSSES, group_advantages, group_counts, grpo_loss
from remid.training.losses.preference import DPO_LOSSES, dpo_loss, preference_metrics
from remid.training.methods.rl import completion_logprobs

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
G = 4
PROMPTS = [[11, 57, 300, 42, 9], [77, 5, 1200], [640, 18, 22, 901, 33, 2000, 7]]  # 3 prompts -> 12 rollouts
COMPLETIONS = [[(13 * i + 7 * j) % 5000 + 10 for j in range(1 + (i * 5) % 7)] for i in range(len(PROMPTS) * G)]
PROMPTS_ROWS = [PROMPTS[i // G] for i in range(len(COMPLETIONS))]



def assert_float32_close(value: float, expected: float, name: str) -> None:
    """Two metrics computed in float32 agree to float32's tolerances (relative where they are large, such
    as summed log-probs near -32), NaN matching NaN."""
    torch.testing.assert_close(torch.tensor(value, dtype=torch.float32), torch.tensor(expected, dtype=torch.float32),
                               equal_nan=True, msg=lambda m: f"{name}: {m}")

@pytest.fixture(scope="module")
def model_and_tokenizer():
    from remid.models.loading import load_model

    model, tokenizer = load_model("tiny:qwen3")
    return model.eval(), tokenizer


class FixedRewards:
    """A reward function TRL calls like any other: it returns the values set on it."""

    __name__ = "fixed"

    def __init__(self) -> None:
        self.values: list[float | None] = []

    def __call__(self, prompts, completions, **kwargs):
        return list(self.values)


@pytest.fixture(scope="module")
def trl_grpo(model_and_tokenizer, tmp_path_factory):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    model, tokenizer = model_and_tokenizer
    rows = {f"p{i}": i for i in range(len(PROMPTS))}

    def rollout(prompts, trainer):
        return {"prompt_ids": [PROMPTS[rows[p]] for p in prompts], "completion_ids": COMPLETIONS[:len(prompts)],
                "logprobs": None}

    reward = FixedRewards()
    args = GRPOConfig(output_dir=str(tmp_path_factory.mktemp("grpo")), per_device_train_batch_size=len(COMPLETIONS),
                      num_generations=G, max_completion_length=16, report_to=[], use_cpu=True, save_strategy="no", bf16=False)
    trainer = GRPOTrainer(model=copy.deepcopy(model), reward_funcs=[reward], args=args, processing_class=tokenizer,
                          train_dataset=Dataset.from_list([{"prompt": p} for p in rows]), rollout_func=rollout)
    trainer.model.eval()
    trainer.current_gradient_accumulation_steps = 1
    return trainer, reward


def trl_advantages(trainer, reward, values, scale):
    trainer.scale_rewards = scale
    reward.values = values
    inputs = [{"prompt": f"p{i}"} for i in range(len(values) // G) for _ in range(G)]
    return trainer._generate_and_score_completions(inputs)


REWARDS = [1.0, None, 2.0, 3.5,  # one invalid
           0.5, 0.5, 0.5, 0.5,  # all equal
           None, 2.0, None, None]  # one valid


@pytest.mark.parametrize("scale", ["group", "batch", "none"])
def test_group_advantages_match_trl(trl_grpo, scale):
    trainer, reward = trl_grpo
    expected = trl_advantages(trainer, reward, REWARDS, scale)["advantages"]
    rewards = torch.tensor([float("nan") if r is None else r for r in REWARDS])
    ours = group_advantages(rewards, G, scale, valid=torch.tensor([r is not None for r in REWARDS]))
    torch.testing.assert_close(ours, expected)  # float32 defaults: atol 1e-5, rtol 1.3e-6
    assert ours[1] == 0 and (ours[4:] == 0).all()  # invalid, all-equal and single-valid groups learn nothing
    assert group_counts(rewards, G) == {"groups": 3, "all_equal": 1, "under_two_valid": 1}


def test_advantages_of_an_all_equal_batch_are_zero():
    assert (group_advantages(torch.full((8,), 3.0), 4) == 0).all()
    assert group_counts(torch.full((8,), 3.0), 4)["all_equal"] == 2


@pytest.fixture(scope="module")
def grpo_rollouts(trl_grpo, model_and_tokenizer):
    """TRL's batch for fixed rollouts, TRL's and our log-probs of them, and perturbed old/ref log-probs."""
    trainer, reward = trl_grpo
    trainer.beta = 0.0  # the reference is injected below, never computed by TRL
    inputs = trl_advantages(trainer, reward, [float(i % 5) - 1.5 for i in range(len(COMPLETIONS))], "group")
    ids = torch.cat([inputs["prompt_ids"], inputs["completion_ids"]], 1)
    attention = torch.cat([inputs["prompt_mask"], inputs["completion_mask"]], 1)
    with torch.no_grad():
        trl_logps, _, _ = trainer._get_per_token_logps_and_entropies(trainer.model, ids, attention, ids.size(1) - 7)
        ours, mask = completion_logprobs(trainer.model, PROMPTS_ROWS, COMPLETIONS, model_and_tokenizer[1].pad_token_id)
    noise = torch.Generator().manual_seed(0)
    inputs["old_per_token_logps"] = (ours + 0.4 * torch.randn(ours.shape, generator=noise)) * mask
    inputs["ref_per_token_logps"] = (ours + 0.3 * torch.randn(ours.shape, generator=noise)) * mask
    return inputs, trl_logps, ours, mask


def test_completion_logprobs_match_trl(grpo_rollouts):
    """The module's log-probs (``token_logprobs`` on a right-padded pack) = TRL's (left-padded, fused LM head)."""
    inputs, trl_logps, ours, mask = grpo_rollouts
    assert torch.equal(mask.long(), inputs["completion_mask"])
    torch.testing.assert_close(ours, trl_logps)


VARIANTS = [(loss, 0.0, "token") for loss in GRPO_LOSSES] + [
    ("dapo", 0.04, "token"), ("grpo", 0.04, "token"), ("grpo", 0.04, "sequence"), ("luspo", 0.0, "sequence")]


@pytest.mark.parametrize(("loss_type", "beta", "level"), VARIANTS)
def test_grpo_loss_matches_trl(trl_grpo, grpo_rollouts, monkeypatch, loss_type, beta, level):
    """Same log-probs into TRL's ``_compute_loss`` and ``grpo_loss``: same loss, gradient and metrics."""
    trainer, _ = trl_grpo
    inputs, _, ours, mask = grpo_rollouts
    leaf = ours.clone().requires_grad_(True)
    monkeypatch.setattr(trainer, "_get_per_token_logps_and_entropies",
                        lambda *args, **kwargs: (leaf, torch.zeros_like(leaf), None))
    epsilon_high = 1.1 if loss_type == "cispo" else 0.28  # cispo's epsilon_high is the ratio cap itself
    trainer.loss_type, trainer.beta, trainer.importance_sampling_level = loss_type, beta, level
    trainer.epsilon_low, trainer.epsilon_high = 0.2, epsilon_high
    trainer._metrics["eval"].clear()
    expected = trainer._compute_loss(trainer.model, inputs)
    (expected_grad,) = torch.autograd.grad(expected, leaf)

    loss, metrics = grpo_loss(leaf, inputs["old_per_token_logps"], inputs["advantages"], mask, loss_type,
                              0.2, epsilon_high, beta, inputs["ref_per_token_logps"], max_completion_length=16,
                              importance_sampling_level=level, num_items=inputs["num_items_in_batch"])
    (grad,) = torch.autograd.grad(loss, leaf)
    torch.testing.assert_close(loss, expected)
    torch.testing.assert_close(grad, expected_grad, atol=1e-7, rtol=1e-5)
    reported = trainer._metrics["eval"]
    for name, value in metrics.items():
        assert_float32_close(value, reported[name][-1], name)
    assert set(metrics) >= {k for k in reported if k.startswith(("clip_ratio", "kl", "cispo", "vespo"))}
    if loss_type in ("grpo", "dapo") and level == "token":
        assert 0 < metrics["clip_ratio/region_mean"] < 1  # the perturbed old log-probs reach the clip


def test_dr_grpo_needs_max_completion_length():
    x = torch.zeros(2, 3)
    with pytest.raises(ValueError, match="max_completion_length"):
        grpo_loss(x, x, torch.zeros(2), torch.ones(2, 3), "dr_grpo")


# ---- DPO ----------------------------------------------------------------------------------------------

PAIRS = [([11, 57, 300, 42], [90, 91, 92, 2], [400, 2]), ([77, 5], [13, 2], [14, 15, 16, 17, 2]),
         ([640, 18, 22], [700, 701, 702, 2], [800, 801, 802, 2]), ([5, 6, 7, 8, 9], [1000, 2], [1001, 1002, 2])]


@pytest.fixture(scope="module")
def trl_dpo(model_and_tokenizer, tmp_path_factory):
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    model, tokenizer = model_and_tokenizer
    args = DPOConfig(output_dir=str(tmp_path_factory.mktemp("dpo")), per_device_train_batch_size=2, report_to=[],
                     use_cpu=True, save_strategy="no", bf16=False)
    data = Dataset.from_list([{"prompt": "hello", "chosen": " yes", "rejected": " no"}] * 2)
    trainer = DPOTrainer(model=copy.deepcopy(model), ref_model=copy.deepcopy(model), args=args, train_dataset=data,
                         processing_class=tokenizer)
    trainer.model.eval()
    trainer.precompute_ref_logps = True  # the reference log-probs travel with the batch
    return trainer


@pytest.fixture(scope="module")
def dpo_scores(trl_dpo, model_and_tokenizer):
    """Our token log-probs of the pairs (the ``DPOModule`` path: one pack of 2B rows) and shifted references."""
    pad = model_and_tokenizer[1].pad_token_id
    contexts = [p for p, _, _ in PAIRS]
    packed = pack(contexts * 2, [c for _, c, _ in PAIRS] + [r for _, _, r in PAIRS], pad)
    with torch.no_grad():
        scores = token_logprobs(trl_dpo.model, packed)  # [2B, L]
    sums = reduce_logprobs(scores, packed.response_mask, "sum")
    shift = torch.tensor([0.7, -1.1, 0.3, -0.2, 1.5, 0.4, -0.9, 0.05])  # references off the policy, both signs
    return packed, scores, (sums + shift).chunk(2)


def test_sequence_logprobs_match_trl_dpo(trl_dpo, dpo_scores):
    """Summed target log-probs: ours = TRL's DPO forward (its fused LM head)."""
    packed, scores, _ = dpo_scores
    labels = packed.input_ids.masked_fill(~packed.response_mask, -100)
    with torch.no_grad():
        trl = trl_dpo.model(input_ids=packed.input_ids, attention_mask=packed.attention_mask, labels=labels,
                            fused_lm_head=True).log_probs.sum(1)
    torch.testing.assert_close(reduce_logprobs(scores, packed.response_mask, "sum"), trl, atol=1e-4, rtol=1.3e-6)


class ScoresModel:
    """Stands in for the model in TRL's ``_compute_loss``: returns our per-token log-probs, TRL's shifted layout."""

    def __init__(self, scores: torch.Tensor) -> None:
        self.scores = scores

    def __call__(self, **kwargs):
        from types import SimpleNamespace

        log_probs = self.scores[:, 1:]  # TRL: position t scores token t + 1
        zeros = torch.zeros_like(log_probs).detach()
        return SimpleNamespace(log_probs=log_probs, entropy=zeros, mean_logits=zeros, is_top1=zeros.bool())


@pytest.mark.parametrize("loss_type", sorted(DPO_LOSSES))
def test_dpo_loss_matches_trl(trl_dpo, dpo_scores, loss_type):
    """Same log-probs into TRL's ``DPOTrainer._compute_loss`` and ``dpo_loss``: same loss, gradient, rewards;
    for the whole batch and (but for the batch-level ``aot`` losses) for each pair alone."""
    trainer = trl_dpo
    packed, scores, (ref_chosen, ref_rejected) = dpo_scores
    smoothing = 0.1 if loss_type in ("exo_pair", "robust", "aot", "aot_unpaired") else 0.0
    trainer.loss_types, trainer.loss_weights, trainer.beta, trainer.label_smoothing = [loss_type], [1.0], 0.5, smoothing
    n = len(PAIRS)
    for picked in [list(range(n))] + ([[i] for i in range(n)] if not loss_type.startswith("aot") else []):
        rows = picked + [n + i for i in picked]
        leaf = scores[rows].clone().requires_grad_(True)
        mask = packed.response_mask[rows]
        inputs = {"input_ids": packed.input_ids[rows], "attention_mask": packed.attention_mask[rows],
                  "completion_mask": mask.long(), "ref_chosen_logps": ref_chosen[picked],
                  "ref_rejected_logps": ref_rejected[picked]}
        trainer._metrics["eval"].clear()
        expected = trainer._compute_loss(ScoresModel(leaf), inputs, False)
        (expected_grad,) = torch.autograd.grad(expected, leaf)

        chosen, rejected = reduce_logprobs(leaf, mask, "sum").chunk(2)
        lengths = mask.sum(-1).float().chunk(2)
        losses, chosen_rewards, rejected_rewards = dpo_loss(
            chosen, rejected, ref_chosen[picked], ref_rejected[picked], 0.5, loss_type, smoothing,
            chosen_lengths=lengths[0], rejected_lengths=lengths[1])
        (grad,) = torch.autograd.grad(losses.mean(), leaf)
        torch.testing.assert_close(losses.mean(), expected.to(losses.dtype), msg=lambda m, picked=picked: f"{picked}: {m}")
        # TRL sums every position (its real log-probs are 0 off the target): compare where tokens are scored
        torch.testing.assert_close(grad * mask, expected_grad * mask, atol=1e-7, rtol=1e-5)
        reported = trainer._metrics["eval"]
        metrics = preference_metrics(chosen_rewards, rejected_rewards, chosen, rejected)
        for name, value in metrics.items():
            assert_float32_close(value, reported[name][-1], name)


def test_dpo_worked_example():
    """sigmoid: -log sigmoid(beta * ((-1 - -2) - (-3 - -2))) = -log sigmoid(0.1 * 2) = 0.598139."""
    t = torch.tensor
    losses, chosen, rejected = dpo_loss(t([-1.0]), t([-3.0]), t([-2.0]), t([-2.0]), beta=0.1)
    assert float(losses) == pytest.approx(0.598139, abs=1e-6)
    assert float(chosen) == pytest.approx(0.1) and float(rejected) == pytest.approx(-0.1)
    with pytest.raises(ValueError, match="lengths"):
        dpo_loss(t([-1.0]), t([-3.0]), t([-2.0]), t([-2.0]), loss_type="ipo")
