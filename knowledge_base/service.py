"""One object that opens the retrieval layer from its configuration: client, embedder, index,
ingestor and retriever, built once and shared (the app's lifespan and the CLI both use it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from knowledge_base.chunking import Chunker
from knowledge_base.config import RetrievalConfig
from knowledge_base.embeddings import Embedder, build_embedder_for
from knowledge_base.index import Client, QdrantIndex, open_client
from knowledge_base.ingest import Ingestor, IngestReport, Progress
from knowledge_base.loaders import load_paths
from knowledge_base.search import Retriever


class KnowledgeBase:
    """The retrieval layer, opened. Close it to release the local index's file lock."""

    def __init__(
        self,
        config: RetrievalConfig,
        *,
        embedder: Embedder | None = None,
        client: Client | None = None,
    ) -> None:
        self.config = config
        self.embedder = embedder or build_embedder_for(config)
        self.client = client or open_client(config)
        self._index: QdrantIndex | None = None
        self.chunker = Chunker(max_tokens=config.chunk_tokens, overlap_tokens=config.chunk_overlap)

    @property
    def index(self) -> QdrantIndex:
        if self._index is None:
            self._index = QdrantIndex(self.client, self.config.collection, self.embedder.dim)
        return self._index

    @property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.index, self.embedder, self.chunker)

    @property
    def retriever(self) -> Retriever:
        return Retriever(self.index, self.embedder, candidates=self.config.search_candidates)

    def ingest(
        self, paths: Sequence[Path | str], *, rebuild: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        return self.ingestor.ingest(load_paths(paths), rebuild=rebuild, progress=progress)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
