"""``/v1/kb``: search (agents: internal content too; customers: public articles only) and administration.

The caller's audience is passed into retrieval, where the access filter is part of the Qdrant query
and every hit is checked again: a customer key cannot reach internal documents whatever it asks.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import AdminPrincipal, SearchPrincipal, ServicesDep
from api.kb_admin import Busy, DocumentChange, ReindexJob
from api.openapi import problems
from api.problems import ApiError
from api.schemas import DocumentUpsert, SearchHitOut, SearchResponse
from copilot.guardrails.pii import mask_text
from knowledge_base.documents import Document, DocumentKind
from knowledge_base.search import CallerAudience, SearchFilters

router = APIRouter(prefix="/v1/kb", tags=["knowledge-base"])

_PLACEHOLDER = re.compile(r"\[[A-Z_]+_\d+\]")
MAX_TAGS = 20
DocId = Annotated[str, Path(min_length=1, max_length=512, description="The document's id.")]


def _busy(exc: Busy) -> ApiError:
    return ApiError(
        409, "conflict", f"A re-index is in progress (job {exc.job_id}); retry when it has finished.",
        headers={"Retry-After": "30"}, extra={"job_id": exc.job_id},
    )


@router.get(
    "/search",
    operation_id="searchKnowledgeBase",
    summary="Search the knowledge base under the caller's access filter",
    response_model=SearchResponse,
    responses=problems(401, 403, 422, 429, 503),
)
async def search(
    services: ServicesDep,
    principal: SearchPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="The question.")],
    k: Annotated[int, Query(ge=1, le=50, description="How many documents.")] = 5,
    kind: Annotated[list[DocumentKind] | None, Query(description="Only these kinds.")] = None,
    tag: Annotated[list[Annotated[str, Query(max_length=100)]] | None, Query(description="Any of these tags.")] = None,
) -> SearchResponse:
    """Ranked documents with their best passages. Customer keys search public help articles only."""
    if tag is not None and len(tag) > MAX_TAGS:
        raise ApiError(422, "validation", f"At most {MAX_TAGS} tags.")
    audience = CallerAudience.AGENT if principal.has_any(("agent", "admin")) else CallerAudience.CUSTOMER
    # The query never reaches the index's caches with PII in it; placeholders carry no topic.
    query = " ".join(_PLACEHOLDER.sub(" ", mask_text(q)).split())
    if not query:
        return SearchResponse(audience=audience.value, results=[])
    filters = SearchFilters(kinds=tuple(kind or ()), tags=tuple(tag or ()))
    hits = await run_in_threadpool(
        services.copilot.reply.retriever.search, query, audience=audience, k=k, filters=filters
    )
    return SearchResponse(audience=audience.value, results=[SearchHitOut.from_hit(h) for h in hits])


@router.put(
    "/documents/{doc_id}",
    operation_id="upsertDocument",
    summary="Create or replace one document",
    response_model=DocumentChange,
    responses={
        201: {"description": "Created.", "model": DocumentChange},
        **problems(400, 401, 403, 409, 413, 415, 422, 429, 503),
    },
)
async def upsert_document(
    doc_id: DocId, payload: DocumentUpsert, services: ServicesDep, principal: AdminPrincipal
) -> JSONResponse:
    """Chunk, embed and index the document now (only what changed is re-embedded).

    The document is also kept under the data dir, so re-indexes and restarts keep it: it overrides a
    source document with the same id until it is deleted.
    """
    if payload.id is not None and payload.id != doc_id:
        mismatch = {"field": "body.id", "message": "does not match the path", "type": "value_error"}
        raise ApiError(422, "validation", "The body's id must match the path (or be left out).",
                       extra={"errors": [mismatch], "errors_truncated": False})
    document = Document.model_validate({**payload.model_dump(), "id": doc_id})
    try:
        change = await run_in_threadpool(services.kb_admin.upsert, document)
    except Busy as exc:
        raise _busy(exc) from exc
    return JSONResponse(change.model_dump(mode="json"), status_code=201 if change.result == "created" else 200)


@router.delete(
    "/documents/{doc_id}",
    status_code=204,
    operation_id="deleteDocument",
    summary="Delete one document",
    response_class=Response,
    responses={204: {"description": "Deleted."}, **problems(401, 403, 404, 409, 422, 429, 503)},
)
async def delete_document(doc_id: DocId, services: ServicesDep, principal: AdminPrincipal) -> Response:
    """Remove the document from the index and keep it out of later re-indexes (until it is upserted again)."""
    try:
        found = await run_in_threadpool(services.kb_admin.delete, doc_id)
    except Busy as exc:
        raise _busy(exc) from exc
    if not found:
        raise ApiError(404, "not-found", f"No document has the id {doc_id!r}.")
    return Response(status_code=204)


@router.post(
    "/reindex",
    status_code=202,
    operation_id="startReindex",
    summary="Rebuild the index from the configured sources",
    response_model=ReindexJob,
    responses={202: {"description": "Queued; poll `Location`."}, **problems(401, 403, 409, 429, 503)},
)
async def start_reindex(services: ServicesDep, principal: AdminPrincipal) -> JSONResponse:
    """Build a new collection from the sources (plus the API's own changes), then swap the alias.

    Searches keep using the old collection until the swap. One re-index at a time (409 otherwise).
    """
    try:
        job = services.kb_admin.start_reindex(principal.name)
    except Busy as exc:
        raise _busy(exc) from exc
    return JSONResponse(
        job.model_dump(mode="json"), status_code=202, headers={"Location": f"/v1/kb/reindex/{job.id}"}
    )


@router.get(
    "/reindex/{job_id}",
    operation_id="getReindexJob",
    summary="Read a re-index job",
    response_model=ReindexJob,
    responses=problems(401, 403, 404, 422, 429),
)
async def get_reindex_job(
    job_id: Annotated[str, Path(max_length=64)], services: ServicesDep, principal: AdminPrincipal
) -> ReindexJob:
    """The job's status and, once finished, its ingest report. Jobs are kept in memory, per process."""
    job = services.kb_admin.job(job_id)
    if job is None:
        raise ApiError(404, "not-found", f"No re-index job has the id {job_id!r} (jobs live in one process).")
    return job
