"""Detecting an embedded index that another process holds, for both embedded engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from knowledge_base.config import RetrievalConfig
from knowledge_base.edge import EdgeError, EdgeIndexInUse
from knowledge_base.embeddings import HashingEmbedder
from knowledge_base.index import QdrantIndex, open_client
from knowledge_base.locks import IndexInUse, held, index_in_use, lock_files


def _config(tmp_path: Path, engine: str) -> RetrievalConfig:
    return RetrievalConfig(data_dir=tmp_path, qdrant_engine=engine, embedding_model="hashing-128")  # type: ignore[arg-type]


def test_an_open_edge_index_is_seen_as_held_until_it_is_closed(tmp_path: Path) -> None:
    config = _config(tmp_path, "edge")
    assert not index_in_use(config)  # nothing on disk yet
    client = open_client(config)
    QdrantIndex(client, "kb", HashingEmbedder(128).dim).ensure()
    assert lock_files(config.qdrant_path, "edge")  # the write-ahead logs of the collection and its mirror
    assert index_in_use(config)
    with pytest.raises(IndexInUse, match="in use by another process") as raised:
        open_client(config)
    assert isinstance(raised.value, EdgeIndexInUse) and isinstance(raised.value, EdgeError)
    assert raised.value.path == config.qdrant_path
    client.close()
    assert not index_in_use(config)
    open_client(config).close()


def test_an_open_local_mode_index_is_seen_as_held(tmp_path: Path) -> None:
    config = _config(tmp_path, "local")
    client = open_client(config)
    assert isinstance(client, QdrantClient)
    assert index_in_use(config)
    with pytest.raises(IndexInUse):
        open_client(config)
    client.close()
    assert not index_in_use(config)


def test_a_server_index_is_never_in_use_and_missing_files_are_not_held(tmp_path: Path) -> None:
    assert not index_in_use(RetrievalConfig(data_dir=tmp_path, qdrant_url="http://qdrant:6333"))
    assert not held(tmp_path / "no-such-file")
    free = tmp_path / "free"
    free.write_text("")
    assert not held(free)
