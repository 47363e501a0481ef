"""The OpenAPI document: every error as ``application/problem+json``, and the headers every response has.

Routes declare which problems they can answer with (:func:`problems`); :func:`finish_openapi` then
gives each 4xx/5xx response the problem schema under ``application/problem+json`` (replacing FastAPI's
default 422 schema), documents ``X-Request-ID`` on every response, ``WWW-Authenticate`` on 401 and
``Retry-After`` on 429 and 503.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel

from api.problems import PROBLEM_MEDIA_TYPE, Problem, ValidationProblem

__all__ = ["SSE_EVENT_SCHEMA", "finish_openapi", "problems", "streaming_200"]

_DESCRIPTIONS: Final[dict[int, str]] = {
    400: "The body is not valid JSON or not UTF-8.",
    401: "No API key, or an unknown one.",
    403: "The key lacks the scope this operation needs.",
    404: "No such resource.",
    409: "Conflicts with the current state (see the problem's detail).",
    413: "The body is larger than the limit.",
    415: "The body is not application/json.",
    422: "The request does not match the schema; `errors` lists each field.",
    429: "Over the key's rate limit.",
    500: "A bug; quote the request id.",
    503: "A dependency (store, models, knowledge base) is unavailable; retry after `Retry-After` seconds.",
}

#: One Server-Sent Event (OpenAPI 3.1: for ``text/event-stream`` the schema describes each event).
SSE_EVENT_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "event": {"type": "string", "enum": ["delta", "result", "error"]},
        "data": {
            "type": "string",
            "description": "JSON: `{\"text\": ...}` for `delta`; the full result with its `id` for `result`; "
            "a problem document for `error`.",
        },
        "id": {"type": "string"},
        "retry": {"type": "integer", "minimum": 0},
    },
}

_HEADER_STRING: Final = {"type": "string"}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for the given problem statuses (500 is always added)."""
    return {code: {"description": _DESCRIPTIONS[code]} for code in sorted({*codes, 500})}


def streaming_200(description: str) -> dict[int | str, dict[str, Any]]:
    """The 200 of a generating endpoint: JSON by default, or an SSE stream."""
    return {
        200: {
            "description": description + " With `Accept: text/event-stream` or `?stream=true`: an SSE stream of "
            "`delta` events, then one `result` event (or an `error` event).",
            "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
        }
    }


def _component(schemas: dict[str, Any], model: type[BaseModel]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def finish_openapi(document: dict[str, Any], *, extra_problem_models: dict[str, type[Problem]] | None = None) -> None:
    """Rewrite the error responses of ``document`` in place (see the module docstring).

    ``extra_problem_models`` maps ``"<METHOD> <path> <status>"`` to a problem subclass for that one
    response (e.g. the readiness probe's 503, which lists its checks).
    """
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    problem_ref = _component(schemas, Problem)
    validation_ref = _component(schemas, ValidationProblem)
    special = {key: _component(schemas, model) for key, model in (extra_problem_models or {}).items()}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                code = int(status) if str(status).isdigit() else 0
                headers = response.setdefault("headers", {})
                headers["X-Request-ID"] = {
                    "description": "The request's id (the incoming one if it was sane).",
                    "required": True,
                    "schema": _HEADER_STRING,
                }
                if code < 400:
                    continue
                ref = special.get(f"{method.upper()} {path} {code}") or (validation_ref if code == 422 else problem_ref)
                response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": ref}}
                response.setdefault("description", _DESCRIPTIONS.get(code, "Problem."))
                if code == 401:
                    headers["WWW-Authenticate"] = {"required": True, "schema": _HEADER_STRING}
                if code in (429, 503):
                    headers["Retry-After"] = {
                        "description": "Seconds to wait before retrying.",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]+$"},
                    }
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
