"""The entry points as a user meets them: a run's record, resume, plan, and user errors in one or two lines."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf
from subprocess_runs import run_cli

TINY = ["logger=none", "data.train_limit=4", "model.batch_size=2", "trainer.enable_progress_bar=false"]


def cli(monkeypatch, capsys, script: str, *args: str, runs: Path, full_error: bool = False) -> tuple[int, str]:
    """``python <script> *args`` in this process (``remid.run.cli.hydra_main``): exit code and stderr."""
    from remid.run.cli import hydra_main, method_alias

    monkeypatch.setenv("REMID_RUNS", str(runs))
    monkeypatch.setattr(sys, "argv", [script, *args])
    if full_error:
        monkeypatch.setenv("HYDRA_FULL_ERROR", "1")
    else:
        monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    if script == "train.py":
        from remid.run.train import train as task
        name, alias = "train", None
    else:
        from remid.run.evaluate import evaluate as task
        name, alias = "evaluate", method_alias
    try:
        hydra_main(task, name, name, aliases=alias)
        code = 0
    except SystemExit as ex:
        code = ex.code
    return code, capsys.readouterr().err


def short(err: str) -> list[str]:
    lines = [line for line in err.splitlines() if line.strip() and "[WARNING]" not in line]
    assert "Traceback" not in err and 1 <= len(lines) <= 2, err
    return lines


@pytest.mark.parametrize(("args", "expected"), [
    (["trainer.max_stepz=3"], "did you mean trainer.max_steps?"),
    (["+trainer.max_stepz=3"], "did you mean trainer.max_steps?"),  # Hydra's "use +key" advice, followed
    (["model=tiny_qwn3"], "did you mean model=tiny_qwen3?"),
    (["trainer.max_steps=abc"], "trainer.max_steps='abc' is not an integer"),
    (["seed=abc"], "seed='abc' is not an integer"),
    (["experiment=corl_tny"], "did you mean experiment=corl_tiny?"),  # not a default training run
])
def test_train_user_errors_are_one_or_two_lines(monkeypatch, capsys, tmp_path, args, expected):
    code, err = cli(monkeypatch, capsys, "train.py", *TINY, *args, runs=tmp_path)
    assert code == 1 and expected in short(err)[0]
    assert not (tmp_path / "sft" / "tiny_qwen3" / "config.yaml").exists()


def test_full_error_shows_the_exception(monkeypatch, capsys, tmp_path):
    from remid.core.validation import ConfigError

    with pytest.raises(ConfigError, match="max_steps"):
        cli(monkeypatch, capsys, "train.py", *TINY, "trainer.max_steps=abc", runs=tmp_path, full_error=True)


def test_evaluate_before_training_names_the_command(monkeypatch, capsys, tmp_path):
    code, err = cli(monkeypatch, capsys, "evaluate.py", "logger=none", "method=rl", runs=tmp_path)
    assert code == 1 and "python train.py method=rl model=tiny_qwen3" in short(err)[0]
    failed = list((tmp_path / "evaluate").iterdir())  # the folder says it failed, and why
    assert [p.suffix for p in failed] == [".failed"] and "train it first" in (failed[0] / "error.txt").read_text()


def test_evaluate_bad_values_are_one_line(monkeypatch, capsys, tmp_path):
    for arg, expected in (("data.eval_split=validation", "data.eval_split='validation' is not valid; choose one of "
                                                         "['test', 'dev']"), ("seed=abc", "seed='abc' is not an integer"),
                          ("analyses.h_hat=bogus", "analyses.h_hat='bogus' is not valid")):
        code, err = cli(monkeypatch, capsys, "evaluate.py", "logger=none", "rpms=[tiny:qwen3]", "shift=id",
                        "data.eval_limit=2", arg, runs=tmp_path)
        assert code == 1 and expected in short(err)[0]
        assert not (tmp_path / "cache").exists()  # found before the estimator reasoned or scored anything


def test_failures_in_the_same_second_keep_a_folder_each(tmp_path):
    from remid.run.cli import mark_failed

    run_dir = tmp_path / "evaluate" / "2026-12-07_15-29-53"
    for n in range(3):  # three evaluations that fail within one second share Hydra's folder name
        run_dir.mkdir(parents=True)
        (run_dir / "evaluate.log").write_text(f"attempt {n}\n")
        mark_failed(OmegaConf.create({"run_dir": str(run_dir)}), f"error {n}")
    names = sorted(p.name for p in run_dir.parent.iterdir())
    assert names == [run_dir.name + s for s in (".failed", ".failed-2", ".failed-3")]
    assert [(run_dir.parent / n / "error.txt").read_text() for n in names] == [f"error {n}\n" for n in range(3)]


def test_evaluate_a_missing_rpm_folder_says_what_rpms_takes(monkeypatch, capsys, tmp_path):
    code, err = cli(monkeypatch, capsys, "evaluate.py", "logger=none", f"rpms=[{tmp_path}/nowhere]", runs=tmp_path)
    assert code == 1 and "does not exist" in short(err)[0] and "give a train run folder" in short(err)[0]


def test_a_judge_without_its_api_key_is_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code, err = cli(monkeypatch, capsys, "evaluate.py", "logger=none", "rpms=[tiny:qwen3]", "judge=llm", "shift=id",
                    "data.eval_limit=2", runs=tmp_path)
    errors = [line for line in err.splitlines() if line.startswith("error:")]  # after the estimator's progress bars
    assert code == 1 and "Traceback" not in err and len(errors) == 1, err
    assert "judge.clients.gpt_4o_mini.backend: no API key for" in errors[0] and "OPENAI_API_KEY" in errors[0]


def test_a_checkpoint_of_the_other_trainer_kind_fails_before_training(monkeypatch, capsys, tmp_path):
    run = tmp_path / "sft" / "tiny_qwen3"
    (run / "checkpoints" / "last.ckpt" / "checkpoint").mkdir(parents=True)  # what DeepSpeed leaves
    for resume in ("false", "true"):
        code, err = cli(monkeypatch, capsys, "train.py", *TINY, f"resume={resume}", runs=tmp_path)
        assert code == 1 and "was written by a DeepSpeed trainer; this trainer cannot" in short(err)[0]
    assert not (run / "hf").exists()  # nothing trained, nothing exported


def test_plan_leaves_no_run_folder(monkeypatch, capsys, tmp_path):
    code, _ = cli(monkeypatch, capsys, "train.py", "model=qwen3_8b", "logger=none", "plan=true", runs=tmp_path)
    assert code == 0 and not (tmp_path / "sft").exists()


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A finished two-step SFT run, trained by ``python train.py`` as a user starts it."""
    runs = tmp_path_factory.mktemp("cli_runs")
    done = run_cli("train.py", *TINY, "trainer.max_steps=2", env={"REMID_RUNS": str(runs)})
    assert done.returncode == 0, done.stderr[-3000:]
    return runs


@pytest.mark.slow
def test_a_failed_attempt_keeps_the_finished_runs_record(trained, tmp_path):
    runs = tmp_path / "runs"
    shutil.copytree(trained, runs)
    run = runs / "sft" / "tiny_qwen3"
    record = {p: p.read_text() for p in (run / "config.yaml", run / ".hydra" / "overrides.yaml")}
    bad = tmp_path / "truncated.json"
    bad.write_text('{"IDTrain": [{"character_profile": ')
    for args in (["trainer.max_steps=abc"], ["data=rpgbench", f"data.source={bad}"]):
        done = run_cli("train.py", *TINY, *args, env={"REMID_RUNS": str(runs)})
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert {p: p.read_text() for p in record} == record  # the weights in hf/ still match their recorded config
    assert len(list((run / ".hydra" / "attempts").iterdir())) == 3  # each attempt kept apart


@pytest.mark.slow
def test_resume_with_more_steps_trains_to_them(trained, tmp_path):
    runs = tmp_path / "runs"
    shutil.copytree(trained, runs)
    run = runs / "sft" / "tiny_qwen3"
    before = (run / "hf" / "model.safetensors").stat().st_mtime_ns
    done = run_cli("train.py", *TINY, "trainer.max_steps=4", "resume=true", env={"REMID_RUNS": str(runs)})
    assert done.returncode == 0, done.stderr[-3000:]
    ckpt = torch.load(run / "checkpoints" / "last.ckpt", map_location="cpu", weights_only=False)
    assert ckpt["global_step"] == 4
    assert (run / "hf" / "model.safetensors").stat().st_mtime_ns > before
    assert OmegaConf.load(run / "config.yaml").trainer.max_steps == 4
