"""CoRL (method=corl) on the tiny Qwen3: the phase schedule end to end through ``train(cfg)``, each module moving
only in its own phases, resume mid-phase, both rewards against independent log-probs, ZeRO-2, ``evaluate.py
estimator=corl`` and the table 1 ablation."""

from __future__ import annotations

import csv
import importlib.util
import json
import logging
import math

import pytest
import torch

from remid.corl.module import CoRLModule
from remid.corl.phases import ROLES, PhasedAdamW, corl_schedule, phase_steps
from remid.run.train import train

# 4 samples, 2 a batch: 2 optimizer steps a phase; [sft_reasoner, sft_policy, grpo_reasoner, grpo_policy] = 8 steps.
TINY = ["method=corl", "logger=csv", "data.train_limit=4", "trainer.enable_progress_bar=false",
        "trainer.log_every_n_steps=1", "checkpoint_every_n_steps=1", "method.datamodule.batch_size=2",
        "method.module.iterations=1", "method.module.epochs_per_phase=1", "method.module.sft_epochs=1",
        "method.module.grpo.num_generations=2", "method.module.reasoner.max_new_tokens=12",
        "method.module.policy.max_new_tokens=12", "method.module.reasoning.max_new_tokens=12",
        "method.module.lr=1e-3", "data.max_prompt_tokens=512"]
ZERO = ["train.py", *TINY, "trainer=deepspeed_zero2_cpu"]


@pytest.fixture(scope="module")
def corl_run(tmp_path_factory, compose_ctx):
    """One CoRL run stopped mid-phase (after 5 of 8 steps) and resumed; every optimizer step records which module moved."""
    runs = tmp_path_factory.mktemp("runs")
    moves, seen = [], {}
    original = CoRLModule.optimizer_step

    def recording(self, *args, **kwargs):
        before = {r: [p.detach().clone() for p in self.model(r).parameters()] for r in ROLES}
        phase, step, role = self.phase, self.phase_step, self.current.role
        original(self, *args, **kwargs)
        changed = {r for r in ROLES
                   if any(not torch.equal(a, b) for a, b in zip(before[r], self.model(r).parameters(), strict=True))}
        moves.append((phase, step, role, changed))
        seen["module"] = self

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CoRLModule, "optimizer_step", recording)
        train(compose_ctx("train", [*TINY, f"paths.runs_dir={runs}", "trainer.max_steps=5"]))
        run_dir = runs / "corl" / "tiny_qwen3"
        state = torch.load(run_dir / "checkpoints" / "last.ckpt", weights_only=False)
        train(compose_ctx("train", [*TINY, f"paths.runs_dir={runs}", "resume=true"]))
    return {"runs": runs, "run_dir": run_dir, "moves": moves, "state": state, "module": seen["module"]}


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_a_run_stopped_inside_its_schedule_says_so(compose_ctx, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="remid.corl.module"):
        train(compose_ctx("train", [*TINY, f"paths.runs_dir={tmp_path}", "trainer.max_steps=1"]))
    assert "CoRL stopped in phase 1/4 (sft_reasoner, step 1 of 2) at trainer.max_steps=1" in caplog.text
    assert "raise trainer.max_steps to 8" in caplog.text


@pytest.mark.slow
def test_each_module_moves_only_in_its_own_phases(corl_run):
    moves = corl_run["moves"]
    assert [(phase, step) for phase, step, _, _ in moves] == [(p, s) for p in range(4) for s in range(2)]
    assert [role for _, _, role, _ in moves] == ["reasoner"] * 2 + ["policy"] * 2 + ["reasoner"] * 2 + ["policy"] * 2
    for phase, step, role, changed in moves:
        assert changed <= {role}, f"phase {phase} step {step} ({role}) moved {changed}"
    for phase in range(4):  # and each phase did train its module
        assert any(changed for p, _, _, changed in moves if p == phase), f"phase {phase} moved nothing"


@pytest.mark.slow
def test_resume_continues_in_the_phase_and_step_it_was_in(corl_run):
    state, run_dir = corl_run["state"], corl_run["run_dir"]
    assert state["global_step"] == 5
    assert state["corl"] == {"phase": 2, "phase_step": 1, "steps": [2, 2, 2, 2],
                             "schedule": ["sft_reasoner", "sft_policy", "grpo_reasoner", "grpo_policy"]}
    resumed = list(csv.DictReader((run_dir / "csv" / "version_1" / "metrics.csv").open()))
    logged = [(int(r["step"]), float(r["train/phase"]), float(r["train/phase_step"])) for r in resumed if r.get("train/phase")]
    assert logged[0] == (5, 2.0, 1.0) and logged[-1] == (7, 3.0, 1.0)  # not restarted: step 5 is grpo_reasoner's 2nd
    assert [r["step"] for r in _rows(run_dir / "data" / "rollouts_reasoner.jsonl")] == [4] * 4 + [5] * 4
    assert [r["step"] for r in _rows(run_dir / "data" / "rollouts_policy.jsonl")] == [6] * 4 + [7] * 4


@pytest.mark.slow
def test_run_writes_traces_rollouts_metrics_and_both_exports(corl_run):
    run_dir = corl_run["run_dir"]
    traces = _rows(run_dir / "data" / "traces.jsonl")
    assert len(traces) == 4 and all("[Core Features of the Golden Response]" in t["trace"] for t in traces)
    policy = _rows(run_dir / "data" / "rollouts_policy.jsonl")
    # r rides with every policy rollout (with 12 new tokens the core features after the marker may be empty)
    assert all(0 <= r["rewards"]["match"] <= 1 and isinstance(r["reasoning"], str) and "advantage" in r for r in policy)
    assert all(r["rewards"]["reasoning"] < 0 for r in _rows(run_dir / "data" / "rollouts_reasoner.jsonl"))
    rows = list(csv.DictReader((run_dir / "csv" / "version_0" / "metrics.csv").open()))
    logged = {k for row in rows for k, v in row.items() if v}
    for name in ("train/reasoner/sft/loss", "train/policy/sft/loss", "train/reasoner/rewards/reasoning/mean",
                 "train/reasoner/advantages/std", "train/reasoner/completions/mean_length",
                 "train/reasoner/clip_ratio/region_mean", "train/reasoner/lr"):
        assert name in logged, name
    for name in ("hf_reasoner", "hf_policy", "hf_reasoner_sft", "hf_policy_sft"):
        assert (run_dir / name / "config.json").exists(), name
    module = corl_run["module"]  # the reasoner's reward scores with the live policy module, not a copy
    assert module.cores["reasoner"].reward.rewards["reasoning"][0].model is module.policy


def test_phased_adamw_steps_the_active_group_only():
    a, b = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    opt = PhasedAdamW([{"name": "reasoner", "params": [a]}, {"name": "policy", "params": [b]}], lr=0.1, weight_decay=0.1)
    for _ in range(2):  # both have gradients and moments
        (a.sum() + b.sum()).backward()
        opt.step()
        opt.zero_grad()
    opt.activate("reasoner", lr=0.1)
    b_before, b_state = b.detach().clone(), {k: v.clone() for k, v in opt.state[b].items()}
    (a.sum() + 0 * b.sum()).backward()  # b's gradient is zero (as in ZeRO's flat buffers), not None
    opt.step()
    assert torch.equal(b, b_before) and all(torch.equal(opt.state[b][k], v) for k, v in b_state.items())
    opt.activate("policy", reset=True)  # a new phase: fresh moments and step count
    assert all(float(v.abs().sum()) == 0 for v in opt.state[b].values())


def test_schedule_counts_phases_and_steps():
    phases = corl_schedule(2, 3, 1e-5, sft_epochs=2, sft_lr=1e-4)
    assert [p.name for p in phases] == ["sft_reasoner", "sft_policy"] + ["grpo_reasoner", "grpo_policy"] * 2
    assert phase_steps(phases, batches_per_epoch=5, accumulate=2) == [6, 6] + [9] * 4
    assert phase_steps(phases, batches_per_epoch=5, accumulate=2, last_window=False) == [4, 4] + [6] * 4  # DeepSpeed
    assert [p.name for p in corl_schedule(1, 1, 1e-5)] == ["grpo_reasoner", "grpo_policy"]


@pytest.fixture(scope="module")
def tiny_policy():
    from remid.models.loading import load_model

    return load_model("tiny:qwen3")


def test_reasoning_reward_is_the_live_policys_summed_logprob_of_y(tiny_policy, mini_samples):
    from remid.core.prompts import policy_prompt
    from remid.core.reasoning import extract_core_features, rule_based_reasoning
    from remid.models.chat import encode_pair
    from remid.models.logprobs import sequence_logprobs
    from remid.training.rewards.base import ReasoningReward

    model, tok = tiny_policy
    samples = mini_samples[:2]
    traces = [rule_based_reasoning(s) for s in samples]
    reward = ReasoningReward("policy")
    with pytest.raises(RuntimeError, match="bind_policy"):
        reward(["p"] * 2, traces, sample=samples)
    reward.bind_policy(model, tok)
    pairs = [encode_pair(tok, policy_prompt(s, extract_core_features(t)), s.golden_response, add_eos=True)
             for s, t in zip(samples, traces, strict=True)]
    expected = sequence_logprobs(model, [c for c, _ in pairs], [r for _, r in pairs], "sum", tok.pad_token_id)
    assert pairs[0][1][-1] == tok.eos_token_id  # y scored with its EOS, summed (appendix D)
    assert reward(["p"] * 2, traces, sample=samples) == pytest.approx(expected.tolist(), rel=1e-5)


def test_policy_reward_is_the_capped_ratio_of_table_19_probabilities(tiny_policy, mini_samples):
    from remid.core.prompts import MATCH_TARGET, corl_match_prompt
    from remid.models.chat import encode_pair
    from remid.models.logprobs import sequence_logprobs
    from remid.training.rewards.base import PolicyReward

    model, tok = tiny_policy
    sample, r = mini_samples[0], "Warm, curious, close to the user's hobbies."
    candidates = [sample.golden_response, "Something else entirely.", "", sample.golden_response + " Indeed."]
    reward = PolicyReward("tiny:qwen3")

    @torch.no_grad()
    def p100(candidate: str) -> float:
        context, target = encode_pair(tok, corl_match_prompt(sample, r, candidate), MATCH_TARGET)
        return math.exp(float(sequence_logprobs(model, [context], [target], "sum", tok.pad_token_id)[0]))

    prompt = corl_match_prompt(sample, r, "CANDIDATE")
    assert prompt.response_prefix == "Percentage: " and r in prompt.text and sample.golden_response in prompt.text
    ratios = [p100(c) / p100(sample.golden_response) for c in candidates]
    assert any(abs(x - 1) > 1e-3 for x in ratios[1:])  # the candidates do differ in p("100%")
    got = reward(["p"] * 4, candidates, sample=[sample] * 4, reasoning=[r] * 4)
    assert got == pytest.approx([min(x, 1.0) for x in ratios], rel=1e-4) and got[0] == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["sft_reasoner", "sft_policy"])
def test_sft_initialisation_reads_the_teachers_traces_from_the_artefact(compose_ctx, tmp_path, method):
    """The estimator's SFT methods learn whatever trace file the prepare step wrote (a real teacher's as well)."""
    from hydra.utils import instantiate

    from remid.models.loading import load_tokenizer
    from remid.run.train import run_prepare_steps
    from remid.training.methods.artefacts import write_jsonl

    cfg = compose_ctx("train", [f"method={method}", f"paths.runs_dir={tmp_path}", "data.train_limit=4",
                                "method.datamodule.val_limit=2"])
    path = run_prepare_steps(cfg)["traces"]
    rows = _rows(tmp_path / method / "tiny_qwen3" / "data" / "traces.jsonl")
    assert str(path).endswith("data/traces.jsonl") and len(rows) == 6  # 4 training + 2 validation samples
    rows[0]["trace"] = "Another teacher's thought.\n[Core Features of the Golden Response]\n- Be kind to gardeners."
    write_jsonl(path, [rows[0], *rows[2:]])  # and one training sample without a trace
    tok = load_tokenizer("tiny:qwen3")
    data = instantiate(cfg.method.datamodule)
    data.connect(tok)
    data.setup()
    assert len(data.train_set) == 3 and data.truncated["train"]["no_columns"] == 1
    texts = [tok.decode(c + t) for c, t in data.train_set]
    assert sum("Be kind to gardeners." in t for t in texts) == 1
    if method == "sft_reasoner":  # the trace is the target; the policy reads its core features in the prompt
        assert any("Another teacher's thought." in tok.decode(t) for _, t in data.train_set)
    else:
        assert not any("Another teacher's thought." in t for t in texts)


def constant_reward(prompts, completions, **columns):
    return [1.0] * len(completions)


def test_two_lora_adapters_on_one_frozen_base(tmp_path, mini_samples):
    """shared_base: each module is an adapter of one base; a step of one moves only its adapter; export merges it."""
    from transformers import AutoModelForCausalLM

    from remid.core.prompts import reasoning_prompt
    from remid.core.reasoning import rule_based_reasoning
    from remid.training.data.prompt_data import PromptBatch

    rewards = {"rewards": {"constant": {"fn": constant_reward}}}
    module = CoRLModule("tiny:qwen3", lora={"r": 4, "lora_alpha": 8, "target_modules": ["q_proj", "v_proj"]},
                        shared_base=True, reasoner=rewards, policy=rewards, max_prompt_tokens=512,
                        export_dir=str(tmp_path / "hf"))
    assert module.reasoner.peft is module.policy.peft  # one base in memory
    opt = module.configure_optimizers()
    base = {n: p.detach().clone() for n, p in module.backbone.named_parameters() if "lora_" not in n}
    adapters = {role: [p.detach().clone() for p in module.model(role).own_parameters()] for role in ROLES}
    assert all(not p.requires_grad for n, p in module.backbone.named_parameters() if "lora_" not in n)
    samples = mini_samples[:2]
    batch = PromptBatch(samples, [reasoning_prompt(s) for s in samples], [{"trace": rule_based_reasoning(s)} for s in samples])
    for _ in range(2):  # the first step only moves lora_B off zero; the second moves both matrices
        opt.activate("reasoner")
        module._sft_step("reasoner", batch, 0)[0].backward()
        opt.step()
        opt.zero_grad()
    moved = {role: any(not torch.equal(a, b) for a, b in zip(adapters[role], module.model(role).own_parameters(),
                                                              strict=True)) for role in ROLES}
    assert moved == {"reasoner": True, "policy": False}
    assert all(torch.equal(p, base[n]) for n, p in module.backbone.named_parameters() if "lora_" not in n)
    module.save_hf(tmp_path / "hf")
    ids = torch.tensor([[5, 6, 7, 8]])
    with torch.no_grad():
        for role in ROLES:  # each export is the base with its own adapter merged in
            exported = AutoModelForCausalLM.from_pretrained(tmp_path / f"hf_{role}")
            assert torch.allclose(exported(ids).logits, module.model(role)(input_ids=ids).logits, atol=1e-4), role


needs_deepspeed = pytest.mark.skipif(importlib.util.find_spec("deepspeed") is None,
                                     reason="DeepSpeed is not installed (pip install deepspeed): CoRL under ZeRO-2 untested")


@pytest.mark.slow
@needs_deepspeed
def test_zero2_keeps_the_idle_module_still_and_resumes(tmp_path):
    """2 processes, 2 samples each: 1 step a phase. Stop after the reasoner's GRPO step, then resume the policy's."""
    from subprocess_runs import client_state, max_diff, run, weights

    common = [*ZERO, f"paths.runs_dir={tmp_path}"]
    run_dir = tmp_path / "corl" / "tiny_qwen3"
    run(*common, "trainer.max_steps=3")
    assert client_state(run_dir / "checkpoints" / "last.ckpt")["corl"]["phase"] == 3
    sft = {role: weights(run_dir / f"hf_{role}_sft") for role in ROLES}
    after_reasoner = {role: weights(run_dir / f"hf_{role}") for role in ROLES}
    assert max_diff(after_reasoner["reasoner"], sft["reasoner"]) > 0  # the reasoner's phase moved the reasoner ...
    assert max_diff(after_reasoner["policy"], sft["policy"]) == 0.0  # ... and not the policy, under ZeRO-2
    run(*common, "trainer.max_steps=4", "resume=true")
    final = {role: weights(run_dir / f"hf_{role}") for role in ROLES}
    assert max_diff(final["reasoner"], after_reasoner["reasoner"]) == 0.0  # the policy's phase left the reasoner
    assert max_diff(final["policy"], after_reasoner["policy"]) > 0
    assert (run_dir / "data" / "rollouts_policy.rank1.jsonl").exists()  # both ranks rolled out


@pytest.mark.slow
def test_evaluate_with_the_corl_estimator(compose_ctx, corl_run, tmp_path):
    from remid.run.evaluate import evaluate

    args = [f"paths.cache_dir={tmp_path / 'cache'}", f"run_dir={tmp_path / 'out'}", "shift=id", "data.eval_limit=4",
            "data.max_prompt_tokens=512",
            "logger=none", "estimator=corl", "estimator.n_boot=20", "estimator.reasoning_max_new_tokens=24", "estimator.max_missing_marker=null",
            "generation.sampling.max_new_tokens=12", "rpms=['tiny:qwen3']"]
    with pytest.raises(FileNotFoundError, match="python train.py method=corl model=tiny_qwen3"):
        evaluate(compose_ctx("evaluate", [*args, f"paths.runs_dir={tmp_path / 'empty'}"]))
    results = evaluate(compose_ctx("evaluate", [*args, f"paths.runs_dir={corl_run['runs']}"]))
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    assert data["estimator"]["reasoner"].endswith("corl/tiny_qwen3/hf_reasoner")
    assert results.models[0].subsets["id"].n == 4 and results.models[0].subsets["id"].diagnostics is not None


@pytest.mark.slow
def test_table_1_ablation_in_one_command(compose_ctx, corl_run, tmp_path):
    from remid.run.ablation import ablation

    runs = corl_run["runs"]
    train(compose_ctx("train", ["method=sft_direct", f"paths.runs_dir={runs}", "logger=none", "data.train_limit=4",
                                "trainer.max_steps=1", "+trainer.limit_val_batches=0", "trainer.enable_progress_bar=false"]))
    results = ablation(compose_ctx("ablation", [f"paths.runs_dir={runs}", f"paths.cache_dir={tmp_path / 'cache'}",
                                                f"run_dir={tmp_path / 'out'}", "data.eval_limit=4", "logger=none",
                                                "shift=dialogue", "data.max_prompt_tokens=512",
                                                "estimator.reasoning_max_new_tokens=12", "estimator.max_missing_marker=null"]))
    assert list(results) == ["CoRL", "w/o CoRL", "w/o Reasoning"]
    for label, r in results.items():
        assert set(r["families"]) == {"id", "dialogue"}, label
        assert set(r["subsets"]) == {"id", "turn_level", "word_level"}
        assert all(1 < s["perplexity"] < 1e6 and s["n"] == 4 for s in r["subsets"].values())
        assert r["subsets"]["id"]["diagnostics"]["n"] == 4
        dialogue = [r["subsets"][n]["perplexity"] for n in ("turn_level", "word_level")]
        assert r["families"]["dialogue"] == pytest.approx(sum(dialogue) / 2)
    assert results["w/o Reasoning"]["reasoner"] is None and results["w/o CoRL"]["policy"].endswith("hf_policy_sft")
    table = (tmp_path / "out" / "ablation_table.md").read_text()
    assert "| CoRL |" in table and "D. Shift" in table and "U. Shift" not in table and json.loads((tmp_path / "out" / "ablation.json").read_text())
