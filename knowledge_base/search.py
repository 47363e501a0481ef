"""Hybrid, conversation-aware search with access control inside the query.

One Qdrant request per search: the dense sub-queries (one per embedded query text) and one sparse
BM25 sub-query, batched together and all under the caller's access filter, fused per document by
weighted reciprocal rank fusion into one result per document with its best passages. (Qdrant's own
chunk-level fusion in a single prefetch query is available as ``FusionTuning(mode="chunk")``; it
ranks worse on doc2dial, see docs/benchmarks.md.)

Access control fails closed: a customer-facing search filters to ``audience = public`` and
``kind = article`` in Qdrant, and every hit is checked again before it is returned; a hit that
breaks the rule is dropped and logged as a security event.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

import numpy as np
from qdrant_client import models as qm

from knowledge_base.documents import Audience, DocumentKind
from knowledge_base.embeddings import CachedEmbedder, Embedder
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

    @classmethod
    def from_payload(cls, payload: dict[str, Any], score: float = 0.0) -> Passage:
        return cls(str(payload.get("text", "")), str(payload.get("heading", "")),
                   int(payload.get("chunk_index", 0)), score)


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
    #: Cosine similarity of the latest customer turn to the document's best passage: an absolute
    #: relevance signal (the fused ``score`` only ranks).
    similarity: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "url": self.url,
            "kind": self.kind.value,
            "audience": self.audience.value,
            "tags": list(self.tags),
            "score": round(self.score, 6),
            "similarity": round(self.similarity, 4),
            "passages": [
                {"text": p.text, "heading": p.heading, "chunk_index": p.chunk_index, "score": round(p.score, 6)}
                for p in self.passages
            ],
        }


@dataclass(frozen=True)
class FusionTuning:
    """How the sub-queries' rankings become one ranking of documents.

    ``document`` (the default) sends the dense and sparse sub-queries in one batched Qdrant request and
    fuses their rankings per document (weighted RRF over each document's best rank in each list);
    ``chunk`` uses Qdrant's own fusion (one query with prefetches, RRF over chunks) and then keeps
    each document's best chunk. On doc2dial the document-level fusion ranks better (docs/benchmarks.md).
    """

    mode: Literal["document", "chunk"] = "document"
    rrf_k: int = 30
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


def _visible(audience: CallerAudience, payload: dict[str, Any], what: str, *, doc_id: str | None = None) -> bool:
    """Whether a returned point passed the filter it was asked for; if not, it is dropped and logged."""
    if allowed(audience, payload) and (doc_id is None or payload.get("doc_id") == doc_id):
        return True
    log.error(
        f"access filter bypassed: dropped a {what} the caller may not see",
        extra={"event": "access_violation", "doc_id": payload.get("doc_id"), "audience": audience.value},
    )
    return False


class Retriever:
    """Searches a :class:`QdrantIndex` for a question or a conversation."""

    def __init__(
        self,
        index: QdrantIndex,
        embedder: Embedder,
        *,
        sparse: BM25Encoder | None = None,
        candidates: int = 40,
        query_tuning: QueryTuning | None = None,
        fusion: FusionTuning | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.sparse = sparse or BM25Encoder()
        self.candidates = candidates
        self.query_tuning = query_tuning or QueryTuning()
        self.fusion = fusion or FusionTuning()

    def warm(self, query: str | Sequence[Turn], *, extra: Sequence[str] = ()) -> None:
        """Embed a search's query texts, and ``extra`` texts, in one model call ahead of the search.

        One call for the three texts of a conversation request (the message for the curated-answer
        check, the latest turn, the whole conversation) costs less than two or three. Only worth it
        with a caching embedder, which then answers the search from memory; otherwise a no-op.
        """
        if not isinstance(self.embedder, CachedEmbedder):
            return
        texts = [t.strip() for t in extra if t.strip()]
        texts += [text for text, _ in plan_query(query, self.query_tuning).dense]
        self.embedder.embed(list(dict.fromkeys(texts)))

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
        if self.index.current_collection() is None:
            return []
        target = self._collection_for(audience)
        if self.fusion.mode == "chunk":
            response = self.index.client.query_points(
                target,
                prefetch=prefetch,
                query=qm.RrfQuery(rrf=qm.Rrf(k=self.fusion.rrf_k, weights=weights)),
                query_filter=flt,
                limit=self.candidates,
                with_payload=True,
                with_vectors=[DENSE],
            )
            lists = [(list(response.points), 1.0)]
        else:
            requests = [
                qm.QueryRequest(query=p.query, using=p.using, filter=flt, limit=self.candidates, with_payload=True)
                for p in prefetch
            ]
            responses = self.index.client.query_batch_points(target, requests=requests)
            lists = [(list(r.points), w) for r, w in zip(responses, weights, strict=True)]
        return self._fuse(lists, audience, k, vectors[0])

    def document_passages(self, doc_id: str, *, audience: CallerAudience, limit: int = 256) -> list[Passage]:
        """Every passage of one document the caller may see, in document order.

        A search returns a document's best few passages; a reader that works through the whole page
        (the extractive drafter) asks for the rest here, under the same access filter. An unknown or
        forbidden document gives an empty list.
        """
        audience = CallerAudience(audience)
        if self.index.current_collection() is None:
            return []
        flt = access_filter(audience, SearchFilters(doc_ids=(doc_id,)))
        points, _ = self.index.client.scroll(
            self._collection_for(audience), scroll_filter=flt, limit=limit, with_payload=True, with_vectors=False
        )
        payloads = [point.payload or {} for point in points]
        passages = [
            Passage.from_payload(payload)
            for payload in payloads
            if _visible(audience, payload, "passage", doc_id=doc_id)
        ]
        return sorted(passages, key=lambda p: p.chunk_index)

    def documents(self, *, audience: CallerAudience, kinds: Sequence[DocumentKind] = ()) -> list[tuple[str, str]]:
        """``(doc_id, title)`` of every document the caller may see (only ``kinds``, if given), by doc_id."""
        audience = CallerAudience(audience)
        if self.index.current_collection() is None:
            return []
        flt = access_filter(audience, SearchFilters(kinds=tuple(kinds)))
        found: dict[str, str] = {}
        offset: Any = None
        while True:
            points, offset = self.index.client.scroll(
                self._collection_for(audience), scroll_filter=flt, limit=512, offset=offset,
                with_payload=["doc_id", "title", "audience", "kind"], with_vectors=False,
            )
            for point in points:
                payload = point.payload or {}
                if allowed(audience, payload):
                    found.setdefault(str(payload.get("doc_id")), str(payload.get("title") or ""))
            if offset is None:
                return sorted(found.items())

    def _collection_for(self, audience: CallerAudience) -> str:
        # Customers read the public mirror (internal content is not in it); the filter still applies.
        if audience is CallerAudience.CUSTOMER and self.index.has_public_mirror():
            return self.index.public_alias
        return self.index.alias

    def _fuse(
        self,
        lists: Sequence[tuple[Sequence[qm.ScoredPoint], float]],
        audience: CallerAudience,
        k: int,
        query_vector: Any,
    ) -> list[SearchHit]:
        """Weighted RRF per document (each list counts a document once, at its best rank)."""
        rrf_k = self.fusion.rrf_k
        doc_score: dict[str, float] = {}
        chunk_score: dict[str, float] = {}
        chunk_payload: dict[str, dict[str, Any]] = {}
        chunk_doc: dict[str, str] = {}
        similarity: dict[str, float] = {}
        for points, weight in lists:
            seen_docs: set[str] = set()
            for rank, point in enumerate(points):
                payload = point.payload or {}
                if not _visible(audience, payload, "hit"):
                    continue
                doc_id = str(payload.get("doc_id"))
                contribution = weight / (rrf_k + rank + 1)
                pid = str(point.id)
                chunk_score[pid] = chunk_score.get(pid, 0.0) + (point.score if len(lists) == 1 else contribution)
                chunk_payload[pid] = payload
                chunk_doc[pid] = doc_id
                if doc_id not in seen_docs:
                    seen_docs.add(doc_id)
                    doc_score[doc_id] = doc_score.get(doc_id, 0.0) + (
                        point.score if len(lists) == 1 else contribution
                    )
                vector = point.vector.get(DENSE) if isinstance(point.vector, dict) else None
                if vector is not None:
                    cos = float(np.dot(np.asarray(vector, dtype=np.float32), query_vector))
                    similarity[doc_id] = max(similarity.get(doc_id, -1.0), cos)
                elif points is lists[0][0] and len(lists) > 1:
                    # The first list answers the latest turn's dense query: its scores are cosines.
                    similarity[doc_id] = max(similarity.get(doc_id, -1.0), float(point.score))
        passages: dict[str, list[str]] = {}
        for pid in sorted(chunk_score, key=lambda c: -chunk_score[c]):
            passages.setdefault(chunk_doc[pid], []).append(pid)
        ranked = sorted(doc_score, key=lambda d: -doc_score[d])[:k]
        hits = []
        for doc_id in ranked:
            best = passages[doc_id][: self.fusion.max_passages]
            head = chunk_payload[best[0]]
            hits.append(
                SearchHit(
                    doc_id=doc_id,
                    title=str(head.get("title", "")),
                    url=head.get("url"),
                    kind=DocumentKind(head.get("kind", DocumentKind.ARTICLE.value)),
                    audience=Audience(head.get("audience", Audience.INTERNAL.value)),
                    tags=tuple(head.get("tags") or ()),
                    score=doc_score[doc_id],
                    passages=tuple(Passage.from_payload(chunk_payload[c], chunk_score[c]) for c in best),
                    similarity=similarity.get(doc_id, 0.0),
                )
            )
        return hits
