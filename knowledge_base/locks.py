"""Whether another process holds an embedded index, asked without opening it.

Both embedded engines take an exclusive ``flock`` while they have an index open: Qdrant Edge on each
shard's ``wal`` directory, qdrant-client's local mode on the ``.lock`` file of its folder. Probing the
same locks (taken and released at once, never waited for) tells a command that the index is busy
before it loads anything, and lets an open that failed say why in words a person can act on.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from knowledge_base.config import RetrievalConfig

__all__ = ["IndexInUse", "held", "index_in_use", "lock_files"]


class IndexInUse(RuntimeError):
    """The embedded index at ``path`` is open in another process (it allows one at a time)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the index in {path} is in use by another process (an embedded index opens in one process at a time)"
        )
        self.path = path


def lock_files(qdrant_path: Path, engine: str) -> list[Path]:
    """The files or folders an engine locks for the index in ``qdrant_path`` (those that exist)."""
    if engine == "edge":
        collections = qdrant_path / "collections"
        if not collections.is_dir():
            return []
        return sorted(d / "wal" for d in collections.iterdir() if (d / "wal").is_dir())
    lock = qdrant_path / ".lock"
    return [lock] if lock.is_file() else []


def held(path: Path) -> bool:
    """Whether another open file description holds an exclusive ``flock`` on ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False  # gone, or unreadable: nothing this process could be blocked by
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def index_in_use(config: RetrievalConfig) -> bool:
    """Whether the embedded index ``config`` names is open elsewhere; ``False`` for a Qdrant server."""
    if config.qdrant_url:
        return False
    return any(held(p) for p in lock_files(config.qdrant_path, config.qdrant_engine))
