from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.documents import Document
from knowledge_base.index import QdrantIndex
from knowledge_base.ingest import Ingestor
from knowledge_base.loaders import load_paths
from tests.conftest import FIXTURE_DOCS, CountingEmbedder, as_loaded


def _write(path: Path, docs: list[dict[str, object]], extra_lines: list[str] | None = None) -> None:
    lines = [json.dumps(d) for d in docs] + (extra_lines or [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


DOCS = [
    {"id": "a", "title": "Alpha", "text": "Alpha text about cards.", "audience": "public"},
    {"id": "b", "title": "Beta", "text": "Beta text about payments.", "audience": "public"},
    {"id": "c", "title": "Gamma", "text": "Gamma text about savings.", "audience": "internal"},
]


def test_rerun_with_nothing_changed_embeds_nothing(tmp_path: Path, ingestor: Ingestor, embedder: CountingEmbedder) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    first = ingestor.ingest(load_paths([src]))
    assert first.documents_added == 3 and first.chunks_embedded == 3
    before = embedder.embedded
    second = ingestor.ingest(load_paths([src]))
    assert not second.changed
    assert second.documents_unchanged == 3
    assert second.chunks_embedded == 0
    assert embedder.embedded == before


def test_edit_reembeds_only_that_document(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    ingestor.ingest(load_paths([src]))
    edited = [dict(DOCS[0]), DOCS[1], DOCS[2]]
    edited[0]["text"] = "Alpha text about cards, now edited."
    _write(src, edited)
    report = ingestor.ingest(load_paths([src]))
    assert report.documents_updated == 1 and report.documents_unchanged == 2
    assert report.chunks_embedded == 1
    assert report.chunks_deleted == 1
    assert index.count() == 3


def test_audience_change_updates_payload_without_stale_points(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    ingestor.ingest(load_paths([src]))
    changed = [dict(DOCS[0], audience="internal"), DOCS[1], DOCS[2]]
    _write(src, changed)
    report = ingestor.ingest(load_paths([src]))
    assert report.documents_updated == 1
    points, _ = index.client.scroll("kb", with_payload=True, limit=100)
    audiences = {p.payload["doc_id"]: p.payload["audience"] for p in points}
    assert audiences["a"] == "internal"
    assert index.count() == 3


def test_document_gone_from_source_is_deleted(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    ingestor.ingest(load_paths([src]))
    _write(src, DOCS[:2])
    report = ingestor.ingest(load_paths([src]))
    assert report.documents_deleted == 1
    ids = {c.doc_id for c in index.scan(index.current_collection())}
    assert ids == {"a", "b"}


def test_other_sources_are_left_alone(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    _write(one, DOCS[:2])
    _write(two, DOCS[2:])
    ingestor.ingest(load_paths([one]))
    report = ingestor.ingest(load_paths([two]))
    assert report.documents_deleted == 0
    assert {c.doc_id for c in index.scan(index.current_collection())} == {"a", "b", "c"}


def test_bad_line_is_reported_and_nothing_is_lost(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    ingestor.ingest(load_paths([src]))
    # "c" becomes malformed: the run reports it, still ingests the rest, and must not delete "c".
    _write(src, [*DOCS[:2], {"id": "d", "title": "Delta", "text": "New doc."}], extra_lines=['{"id": "c", "title": "Gamma", "text": '])
    report = ingestor.ingest(load_paths([src]))
    assert not report.ok
    assert report.errors[0].line == 4
    assert report.documents_added == 1
    assert report.documents_deleted == 0
    assert {c.doc_id for c in index.scan(index.current_collection())} == {"a", "b", "c", "d"}


def test_rebuild_swaps_alias_to_a_new_collection(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    ingestor.ingest(load_paths([src]))
    old = index.current_collection()
    report = ingestor.ingest(load_paths([src]), rebuild=True)
    new = index.current_collection()
    assert report.rebuilt and new != old
    assert new is not None and new.endswith("_v2")
    assert index.count() == 3
    assert old not in {c.name for c in index.client.get_collections().collections}


def test_failed_rebuild_leaves_the_live_index_untouched(
    tmp_path: Path, index: QdrantIndex, embedder: CountingEmbedder
) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    Ingestor(index, embedder).ingest(load_paths([src]))
    live = index.current_collection()

    class Broken(CountingEmbedder):
        def embed(self, texts):  # type: ignore[no-untyped-def]
            raise RuntimeError("model crashed")

    with pytest.raises(RuntimeError):
        Ingestor(index, Broken()).ingest(load_paths([src]), rebuild=True)
    assert index.current_collection() == live
    assert index.count() == 3
    assert {c.name for c in index.client.get_collections().collections} == {live, f"{live}_public"}


def test_rebuild_keeps_documents_from_a_source_with_errors(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    ingestor.ingest(load_paths([src]))
    _write(src, DOCS[:2], extra_lines=["{broken"])
    report = ingestor.ingest(load_paths([src]), rebuild=True)
    assert not report.ok
    assert {c.doc_id for c in index.scan(index.current_collection())} == {"a", "b", "c"}


def test_multi_chunk_documents(ingestor: Ingestor, index: QdrantIndex) -> None:
    long = Document(id="long", title="Long", text="\n\n".join(f"## Part {i}\n" + "Words about fees. " * 40 for i in range(4)))
    report = ingestor.ingest(as_loaded([long, *FIXTURE_DOCS]))
    assert report.chunks_written > len(FIXTURE_DOCS) + 1
    assert index.count() == report.chunks_written


def test_public_mirror_holds_exactly_the_public_articles(tmp_path: Path, ingestor: Ingestor, index: QdrantIndex) -> None:
    src = tmp_path / "kb.jsonl"
    _write(src, DOCS)
    ingestor.ingest(load_paths([src]))

    def mirrored() -> set[str]:
        points, _ = index.client.scroll(index.public_alias, with_payload=True, limit=100)
        return {p.payload["doc_id"] for p in points}

    assert index.has_public_mirror()
    assert mirrored() == {"a", "b"}
    # "a" turns internal (same text, so the same chunk ids): it must leave the mirror.
    _write(src, [dict(DOCS[0], audience="internal"), DOCS[1], DOCS[2]])
    ingestor.ingest(load_paths([src]))
    assert mirrored() == {"b"}
    _write(src, [DOCS[0], DOCS[2]])  # "b" deleted from the source, "a" public again
    ingestor.ingest(load_paths([src]))
    assert mirrored() == {"a"}
    ingestor.ingest(load_paths([src]), rebuild=True)
    assert mirrored() == {"a"}
    assert index.current_collection() == "kb_v2"
