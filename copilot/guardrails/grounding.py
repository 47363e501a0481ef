"""Citation and grounding checks on a draft.

- Every cited id must be among the documents retrieved for this request; others are dropped.
- Every substantive sentence of a draft must be supported by the cited passages: most of its content
  words (stemmed) appear in them, or, when an embedder is given, it is close in meaning to one of
  their sentences. Unsupported sentences are returned so the pipeline can flag them (agents) or
  withhold the draft (customers).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge_base.sparse import tokenize

EmbedFn = Callable[[Sequence[str]], npt.NDArray[np.float32]]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+_\d+\]")
MIN_CONTENT_WORDS = 4


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


@dataclass(frozen=True)
class GroundingReport:
    supported: list[str]
    unsupported: list[str]

    @property
    def grounded(self) -> bool:
        return not self.unsupported

    @property
    def support_ratio(self) -> float:
        total = len(self.supported) + len(self.unsupported)
        return 1.0 if total == 0 else len(self.supported) / total


def filter_citations(cited: Iterable[str], retrieved: Iterable[str]) -> tuple[list[str], list[str]]:
    """(kept, dropped): kept ids were retrieved for this request, in citation order, without repeats."""
    allowed = set(retrieved)
    kept: list[str] = []
    dropped: list[str] = []
    for doc_id in cited:
        if doc_id in allowed:
            if doc_id not in kept:
                kept.append(doc_id)
        elif doc_id not in dropped:
            dropped.append(doc_id)
    return kept, dropped


def check_grounding(
    draft: str,
    passages: Sequence[str],
    *,
    ignore: Iterable[str] = (),
    min_overlap: float = 0.6,
    embed: EmbedFn | None = None,
    min_similarity: float = 0.62,
) -> GroundingReport:
    """Which sentences of ``draft`` the ``passages`` support.

    Sentences listed in ``ignore`` (the templated opening and closing) and sentences with fewer than
    four content words ("Thanks for waiting.") are not claims and are not checked.
    """
    skip = {s.strip() for s in ignore}
    source_terms = set(tokenize(" ".join(passages)))
    claims: list[str] = []
    for sentence in split_sentences(draft):
        if sentence in skip:
            continue
        if len(tokenize(_PLACEHOLDER.sub(" ", sentence))) < MIN_CONTENT_WORDS:
            continue
        claims.append(sentence)
    supported: list[str] = []
    doubtful: list[str] = []
    for claim in claims:
        terms = set(tokenize(_PLACEHOLDER.sub(" ", claim)))
        overlap = len(terms & source_terms) / len(terms) if terms else 1.0
        (supported if overlap >= min_overlap else doubtful).append(claim)
    unsupported = doubtful
    if doubtful and embed is not None and passages:
        source_sentences = [s for p in passages for s in split_sentences(p)][:200]
        vectors = embed([*doubtful, *source_sentences])
        claims_v, sources_v = vectors[: len(doubtful)], vectors[len(doubtful) :]
        best = (claims_v @ sources_v.T).max(axis=1) if len(sources_v) else np.zeros(len(doubtful))
        unsupported = []
        for claim, score in zip(doubtful, best, strict=True):
            (supported if score >= min_similarity else unsupported).append(claim)
    return GroundingReport(supported, unsupported)
