"""Typed record of one RPGBench sample (paper appendix A, tables 8-11) and its validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# subset_tag -> (shift family, subset). Tags are matched case-insensitively and the paper's
# "Literature-Fictional" style suffixes are accepted (table 10).
SUBSETS: dict[str, tuple[str, str]] = {
    "IDTrain": ("id", "id_train"),
    # The tiny estimator's multilingual post-training set (remid.tiny.corpus), never evaluated.
    "PostTrain": ("post_train", "post_train"),
    "IDTest": ("id", "id"),
    # Held-out ID samples for model selection (remid.rpgbench builds them), never evaluated.
    "IDDev": ("id", "id"),  # ID dev samples: the ID distribution, grouped as "id_dev" (Sample.is_dev)
    "german": ("user", "german"),
    "spanish": ("user", "spanish"),
    "chinese": ("user", "chinese"),
    "japanese": ("user", "japanese"),
    "korean": ("user", "korean"),
    "Literature": ("character", "literature"),
    "Film & Television": ("character", "film"),
    "Theater": ("character", "theater"),
    "Gaming": ("character", "gaming"),
    "TurnLevelComposition": ("dialogue", "turn_level"),
    "WordLevelComposition": ("dialogue", "word_level"),
}
# Evaluation subsets in the column order of paper table 20.
EVAL_SUBSETS: tuple[str, ...] = (
    "id", "german", "spanish", "chinese", "japanese", "korean",
    "literature", "film", "theater", "gaming", "turn_level", "word_level",
)
SHIFT_FAMILIES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "user": ("german", "spanish", "chinese", "japanese", "korean"),
    "character": ("literature", "film", "theater", "gaming"),
    "dialogue": ("turn_level", "word_level"),
}
# Dev samples of a subset are grouped under "<subset>_dev" ("id_dev", "german_dev", ...).
DEV_SUFFIX = "_dev"
CHARACTER_FIELDS: tuple[str, ...] = (
    "character_name", "character_domain", "character_source",
    "basic_character_information", "character_background", "character_personality",
)
_TAG_LOOKUP = {tag.lower(): value for tag, value in SUBSETS.items()}
_TAG_LOOKUP.update({"film": ("character", "film"), "film & tv": ("character", "film")})


def subset_of_tag(tag: str) -> tuple[str, str]:
    """Map a subset_tag to ``(shift_family, subset)``; raises ``ValueError`` on an unknown tag."""
    key = tag.strip().lower()
    if key not in _TAG_LOOKUP and "-" in key:  # e.g. "Literature-Fictional"
        key = key.rsplit("-", 1)[0].strip()
    if key not in _TAG_LOOKUP:
        raise ValueError(f"unknown subset_tag {tag!r}; expected one of {sorted(SUBSETS)}")
    return _TAG_LOOKUP[key]


@dataclass(frozen=True)
class Turn:
    """One dialogue turn: ``role`` is "user" or "agent"."""

    role: str
    text: str


@dataclass(frozen=True)
class Sample:
    """One RPGBench sample: input X = (user persona, agent character, dialogue context), output Y."""

    sample_id: str
    user_persona: str
    agent_character: dict[str, str] | str
    dialogue_context: tuple[Turn, ...]
    golden_response: str
    subset_tag: str
    shift_family: str = field(init=False)
    subset: str = field(init=False)

    def __post_init__(self) -> None:
        family, subset = subset_of_tag(self.subset_tag)
        object.__setattr__(self, "shift_family", family)
        object.__setattr__(self, "subset", subset)

    @property
    def is_dev(self) -> bool:
        """A dev sample (model selection only, never reported): its ``sample_ID`` names a split ending in
        "Dev" ("IDDev-3", "OOD1Dev-17"), as the authors' files mark training samples by "IDTrain", or its
        subset_tag is "IDDev"."""
        return self.sample_id.split("-", 1)[0].endswith("Dev") or self.subset_tag.strip().lower() == "iddev"

    @property
    def group(self) -> str:
        """The subset this sample is grouped under: ``subset``, or ``<subset>_dev`` for a dev sample."""
        return f"{self.subset}{DEV_SUFFIX}" if self.is_dev else self.subset

    @property
    def character_name(self) -> str:
        if isinstance(self.agent_character, dict):
            return self.agent_character.get("character_name", "Agent")
        return "Agent"

    def to_record(self) -> dict[str, Any]:
        """The RPGBench JSON form of this sample."""
        return {
            "sample_ID": self.sample_id,
            "user_persona": self.user_persona,
            "agent_character": self.agent_character,
            "dialogue_context": [
                {"user_query" if t.role == "user" else "agent_response": t.text}
                for t in self.dialogue_context
            ],
            "agent_golden_response": self.golden_response,
            "subset_tag": self.subset_tag,
        }


@dataclass(frozen=True)
class RecordError:
    """One problem found in one record."""

    sample_id: str
    field: str
    problem: str
    where: str = ""

    def __str__(self) -> str:
        loc = f" ({self.where})" if self.where else ""
        return f"{self.sample_id}{loc}: {self.field}: {self.problem}"


class InvalidRecordsError(ValueError):
    """Raised when records fail validation; carries every problem found."""

    def __init__(self, errors: list[RecordError], source: str = "") -> None:
        self.errors = errors
        head = f"{len(errors)} invalid field(s)" + (f" in {source}" if source else "")
        shown = "\n  ".join(str(e) for e in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{head}:\n  {shown}{more}")


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def parse_record(record: Any, where: str = "", default_tag: str | None = None) -> Sample | list[RecordError]:
    """Build a ``Sample`` from one JSON record, or return every problem found in it."""
    if not isinstance(record, dict):
        return [RecordError("?", "<record>", f"expected a JSON object, got {type(record).__name__}", where)]
    sid = record.get("sample_ID")
    name = sid if _nonempty_str(sid) else "?"
    errors: list[RecordError] = []

    def bad(field_name: str, problem: str) -> None:
        errors.append(RecordError(name, field_name, problem, where))

    if not _nonempty_str(sid):
        bad("sample_ID", "missing or empty")
    for key in ("user_persona", "agent_golden_response"):
        if not _nonempty_str(record.get(key)):
            bad(key, "missing or empty string")
    character = record.get("agent_character")
    if isinstance(character, dict):
        for key in CHARACTER_FIELDS:
            if key not in character:
                bad(f"agent_character.{key}", "missing")
            elif not isinstance(character[key], str):
                bad(f"agent_character.{key}", f"expected a string, got {type(character[key]).__name__}")
        if not _nonempty_str(character.get("character_name")):
            bad("agent_character.character_name", "missing or empty")
    elif not _nonempty_str(character):
        bad("agent_character", "expected a dict of character fields or a non-empty string")
    turns = _parse_turns(record.get("dialogue_context"), bad)
    tag = record.get("subset_tag", default_tag)
    if not _nonempty_str(tag):
        bad("subset_tag", "missing")
    else:
        try:
            subset_of_tag(tag)
        except ValueError as exc:
            bad("subset_tag", str(exc))
    if errors:
        return errors
    return Sample(
        sample_id=sid,
        user_persona=record["user_persona"],
        agent_character=dict(character) if isinstance(character, dict) else character,
        dialogue_context=turns,
        golden_response=record["agent_golden_response"],
        subset_tag=tag,
    )


def _parse_turns(context: Any, bad) -> tuple[Turn, ...]:
    if not isinstance(context, list) or not context:
        bad("dialogue_context", "expected a non-empty list of turns")
        return ()
    turns: list[Turn] = []
    for i, turn in enumerate(context):
        expected = "user_query" if i % 2 == 0 else "agent_response"
        if not isinstance(turn, dict) or set(turn) != {expected}:
            got = sorted(turn) if isinstance(turn, dict) else type(turn).__name__
            bad(f"dialogue_context[{i}]", f"expected {{{expected!r}: str}}, got {got}")
            continue
        if not _nonempty_str(turn[expected]):
            bad(f"dialogue_context[{i}].{expected}", "empty text")
            continue
        turns.append(Turn("user" if i % 2 == 0 else "agent", turn[expected]))
    if len(context) % 2 == 0:
        bad("dialogue_context", f"must end on a user turn, has {len(context)} turns")
    return tuple(turns)
