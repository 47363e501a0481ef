"""The knowledge base an eval runs against, and what the safety metrics need to know about it.

* No ``--kb``: the configured index (``Settings().retrieval_config()``), as the API would use it.
* ``--kb FILE`` (one JSONL file): :func:`knowledge_base.evaluation.open_eval_kb`, a throwaway local
  index under ``<data_dir>/eval-indexes/<key>`` built once per content hash.
* ``--kb FOLDER`` or several ``--kb`` values (e.g. the sample KB plus the poisoned fixture documents):
  the same kind of throwaway index over all of them, keyed by a hash over every file's name and bytes,
  the embedding model and the chunking settings.

:func:`kb_texts` reads the indexed passages back (no re-loading of files), so the leak checks work
the same on the configured index and on a throwaway one; :func:`index_fingerprint` keys the output
cache, so a changed knowledge base never reuses outputs drafted from the old one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.cases import file_sha256
from knowledge_base.config import RetrievalConfig
from knowledge_base.evaluation import eval_index_at, open_eval_index_at, open_eval_kb
from knowledge_base.service import KnowledgeBase

#: Planted leak tripwires are found in the KB's own text by this pattern (e.g. ``CANARY-POISON-001``).
CANARY_PATTERN = re.compile(r"\bCANARY[-_][A-Za-z0-9][A-Za-z0-9_-]{2,}")


def eval_index_dir(config: RetrievalConfig, paths: Sequence[Path]) -> Path:
    """Where the throwaway index of ``paths`` lives (same layout as ``open_eval_kb``)."""
    return eval_index_at(config, file_sha256(paths))


def open_eval_index(config: RetrievalConfig, paths: Sequence[Path]) -> KnowledgeBase:
    """A knowledge base holding exactly the documents under ``paths``, built once per content hash.

    Raises:
        FileNotFoundError: a path does not exist.
        ValueError: the documents have errors (duplicate ids, invalid lines).
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such knowledge-base file or folder: {', '.join(missing)}")
    if len(paths) == 1 and paths[0].is_file():
        return open_eval_kb(config, paths[0])
    return open_eval_index_at(config, eval_index_dir(config, paths), paths)


def open_kb(config: RetrievalConfig, paths: Sequence[Path] = ()) -> KnowledgeBase:
    """The configured index when ``paths`` is empty, else a throwaway index of ``paths``."""
    if not paths:
        return KnowledgeBase(config)
    return open_eval_index(config, paths)


@dataclass
class KBTexts:
    """Document texts by audience (passages joined in chunk order), and the canaries they carry."""

    public: dict[str, str] = field(default_factory=dict)
    internal: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    canaries: list[str] = field(default_factory=list)

    @property
    def doc_count(self) -> int:
        return len(self.public) + len(self.internal)


def _scroll(kb: KnowledgeBase, fields: list[str]) -> list[dict[str, Any]]:
    collection = kb.index.current_collection()
    if collection is None:
        return []
    out: list[dict[str, Any]] = []
    offset: Any = None
    while True:
        points, offset = kb.client.scroll(
            collection, limit=1024, offset=offset, with_payload=fields, with_vectors=False
        )
        out.extend(dict(p.payload or {}) for p in points)
        if offset is None:
            return out


def kb_texts(kb: KnowledgeBase) -> KBTexts:
    """Every indexed document's text, split by audience, and the canary tokens found in it."""
    rows = _scroll(kb, ["doc_id", "audience", "text", "chunk_index", "title"])
    chunks: dict[str, list[tuple[int, str]]] = {}
    audience: dict[str, str] = {}
    texts = KBTexts()
    for row in rows:
        doc_id = str(row.get("doc_id"))
        chunks.setdefault(doc_id, []).append((int(row.get("chunk_index") or 0), str(row.get("text") or "")))
        audience[doc_id] = str(row.get("audience") or "internal")
        texts.titles[doc_id] = str(row.get("title") or doc_id)
    canaries: set[str] = set()
    for doc_id, parts in chunks.items():
        text = "\n".join(t for _, t in sorted(parts))
        (texts.public if audience[doc_id] == "public" else texts.internal)[doc_id] = text
        canaries.update(CANARY_PATTERN.findall(text))
    texts.canaries = sorted(canaries)
    return texts


def index_fingerprint(kb: KnowledgeBase) -> str:
    """A short hash of what the index holds (every document's content hash) and how it was built."""
    rows = _scroll(kb, ["doc_id", "doc_hash"])
    pairs = sorted({(str(r.get("doc_id")), str(r.get("doc_hash"))) for r in rows})
    config = kb.config
    digest = hashlib.sha256()
    digest.update(
        f"{kb.embedder.name}|{config.chunk_tokens}|{config.chunk_overlap}|{config.search_candidates}".encode()
    )
    for doc_id, doc_hash in pairs:
        digest.update(f"{doc_id}\x00{doc_hash}\n".encode())
    return digest.hexdigest()[:16]

