"""Labelled triage data: the team's own conversations (``copilot/triage/data/*.jsonl``) and BANKING77.

A triage example is a conversation with what a customer-protection reviewer would say about it: its risks
(and the scam or vulnerability kind), its urgency, what the last customer turn asks for, whether the help
centre covers it, the intent and the language. Files are checked line by line on load; a bad line is an
error naming the file and line, never a silently dropped example.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from copilot.triage.result import REQUESTS, RISKS, SCAM_TYPES, URGENCIES, VULNERABILITY_TYPES
from copilot.triage.taxonomy import INTENT_AREA
from knowledge_base.query import Turn

DATA_DIR = Path(__file__).parent / "data"
#: The team's training files; ``triage_test.jsonl`` in ``evals/datasets`` is never trained on.
TRAINING_FILES = (
    "train_fraud.jsonl",
    "train_welfare.jsonl",
    "train_requests.jsonl",
    "train_requests2.jsonl",
    "train_lookalikes.jsonl",
    "train_lookalikes2.jsonl",
    "train_lookalikes3.jsonl",
    "train_risks2.jsonl",
    "train_lookalikes4.jsonl",
)


class TriageDataError(ValueError):
    """A labelled file that cannot be used, with the file and line it stopped at."""


@dataclass(frozen=True)
class Example:
    id: str
    turns: tuple[Turn, ...]
    surface: str
    risks: frozenset[str]
    scam_type: str | None
    vulnerability_type: str | None
    urgency: str | None
    request: str | None
    answerable: bool | None
    intent: str | None
    language: str | None

    @property
    def text(self) -> str:
        return "\n".join(t.text for t in self.turns)


def _choice(row: dict[str, object], key: str, allowed: Iterable[str], *, optional: bool = True) -> str | None:
    value = row.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or value not in set(allowed):
        raise ValueError(f"{key} must be one of {sorted(allowed)}, not {value!r}")
    return value


def parse_example(row: dict[str, object], *, full: bool = True) -> Example:
    """One labelled row; ``full=False`` accepts intent-only rows (BANKING77's format)."""
    conversation = row.get("conversation")
    if not isinstance(conversation, list) or not conversation:
        raise ValueError("conversation must be a non-empty list of {role, text}")
    turns = []
    for turn in conversation:
        if (not isinstance(turn, dict) or turn.get("role") not in ("customer", "agent")
                or not str(turn.get("text", "")).strip()):
            raise ValueError("every turn needs a role (customer or agent) and some text")
        turns.append(Turn(turn["role"], str(turn["text"])))
    if turns[-1].role != "customer":
        raise ValueError("a conversation must end with a customer turn")
    risks = row.get("risks", []) if full else []
    if not isinstance(risks, list) or not set(risks) <= set(RISKS):
        raise ValueError(f"risks must be a list drawn from {list(RISKS)}")
    scam = _choice(row, "scam_type", SCAM_TYPES)
    vulnerability = _choice(row, "vulnerability_type", VULNERABILITY_TYPES)
    if full and (scam is not None) != ("scam_in_progress" in risks):
        raise ValueError("scam_type is set exactly when scam_in_progress is a risk")
    if full and (vulnerability is not None) != ("vulnerability" in risks):
        raise ValueError("vulnerability_type is set exactly when vulnerability is a risk")
    request = _choice(row, "request", REQUESTS, optional=not full)
    answerable = row.get("answerable")
    if full and (answerable is None) != (request != "question"):
        raise ValueError("answerable is true or false for a question, and null otherwise")
    intent = row.get("intent")
    if intent is not None and intent not in INTENT_AREA:
        raise ValueError(f"unknown intent {intent!r}")
    surface = row.get("surface", "customer")
    if surface not in ("customer", "agent"):
        raise ValueError("surface must be customer or agent")
    return Example(
        id=str(row.get("id", "")),
        turns=tuple(turns),
        surface=str(surface),
        risks=frozenset(str(r) for r in risks),
        scam_type=scam,
        vulnerability_type=vulnerability,
        urgency=_choice(row, "urgency", URGENCIES, optional=not full),
        request=request,
        answerable=bool(answerable) if answerable is not None else None,
        intent=str(intent) if intent is not None else None,
        language=str(row["language"]) if row.get("language") else None,
    )


def load_examples(path: Path, *, full: bool = True) -> list[Example]:
    if not path.is_file():
        raise TriageDataError(f"{path}: no such file")
    examples = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                example = parse_example(json.loads(line), full=full)
            except (json.JSONDecodeError, ValueError) as exc:
                raise TriageDataError(f"{path}:{n}: {exc}") from exc
            if example.id and example.id in seen:
                raise TriageDataError(f"{path}:{n}: duplicate id {example.id}")
            seen.add(example.id)
            examples.append(example)
    return examples


def training_examples(data_dir: Path = DATA_DIR) -> list[Example]:
    out: list[Example] = []
    for name in TRAINING_FILES:
        out += load_examples(data_dir / name)
    return out


def content_hash(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
