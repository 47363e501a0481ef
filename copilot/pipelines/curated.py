"""Curated answers: approved wording for regulated topics, matched before any model call.

The approved-answers file maps question variants to one exact answer. A customer message whose
embedding is close enough to a variant (cosine >= threshold) gets that answer verbatim, with its id,
so regulated wording never depends on a model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from knowledge_base.embeddings import Embedder

DEFAULT_APPROVED_ANSWERS = Path(__file__).resolve().parents[1] / "curated" / "approved_answers.yaml"


@dataclass(frozen=True)
class ApprovedAnswer:
    id: str
    topic: str
    question_variants: tuple[str, ...]
    answer: str
    doc_ids: tuple[str, ...]


@dataclass(frozen=True)
class CuratedMatch:
    answer: ApprovedAnswer
    similarity: float
    variant: str


def load_approved_answers(path: Path) -> list[ApprovedAnswer]:
    """Read and check the approved-answers file (a YAML list)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(raw, dict):
        raw = raw.get("answers", [])
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of approved answers")
    answers: list[ApprovedAnswer] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        try:
            answer = ApprovedAnswer(
                id=str(item["id"]),
                topic=str(item.get("topic", "")),
                question_variants=tuple(str(q) for q in item["question_variants"]),
                answer=str(item["answer"]).strip(),
                doc_ids=tuple(str(d) for d in item.get("doc_ids") or ()),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: entry {i} lacks {exc}") from exc
        if not answer.question_variants or not answer.answer:
            raise ValueError(f"{path}: entry {answer.id} needs question variants and an answer")
        if answer.id in seen:
            raise ValueError(f"{path}: duplicate id {answer.id}")
        seen.add(answer.id)
        answers.append(answer)
    return answers


class CuratedAnswers:
    """Similarity matching of a message against every question variant."""

    def __init__(self, answers: list[ApprovedAnswer], embedder: Embedder, *, threshold: float = 0.82) -> None:
        self.answers = answers
        self.embedder = embedder
        self.threshold = threshold
        self._index: list[tuple[ApprovedAnswer, str]] = [(a, q) for a in answers for q in a.question_variants]
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path, embedder: Embedder, *, threshold: float = 0.82) -> CuratedAnswers:
        answers = load_approved_answers(path) if path.exists() else []
        return cls(answers, embedder, threshold=threshold)

    def _vectors(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                self._matrix = self.embedder.embed([q for _, q in self._index])
            return self._matrix

    def match(self, message: str) -> CuratedMatch | None:
        """The approved answer for ``message``, or None when no variant is close enough."""
        if not self._index or not message.strip():
            return None
        query = self.embedder.embed([message.strip()])[0]
        scores = self._vectors() @ query
        best = int(np.argmax(scores))
        if float(scores[best]) < self.threshold:
            return None
        answer, variant = self._index[best]
        return CuratedMatch(answer, float(scores[best]), variant)
