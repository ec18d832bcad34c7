"""A recipe's section of docs/results.md, regenerated from its sweep folder.

    python -m remid.analysis.results_doc runs/paper_table20/sweeps/paper_table20 [--doc docs/results.md]

The section sits between ``<!-- results:NAME -->`` and ``<!-- /results:NAME -->`` (NAME: the sweep's name) and is
replaced whole; the text around it is left as it is. It holds the stamp (the command and the commit the sweep ran,
when its evaluation was made, the split and N), the evaluation's tables as ``remid.run.evaluate`` wrote them
(R-EMI and R-EMID with 95% intervals, the estimator's diagnostics with its informative marks), and, when the
evaluation ran ``analyses.claims``, one line per paired contrast saying whether this N resolves it. The R-EMID
figure is copied beside the doc (``docs/results/NAME_r_emid.png``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

from remid.core.atomic import write_text_atomic


def verdict(label: str, c: dict, metric: str) -> str:
    """One claim's sentence: the difference, its interval and p, and what this N says of it."""
    head = f"- **{label}**: {metric} difference {c['value']:+.3f}, 95% interval [{c['ci'][0]:+.3f}, {c['ci'][1]:+.3f}]" \
           f", p = {c['p']:.3f}, N = {c['n']} per subset: "
    if c["resolved"]:
        return head + ("resolved, positive." if c["value"] > 0 else "resolved, negative.")
    need = f"; about {c['n_needed']} samples per subset would resolve a difference this size" if c["n_needed"] else ""
    return head + f"not resolved at this N{need}."


def section(sweep_dir: Path, doc_dir: Path) -> tuple[str, str]:
    """(name, markdown) of the sweep in ``sweep_dir`` (its sweep.json and first R-EMI evaluation)."""
    about = json.loads((sweep_dir / "sweep.json").read_text(encoding="utf-8"))
    if not about.get("results"):
        raise SystemExit(f"error: {sweep_dir / 'sweep.json'} lists no finished R-EMI evaluation; run the sweep "
                         f"to its end first ({about.get('command') or 'python sweep.py ...'})")
    name = Path(about["sweep_dir"]).name
    lines = [f"Made by `{about.get('command', 'python sweep.py')}` at commit `{about.get('commit', 'unknown')}`."]
    for results in map(Path, about["results"]):
        ev = results.parent
        data = json.loads(results.read_text(encoding="utf-8"))
        ns = sorted({s["n"] for m in data["models"] for s in m["subsets"].values() if s.get("n")})
        lines += ["", f"Evaluation `{ev.relative_to(sweep_dir)}` of {data['created']}, {data.get('split', 'test')} "
                  f"split, N = {'/'.join(map(str, ns))} per subset, estimator `{data['estimator'].get('name')}`."]
        for table, title in (("r_emi_table.md", "R-EMI"), ("r_emid_table.md", "R-EMID"),
                             ("estimator_table.md", "The estimator on these samples (diagnostics, lexical floor, "
                                                    "informative marks)")):
            if (ev / table).exists():
                lines += ["", f"**{title}**", "", (ev / table).read_text(encoding="utf-8").strip()]
        if (ev / "claims.json").exists():
            claims = json.loads((ev / "claims.json").read_text(encoding="utf-8"))
            metric = data.get("names", {}).get("r_emid", "R-EMID")
            lines += ["", f"**Paired contrasts** ({claims['n_boot']} bootstrap draws, seed {claims['seed']}; "
                      "positive: the first named degrades more for family contrasts, generalizes better for method "
                      "contrasts)", ""]
            lines += [verdict(label, c, metric) for label, c in claims["contrasts"].items()]
        figure = ev / "r_emid.png"
        if figure.exists():
            target = doc_dir / "results" / f"{name}_{ev.parent.name}_r_emid.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(figure, target)
            lines += ["", f"![R-EMID, {ev.parent.name}](results/{target.name})"]
    return name, "\n".join(lines)


def replace_section(text: str, name: str, body: str) -> str:
    """``text`` with the block between NAME's markers replaced by ``body`` (appended when absent)."""
    start, end = f"<!-- results:{name} -->", f"<!-- /results:{name} -->"
    block = f"{start}\n{body}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    return text.rstrip("\n") + f"\n\n{block}\n"


def main(argv: list[str] | None = None) -> str:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("sweep_dir", type=Path, help="a sweep folder (the one holding sweep.json)")
    p.add_argument("--doc", type=Path, default=Path("docs/results.md"))
    a = p.parse_args(argv)
    if not (a.sweep_dir / "sweep.json").exists():
        raise SystemExit(f"error: {a.sweep_dir} holds no sweep.json; give the folder a sweep wrote "
                         "(runs/<...>/sweeps/<name>, printed as 'sweep report -> ...')")
    name, body = section(a.sweep_dir, a.doc.parent)
    text = a.doc.read_text(encoding="utf-8") if a.doc.exists() else "# Results\n"
    write_text_atomic(a.doc, replace_section(text, name, body))
    print(f"{a.doc}: section {name!r} from {a.sweep_dir}")
    return name


if __name__ == "__main__":
    main()
