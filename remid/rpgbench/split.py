"""Step 4 (paper appendix A.1): ID and OOD subsets by the three criteria, the ID split, table-2 statistics.

ID samples meet all three conditions: 1) an English user persona, 2) a real-world character, 3) a
4-round ID dialogue. Each OOD subset breaks exactly one: user shift (German ... Korean personas),
character shift (fictional characters of literature, film & television, theater, gaming), dialogue
compositional shift (turn-level 8-round compositions, word-level perturbed last queries). The ID
samples are split into IDTrain / IDDev / IDTest at random (seeded), by sample.
"""

from __future__ import annotations

import random
from collections import defaultdict

from remid.core.schema import EVAL_SUBSETS, Sample, Turn, subset_of_tag

SPLITS = ("IDTrain", "IDDev", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test")
TAGS = {"german": "german", "spanish": "spanish", "chinese": "chinese", "japanese": "japanese",
        "korean": "korean", "Literature": "Literature", "Film & Television": "Film & Television",
        "Theater": "Theater", "Gaming": "Gaming", "turn_level": "TurnLevelComposition",
        "word_level": "WordLevelComposition"}
OOD_SPLIT = {"user": "OOD1Test", "character": "OOD2Test", "dialogue": "OOD3Test"}
GROUP_NAMES = {"IDTrain": ("IDTrain", "Train"), "IDDev": ("IDDev", "Dev"), "IDTest": ("IDTest", "Test"),
               "OOD1Test": ("User Shift", "Test"), "OOD2Test": ("Character Shift", "Test"),
               "OOD3Test": ("Dialogue Compositional Shift", "Test")}


def _group(dialogue: dict, kind: str, chars: dict) -> str | None:
    """The subset key of one dialogue (``TAGS`` key or "id"), None when it meets no subset's criteria."""
    real, domain = chars[dialogue["character"]]["real"], chars[dialogue["character"]]["record"]["character_domain"]
    english = dialogue["language"] == "english"
    if kind != "id":
        return kind if english and real else None
    if english and real:
        return "id"
    if real:
        return dialogue["language"]
    return domain if english and domain in TAGS else None


def _sample(dialogue: dict, chars: dict, tag: str) -> tuple[Sample, dict]:
    turns = dialogue["turns"]
    context = tuple(Turn("user" if i % 2 == 0 else "agent", t) for i, t in enumerate(turns[:-1]))
    sample = Sample("?", dialogue["persona"], dict(chars[dialogue["character"]]["record"]), context, turns[-1], tag)
    character = chars[dialogue["character"]]
    provenance = {"persona_seed": dialogue["persona_id"].split("/")[0], "persona_id": dialogue["persona_id"],
                  "language": dialogue["language"], "character": sample.character_name,
                  "real": character["real"], "context_seeds": dialogue["contexts"], "calls": dialogue["calls"]}
    return sample, provenance


def split(step1: dict, step3: dict[str, list[dict]], fractions: dict[str, float], seed: int
          ) -> tuple[dict[str, list[Sample]], dict[str, dict]]:
    """``({split: [Sample]}, {sample_ID: provenance})`` in the RPGBench layout (module docstring)."""
    chars = step1["characters"]
    groups: dict[str, list[tuple[Sample, dict]]] = defaultdict(list)
    for kind, found in step3.items():
        for dialogue in found:
            key = _group(dialogue, kind, chars)
            if key is not None:
                groups[key].append(_sample(dialogue, chars, TAGS.get(key, "IDTest")))
    ids = groups.pop("id", [])
    order = list(range(len(ids)))
    random.Random(seed).shuffle(order)
    n_test = round(len(ids) * float(fractions["test"]))
    n_dev = round(len(ids) * float(fractions["dev"]))
    parts = {"IDTest": order[:n_test], "IDDev": order[n_test:n_test + n_dev], "IDTrain": order[n_test + n_dev:]}
    out: dict[str, list[tuple[Sample, dict]]] = {name: [] for name in SPLITS}
    for name, picked in parts.items():
        out[name] = [(_retag(ids[i][0], name), ids[i][1]) for i in sorted(picked)]
    for subset in EVAL_SUBSETS[1:]:
        key = next(k for k, tag in TAGS.items() if subset_of_tag(tag)[1] == subset)
        out[OOD_SPLIT[subset_of_tag(TAGS[key])[0]]].extend(groups.get(key, []))
    samples: dict[str, list[Sample]] = {}
    provenance: dict[str, dict] = {}
    for name in SPLITS:
        samples[name] = []
        for i, (sample, prov) in enumerate(out[name]):
            sid = f"{name}-{i}"
            samples[name].append(Sample(sid, sample.user_persona, sample.agent_character, sample.dialogue_context,
                                        sample.golden_response, sample.subset_tag))
            provenance[sid] = {"sample_ID": sid, "subset_tag": sample.subset_tag, **prov}
    return samples, provenance


def _retag(sample: Sample, tag: str) -> Sample:
    return Sample(sample.sample_id, sample.user_persona, sample.agent_character, sample.dialogue_context,
                  sample.golden_response, tag)


def _row(name: str, kind: str, samples: list[Sample]) -> str:
    personas = len({s.user_persona for s in samples})
    characters = len({s.character_name for s in samples})
    return f"| {name} | {kind} | {len(samples):,} | {personas:,} | {characters:,} |"


def stats_markdown(samples: dict[str, list[Sample]]) -> str:
    """Paper table 2 (samples, unique user personas, unique characters per split), then one row per subset."""
    lines = ["| Split | Type | Total Samples | User Personas | Agent Characters |", "|---|---|---:|---:|---:|"]
    lines += [_row(*GROUP_NAMES[name], samples[name]) for name in SPLITS]
    lines += ["", "| Subset | Split | Total Samples | User Personas | Agent Characters |", "|---|---|---:|---:|---:|"]
    by_subset: dict[str, list[Sample]] = defaultdict(list)
    where: dict[str, str] = {}
    for name in SPLITS:
        for s in samples[name]:
            by_subset[s.group].append(s)
            where[s.group] = name
    for subset in ("id_train", "id_dev", *EVAL_SUBSETS):
        lines.append(_row(subset, where.get(subset, "-"), by_subset.get(subset, [])))
    return "\n".join(lines) + "\n"


def empty_subsets(samples: dict[str, list[Sample]]) -> list[str]:
    """The 12 evaluation subsets (and id_train, id_dev) without a sample."""
    present = {s.group for found in samples.values() for s in found}
    return [s for s in ("id_train", "id_dev", *EVAL_SUBSETS) if s not in present]
