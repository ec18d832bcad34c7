"""Retrieval hooks for the character refinement of step 1 (paper appendix A.1: web retrieval).

A hook is any callable ``(character_name, character_description, character_domain) -> str`` giving
text about the character; the refinement prompt shows it as "Retrieved Information". None ships that
searches the web: ``JsonRetriever`` reads passages a user collected, keyed by character name.
"""

from __future__ import annotations

import json
from pathlib import Path

from remid.data.readers import read_text


class JsonRetriever:
    """Passages from a JSON file ``{"character name": "text", ...}`` (names matched case-insensitively)."""

    def __init__(self, path: str | Path) -> None:
        data = json.loads(read_text(Path(path)))
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError(f"{path}: expected a JSON object mapping character names to text")
        self.passages = {name.strip().lower(): text.strip() for name, text in data.items()}

    def __call__(self, name: str, description: str, domain: str) -> str:
        return self.passages.get(name.strip().lower(), "")
