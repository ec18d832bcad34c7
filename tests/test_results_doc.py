"""The paper recipes end to end at their smallest: ``python sweep.py experiment=paper_table20`` with tiny limits on
the command line (which wins over the recipe), then ``python -m remid.analysis.results_doc`` writing its section."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline", "OMP_NUM_THREADS": "1",
       "TOKENIZERS_PARALLELISM": "false"}
TRAIN = ["data.train_limit=4", "trainer.max_steps=1", "+trainer.limit_val_batches=1", "trainer.enable_progress_bar=false",
         "model.batch_size=2"]
EVALUATE = ["shift.subsets=[id,german,film,word_level]", "data.eval_limit=5", "estimator.n_boot=50",
            "generation.sampling.max_new_tokens=12", "analyses.claims=true", "analyses.judge=false"]


def listed(items: list[str]) -> str:
    return "[" + ",".join(f'"{item}"' for item in items) + "]"


@pytest.mark.slow
def test_paper_table20_at_its_smallest_runs_and_writes_its_stamped_section(tmp_path):
    runs = tmp_path / "runs"
    cmd = [sys.executable, "sweep.py", "experiment=paper_table20", "methods=[sft,icl]", "logger=none",
           f"paths.runs_dir={runs}", f"train_overrides={listed(TRAIN)}", f"evaluate_overrides={listed(EVALUATE)}",
           f"remi_overrides={listed(['estimator.reasoning_max_new_tokens=24'])}"]
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    sweep_dir = runs / "sweeps" / "paper_table20"
    about = json.loads((sweep_dir / "sweep.json").read_text())
    assert about["failures"] == [] and len(about["results"]) == 1
    assert about["command"].startswith("python sweep.py experiment=paper_table20 'methods=[sft,icl]' logger=none")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert about["commit"].split("-")[0] == commit

    doc = tmp_path / "docs" / "results.md"
    doc.parent.mkdir()
    doc.write_text("# Results\n\nWritten by hand, kept.\n")
    for _ in range(2):  # a second run replaces the section, it does not add one
        gen = subprocess.run([sys.executable, "-m", "remid.analysis.results_doc", str(sweep_dir), "--doc", str(doc)],
                             cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
        assert gen.returncode == 0, gen.stderr[-3000:]
    text = doc.read_text()
    assert text.startswith("# Results\n\nWritten by hand, kept.\n") and text.count("<!-- results:paper_table20 -->") == 1
    assert f"Made by `{about['command']}` at commit `{about['commit']}`." in text
    assert "test split, N = 5 per subset" in text and "**R-EMID**" in text and "| tiny_qwen3/icl (icl) |" in text
    assert "Informative" in text  # the estimator's diagnostics beside its numbers
    claims = [line for line in text.splitlines() if line.startswith("- **")]
    assert [c.split("**")[1] for c in claims] == ["user - character (all 2 RPMs)", "user - dialogue (all 2 RPMs)",
                                                  "tiny_qwen3/icl - tiny_qwen3/sft (OOD mean)"]
    assert all("95% interval [" in c and ("not resolved at this N" in c or "resolved," in c) for c in claims)
    assert (doc.parent / "results" / "paper_table20_tiny_qwen3_r_emid.png").stat().st_size > 0


def test_results_doc_names_the_folder_it_needs(tmp_path):
    gen = subprocess.run([sys.executable, "-m", "remid.analysis.results_doc", str(tmp_path)], cwd=ROOT, env=ENV,
                         capture_output=True, text=True, timeout=120)
    assert gen.returncode == 1 and gen.stderr.strip().splitlines() == [
        f"error: {tmp_path} holds no sweep.json; give the folder a sweep wrote (runs/<...>/sweeps/<name>, printed as "
        "'sweep report -> ...')"]
