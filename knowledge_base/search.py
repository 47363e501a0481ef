"""Hybrid, conversation-aware search with access control inside the query.

One Qdrant query per search: dense prefetches (one per embedded query text) and one sparse BM25
prefetch, fused by weighted reciprocal rank fusion, all under the caller's access filter. The fused
passages are then grouped into one result per document with its best passages.

Access control fails closed: a customer-facing search filters to ``audience = public`` and
``kind = article`` in Qdrant, and every hit is checked again before it is returned; a hit that
breaks the rule is dropped and logged as a security event.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from qdrant_client import models as qm

from knowledge_base.documents import Audience, DocumentKind
from knowledge_base.embeddings import Embedder
from knowledge_base.index import DENSE, SPARSE, QdrantIndex
from knowledge_base.query import QueryTuning, Turn, plan_query
from knowledge_base.sparse import BM25Encoder

log = logging.getLogger(__name__)

__all__ = ["CallerAudience", "Passage", "Retriever", "SearchFilters", "SearchHit", "Turn"]


class CallerAudience(StrEnum):
    """Who the results are for. Customers see public help articles only."""

    CUSTOMER = "customer"
    AGENT = "agent"


class AccessViolation(RuntimeError):
    """An index returned a document the caller may not see (the filter was bypassed)."""


@dataclass(frozen=True)
class SearchFilters:
    """Optional narrowing on top of the mandatory access filter."""

    kinds: tuple[DocumentKind, ...] = ()
    tags: tuple[str, ...] = ()
    locale: str | None = None
    doc_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    text: str
    heading: str
    chunk_index: int
    score: float


@dataclass(frozen=True)
class SearchHit:
    """One document, ranked, with its best passages."""

    doc_id: str
    title: str
    url: str | None
    kind: DocumentKind
    audience: Audience
    tags: tuple[str, ...]
    score: float
    passages: tuple[Passage, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "url": self.url,
            "kind": self.kind.value,
            "audience": self.audience.value,
            "tags": list(self.tags),
            "score": round(self.score, 6),
            "passages": [
                {"text": p.text, "heading": p.heading, "chunk_index": p.chunk_index, "score": round(p.score, 6)}
                for p in self.passages
            ],
        }


@dataclass(frozen=True)
class FusionTuning:
    """How passages become documents: RRF constant, and how much a document's further passages add."""

    rrf_k: int = 60
    extra_passage_weight: float = 0.3
    max_passages: int = 3


def access_filter(audience: CallerAudience, filters: SearchFilters | None = None) -> qm.Filter:
    """The mandatory filter for a caller, plus any optional narrowing."""
    must: list[qm.Condition] = []
    if audience is CallerAudience.CUSTOMER:
        must.append(qm.FieldCondition(key="audience", match=qm.MatchValue(value=Audience.PUBLIC.value)))
        must.append(qm.FieldCondition(key="kind", match=qm.MatchValue(value=DocumentKind.ARTICLE.value)))
    if filters is not None:
        if filters.kinds:
            must.append(qm.FieldCondition(key="kind", match=qm.MatchAny(any=[k.value for k in filters.kinds])))
        if filters.tags:
            must.append(qm.FieldCondition(key="tags", match=qm.MatchAny(any=list(filters.tags))))
        if filters.locale:
            must.append(qm.FieldCondition(key="locale", match=qm.MatchValue(value=filters.locale)))
        if filters.doc_ids:
            must.append(qm.FieldCondition(key="doc_id", match=qm.MatchAny(any=list(filters.doc_ids))))
    return qm.Filter(must=must)


def allowed(audience: CallerAudience, payload: dict[str, Any]) -> bool:
    """The same rule as :func:`access_filter`, checked on a returned payload (fail closed)."""
    if audience is CallerAudience.AGENT:
        return True
    return payload.get("audience") == Audience.PUBLIC.value and payload.get("kind") == DocumentKind.ARTICLE.value


class Retriever:
    """Searches a :class:`QdrantIndex` for a question or a conversation."""

    def __init__(
        self,
        index: QdrantIndex,
        embedder: Embedder,
        *,
        sparse: BM25Encoder | None = None,
        candidates: int = 60,
        query_tuning: QueryTuning | None = None,
        fusion: FusionTuning | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.sparse = sparse or BM25Encoder()
        self.candidates = candidates
        self.query_tuning = query_tuning or QueryTuning()
        self.fusion = fusion or FusionTuning()

    def search(
        self,
        query: str | Sequence[Turn],
        *,
        audience: CallerAudience,
        k: int = 5,
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        """The ``k`` best documents for the caller, each with its best passages.

        ``audience`` is required: there is no search without an access decision.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        audience = CallerAudience(audience)
        plan = plan_query(query, self.query_tuning)
        flt = access_filter(audience, filters)
        vectors = self.embedder.embed([text for text, _ in plan.dense])
        prefetch = [
            qm.Prefetch(query=vectors[i].tolist(), using=DENSE, limit=self.candidates, filter=flt)
            for i in range(len(plan.dense))
        ]
        weights = [w for _, w in plan.dense]
        sparse = self.sparse.encode_query(plan.sparse)
        if sparse.indices:
            prefetch.append(
                qm.Prefetch(
                    query=qm.SparseVector(indices=sparse.indices, values=sparse.values),
                    using=SPARSE,
                    limit=self.candidates,
                    filter=flt,
                )
            )
            weights.append(plan.sparse_weight)
        collection = self.index.current_collection()
        if collection is None:
            return []
        response = self.index.client.query_points(
            self.index.alias,
            prefetch=prefetch,
            query=qm.RrfQuery(rrf=qm.Rrf(k=self.fusion.rrf_k, weights=weights)),
            query_filter=flt,
            limit=self.candidates,
            with_payload=True,
            with_vectors=False,
        )
        return self._group(response.points, audience, k)

    def _group(self, points: Sequence[qm.ScoredPoint], audience: CallerAudience, k: int) -> list[SearchHit]:
        by_doc: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        order: list[str] = []
        for point in points:
            payload = point.payload or {}
            if not allowed(audience, payload):
                log.error(
                    "access filter bypassed: dropped a hit the caller may not see",
                    extra={"event": "access_violation", "doc_id": payload.get("doc_id"), "audience": audience.value},
                )
                continue
            doc_id = str(payload.get("doc_id"))
            if doc_id not in by_doc:
                by_doc[doc_id] = []
                order.append(doc_id)
            by_doc[doc_id].append((float(point.score), payload))
        hits = []
        for doc_id in order:
            scored = sorted(by_doc[doc_id], key=lambda s: -s[0])
            score = scored[0][0] + self.fusion.extra_passage_weight * sum(s for s, _ in scored[1:3])
            head = scored[0][1]
            hits.append(
                SearchHit(
                    doc_id=doc_id,
                    title=str(head.get("title", "")),
                    url=head.get("url"),
                    kind=DocumentKind(head.get("kind", DocumentKind.ARTICLE.value)),
                    audience=Audience(head.get("audience", Audience.INTERNAL.value)),
                    tags=tuple(head.get("tags") or ()),
                    score=score,
                    passages=tuple(
                        Passage(str(p.get("text", "")), str(p.get("heading", "")), int(p.get("chunk_index", 0)), s)
                        for s, p in scored[: self.fusion.max_passages]
                    ),
                )
            )
        hits.sort(key=lambda h: -h.score)
        return hits[:k]
