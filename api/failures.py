"""Failures of the service's dependencies (store, LLM providers, knowledge base) as 503 problems.

They are expected in production and say nothing about the request, so the client gets a 503 with
``Retry-After`` and a stable ``type``; the cause is logged (masked), never returned.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from fastapi import Request
from qdrant_client.http.exceptions import ApiException, ResponseHandlingException, UnexpectedResponse
from starlette.responses import JSONResponse

from api.problems import ApiError, problem_response
from copilot.llm.errors import ProviderError
from copilot.store import StoreError

__all__ = ["INDEX_ERRORS", "as_api_error", "install_failure_handlers"]

log = logging.getLogger(__name__)

#: What the knowledge base's client raises when Qdrant cannot be reached or answers badly.
INDEX_ERRORS: tuple[type[Exception], ...] = (ApiException, ResponseHandlingException, UnexpectedResponse,
                                             httpx.TransportError)


def as_api_error(exc: BaseException, retry_after_s: int, *, io_errors_are_index: bool = False) -> ApiError | None:
    """The problem a dependency failure maps to, or ``None`` when ``exc`` is a bug (a 500).

    ``io_errors_are_index``: also read ``ConnectionError``/``TimeoutError`` as the knowledge base
    failing (true around a pipeline call, whose only other I/O is the gateway's, which raises
    :class:`ProviderError`).
    """
    retry = {"Retry-After": str(retry_after_s)}
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ProviderError):
        log.error("no provider could answer: %s", exc, extra={"event": "llm_unavailable", "kind": exc.kind})
        return ApiError(503, "llm-unavailable", "No model could answer and no fallback applied; retry shortly.",
                        headers=retry)
    if isinstance(exc, StoreError):
        log.error("store failed: %s", exc, extra={"event": "store_failed"})
        return ApiError(503, "store-unavailable", "The interaction store is unavailable; retry shortly.",
                        headers=retry)
    index_errors = (*INDEX_ERRORS, ConnectionError, TimeoutError) if io_errors_are_index else INDEX_ERRORS
    if isinstance(exc, index_errors):
        log.error("knowledge base failed: %s: %s", type(exc).__name__, exc, extra={"event": "index_unavailable"})
        return ApiError(503, "index-unavailable", "The knowledge base cannot be searched now; retry shortly.",
                        headers=retry)
    return None


def install_failure_handlers(app: Any, retry_after_s: int) -> None:
    """Answer store, provider and index failures raised by any route with a 503 problem."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        mapped = as_api_error(exc, retry_after_s)
        if mapped is None:  # cannot happen for the registered classes; keep the 500 path honest
            raise exc
        return problem_response(request.scope, mapped.status, mapped.slug, mapped.detail, headers=mapped.headers)

    for cls in (ProviderError, StoreError, *INDEX_ERRORS):
        app.add_exception_handler(cls, handler)
