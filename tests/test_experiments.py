"""Every recipe in conf/experiment composes to exactly the config of the command line it stands for."""

from pathlib import Path

import pytest
from omegaconf import OmegaConf

CONF = Path(__file__).resolve().parents[1] / "conf"
TABLE20 = ["sft", "icl", "da", "dpo", "rft", "rl", "thinking_sft", "thinking_rl", "ours"]
CORL_TINY = [
    "method=corl", "paths.runs_dir='${oc.env:REMID_RUNS,runs}/corl_tiny'", "data.train_limit=64", "method.module.sft_epochs=0",
    "method.module.reasoner_init=pretrained:remi_tiny_reasoner", "method.module.policy_init=pretrained:remi_tiny_policy",
    "method.policy_reference=pretrained:remi_tiny_policy", "method.module.iterations=1",
    "method.module.epochs_per_phase=1", "method.module.lr=${model.rl_lr}", "method.module.reasoner.max_new_tokens=320",
    "method.module.reasoning.max_new_tokens=320", "method.module.policy.max_new_tokens=96",
]
_FMT = "{fn: {_target_: remid.corl.authors_rewards.%s, _partial_: true}, weight: 1.0}"
AUTHORS_CORL = [
    "method=corl", "+method.prepare.traces.extra_samples=${method.datamodule.samples}", "method.prepare.traces.train_limit=0",
    "method.module.reasoner.rewards.reasoning.fn._target_=remid.corl.authors_rewards.ExpMeanReasoningReward",
    "+method.module.reasoner.rewards.format=" + _FMT % "reasoning_format_reward",
    "+method.module.reasoner.rewards.length={fn: {_target_: remid.corl.authors_rewards.CoreFeatureLengthReward}, weight: 1.0}",
    "+method.module.policy.rewards.format=" + _FMT % "response_format_reward",
    "method.module.policy.rewards.match.fn.reduction=mean",
    "+method.datamodule.samples={_target_: remid.data.readers.test_records, source: ${data.source}, n: 1000, seed: 42}",
]
# experiment -> (root config, the README command's overrides) for each entry point it serves.
RECIPES = {
    "quickstart": [("train", []), ("evaluate", [])],
    "table20": [("train", ["method=sft", "data.train_limit=256"])],  # -m: one job per method (test below)
    "table20_evaluate": [("evaluate", [f"methods=[{','.join(TABLE20)}]", "data.eval_limit=32"])],
    "corl_tiny": [("train", CORL_TINY)],
    "corl_qwen3_8b": [("train", ["method=corl", "model=qwen3_8b", "model.name_or_path=Qwen/Qwen3-8B",
                                 "trainer=deepspeed_zero2"])],
    "sft_qwen3_8b": [("train", ["method=sft", "model=qwen3_8b", "trainer=gpu"])],
    "da_openai": [("train", ["method=da", "llm=openai", "llm.backend.model=gpt-4o-mini"])],
    "corl_tiny_ablation": [("ablation", ["paths.runs_dir='${oc.env:REMID_RUNS,runs}/corl_tiny'", "data.eval_limit=48"])],
    "authors_negatives": [("evaluate", ["estimator.negatives=1000", "estimator.negatives_seed=42",
                                        "estimator.negatives_replace=false", "estimator.club_form=authors"])],
    "authors_corl": [("train", AUTHORS_CORL)],
    "sweep_tiny": [("sweep", ["models=[tiny_qwen3,tiny_llama]", "methods=[sft,rl]", "emi=true",
                              'train_overrides=["data.train_limit=256"]', 'evaluate_overrides=["data.eval_limit=32"]',
                              "name=tiny"])],
    "paper_table20": [("sweep", [f"methods=[{','.join(TABLE20)}]", 'train_overrides=["data.train_limit=128"]',
                                 'evaluate_overrides=["data.eval_limit=24", "analyses.claims=true"]',
                                 "name=paper_table20", "paths.runs_dir='${oc.env:REMID_RUNS,runs}/paper_table20'"])],
    "smollm2_world": [("sweep", [
        "models=[smollm2_135m]", "methods=[sft]", "emi=false",
        'train_overrides=["data.train_limit=64", "trainer.max_epochs=1", "+method.datamodule.val_limit=16", '
        '"data.max_prompt_tokens=768", "model.lr=2.0e-4", "model.lora={r: 8, lora_alpha: 16, lora_dropout: 0.0, '
        'target_modules: [q_proj, k_proj, v_proj, o_proj]}"]',
        'evaluate_overrides=["estimator=smollm2", "estimator.reasoning_max_new_tokens=48", "data.eval_limit=8", '
        '"data.max_prompt_tokens=768", "generation.sampling.max_new_tokens=64", "generation.generator.batch_size=8", '
        '"analyses.judge=false"]', "name=smollm2_world"])],
    "smollm2_judge": [("evaluate", [
        "model=smollm2_135m", "estimator=smollm2", "shift=id", "judge=local", "rpms=[${paths.runs_dir}/sft/smollm2_135m]",
        "data.eval_limit=8", "data.max_prompt_tokens=768", "generation.sampling.max_new_tokens=64",
        "generation.generator.batch_size=8", "estimator.reasoning_max_new_tokens=48", "judge.max_tokens=48"])],
}


def job(cfg):
    """The job's part of a composed config, unresolved (``${now:...}`` stays a string)."""
    return OmegaConf.to_container(cfg, resolve=False)


def test_every_experiment_file_has_a_recipe_and_says_its_command():
    files = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))
    assert files == sorted(RECIPES)
    for name in files:
        lines = (CONF / "experiment" / f"{name}.yaml").read_text().splitlines()
        assert lines[0] == "# @package _global_", name
        assert "python " in lines[1] and lines[1].endswith(f"experiment={name}"), name  # the command first


@pytest.mark.parametrize(("name", "root", "overrides"),
                         [(n, r, o) for n, uses in RECIPES.items() for r, o in uses])
def test_experiment_is_its_command_line(hydra_ctx, name, root, overrides):
    recipe = hydra_ctx(root, [f"experiment={name}"])
    OmegaConf.resolve(hydra_ctx(root, [f"experiment={name}"]))
    assert job(recipe) == job(hydra_ctx(root, overrides))


def test_recipes_effective_values(hydra_ctx, monkeypatch, tmp_path):
    monkeypatch.setenv("REMID_RUNS", str(tmp_path))  # every recipe writes under it, as README allows
    corl = hydra_ctx("train", ["experiment=corl_tiny"])
    assert corl.method.name == "corl" and corl.run_dir == f"{tmp_path}/corl_tiny/corl/tiny_qwen3"
    assert corl.method.module.iterations == 1 and corl.method.module.lr == corl.model.rl_lr
    assert corl.method.module.policy.max_new_tokens == 96 and corl.data.train_limit == 64
    ablation = hydra_ctx("ablation", ["experiment=corl_tiny_ablation"])
    assert ablation.estimator.name == "corl" and ablation.estimator.run == f"{tmp_path}/corl_tiny/corl/tiny_qwen3"
    assert ablation.data.eval_limit == 48
    evaluate = hydra_ctx("evaluate", ["experiment=table20_evaluate"])
    assert list(evaluate.methods) == TABLE20 and evaluate.data.eval_limit == 32
    sweep = hydra_ctx("sweep", ["experiment=sweep_tiny"])
    assert sweep.run_dir == f"{tmp_path}/sweeps/tiny" and list(sweep.train_overrides) == ["data.train_limit=256"]


def test_the_command_line_overrides_an_experiment(hydra_ctx):
    cfg = hydra_ctx("train", ["experiment=corl_tiny", "method.module.iterations=3", "data.train_limit=8"])
    assert cfg.method.module.iterations == 3 and cfg.data.train_limit == 8


def test_table20_multirun_sweeps_the_nine_methods():
    """``train.py -m experiment=table20``: the basic sweeper reads ``hydra.sweeper.params`` of the composed config."""
    from hydra import compose, initialize_config_dir
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    import remid.config  # noqa: F401  registers the schemas conf/ composes with

    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = compose("train", ["experiment=table20"], return_hydra_config=True)
    params = [f"{key}={value}" for key, value in cfg.hydra.sweeper.params.items()]
    jobs = BasicSweeper.split_arguments(OverridesParser.create().parse_overrides(params), None)
    assert [job for batch in jobs for job in batch] == [[f"method={m}"] for m in TABLE20]
