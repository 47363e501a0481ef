"""The output cache: what the system produced for a case, stored so re-scoring costs nothing.

An entry is keyed by a hash of the case (its id and the hash of what the system sees: conversation,
surface, customer context; labels are left out so a corrected label re-scores the cached output), the
task and surface, the prompt's id, version and file content, the provider and model, the knowledge
base's fingerprint (every indexed document's content hash and the embedding model), and a
fingerprint of the pipeline code (``copilot/pipelines``, ``copilot/guardrails``, ``copilot/triage`` with its
model, ``knowledge_base``, the
curated answers and the scripted fakes). A change to any of these is a miss; a change to the metrics or the labels
is a hit. Judge scores are cached the same way under the output's key, the judge and its model.

It is one SQLite file, ``<data_dir>/eval-cache/outputs.sqlite``, safe to share between threads.
Delete it, or run with ``--no-cache``, to start afresh.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

CACHE_SCHEMA = 1


def cache_key(parts: Mapping[str, Any]) -> str:
    """A stable hash of the key parts (any JSON-serialisable mapping)."""
    canonical = json.dumps({"schema": CACHE_SCHEMA, **parts}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def source_fingerprint(paths: Iterable[Path]) -> str:
    """A short hash of the ``*.py``, ``*.yaml`` and ``*.yml`` files under ``paths`` (files or folders)."""
    digest = hashlib.sha256()
    for root in paths:
        if root.is_dir():
            files = sorted(
                p for p in root.rglob("*")
                if p.suffix in {".py", ".yaml", ".yml", ".npz", ".jsonl"} and "__pycache__" not in p.parts
            )
        else:
            files = [root] if root.exists() else []
        for file in files:
            digest.update(file.name.encode() + b"\x00" + file.read_bytes())
    return digest.hexdigest()[:16]


class OutputCache:
    """A key -> JSON store in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL)"
            )

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        value = json.loads(row[0])
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: Mapping[str, Any], *, kind: str = "output") -> None:
        text = json.dumps(value, ensure_ascii=False)
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO entries (key, kind, value) VALUES (?, ?, ?)", (key, kind, text)
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> OutputCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
