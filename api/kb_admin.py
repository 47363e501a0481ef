"""Knowledge-base administration behind the admin endpoints: upsert, delete, full re-index as a job.

Documents changed through the API must survive a full re-index and the start-up ingest, which both
rebuild from the configured sources. So they are kept on disk (:class:`ManagedDocuments`, under
``<data_dir>/kb-managed``): an upserted document is one JSONL file that overrides a source document
with the same id; a deleted id is a tombstone that keeps a source document out. Upserting the id
again lifts the tombstone.

Writes are serialised by one lock. A re-index runs in a single background thread (one at a time) and
is tracked as a :class:`ReindexJob` in memory: job ids are per process, and only the last
:data:`MAX_JOBS` are kept.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from knowledge_base.documents import Document
from knowledge_base.ingest import IngestReport
from knowledge_base.loaders import LoadResult, load_paths
from knowledge_base.service import KnowledgeBase

__all__ = ["MAX_JOBS", "Busy", "DocumentChange", "KbAdmin", "ManagedDocuments", "ReindexJob"]

log = logging.getLogger(__name__)

MAX_JOBS = 50


class Busy(RuntimeError):
    """A re-index is queued or running; ``job_id`` names it."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"re-index {job_id} is in progress")
        self.job_id = job_id


class ManagedDocuments:
    """Documents upserted or deleted through the API, kept so that rebuilds honour them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs_dir = root / "documents"
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self._tombstones_path = root / "deleted.json"

    def _file(self, doc_id: str) -> Path:
        return self.docs_dir / f"{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:40]}.jsonl"

    def has(self, doc_id: str) -> bool:
        """Whether ``doc_id`` was upserted through the API (and not deleted since)."""
        return self._file(doc_id).exists()

    def tombstones(self) -> set[str]:
        """Ids deleted through the API."""
        try:
            raw = json.loads(self._tombstones_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return set()
        return {str(x) for x in raw} if isinstance(raw, list) else set()

    def _write_tombstones(self, ids: set[str]) -> None:
        _atomic_write(self._tombstones_path, json.dumps(sorted(ids), ensure_ascii=False))

    def put(self, document: Document) -> None:
        """Keep ``document`` (replacing an earlier upsert) and lift any tombstone on its id."""
        _atomic_write(self._file(document.id), document.model_dump_json() + "\n")
        dead = self.tombstones()
        if document.id in dead:
            dead.discard(document.id)
            self._write_tombstones(dead)

    def delete(self, doc_id: str) -> None:
        """Forget an upsert of ``doc_id`` and tombstone the id."""
        self._file(doc_id).unlink(missing_ok=True)
        self._write_tombstones(self.tombstones() | {doc_id})

    def load_managed(self) -> LoadResult:
        """Only the upserted documents (root: the managed folder)."""
        return load_paths([self.docs_dir])

    def load(self, sources: Sequence[Path]) -> LoadResult:
        """The sources with the API's changes applied: upserts replace, tombstones remove."""
        base = load_paths(list(sources))
        managed = self.load_managed()
        overridden = {s.document.id for s in managed.documents} | self.tombstones()
        return LoadResult(
            documents=[s for s in base.documents if s.document.id not in overridden] + managed.documents,
            errors=base.errors + managed.errors,
            roots=base.roots + managed.roots,
            roots_with_errors=base.roots_with_errors | managed.roots_with_errors,
        )


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


JobStatus = Literal["queued", "running", "succeeded", "failed"]


class ReindexJob(BaseModel):
    """A full re-index: a new collection built from the sources, then the alias swapped."""

    id: str
    status: JobStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    requested_by: str
    report: dict[str, Any] | None = Field(default=None, description="The ingest report once finished.")
    error: str | None = Field(default=None, description="Why the job failed (details are in the logs).")


class DocumentChange(BaseModel):
    """What an upsert did."""

    id: str
    result: Literal["created", "updated", "unchanged"]
    chunks_written: int
    chunks_deleted: int


class KbAdmin:
    """Serialised writes to one knowledge base, and its re-index jobs."""

    def __init__(self, kb: KnowledgeBase, managed: ManagedDocuments, sources: Sequence[Path]) -> None:
        self.kb = kb
        self.managed = managed
        self.sources = list(sources)
        self._write_lock = threading.Lock()
        self._jobs: dict[str, ReindexJob] = {}
        self._jobs_lock = threading.Lock()
        self._active: str | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-reindex")

    # -- documents ----------------------------------------------------------------------------------

    def _check_idle(self) -> None:
        with self._jobs_lock:
            if self._active is not None:
                raise Busy(self._active)

    def upsert(self, document: Document) -> DocumentChange:
        """Write ``document`` to the managed store and the index (only what changed is embedded).

        Raises:
            Busy: a re-index is in progress.
        """
        self._check_idle()
        with self._write_lock:
            self.managed.put(document)
            report = self.kb.ingestor.ingest(self.managed.load_managed())
        if report.documents_added:
            result: Literal["created", "updated", "unchanged"] = "created"
        elif report.documents_updated:
            result = "updated"
        else:
            result = "unchanged"
        return DocumentChange(
            id=document.id, result=result, chunks_written=report.chunks_written, chunks_deleted=report.chunks_deleted
        )

    def delete(self, doc_id: str) -> bool:
        """Remove ``doc_id`` from the index and keep it out of rebuilds; ``False`` when it is unknown.

        Raises:
            Busy: a re-index is in progress.
        """
        self._check_idle()
        with self._write_lock:
            index = self.kb.index
            live = index.current_collection()
            points = [c.point_id for c in index.scan(live) if c.doc_id == doc_id] if live else []
            if not points and not self.managed.has(doc_id):
                return False
            self.managed.delete(doc_id)
            if points and live:
                index.delete(live, points)
            return True

    # -- re-index jobs ------------------------------------------------------------------------------

    def start_reindex(self, requested_by: str) -> ReindexJob:
        """Queue a full re-index and return its job.

        Raises:
            Busy: one is already queued or running.
        """
        now = datetime.now(UTC)
        with self._jobs_lock:
            if self._active is not None:
                raise Busy(self._active)
            job = ReindexJob(id=str(uuid.uuid4()), status="queued", created_at=now, requested_by=requested_by)
            self._jobs[job.id] = job
            self._active = job.id
            while len(self._jobs) > MAX_JOBS:
                oldest = next(iter(self._jobs))
                if oldest == self._active:
                    break
                del self._jobs[oldest]
        context = contextvars.copy_context()  # the request id follows the job into its logs
        self._executor.submit(context.run, self._run, job.id)
        return job.model_copy()

    def job(self, job_id: str) -> ReindexJob | None:
        """A job by id (a copy), or ``None``."""
        with self._jobs_lock:
            job = self._jobs.get(job_id)
            return job.model_copy() if job is not None else None

    def _update(self, job_id: str, **fields: Any) -> None:
        with self._jobs_lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = job.model_copy(update=fields)

    def _run(self, job_id: str) -> None:
        self._update(job_id, status="running", started_at=datetime.now(UTC))
        try:
            with self._write_lock:
                report: IngestReport = self.kb.ingestor.ingest(self.managed.load(self.sources), rebuild=True)
        except Exception as exc:
            log.exception("re-index failed", extra={"event": "reindex_failed", "job_id": job_id})
            self._finish(job_id, status="failed", error=f"{type(exc).__name__}; see the service logs for job {job_id}")
            return
        log.info("re-index finished", extra={"event": "reindex_finished", "job_id": job_id, **report.as_dict()})
        self._finish(job_id, status="succeeded", report=report.as_dict())

    def _finish(self, job_id: str, **fields: Any) -> None:
        self._update(job_id, finished_at=datetime.now(UTC), **fields)
        with self._jobs_lock:
            if self._active == job_id:
                self._active = None

    def close(self) -> None:
        """Wait for a running re-index to finish (a queued one is dropped)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
