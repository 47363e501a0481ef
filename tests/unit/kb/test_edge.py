"""The embedded Edge engine: what it adds over the shared index tests (which run on it too)."""

from __future__ import annotations

from pathlib import Path

import pytest
from qdrant_client import models as qm

from knowledge_base.config import RetrievalConfig
from knowledge_base.edge import EdgeClient, EdgeError
from knowledge_base.index import QdrantIndex, open_client
from knowledge_base.ingest import Ingestor
from knowledge_base.search import CallerAudience, Retriever
from tests.conftest import CANARY, FIXTURE_DOCS, CountingEmbedder, as_loaded


def _build(path: Path, embedder: CountingEmbedder) -> tuple[EdgeClient, QdrantIndex]:
    client = EdgeClient(path)
    return client, QdrantIndex(client, "kb", embedder.dim)


def test_open_client_picks_edge_by_default_and_local_mode_on_request(tmp_path: Path) -> None:
    edge = open_client(RetrievalConfig(data_dir=tmp_path / "a"))
    assert isinstance(edge, EdgeClient)
    assert (tmp_path / "a" / "qdrant-edge").is_dir()
    edge.close()
    local = open_client(RetrievalConfig(data_dir=tmp_path / "b", qdrant_engine="local"))
    assert not isinstance(local, EdgeClient)
    assert (tmp_path / "b" / "qdrant").is_dir()
    local.close()


def test_index_survives_a_restart(tmp_path: Path, embedder: CountingEmbedder) -> None:
    client, index = _build(tmp_path, embedder)
    Ingestor(index, embedder).ingest(as_loaded(FIXTURE_DOCS))
    before = [h.doc_id for h in Retriever(index, embedder).search("my card has not arrived", audience="agent")]
    collection, count = index.current_collection(), index.count()
    client.close()

    client, index = _build(tmp_path, embedder)
    assert index.current_collection() == collection
    assert index.count() == count
    after = [h.doc_id for h in Retriever(index, embedder).search("my card has not arrived", audience="agent")]
    assert after == before and after
    report = Ingestor(index, embedder).ingest(as_loaded(FIXTURE_DOCS))
    assert report.chunks_embedded == 0 and not report.changed  # the content hashes persisted with the points
    client.close()


def test_rebuild_swaps_the_alias_on_disk(tmp_path: Path, embedder: CountingEmbedder) -> None:
    client, index = _build(tmp_path, embedder)
    ingestor = Ingestor(index, embedder)
    ingestor.ingest(as_loaded(FIXTURE_DOCS))
    first = index.current_collection()
    ingestor.ingest(as_loaded(FIXTURE_DOCS), rebuild=True)
    second = index.current_collection()
    assert second != first
    client.close()

    client, index = _build(tmp_path, embedder)
    assert index.current_collection() == second
    names = {c.name for c in client.get_collections().collections}
    assert names == {second, f"{second}_public"}
    assert not (tmp_path / "collections" / str(first)).exists()
    client.close()


def test_customer_search_on_edge_never_returns_internal_text(tmp_path: Path, embedder: CountingEmbedder) -> None:
    client, index = _build(tmp_path, embedder)
    Ingestor(index, embedder).ingest(as_loaded(FIXTURE_DOCS))
    retriever = Retriever(index, embedder)
    for query in (CANARY, "fraud team threshold internal procedure", "card"):
        for hit in retriever.search(query, audience=CallerAudience.CUSTOMER, k=10):
            assert hit.audience.value == "public" and hit.kind.value == "article"
            assert all(CANARY not in p.text for p in hit.passages)
    client.close()


def test_a_second_process_gets_a_clear_error(tmp_path: Path, embedder: CountingEmbedder) -> None:
    client, index = _build(tmp_path, embedder)
    index.ensure()
    with pytest.raises(EdgeError, match="one process at a time"):
        EdgeClient(tmp_path)
    client.close()
    EdgeClient(tmp_path).close()  # free again once the first one closed


def test_unknown_collection_and_unsupported_requests_are_refused(tmp_path: Path) -> None:
    client = EdgeClient(tmp_path)
    with pytest.raises(EdgeError, match="does not exist"):
        client.count("nope")
    client.create_collection("c", vectors_config={"dense": qm.VectorParams(size=2, distance=qm.Distance.COSINE)})
    with pytest.raises(EdgeError, match="already exists"):
        client.create_collection("c", vectors_config={"dense": qm.VectorParams(size=2, distance=qm.Distance.COSINE)})
    with pytest.raises(EdgeError, match="invalid collection name"):
        client.create_collection("../x", vectors_config={})
    geo = qm.Filter(must=[qm.FieldCondition(key="loc", geo_radius=qm.GeoRadius(center=qm.GeoPoint(lon=0, lat=0),
                                                                                radius=1.0))])
    with pytest.raises(EdgeError, match="unsupported filter condition"):
        client.scroll("c", scroll_filter=geo)
    with pytest.raises(EdgeError, match="no collection"):
        client.update_collection_aliases(
            [qm.CreateAliasOperation(create_alias=qm.CreateAlias(collection_name="missing", alias_name="a"))]
        )
    client.close()


def test_deleting_a_collection_drops_its_aliases(tmp_path: Path) -> None:
    client = EdgeClient(tmp_path)
    client.create_collection("c", vectors_config={"dense": qm.VectorParams(size=2, distance=qm.Distance.COSINE)})
    client.update_collection_aliases(
        [qm.CreateAliasOperation(create_alias=qm.CreateAlias(collection_name="c", alias_name="live"))]
    )
    client.upsert("live", points=[qm.PointStruct(id=1, vector={"dense": [1.0, 0.0]}, payload={"doc_id": "x"})])
    assert client.count("live").count == 1
    assert client.delete_collection("c")
    assert client.get_aliases().aliases == []
    assert not client.collection_exists("c")
    client.close()
