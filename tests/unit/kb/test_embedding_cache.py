"""The embedding cache: on disk for passages, in memory for query-sized calls, warmed in one call."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge_base.embeddings import CachedEmbedder, HashingEmbedder, Vectors
from knowledge_base.index import QdrantIndex
from knowledge_base.ingest import Ingestor
from knowledge_base.search import Retriever, Turn
from tests.conftest import FIXTURE_DOCS, as_loaded


class Recording(HashingEmbedder):
    def __init__(self, dim: int = 32) -> None:
        super().__init__(dim)
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        return super().embed(texts)


def test_only_texts_never_seen_reach_the_model(tmp_path: Path) -> None:
    inner = Recording()
    cache = CachedEmbedder(inner, tmp_path / "e.sqlite")
    first = cache.embed(["my card is late"])
    both = cache.embed(["my card is late", "my card is late\nwhen did you order it?"])
    assert inner.calls == [["my card is late"], ["my card is late\nwhen did you order it?"]]
    assert np.allclose(both[0], first[0])
    assert np.allclose(both, HashingEmbedder(32).embed(["my card is late", "my card is late\nwhen did you order it?"]))
    assert cache.misses == 2


def test_passages_come_back_from_disk_and_queries_from_memory(tmp_path: Path) -> None:
    inner = Recording()
    cache = CachedEmbedder(inner, tmp_path / "e.sqlite")
    passages = [f"passage number {i}" for i in range(10)]
    cache.embed(passages)
    cache.embed(["a question", "a conversation"])

    fresh_process = Recording()
    reopened = CachedEmbedder(fresh_process, tmp_path / "e.sqlite")
    assert np.allclose(reopened.embed(passages), cache.embed(passages))
    assert fresh_process.calls == []  # read back from disk

    with sqlite3.connect(tmp_path / "e.sqlite") as conn:
        conn.execute("DELETE FROM embeddings")
    calls = len(inner.calls)
    cache.embed(["a conversation", "a question"])  # query-sized: answered from memory
    assert len(inner.calls) == calls
    cache.embed([*passages[:5], "one more", "and another"])  # passage batches are not kept in memory
    assert sorted(inner.calls[-1]) == sorted([*passages[:5], "one more", "and another"])


def test_duplicates_in_one_call_are_embedded_once(tmp_path: Path) -> None:
    inner = Recording()
    cache = CachedEmbedder(inner, tmp_path / "e.sqlite")
    out = cache.embed(["same", "other", "same", "other", "same", "third"])
    assert sorted(inner.calls[0]) == ["other", "same", "third"]
    assert np.allclose(out[0], out[2]) and np.allclose(out[1], out[3])


def test_warm_embeds_a_requests_texts_in_one_call_and_the_search_reuses_them(
    tmp_path: Path, index: QdrantIndex, ingestor: Ingestor
) -> None:
    ingestor.ingest(as_loaded(FIXTURE_DOCS))
    inner = Recording(index.dim)
    cache = CachedEmbedder(inner, tmp_path / "e.sqlite")
    retriever = Retriever(index, cache)
    conversation = [Turn("customer", "my new card"), Turn("agent", "When did you order it?"),
                    Turn("customer", "ten days ago, still nothing")]
    retriever.warm(conversation, extra=["ten days ago, still nothing "])
    assert len(inner.calls) == 1
    assert sorted(inner.calls[0]) == sorted([
        "ten days ago, still nothing",  # the curated check's message (stripped)
        "When did you order it?\nten days ago, still nothing",  # the latest turn
        "my new card\nWhen did you order it?\nten days ago, still nothing",  # the whole conversation
    ])
    retriever.search(conversation, audience="agent")
    cache.embed(["ten days ago, still nothing"])
    assert len(inner.calls) == 1  # the search and the curated check were answered from memory

    plain = Recording(index.dim)
    Retriever(index, plain).warm(conversation, extra=["x"])
    assert plain.calls == []  # without a cache there is nothing to warm
