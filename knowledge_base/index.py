"""The Qdrant index: one versioned collection behind an alias, dense + sparse named vectors.

Readers always query the alias. A full rebuild fills a new collection (``<alias>_v<N+1>``) and then
swaps the alias in one operation, so nobody ever reads a half-built index.

Every collection has a public mirror (``<collection>_public`` behind ``<alias>_public``) holding only the
chunks of public articles. Customer searches run there, still under the access filter: internal content
is physically absent from what they scan, and they scan a fraction of the index. Writes and deletes go
through this class, which keeps the mirror in step. The same code runs on
Qdrant Edge (the embedded default, :mod:`knowledge_base.edge`), qdrant-client's local mode
(``path=``), in memory (``":memory:"``) and on a server (``url=``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from knowledge_base.config import RetrievalConfig
from knowledge_base.edge import EdgeClient
from knowledge_base.locks import IndexInUse, held, lock_files

#: What the index talks to: a ``QdrantClient`` (server, local mode, in memory) or the embedded Edge engine.
Client = QdrantClient | EdgeClient

DENSE = "dense"
SPARSE = "sparse"
_POINT_NAMESPACE = uuid.UUID("5d9f8a52-6c1e-4c7e-9a53-0f6b1f1c2a10")

#: Payload fields that searches filter on; a server gets keyword indexes for them.
FILTER_FIELDS = ("doc_id", "audience", "kind", "tags", "locale", "source")


def point_id(doc_id: str, chunk_hash: str, occurrence: int) -> str:
    """Stable id of a chunk: the same passage of the same document keeps its id across ingests."""
    return str(uuid.uuid5(_POINT_NAMESPACE, f"{doc_id}\x00{chunk_hash}\x00{occurrence}"))


@dataclass(frozen=True)
class IndexedChunk:
    """What the index knows about one stored point, without its vectors."""

    point_id: str
    doc_id: str
    doc_hash: str
    source: str


def open_client(config: RetrievalConfig) -> Client:
    """A server client when ``qdrant_url`` is set, otherwise the embedded engine under the data dir.

    Raises:
        knowledge_base.locks.IndexInUse: the embedded index is open in another process.
    """
    if config.qdrant_url:
        if config.qdrant_url == ":memory:":
            return QdrantClient(":memory:")
        return QdrantClient(url=config.qdrant_url, api_key=config.qdrant_api_key, timeout=30)
    config.qdrant_path.mkdir(parents=True, exist_ok=True)
    if config.qdrant_engine == "edge":
        return EdgeClient(config.qdrant_path)
    # Asked first: a local-mode client that fails on the lock leaves its lock file open.
    if any(held(p) for p in lock_files(config.qdrant_path, "local")):
        raise IndexInUse(config.qdrant_path)
    try:
        return QdrantClient(path=str(config.qdrant_path))
    except RuntimeError as exc:  # taken between the question and the open
        if any(held(p) for p in lock_files(config.qdrant_path, "local")):
            raise IndexInUse(config.qdrant_path) from exc
        raise


class QdrantIndex:
    """Versioned collections behind one alias, and the few operations ingestion and search need."""

    def __init__(self, client: Client, alias: str, dim: int) -> None:
        self.client = client
        self.alias = alias
        self.dim = dim

    @property
    def indexes_payload(self) -> bool:
        """Whether the engine builds payload indexes (a server and Edge do; qdrant-client's local mode cannot)."""
        if isinstance(self.client, EdgeClient):
            return True
        return type(self.client._client).__name__ != "QdrantLocal"

    # --- collections and the alias -------------------------------------------------------------

    @property
    def public_alias(self) -> str:
        return f"{self.alias}_public"

    @staticmethod
    def mirror_of(collection: str) -> str:
        return f"{collection}_public"

    def _aliases(self) -> dict[str, str]:
        return {a.alias_name: a.collection_name for a in self.client.get_aliases().aliases}

    def current_collection(self) -> str | None:
        """The collection the alias points at, or None when nothing has been built yet."""
        return self._aliases().get(self.alias)

    def has_public_mirror(self) -> bool:
        """Whether the live collection has its public mirror (indexes built before it had none)."""
        return self.public_alias in self._aliases()

    def _mirror_exists(self, collection: str) -> bool:
        return bool(self.client.collection_exists(self.mirror_of(collection)))

    def exists(self) -> bool:
        return self.current_collection() is not None

    def _versions(self) -> list[int]:
        pattern = re.compile(rf"^{re.escape(self.alias)}_v(\d+)$")
        versions = []
        for collection in self.client.get_collections().collections:
            match = pattern.match(collection.name)
            if match:
                versions.append(int(match.group(1)))
        return sorted(versions)

    def create_collection(self) -> str:
        """A new, empty, versioned collection (not yet behind the alias)."""
        version = (self._versions() or [0])[-1] + 1
        name = f"{self.alias}_v{version}"
        for collection in (name, self.mirror_of(name)):
            self.client.create_collection(
                collection,
                vectors_config={DENSE: qm.VectorParams(size=self.dim, distance=qm.Distance.COSINE)},
                sparse_vectors_config={SPARSE: qm.SparseVectorParams(modifier=qm.Modifier.IDF)},
            )
            if self.indexes_payload:
                for field in FILTER_FIELDS:
                    self.client.create_payload_index(collection, field, qm.PayloadSchemaType.KEYWORD)
        return name

    def ensure(self) -> str:
        """The live collection, creating the first one (and the alias) if there is none."""
        current = self.current_collection()
        if current is not None:
            return current
        name = self.create_collection()
        self.swap_alias(name)
        return name

    def swap_alias(self, collection: str) -> None:
        """Point the alias at ``collection`` in one operation, then drop the collection it replaced."""
        aliases = self._aliases()
        old = aliases.get(self.alias)
        ops: list[qm.AliasOperations] = []
        pairs = [(self.alias, collection)]
        if self._mirror_exists(collection):
            pairs.append((self.public_alias, self.mirror_of(collection)))
        for alias, target in pairs:
            if alias in aliases:
                ops.append(qm.DeleteAliasOperation(delete_alias=qm.DeleteAlias(alias_name=alias)))
            ops.append(qm.CreateAliasOperation(create_alias=qm.CreateAlias(collection_name=target, alias_name=alias)))
        self.client.update_collection_aliases(change_aliases_operations=ops)
        if old is not None and old != collection:
            self.drop_collection(old)

    def drop_collection(self, collection: str) -> None:
        self.client.delete_collection(collection)
        if self._mirror_exists(collection):
            self.client.delete_collection(self.mirror_of(collection))

    # --- points ----------------------------------------------------------------------------------

    def upsert(
        self,
        collection: str,
        ids: Sequence[str],
        dense: Sequence[Sequence[float]] | Any,
        sparse: Sequence[tuple[list[int], list[float]]],
        payloads: Sequence[dict[str, Any]],
    ) -> None:
        points = [
            qm.PointStruct(
                id=pid,
                vector={DENSE: list(map(float, d)), SPARSE: qm.SparseVector(indices=s[0], values=s[1])},
                payload=payload,
            )
            for pid, d, s, payload in zip(ids, dense, sparse, payloads, strict=True)
        ]
        self._write(collection, points)

    def _write(self, collection: str, points: Sequence[qm.PointStruct]) -> None:
        """Upsert into the collection, and keep its public mirror to exactly the public-article points."""
        for start in range(0, len(points), 256):
            self.client.upsert(collection, points=list(points[start : start + 256]), wait=True)
        if not self._mirror_exists(collection):
            return
        mirror = self.mirror_of(collection)
        public = [p for p in points if _is_public_article(p.payload)]
        for start in range(0, len(public), 256):
            self.client.upsert(mirror, points=public[start : start + 256], wait=True)
        # A document that stopped being public leaves the mirror (its chunk ids may not have changed).
        private = [str(p.id) for p in points if not _is_public_article(p.payload)]
        self._delete_ids(mirror, private)

    def _delete_ids(self, collection: str, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 1000):
            self.client.delete(
                collection, points_selector=qm.PointIdsList(points=list(ids[start : start + 1000])), wait=True
            )

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        self._delete_ids(collection, ids)
        if self._mirror_exists(collection):
            self._delete_ids(self.mirror_of(collection), ids)

    def scan(self, collection: str) -> Iterator[IndexedChunk]:
        """Every point's bookkeeping payload (for incremental ingest)."""
        offset: Any = None
        while True:
            points, offset = self.client.scroll(
                collection,
                limit=1024,
                offset=offset,
                with_payload=["doc_id", "doc_hash", "source"],
                with_vectors=False,
            )
            for p in points:
                payload = p.payload or {}
                yield IndexedChunk(str(p.id), str(payload.get("doc_id")), str(payload.get("doc_hash")),
                                   str(payload.get("source")))
            if offset is None:
                break

    def copy_documents(self, source: str, target: str, doc_ids: Sequence[str]) -> int:
        """Copy every point of ``doc_ids`` (vectors included) from one collection to another."""
        if not doc_ids:
            return 0
        flt = qm.Filter(must=[qm.FieldCondition(key="doc_id", match=qm.MatchAny(any=list(doc_ids)))])
        offset: Any = None
        copied = 0
        while True:
            points, offset = self.client.scroll(
                source, scroll_filter=flt, limit=256, offset=offset, with_payload=True, with_vectors=True
            )
            if points:
                self._write(target, [qm.PointStruct(id=p.id, vector=p.vector, payload=p.payload) for p in points])  # type: ignore[arg-type]
                copied += len(points)
            if offset is None:
                return copied

    def count(self, collection: str | None = None) -> int:
        name = collection or self.current_collection()
        if name is None:
            return 0
        return int(self.client.count(name, exact=True).count)


def _is_public_article(payload: dict[str, Any] | None) -> bool:
    return bool(payload) and payload.get("audience") == "public" and payload.get("kind") == "article"  # type: ignore[union-attr]
