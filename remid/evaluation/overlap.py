"""How much of each evaluated subset occurs in training data: measured, not asserted.

``python -m remid.evaluation.overlap [--eval-limit 48] [--corpus-docs 16000] [--split both] [--out overlap.md]`` prints,
per evaluated subset (the first ``eval-limit`` test samples) and per dev slice decisions are made on
("<subset>_dev": the first ``eval-limit`` dev samples, as ``data.eval_split=dev`` reads them), and per training
source, the share of

* golden sentences (sentences over 15 characters of the golden responses) found verbatim in the source,
* last user queries found verbatim,
* evaluated samples whose agent character occurs in the source (by name),
* evaluated samples whose user persona occurs verbatim.

Sources: ``corpus`` (the tiny bases' pretraining documents, ``remid.tiny.corpus``), each shipped tiny
estimator module (what its MANIFEST's config fine-tunes on: IDTrain plus any extra training samples, e.g. the
transductive modules' dev records), ``id_train`` (what RPMs fine-tune on:
``by_subset``'s "id_train"). The evaluated samples are those evaluate reads (``select_subsets``: repeated
goldens left out, then the first ``eval-limit``); how many repeats each subset's file holds is shown.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from remid.core.schema import DEV_SUFFIX, EVAL_SUBSETS, Sample
from remid.data.readers import by_subset, load_samples, select_subsets, unique_goldens

SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]?")
MIN_SENTENCE_CHARS = 15
ESTIMATOR_MODULES = ("remi_tiny_reasoner", "remi_tiny_policy", "remi_tiny_transductive_reasoner",
                     "remi_tiny_transductive_policy")
MEASURES = ("golden_sentences", "last_queries", "characters", "personas")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` longer than ``MIN_SENTENCE_CHARS`` characters (stripped)."""
    return [s.strip() for s in SENTENCE.findall(text) if len(s.strip()) > MIN_SENTENCE_CHARS]


def sample_text(sample: Sample) -> str:
    character = json.dumps(sample.agent_character, ensure_ascii=False)
    return "\n".join([sample.user_persona, character, *(t.text for t in sample.dialogue_context), sample.golden_response])


@dataclass
class Source:
    """A body of training text: its concatenated text and, for sample sources, the character names it holds."""

    name: str
    text: str
    characters: set[str] | None = None  # None: look names up in ``text``

    @classmethod
    def from_samples(cls, name: str, samples: Iterable[Sample]) -> Source:
        samples = list(samples)
        return cls(name, "\n\n".join(map(sample_text, samples)), {s.character_name for s in samples})

    def has_character(self, name: str) -> bool:
        return name in self.characters if self.characters is not None else name in self.text


def _share(hits: list[bool]) -> float:
    return sum(hits) / len(hits) if hits else 0.0


def overlap(subsets: dict[str, list[Sample]], sources: list[Source]) -> dict[str, dict]:
    """``{subset: {"n", "duplicate_goldens", source: {measure: share}}}`` (duplicates among ``subsets``' samples)."""
    out: dict[str, dict] = {}
    for name, samples in subsets.items():
        golden_sentences = [s for sample in samples for s in sentences(sample.golden_response)]
        counts = Counter(s.golden_response for s in samples)
        row: dict = {"n": len(samples), "duplicate_goldens": sum(c - 1 for c in counts.values())}
        for source in sources:
            row[source.name] = {
                "golden_sentences": _share([s in source.text for s in golden_sentences]),
                "last_queries": _share([s.dialogue_context[-1].text in source.text for s in samples]),
                "characters": _share([source.has_character(s.character_name) for s in samples]),
                "personas": _share([s.user_persona in source.text for s in samples]),
            }
        out[name] = row
    return out


def markdown(table: dict[str, dict], sources: list[str]) -> str:
    """One row per subset, one column per source; each cell: golden sentences / last queries / characters /
    personas found there, in percent."""
    lines = ["Each cell: % of golden sentences / last queries / characters / personas of the evaluated samples "
             "found in the source. Repeats: samples of the subset whose golden repeats an earlier one (left out "
             "before the first N are taken: data.dedupe_goldens).", "",
             "| subset | N | repeats | " + " | ".join(sources) + " |", "|---|---|---|" + "---|" * len(sources)]
    for name, row in table.items():
        cells = [" / ".join(f"{100 * row[src][m]:.0f}" for m in MEASURES) for src in sources]
        lines.append(f"| {name} | {row['n']} | {row.get('left_out', row['duplicate_goldens'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def shipped_estimator_sources(modules: tuple[str, ...] = ESTIMATOR_MODULES) -> list[Source]:
    """One source per shipped tiny estimator module: what its MANIFEST's config fine-tunes on (the data module's
    "id_train", cut to its train_limit, plus its extra_train samples), rebuilt from the config."""
    from hydra.utils import instantiate

    from remid.tiny.pretrained import MANIFEST, ROOT

    sources = []
    for module in modules:
        if not (ROOT / module / MANIFEST).exists():  # a buildable module not built here
            continue
        record = json.loads((ROOT / module / MANIFEST).read_text(encoding="utf-8"))
        dm = record["config"]["method"]["datamodule"]
        train = by_subset(load_samples(dm.get("source")))["id_train"][: dm.get("train_limit")]
        extra = list(instantiate(dm["extra_train"])) if dm.get("extra_train") else []
        sources.append(Source.from_samples(module, train + extra))
    return sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m remid.evaluation.overlap", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default=None, help="benchmark file (default: the shipped mini benchmark)")
    parser.add_argument("--eval-limit", type=int, default=48, help="evaluated samples per subset")
    parser.add_argument("--corpus-docs", type=int, default=16000, help="pretraining documents (0: skip the corpus)")
    parser.add_argument("--no-estimator", action="store_true", help="skip the shipped estimator modules' data")
    parser.add_argument("--split", choices=("test", "dev", "both"), default="both",
                        help="rows for the test subsets, the dev slices decisions are made on, or both (default)")
    parser.add_argument("--out", default=None, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    benchmark = load_samples(args.source)
    groups = by_subset(benchmark)
    subsets: dict[str, list[Sample]] = {}
    for split in ("test", "dev") if args.split == "both" else (args.split,):
        suffix = "" if split == "test" else DEV_SUFFIX
        chosen = select_subsets(benchmark, [n for n in EVAL_SUBSETS if groups.get(n + suffix)], args.eval_limit,
                                split)  # as evaluate reads them (data.eval_split)
        subsets.update({name + suffix: samples for name, samples in chosen.items()})
    sources: list[Source] = []
    if args.corpus_docs:
        from remid.tiny.corpus import documents

        sources.append(Source("corpus", "\n\n".join(documents(args.corpus_docs))))
    if not args.no_estimator:
        sources += shipped_estimator_sources()
    sources.append(Source.from_samples("id_train", groups["id_train"]))
    table = overlap(subsets, sources)
    for name, row in table.items():
        row["left_out"] = len(groups[name]) - len(unique_goldens(groups[name]))
    text = markdown(table, [s.name for s in sources])
    print(text, end="")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
