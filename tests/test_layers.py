"""Layering: the library never imports the entry points in ``remid/run/`` (they orchestrate it, not the reverse)."""

from __future__ import annotations

import ast
from pathlib import Path

import remid

PACKAGE = Path(remid.__file__).resolve().parent
# A command that lives in the library because every shipped MANIFEST.json records it
# (``python -m remid.models.pretrained.build NAME``): it trains through ``remid.run.train``.
COMMANDS = {"models/pretrained/build.py"}


def run_imports(path: Path) -> list[str]:
    """``remid.run`` modules imported anywhere in ``path`` (top level or inside functions), as ``line: module``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found += [f"{node.lineno}: {n}" for n in names if n == "remid.run" or n.startswith("remid.run.")][:1]
    return found


def test_no_library_module_imports_remid_run():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("run/") or relative in COMMANDS:
            continue
        if hits := run_imports(path):
            offenders[relative] = hits
    assert not offenders, f"library modules importing remid.run: {offenders}"


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from remid.run.train import train\n    return train\n")
    assert run_imports(module) == ["4: remid.run.train"]
    module.write_text("from remid import run\nimport remid.run.common as c\n")
    assert run_imports(module) == ["1: remid.run", "2: remid.run.common"]
