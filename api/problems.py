"""Errors as RFC 9457 problem documents (``application/problem+json``), one stable ``type`` per cause.

What a client may see, and when::

    400 invalid-json            the body is not JSON
    400 invalid-encoding        the body is not UTF-8
    400 bad-request             any other unreadable request
    401 unauthenticated         no API key, or an unknown one (with WWW-Authenticate: Bearer)
    403 forbidden               the key lacks the scope the operation needs
    404 not-found               no such route or resource
    405 method-not-allowed      (with Allow)
    409 conflict                e.g. a re-index is running; feedback on an interaction that takes none
    413 payload-too-large       body over the limit (Content-Length or bytes counted)
    415 unsupported-media-type  a body that is not application/json
    422 validation              the JSON does not fit the schema; ``errors`` names each field
    429 rate-limited            (with Retry-After)
    500 internal                a bug; the detail never says more than the request id
    503 store-unavailable       the interaction could not be stored, so no answer is given (Retry-After)
    503 llm-unavailable         no provider could answer and the pipeline could not fall back (Retry-After)
    503 index-unavailable       the knowledge base could not be searched (Retry-After)
    503 not-ready               readiness probe: ``checks`` says what is down

Every problem carries ``request_id`` (also in the ``X-Request-ID`` header) and ``instance`` (the path).
Internals (exception text, SQL, provider messages) are logged, never returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_MEDIA_TYPE",
    "ApiError",
    "FieldError",
    "Problem",
    "ValidationProblem",
    "install_problem_handlers",
    "problem_response",
    "problem_type",
]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
PROBLEM_BASE: Final = "https://errors.kestrel.example/"
MAX_FIELD_ERRORS: Final = 50

_TITLES: Final[dict[str, str]] = {
    "bad-request": "Bad request",
    "invalid-json": "Invalid JSON",
    "invalid-encoding": "Body is not UTF-8",
    "unauthenticated": "Authentication required",
    "forbidden": "Forbidden",
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "conflict": "Conflict",
    "payload-too-large": "Payload too large",
    "unsupported-media-type": "Unsupported media type",
    "validation": "Validation failed",
    "rate-limited": "Too many requests",
    "internal": "Internal error",
    "store-unavailable": "Store unavailable",
    "llm-unavailable": "No model available",
    "index-unavailable": "Knowledge base unavailable",
    "not-ready": "Not ready",
}
_BY_STATUS: Final[dict[int, str]] = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "rate-limited",
    500: "internal",
}


def problem_type(slug: str) -> str:
    """The ``type`` URI of a problem slug (``validation`` -> ``https://errors.kestrel.example/validation``)."""
    return PROBLEM_BASE + slug


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    type: str = Field(description="Stable URI naming the kind of problem.")
    title: str = Field(description="Short, stable summary of the kind of problem.")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="What went wrong with this request, and how to fix it.")
    instance: str = Field(description="The request path.")
    request_id: str | None = Field(default=None, description="Quote it when reporting a problem.")


class FieldError(BaseModel):
    """One invalid field of a request."""

    field: str = Field(description="Dotted path, e.g. body.conversation.0.role.")
    message: str
    type: str = Field(description="Pydantic error type, e.g. string_too_long.")


class ValidationProblem(Problem):
    """A 422 problem listing each invalid field (at most 50; ``errors_truncated`` says if more)."""

    errors: list[FieldError] = Field(default_factory=list)
    errors_truncated: bool = False


class ApiError(Exception):
    """Raised by handlers and dependencies; rendered as a problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def _request_id(scope: Mapping[str, Any]) -> str | None:
    state = scope.get("state")
    value = state.get("request_id") if isinstance(state, Mapping) else None
    return value if isinstance(value, str) else None


def problem_body(
    scope: Mapping[str, Any], status: int, slug: str, detail: str, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The problem document as a dict (for SSE ``error`` events and responses)."""
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": _TITLES.get(slug, slug.replace("-", " ").capitalize()),
        "status": status,
        "detail": detail,
        "instance": str(scope.get("path", "")),
        "request_id": _request_id(scope),
    }
    body.update(extra or {})
    return body


def problem_response(
    scope: Mapping[str, Any],
    status: int,
    slug: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """A problem document response for the request in ``scope``."""
    return JSONResponse(
        problem_body(scope, status, slug, detail, extra),
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    out = []
    for err in errors[:MAX_FIELD_ERRORS]:
        loc = ".".join(str(part) for part in err.get("loc", ())) or "body"
        # Never echo err["input"]: it is the customer's text (PII) and may be 100,000 characters.
        out.append({"field": loc, "message": str(err.get("msg", "invalid")), "type": str(err.get("type", "invalid"))})
    return out


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    invalid_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if invalid_json is not None:
        loc = invalid_json.get("loc", ())
        position = loc[1] if len(loc) > 1 else None
        reason = (invalid_json.get("ctx") or {}).get("error", "malformed JSON")
        where = f" at character {position}" if position is not None else ""
        return problem_response(request.scope, 400, "invalid-json", f"The body is not valid JSON: {reason}{where}.")
    fields = _field_errors(errors)
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in fields[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return problem_response(
        request.scope,
        422,
        "validation",
        f"The request does not match the schema: {summary}{more}.",
        extra={"errors": fields, "errors_truncated": len(errors) > MAX_FIELD_ERRORS},
    )


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = _BY_STATUS.get(exc.status_code, "bad-request" if exc.status_code < 500 else "internal")
    if exc.status_code == 404:
        detail = "There is nothing at this path; see /docs for the API."
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed here; allowed: {(exc.headers or {}).get('Allow', 'see /docs')}."
    elif exc.status_code >= 500:
        detail = "The service failed to handle the request."
    else:
        detail = str(exc.detail)
    return problem_response(request.scope, exc.status_code, slug, detail, headers=exc.headers)


async def _api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem_response(request.scope, exc.status, exc.slug, exc.detail, headers=exc.headers, extra=exc.extra)


def install_problem_handlers(app: Any) -> None:
    """Render validation errors, HTTP exceptions and :class:`ApiError` as problem documents.

    Anything else is caught by :class:`api.middleware.ApiMiddleware` (500, logged, nothing leaked).
    """
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(ApiError, _api_error_handler)
