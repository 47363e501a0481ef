"""The embedding cache: on disk for passages, and in memory for query-sized calls."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge_base.embeddings import CachedEmbedder, HashingEmbedder, Vectors


class Recording(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(32)
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
