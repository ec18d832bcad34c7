"""README.md and docs/*.md: every relative link points at a file that exists, every anchor at a heading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README_MAX_LINES = 320
LINK = re.compile(r"\[[^\]]*\]\(([^()\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    out, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append(line)
    return out


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        base = slug(match.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every Markdown link outside code blocks and inline code."""
    out = []
    text = path.read_text(encoding="utf-8")
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        line = re.sub(r"`[^`]*`", "", line)
        out.extend((number, target) for target in LINK.findall(line))
    return out


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """One message per relative link of ``path`` whose file or anchor does not exist."""
    problems = []
    for number, target in links(path):
        if SCHEME.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(root)}:{number}: {target}"
        if not dest.is_relative_to(root.resolve()) or not dest.exists():
            problems.append(f"{where}: no such file")
        elif anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
            problems.append(f"{where}: no heading with anchor #{anchor} in {dest.relative_to(root.resolve())}")
    return problems


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_links_resolve(path):
    assert broken_links(path) == []


def test_every_docs_file_is_linked_from_readme():
    linked = {(ROOT / t.partition("#")[0]).resolve() for _, t in links(ROOT / "README.md") if not SCHEME.match(t)}
    unlinked = [p.name for p in markdown_files()[1:] if p.resolve() not in linked]
    assert unlinked == [], f"docs files README.md does not link: {unlinked}"


@pytest.mark.parametrize("path", markdown_files()[1:], ids=lambda p: p.name)
def test_docs_file_opens_with_title_and_summary(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 3 and lines[0].startswith("# "), f"{path.name}: first line must be a '# ' title"
    assert lines[1] == "" and lines[2].strip() and not lines[2].startswith("#"), \
        f"{path.name}: the title must be followed by a blank line and a one-line summary"


def test_readme_length():
    n = len((ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines (at most {README_MAX_LINES}); move detail to docs/"


def test_slug_matches_github():
    assert slug("Configuration (`conf/`)") == "configuration-conf"
    assert slug("The tiny table 20 (measured)") == "the-tiny-table-20-measured"
    assert slug("CoRL: the co-evolving estimator") == "corl-the-co-evolving-estimator"
    assert slug("Analyses and the sweep (tables 12-13, figures 2, 4, 5, 7, 9)") == \
        "analyses-and-the-sweep-tables-12-13-figures-2-4-5-7-9"


def test_checker_finds_broken_links(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nsummary\n\n## Part one\n\n## Part one\n", encoding="utf-8")
    (tmp_path / "README.md").write_text(
        "# R\n\n[ok](docs/a.md) [ok](docs/a.md#part-one) [ok](docs/a.md#part-one-1) [ok](#r)\n"
        "[gone](docs/b.md) [bad anchor](docs/a.md#part-two) [web](https://example.org/x)\n"
        "`[in code](docs/c.md)`\n```\n[fenced](docs/d.md)\n```\n[outside](../x.md)\n", encoding="utf-8")
    problems = broken_links(tmp_path / "README.md", root=tmp_path)
    assert len(problems) == 3, problems
    assert "README.md:4: docs/b.md: no such file" in problems[0]
    assert "#part-two" in problems[1] and "docs/a.md" in problems[1]
    assert "../x.md: no such file" in problems[2]
