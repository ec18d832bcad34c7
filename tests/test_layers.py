"""The layout is the architecture: the layer order written once in docs/architecture.md holds in the code.

A package may import itself and the packages below it, never one above; nothing in ``remid/`` but
``__init__.py`` stands loose at the top; no chain of imports between modules comes back to where it started.
Imports inside functions count as much as those at the top of a file.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import remid

PACKAGE = Path(remid.__file__).resolve().parent
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def layer_order(text: str) -> list[str]:
    """The packages of the numbered list between ``<!-- layers -->`` and ``<!-- /layers -->``, bottom first."""
    block = text.split("<!-- layers -->", 1)[1].split("<!-- /layers -->", 1)[0]
    return re.findall(r"^\d+\. `remid/(\w+)/`", block, flags=re.M)


def imported(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every ``remid`` module ``path`` imports, at the top or inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, node.module), *((node.lineno, f"{node.module}.{a.name}") for a in node.names)]
    return [(line, name) for line, name in found if name == "remid" or name.startswith("remid.")]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module ``name`` lives in (``remid.a.b.func`` -> ``remid.a.b``)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def test_every_package_has_a_place_in_the_documented_order():
    order = layer_order(ARCHITECTURE.read_text(encoding="utf-8"))
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert sorted(order) == packages, f"docs/architecture.md lists {order}; remid/ holds {packages}"


def test_no_loose_top_level_module():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules outside every package: {loose}; give each a home in a package"


def test_no_import_runs_up_a_layer():
    order = layer_order(ARCHITECTURE.read_text(encoding="utf-8"))
    rank = {name: i for i, name in enumerate(order)}
    offenders = []
    for name, path in modules().items():
        own = name.split(".")[1] if name.count(".") else None
        if own is None:
            continue  # remid/__init__.py registers the config schemas
        for line, target in imported(path):
            other = target.split(".")[1] if target.count(".") else None
            if other in rank and rank[other] > rank[own]:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} ({own}) imports {target} ({other})")
    assert not offenders, "imports up a layer:\n" + "\n".join(offenders)


def test_no_circle_between_modules():
    known = modules()
    graph = {name: {m for _, t in imported(path) if (m := resolve(t, known)) and m != name
                    and not name.startswith(m + ".")}  # a module's own package __init__ is no edge
             for name, path in known.items()}
    state: dict[str, int] = {}
    circles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_the_checks_see_what_they_guard(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    from remid.run.train import train\n    return train\n")
    assert imported(module) == [(4, "remid.run.train"), (4, "remid.run.train.train")]
    module.write_text("from remid import run\nimport remid.run.common as c\n")
    assert [name for _, name in imported(module)] == ["remid", "remid.run", "remid.run.common"]
    text = "x\n<!-- layers -->\n1. `remid/core/` bottom\n2. `remid/run/` top\n<!-- /layers -->\n3. `remid/no/`\n"
    assert layer_order(text) == ["core", "run"]
