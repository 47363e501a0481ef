"""Ingestion: load, chunk, embed and upsert, incrementally, decided by content hashes.

- A document whose hash is unchanged is skipped (nothing embedded).
- A new or edited document gets its chunks written first and its stale chunks deleted after, so a
  reader never sees the document missing; chunk embeddings come from the on-disk cache when the
  passage text was seen before, so only new passages reach the model.
- A document that disappeared from a source is deleted, unless that source had errors this run (a
  malformed line might be the document), so nothing is lost because of bad input.
- ``rebuild=True`` fills a new versioned collection and swaps the alias once it is complete.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge_base.chunking import CHUNKING_VERSION, Chunker
from knowledge_base.embeddings import Embedder
from knowledge_base.index import QdrantIndex, point_id
from knowledge_base.loaders import LoadError, LoadResult, SourcedDocument
from knowledge_base.sparse import BM25Encoder

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    """What one ingest run did; ``ok`` is False when any document was rejected."""

    collection: str = ""
    rebuilt: bool = False
    documents_seen: int = 0
    documents_unchanged: int = 0
    documents_added: int = 0
    documents_updated: int = 0
    documents_deleted: int = 0
    chunks_written: int = 0
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0
    errors: list[LoadError] = field(default_factory=list)
    deletions_skipped_for: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.documents_added or self.documents_updated or self.documents_deleted)

    def as_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "rebuilt": self.rebuilt,
            "documents_seen": self.documents_seen,
            "documents_unchanged": self.documents_unchanged,
            "documents_added": self.documents_added,
            "documents_updated": self.documents_updated,
            "documents_deleted": self.documents_deleted,
            "chunks_written": self.chunks_written,
            "chunks_embedded": self.chunks_embedded,
            "chunks_deleted": self.chunks_deleted,
            "seconds": round(self.seconds, 3),
            "errors": [str(e) for e in self.errors],
            "deletions_skipped_for": self.deletions_skipped_for,
        }


def source_key(root: str) -> str:
    """How a source root is recorded in the index: its absolute path."""
    return str(Path(root).resolve())


class Ingestor:
    """Writes documents into a :class:`QdrantIndex`."""

    def __init__(
        self,
        index: QdrantIndex,
        embedder: Embedder,
        chunker: Chunker | None = None,
        sparse: BM25Encoder | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.chunker = chunker or Chunker()
        self.sparse = sparse or BM25Encoder()
        settings = (
            f"{embedder.name}|{self.chunker.max_tokens}|{self.chunker.overlap_tokens}|{self.sparse}"
            f"|chunking-{CHUNKING_VERSION}"
        )
        self._settings_hash = hashlib.sha256(settings.encode()).hexdigest()[:16]

    def doc_hash(self, sourced: SourcedDocument) -> str:
        """Content hash of the document plus the settings that shape its chunks and vectors."""
        return f"{sourced.document.content_hash()[:32]}-{self._settings_hash}"

    def ingest(self, loaded: LoadResult, *, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport(errors=list(loaded.errors), rebuilt=rebuild)
        report.documents_seen = len(loaded.documents)
        live = self.index.ensure() if not rebuild else self.index.current_collection()
        existing: dict[str, dict[str, Any]] = defaultdict(lambda: {"ids": [], "hash": None, "source": None})
        if live is not None:
            for chunk in self.index.scan(live):
                entry = existing[chunk.doc_id]
                entry["ids"].append(chunk.point_id)
                entry["hash"], entry["source"] = chunk.doc_hash, chunk.source
        target = self.index.create_collection() if rebuild else live
        assert target is not None
        report.collection = target
        try:
            self._write(loaded, existing, target, rebuild, report, progress)
            if rebuild:
                carried = self._carry_over(loaded, existing, live, target)
                if carried:
                    log.warning("kept %d documents from sources with errors", carried)
                self.index.swap_alias(target)
            else:
                self._delete_gone(loaded, existing, target, report)
        except BaseException:
            if rebuild:
                self.index.drop_collection(target)
            raise
        report.seconds = time.perf_counter() - started
        return report

    def _write(
        self,
        loaded: LoadResult,
        existing: dict[str, dict[str, Any]],
        target: str,
        rebuild: bool,
        report: IngestReport,
        progress: Progress | None,
    ) -> None:
        todo: list[tuple[SourcedDocument, str]] = []
        for sourced in loaded.documents:
            h = self.doc_hash(sourced)
            before = existing.get(sourced.document.id)
            if not rebuild and before is not None and before["hash"] == h:
                report.documents_unchanged += 1
                continue
            if before is None or before["hash"] is None:
                report.documents_added += 1
            else:
                report.documents_updated += 1
            todo.append((sourced, h))
        misses_before = getattr(self.embedder, "misses", 0)
        embedded_plain = 0
        batch_docs: list[tuple[SourcedDocument, str]] = []
        batch_chunks = 0
        total = len(todo)
        done = 0
        for item in todo:
            batch_docs.append(item)
            batch_chunks += max(1, len(item[0].document.text) // 600)
            if batch_chunks >= 512:
                embedded_plain += self._write_batch(batch_docs, existing, target, rebuild, report)
                done += len(batch_docs)
                if progress:
                    progress(done, total)
                batch_docs, batch_chunks = [], 0
        if batch_docs:
            embedded_plain += self._write_batch(batch_docs, existing, target, rebuild, report)
            done += len(batch_docs)
            if progress:
                progress(done, total)
        misses = getattr(self.embedder, "misses", None)
        report.chunks_embedded = (misses - misses_before) if misses is not None else embedded_plain

    def _write_batch(
        self,
        docs: list[tuple[SourcedDocument, str]],
        existing: dict[str, dict[str, Any]],
        target: str,
        rebuild: bool,
        report: IngestReport,
    ) -> int:
        ids: list[str] = []
        texts: list[str] = []
        payloads: list[dict[str, Any]] = []
        stale: list[str] = []
        for sourced, h in docs:
            doc = sourced.document
            seen: dict[str, int] = defaultdict(int)
            new_ids = []
            for chunk in self.chunker.chunk(doc):
                occurrence = seen[chunk.chunk_hash]
                seen[chunk.chunk_hash] += 1
                pid = point_id(doc.id, chunk.chunk_hash, occurrence)
                new_ids.append(pid)
                ids.append(pid)
                texts.append(chunk.embedding_text(doc.title))
                payloads.append(
                    {
                        "doc_id": doc.id,
                        "doc_hash": h,
                        "chunk_index": chunk.index,
                        "title": doc.title,
                        "heading": chunk.heading,
                        "text": chunk.text,
                        "url": doc.url,
                        "kind": doc.kind.value,
                        "audience": doc.audience.value,
                        "locale": doc.locale,
                        "tags": list(doc.tags),
                        "updated_at": doc.updated_at.isoformat() if doc.updated_at else None,
                        "source": source_key(sourced.root),
                    }
                )
            if not rebuild:
                keep = set(new_ids)
                stale.extend(pid for pid in existing.get(doc.id, {"ids": []})["ids"] if pid not in keep)
        dense = self.embedder.embed(texts)
        sparse = [self.sparse.encode_document(t) for t in texts]
        self.index.upsert(target, ids, dense, [(s.indices, s.values) for s in sparse], payloads)
        report.chunks_written += len(ids)
        if stale:
            self.index.delete(target, stale)
            report.chunks_deleted += len(stale)
        return len(texts)

    def _delete_gone(
        self, loaded: LoadResult, existing: dict[str, dict[str, Any]], target: str, report: IngestReport
    ) -> None:
        roots = {source_key(r) for r in loaded.roots} | {source_key(s.root) for s in loaded.documents}
        protected = {source_key(r) for r in loaded.roots_with_errors}
        report.deletions_skipped_for = sorted(protected)
        present = {s.document.id for s in loaded.documents}
        gone: list[str] = []
        for doc_id, entry in existing.items():
            if doc_id in present or entry["source"] not in roots or entry["source"] in protected:
                continue
            gone.extend(entry["ids"])
            report.documents_deleted += 1
        if gone:
            self.index.delete(target, gone)
            report.chunks_deleted += len(gone)

    def _carry_over(
        self, loaded: LoadResult, existing: dict[str, dict[str, Any]], live: str | None, target: str
    ) -> int:
        """On a rebuild, documents of a source that had errors are copied over rather than lost."""
        if live is None or not loaded.roots_with_errors:
            return 0
        protected = {source_key(r) for r in loaded.roots_with_errors}
        present = {s.document.id for s in loaded.documents}
        keep = [d for d, e in existing.items() if e["source"] in protected and d not in present]
        return self.index.copy_documents(live, target, keep)
