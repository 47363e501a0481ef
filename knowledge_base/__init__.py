"""Retrieval layer: documents, loaders, chunking, embeddings, the Qdrant index, ingestion and search.

This package imports neither ``copilot`` nor ``api``.
"""

from knowledge_base.documents import Audience, Document, DocumentKind
from knowledge_base.search import CallerAudience, Passage, SearchFilters, SearchHit, Turn

__all__ = [
    "Audience",
    "CallerAudience",
    "Document",
    "DocumentKind",
    "Passage",
    "SearchFilters",
    "SearchHit",
    "Turn",
]
