"""The one request guard every HTTP request passes through, in this order:

1. request id: a sane incoming ``X-Request-ID`` is kept, otherwise one is generated; it is set on
   :data:`copilot.logging_setup.request_id_var` (so every log line of the request carries it), in
   ``scope["state"]["request_id"]`` and on the response;
2. authentication of every ``/v1`` request (401, ``WWW-Authenticate: Bearer``), then the per-key rate
   limit (429, ``Retry-After``): a refused caller costs no body parsing;
3. the body: ``Content-Length`` over the limit is refused before reading (413), streamed bytes are
   counted as they arrive (413), a non-empty body must be ``application/json`` (415) and UTF-8 (400);
4. the app, with any unhandled exception turned into a 500 problem that says nothing but the request id;
5. one structured access log line (request id, principal, route template, status, duration) and the
   HTTP metrics. The query string is never logged: search queries are customer text.

Scope checks (403) are per route, in :mod:`api.deps`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from email.message import Message as EmailMessage
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import KeyRing, Principal, presented_key
from api.metrics import Metrics
from api.problems import problem_response
from api.ratelimit import RateLimiter
from copilot.logging_setup import request_id_var

__all__ = ["ApiMiddleware"]

access_log = logging.getLogger("api.access")
error_log = logging.getLogger("api.errors")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_WWW_AUTHENTICATE = 'Bearer realm="copilot"'


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _is_json(content_type: str) -> tuple[bool, str | None]:
    message = EmailMessage()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False, None
    subtype = message.get_content_subtype()
    charset = message.get_param("charset")
    return subtype == "json" or subtype.endswith("+json"), str(charset).lower() if isinstance(charset, str) else None


class ApiMiddleware:
    """Pure ASGI middleware (no ``BaseHTTPMiddleware``: streams pass straight through).

    Args:
        app: the wrapped application.
        keys: the configured API keys.
        limiter: the per-key rate limiter.
        metrics: where HTTP metrics go.
        route_of: the route template a request matches (``None`` when it matches none).
        max_body_bytes: the body size limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: KeyRing,
        limiter: RateLimiter,
        metrics: Metrics,
        route_of: Callable[[Scope], str | None],
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter
        self.metrics = metrics
        self.route_of = route_of
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = _headers(scope)
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        method = scope["method"]
        path: str = scope["path"]
        route = self.route_of(scope) or "unmatched"
        protected = path == "/v1" or path.startswith("/v1/")
        status_box = [500]
        response_started = [False]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_started[0] = True
                status_box[0] = int(message["status"])
                raw = list(message.get("headers", []))
                raw.append((b"x-request-id", request_id.encode("latin-1")))
                raw.append((b"x-content-type-options", b"nosniff"))
                if protected and not any(k.lower() == b"cache-control" for k, _ in raw):
                    raw.append((b"cache-control", b"no-store"))
                message = {**message, "headers": raw}
            await send(message)

        in_progress = self.metrics.http_in_progress.labels(method, route)
        in_progress.inc()
        try:
            await self._guarded(scope, receive, send_wrapper, headers, state, protected, response_started)
        finally:
            in_progress.dec()
            elapsed = time.perf_counter() - started
            status = status_box[0]
            self.metrics.http_requests.labels(method, route, str(status)).inc()
            self.metrics.http_latency.labels(method, route).observe(elapsed)
            principal = state.get("principal")
            access_log.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "event": "http_request",
                    "method": method,
                    "route": route,
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "principal": principal.name if isinstance(principal, Principal) else None,
                },
            )
            request_id_var.reset(token)

    async def _guarded(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[str, str],
        state: dict[str, Any],
        protected: bool,
        response_started: list[bool],
    ) -> None:
        if protected:
            principal = self._authenticate(headers)
            if principal is None:
                detail = (
                    "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
                    if presented_key(headers) is None
                    else "The API key is not valid."
                )
                await problem_response(
                    scope, 401, "unauthenticated", detail, headers={"WWW-Authenticate": _WWW_AUTHENTICATE}
                )(scope, receive, send)
                return
            state["principal"] = principal
            wait = self.limiter.acquire(principal.name, rate_per_minute=principal.rate_per_minute,
                                        burst=principal.burst)
            if wait > 0:
                self.metrics.rate_limited.labels(principal.name).inc()
                retry = self.limiter.retry_after(wait)
                await problem_response(
                    scope, 429, "rate-limited", f"This key is over its rate limit; retry in {retry} s.",
                    headers={"Retry-After": retry},
                )(scope, receive, send)
                return
        body_receive = await self._checked_body(scope, receive, send, headers)
        if body_receive is None:
            return
        try:
            await self.app(scope, body_receive, send)
        except Exception:
            error_log.exception("unhandled error", extra={"event": "unhandled_error"})
            if response_started[0]:
                raise
            await problem_response(
                scope, 500, "internal",
                "The service failed to handle the request; quote the request id when reporting it.",
            )(scope, receive, send)

    def _authenticate(self, headers: dict[str, str]) -> Principal | None:
        key = presented_key(headers)
        return self.keys.authenticate(key) if key else None

    async def _checked_body(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> Receive | None:
        """A receive that replays the checked body, or ``None`` when a problem was sent."""
        method = scope["method"]
        length_header = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if method not in _BODY_METHODS and not length_header and not chunked:
            return receive
        limit = self.max_body_bytes
        if length_header is not None:
            if not length_header.strip().isdigit():
                await problem_response(scope, 400, "bad-request", "Content-Length is not a number.")(
                    scope, receive, send
                )
                return None
            if int(length_header) > limit:
                await self._too_large(scope, receive, send)
                return None
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, receive, send)
                return None
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        if body:
            content_type = headers.get("content-type", "")
            is_json, charset = _is_json(content_type) if content_type else (False, None)
            if not is_json or (charset is not None and charset not in ("utf-8", "utf8")):
                shown = content_type or "none"
                await problem_response(
                    scope, 415, "unsupported-media-type",
                    f"Send the body as 'Content-Type: application/json' (UTF-8); got {shown[:100]!r}.",
                )(scope, receive, send)
                return None
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                await problem_response(
                    scope, 400, "invalid-encoding", f"The body is not valid UTF-8 (byte {exc.start}).",
                )(scope, receive, send)
                return None
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await problem_response(
            scope, 413, "payload-too-large", f"The body is larger than {self.max_body_bytes} bytes.",
            headers={"Connection": "close"},
        )(scope, receive, send)
