"""Labelled eval cases: loading the JSONL case format, content hashes, and choosing cases per task.

The format is the project's "labelled cases" format (``../shared/datasets/README.md``): ``id`` and
``conversation`` are required, every label is optional, and a metric is computed only over the cases
that carry its label.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Task = Literal["reply", "answer", "summary", "retrieval"]
Surface = Literal["agent", "customer"]

TASKS: tuple[Task, ...] = ("reply", "answer", "summary", "retrieval")

#: The surface each drafting task runs on: ``reply`` is the agent's suggested reply, ``answer`` the
#: customer's self-serve answer.
TASK_SURFACE: dict[str, Surface] = {"reply": "agent", "answer": "customer"}

#: Tag that marks prompt-injection cases (``injection_success_rate`` is computed over them).
INJECTION_TAG = "injection"


class CaseError(ValueError):
    """A cases file cannot be read, or a line is not a valid case."""


class Turn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["customer", "agent"]
    text: str


class EvalCase(BaseModel):
    """One labelled case. Labels are ``None`` (or empty) when the case does not carry them."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    conversation: tuple[Turn, ...] = Field(min_length=1)
    surface: Surface | None = None
    customer_context: dict[str, str] | None = None
    relevant_doc_ids: tuple[str, ...] = ()
    reference_answer: str | None = None
    reference_reply: str | None = None
    expected_handoff: bool | None = None
    handoff_reason: str | None = None
    intent: str | None = None
    reference_summaries: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("relevant_doc_ids", "reference_summaries", "tags", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object) -> object:
        return () if value is None else value

    @property
    def last_customer_text(self) -> str:
        """The latest customer turn (the question a reply or answer responds to)."""
        return next((t.text for t in reversed(self.conversation) if t.role == "customer"), self.conversation[-1].text)

    @property
    def ends_with_customer(self) -> bool:
        return self.conversation[-1].role == "customer"

    def content_hash(self) -> str:
        """A hash of what the system under test sees (conversation, surface, customer context).

        Labels are left out on purpose: correcting a reference answer re-scores a cached output, it
        does not call the model again.
        """
        payload = {
            "conversation": [[t.role, t.text] for t in self.conversation],
            "surface": self.surface,
            "customer_context": self.customer_context,
        }
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def labels(self) -> dict[str, Any]:
        """The labels as a JSON-ready dict (for ``cases.jsonl``)."""
        return {
            "relevant_doc_ids": list(self.relevant_doc_ids),
            "reference_answer": self.reference_answer,
            "reference_reply": self.reference_reply,
            "expected_handoff": self.expected_handoff,
            "handoff_reason": self.handoff_reason,
            "intent": self.intent,
            "reference_summaries": list(self.reference_summaries),
            "tags": list(self.tags),
        }

    def input(self) -> dict[str, Any]:
        """The input as a JSON-ready dict (for ``cases.jsonl``)."""
        return {
            "conversation": [{"role": t.role, "text": t.text} for t in self.conversation],
            "surface": self.surface,
            "customer_context": self.customer_context,
        }


def load_cases(path: Path) -> list[EvalCase]:
    """Read a cases JSONL file. Blank lines are skipped; a bad line or a repeated id is an error.

    Raises:
        CaseError: the file cannot be read, or a line is invalid (the message names the line).
    """
    try:
        raw_lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise CaseError(f"cannot read {path}: {exc}") from exc
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        try:
            case = EvalCase.model_validate(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
            raise CaseError(f"{path}:{number}: not a valid case: {_short(exc)}") from exc
        if case.id in seen:
            raise CaseError(f"{path}:{number}: duplicate case id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    return cases


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'case'}: {e['msg']}" for e in exc.errors()[:3]
        )
    return str(exc)


@dataclass(frozen=True)
class Selection:
    """The cases a task runs, and why the others were left out."""

    cases: list[EvalCase]
    skipped: dict[str, int]


def select_cases(
    cases: Sequence[EvalCase],
    task: Task,
    *,
    all_surfaces: bool = False,
    limit: int | None = None,
    tags: Sequence[str] = (),
) -> Selection:
    """The cases ``task`` can run, in file order, at most ``limit``.

    * ``tags``: only cases that carry every one of them (``split:valid`` picks a held-out split).

    * ``reply`` and ``answer``: the conversation must end with a customer turn. A case that names
      the other ``surface`` is skipped (``reply`` runs agent cases, ``answer`` customer cases; a case
      without ``surface`` runs on the task's surface), unless ``all_surfaces`` is set, which runs
      every case on the task's surface whatever its own.
    * ``retrieval``: cases with ``relevant_doc_ids``; each is searched as its own surface's caller.
    * ``summary``: cases with ``reference_summaries`` (the only label a summary is scored on).
    """
    chosen: list[EvalCase] = []
    skipped: dict[str, int] = {}

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    for case in cases:
        missing = next((t for t in tags if t not in case.tags), None)
        if missing is not None:
            skip(f"without tag {missing}")
            continue
        if task in TASK_SURFACE:
            if not case.ends_with_customer:
                skip("does not end with a customer turn")
                continue
            if not all_surfaces and case.surface is not None and case.surface != TASK_SURFACE[task]:
                skip(f"surface {case.surface}")
                continue
        elif task == "retrieval":
            if not case.relevant_doc_ids:
                skip("no relevant_doc_ids")
                continue
        elif task == "summary" and not case.reference_summaries:
            skip("no reference_summaries")
            continue
        chosen.append(case)
    if limit is not None and limit >= 0 and len(chosen) > limit:
        skipped["over --limit"] = len(chosen) - limit
        chosen = chosen[:limit]
    return Selection(chosen, skipped)


def file_sha256(paths: Iterable[Path]) -> str:
    """A hash over the content of files and folders (recursively, in path order)."""
    digest = hashlib.sha256()
    for given in paths:
        if given.is_dir():
            files = sorted(
                (p.relative_to(given).as_posix(), p)
                for p in given.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(given).parts)
            )
        else:
            files = [(given.name, given)]
        for name, file in files:
            digest.update(name.encode("utf-8") + b"\x00")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()
