"""The embedded engine: Qdrant Edge (Qdrant's own engine, in-process) behind the client calls we use.

``qdrant-client``'s local mode scores every point in Python, which costs about 55 us a chunk on this
hardware (800 ms at 10k chunks). Qdrant Edge runs the server's Rust segments, indexes and fusion in
the process, with no server to operate. :class:`EdgeClient` answers the handful of ``QdrantClient``
calls that :class:`~knowledge_base.index.QdrantIndex` and the retriever make, taking and returning
``qdrant_client.models`` objects, so one code path serves a server, the in-memory client and Edge.

Layout under ``path``: one Edge shard per collection in ``collections/<name>/``, and the aliases in
``aliases.json``, replaced atomically (write a temporary file, then rename) so that an alias swap is
one step for readers. A shard holds a file lock: one process at a time, as with local mode.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import qdrant_edge as qe
from qdrant_client import models as qm
from qdrant_client.http.models import QueryResponse  # ``QueryResponse`` is fastembed's, not this one

from knowledge_base.locks import IndexInUse, held, lock_files

__all__ = ["EdgeClient", "EdgeError", "EdgeIndexInUse"]

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
_DISTANCES = {
    qm.Distance.COSINE: qe.Distance.Cosine,
    qm.Distance.DOT: qe.Distance.Dot,
    qm.Distance.EUCLID: qe.Distance.Euclid,
}


class EdgeError(RuntimeError):
    """A request the embedded engine cannot serve (unknown collection, unsupported condition)."""


class EdgeIndexInUse(IndexInUse, EdgeError):
    """Another process has the shards open (each holds a lock on its write-ahead log)."""


class EdgeClient:
    """The subset of ``QdrantClient`` the retrieval layer uses, over Qdrant Edge shards on disk."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        (self.path / "collections").mkdir(parents=True, exist_ok=True)
        self._shards: dict[str, qe.EdgeShard] = {}
        self._lock = threading.RLock()
        self._aliases = self._read_aliases()
        try:
            for directory in sorted((self.path / "collections").iterdir()):
                if directory.is_dir():
                    self._shards[directory.name] = qe.EdgeShard.load(str(directory))
        except Exception as exc:
            self.close()
            if any(held(p) for p in lock_files(self.path, "edge")):
                raise EdgeIndexInUse(self.path) from exc
            raise EdgeError(
                f"cannot open the index in {self.path}: {exc} (one process at a time: is another copilot "
                "process using this data dir? Run a Qdrant server (COPILOT_QDRANT_URL) to share an index.)"
            ) from exc

    # --- collections and aliases -----------------------------------------------------------------

    def _alias_file(self) -> Path:
        return self.path / "aliases.json"

    def _read_aliases(self) -> dict[str, str]:
        try:
            data = json.loads(self._alias_file().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _write_aliases(self, aliases: Mapping[str, str]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".aliases-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(sorted(aliases.items())), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._alias_file())
        self._aliases = dict(aliases)

    def get_aliases(self) -> qm.CollectionsAliasesResponse:
        return qm.CollectionsAliasesResponse(
            aliases=[qm.AliasDescription(alias_name=a, collection_name=c) for a, c in self._aliases.items()]
        )

    def get_collections(self) -> qm.CollectionsResponse:
        return qm.CollectionsResponse(collections=[qm.CollectionDescription(name=n) for n in sorted(self._shards)])

    def collection_exists(self, collection_name: str) -> bool:
        return collection_name in self._shards

    def create_collection(
        self,
        collection_name: str,
        vectors_config: Mapping[str, qm.VectorParams],
        sparse_vectors_config: Mapping[str, qm.SparseVectorParams] | None = None,
    ) -> bool:
        if not _NAME.match(collection_name):
            raise EdgeError(f"invalid collection name: {collection_name!r}")
        with self._lock:
            if collection_name in self._shards:
                raise EdgeError(f"collection {collection_name!r} already exists")
            config = qe.EdgeConfig(
                vectors={
                    name: qe.EdgeVectorParams(size=params.size, distance=_DISTANCES[params.distance])
                    for name, params in vectors_config.items()
                },
                sparse_vectors={
                    name: qe.EdgeSparseVectorParams(
                        modifier=qe.Modifier.Idf if params.modifier == qm.Modifier.IDF else None
                    )
                    for name, params in (sparse_vectors_config or {}).items()
                },
            )
            directory = self.path / "collections" / collection_name
            shutil.rmtree(directory, ignore_errors=True)  # a leftover of a crashed create
            self._shards[collection_name] = qe.EdgeShard.create(str(directory), config)
        return True

    def create_payload_index(self, collection_name: str, field_name: str, field_schema: Any) -> None:
        if field_schema not in (qm.PayloadSchemaType.KEYWORD, "keyword"):
            raise EdgeError(f"only keyword payload indexes are supported, not {field_schema!r}")
        self._update(collection_name, qe.UpdateOperation.create_field_index(field_name, qe.PayloadSchemaType.Keyword))

    def update_collection_aliases(self, change_aliases_operations: Sequence[qm.AliasOperations]) -> bool:
        with self._lock:
            aliases = dict(self._aliases)
            for op in change_aliases_operations:
                if isinstance(op, qm.DeleteAliasOperation):
                    aliases.pop(op.delete_alias.alias_name, None)
                elif isinstance(op, qm.CreateAliasOperation):
                    if op.create_alias.collection_name not in self._shards:
                        raise EdgeError(f"no collection {op.create_alias.collection_name!r} to alias")
                    aliases[op.create_alias.alias_name] = op.create_alias.collection_name
                else:
                    raise EdgeError(f"unsupported alias operation: {type(op).__name__}")
            self._write_aliases(aliases)
        return True

    def delete_collection(self, collection_name: str) -> bool:
        with self._lock:
            shard = self._shards.pop(collection_name, None)
            if shard is None:
                return False
            aliases = self._aliases
            remaining = {a: c for a, c in aliases.items() if c != collection_name}
            if remaining != aliases:
                self._write_aliases(remaining)
            shard.close()
            shutil.rmtree(self.path / "collections" / collection_name, ignore_errors=True)
        return True

    def _shard(self, name: str) -> qe.EdgeShard:
        shard = self._shards.get(self._aliases.get(name, name))
        if shard is None:
            raise EdgeError(f"collection {name!r} does not exist")
        return shard

    # --- points ----------------------------------------------------------------------------------

    def _update(self, collection_name: str, operation: qe.UpdateOperation) -> None:
        shard = self._shard(collection_name)
        shard.update(operation)
        shard.flush()

    def upsert(self, collection_name: str, points: Sequence[qm.PointStruct], wait: bool = True) -> None:
        converted = [qe.Point(_point_id(p.id), _vector(p.vector), p.payload or {}) for p in points]
        if converted:
            self._update(collection_name, qe.UpdateOperation.upsert_points(converted))

    def delete(self, collection_name: str, points_selector: qm.PointIdsList, wait: bool = True) -> None:
        if not isinstance(points_selector, qm.PointIdsList):
            raise EdgeError("only deletion by a list of point ids is supported")
        if points_selector.points:
            ids = [_point_id(i) for i in points_selector.points]
            self._update(collection_name, qe.UpdateOperation.delete_points(ids))

    def scroll(
        self,
        collection_name: str,
        scroll_filter: qm.Filter | None = None,
        limit: int = 10,
        offset: Any = None,
        with_payload: bool | Sequence[str] = True,
        with_vectors: bool | Sequence[str] = False,
    ) -> tuple[list[qm.Record], str | None]:
        records, next_offset = self._shard(collection_name).scroll(
            qe.ScrollRequest(
                offset=_point_id(offset) if offset is not None else None,
                limit=limit,
                filter=_filter(scroll_filter),
                with_payload=_with(with_payload),
                with_vector=_with(with_vectors),
            )
        )
        out = [
            qm.Record.model_construct(id=str(r.id), payload=r.payload, vector=_vector_out(r.vector)) for r in records
        ]
        return out, (str(next_offset) if next_offset is not None else None)

    def count(self, collection_name: str, exact: bool = True) -> qm.CountResult:
        return qm.CountResult(count=self._shard(collection_name).count(qe.CountRequest(exact=True)))

    # --- queries ---------------------------------------------------------------------------------

    def query_points(
        self,
        collection_name: str,
        query: Any = None,
        using: str | None = None,
        prefetch: Sequence[qm.Prefetch] | None = None,
        query_filter: qm.Filter | None = None,
        limit: int = 10,
        with_payload: bool | Sequence[str] = True,
        with_vectors: bool | Sequence[str] = False,
    ) -> QueryResponse:
        request = qe.QueryRequest(
            limit=limit,
            query=_query(query, using),
            prefetches=[_prefetch(p) for p in prefetch or ()] or None,
            filter=_filter(query_filter),
            with_payload=_with(with_payload),
            with_vector=_with(with_vectors),
        )
        return QueryResponse(points=_scored(self._shard(collection_name).query(request)))

    def query_batch_points(self, collection_name: str, requests: Sequence[qm.QueryRequest]) -> list[QueryResponse]:
        batch = qe.QueryBatchRequest(
            [
                qe.QueryRequest(
                    limit=r.limit or 10,
                    query=_query(r.query, r.using),
                    prefetches=[_prefetch(p) for p in _as_list(r.prefetch)] or None,
                    filter=_filter(r.filter),
                    with_payload=_with(r.with_payload if r.with_payload is not None else False),
                    with_vector=_with(r.with_vector if r.with_vector is not None else False),
                )
                for r in requests
            ]
        )
        return [QueryResponse(points=_scored(points)) for points in self._shard(collection_name).query_batch(batch)]

    def close(self) -> None:
        with self._lock:
            for shard in self._shards.values():
                shard.flush()
                shard.close()
            self._shards.clear()


# --- conversions between qdrant_client.models and qdrant_edge ----------------------------------------


def _point_id(value: Any) -> Any:
    return value if isinstance(value, int) else str(value)


def _with(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    raise EdgeError(f"unsupported payload/vector selector: {value!r}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _vector(vector: Any) -> dict[str, Any]:
    if not isinstance(vector, Mapping):
        raise EdgeError("points need named vectors")
    out: dict[str, Any] = {}
    for name, value in vector.items():
        if isinstance(value, qm.SparseVector):
            out[name] = qe.SparseVector(list(value.indices), [float(v) for v in value.values])
        else:
            out[name] = [float(v) for v in value]
    return out


def _vector_out(vector: Any) -> Any:
    if not vector:
        return None
    return {
        name: qm.SparseVector(indices=list(v.indices), values=list(v.values)) if isinstance(v, qe.SparseVector) else v
        for name, v in vector.items()
    }


def _query(query: Any, using: str | None) -> Any:
    if query is None:
        return None
    if isinstance(query, qm.RrfQuery):
        return qe.Fusion.Rrf(k=query.rrf.k if query.rrf.k is not None else 60, weights=query.rrf.weights)
    if isinstance(query, qm.FusionQuery) and query.fusion == qm.Fusion.RRF:
        return qe.Fusion.Rrf(k=60)
    if isinstance(query, qm.NearestQuery):
        query = query.nearest
    if isinstance(query, qm.SparseVector):
        return qe.Query.Nearest(qe.SparseVector(list(query.indices), [float(v) for v in query.values]), using=using)
    if isinstance(query, Sequence) and query and isinstance(query[0], (int, float)):
        return qe.Query.Nearest([float(v) for v in query], using=using)
    raise EdgeError(f"unsupported query: {type(query).__name__}")


def _prefetch(prefetch: qm.Prefetch) -> qe.Prefetch:
    return qe.Prefetch(
        limit=prefetch.limit or 10,
        query=_query(prefetch.query, prefetch.using),
        prefetches=[_prefetch(p) for p in _as_list(prefetch.prefetch)] or None,
        filter=_filter(prefetch.filter),
        score_threshold=prefetch.score_threshold,
    )


def _filter(flt: qm.Filter | None) -> qe.Filter | None:
    if flt is None:
        return None

    def conditions(items: Any) -> list[Any] | None:
        if items is None:
            return None
        return [_condition(c) for c in _as_list(items)]

    if flt.min_should is not None:
        raise EdgeError("min_should filters are not supported")
    return qe.Filter(must=conditions(flt.must), should=conditions(flt.should), must_not=conditions(flt.must_not))


def _condition(condition: Any) -> Any:
    if isinstance(condition, qm.Filter):
        return _filter(condition)
    if isinstance(condition, qm.FieldCondition) and condition.match is not None:
        match = condition.match
        if isinstance(match, qm.MatchValue):
            return qe.FieldCondition(key=condition.key, match=qe.MatchValue(match.value))
        if isinstance(match, qm.MatchAny):
            return qe.FieldCondition(key=condition.key, match=qe.MatchAny(list(match.any)))  # type: ignore[arg-type]
    raise EdgeError(f"unsupported filter condition: {condition!r}")


def _scored(points: Sequence[qe.ScoredPoint]) -> list[qm.ScoredPoint]:
    return [
        qm.ScoredPoint.model_construct(
            id=str(p.id), version=p.version, score=p.score, payload=p.payload, vector=_vector_out(p.vector)
        )
        for p in points
    ]
