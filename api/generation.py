"""The shared path of the three generating endpoints (suggestions, answers, summaries).

One request: run the pipeline in the thread pool -> mask the input turns and the result with one
:class:`~copilot.guardrails.pii.PiiVault` (input first, so the placeholders are the ones the model saw)
-> store the interaction and commit -> answer with the result and its interaction ``id``.

Nothing is answered with a 2xx before the interaction is committed. A store failure is a 503 problem;
in a stream, where the 200 has already gone out, the ``result`` event is only sent after the commit
and a failure becomes an ``error`` event carrying the same problem document.

SSE (``Accept: text/event-stream`` or ``?stream=true``)::

    event: delta      data: {"text": "..."}            zero or more, as text is produced
    event: result     data: {<the full result, with id>}  exactly once, last, after the commit
    event: error      data: {<problem document>}        instead of result, if anything failed

plus ``: keep-alive`` comments during silences. The ``result`` is authoritative: if a model's stream
broke off and the pipeline fell back to its extractive draft, the deltas already sent are superseded.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.failures import as_api_error
from api.problems import ApiError, problem_body
from api.services import Services
from api.sse import HEARTBEAT, SSE_MEDIA_TYPE, ThreadedStream, encode_comment, encode_event
from copilot.guardrails.pii import PiiVault
from copilot.schemas import Answer, ConversationTurn, PipelineResult, Suggestion
from copilot.service import Copilot
from copilot.store import StoreError

__all__ = ["Operation", "mask_json", "respond", "wants_stream"]

log = logging.getLogger(__name__)

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=PipelineResult)

#: Output fields stored as they are: identifiers, not text anyone typed or a model wrote.
_VERBATIM_KEYS = frozenset({"id", "doc_id", "url", "provider", "model", "version", "curated_answer_id"})


@dataclass(frozen=True)
class Operation(Generic[In, Out]):
    """How one endpoint drives the copilot."""

    surface: Literal["suggestion", "answer", "summary"]
    channel: Literal["agent", "customer"]
    run: Callable[[Copilot, In], Out]
    stream: Callable[[Copilot, In], Iterator[str | Out]]
    turns: Callable[[In], Sequence[ConversationTurn]]


def wants_stream(request: Request, stream: bool | None) -> bool:
    """``?stream=`` decides when given; otherwise ``Accept: text/event-stream`` asks for a stream."""
    if stream is not None:
        return stream
    return SSE_MEDIA_TYPE in request.headers.get("accept", "").lower()


def _storable(text: str) -> str:
    # PostgreSQL's JSONB refuses NUL characters; a customer typing one must not make the store "fail".
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def mask_json(value: Any, vault: PiiVault, key: str = "") -> Any:
    """A copy of a JSON value with every string masked (identifier fields kept as they are)."""
    if isinstance(value, str):
        return _storable(value if key in _VERBATIM_KEYS else vault.mask(value))
    if isinstance(value, dict):
        return {k: mask_json(v, vault, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v, vault, key) for v in value]
    return value


def _record(op: Operation[In, Out], services: Services, principal: Principal, request_id: str | None,
            payload: In, result: Out) -> Out:
    """Store the interaction (masked) and return the result carrying its id. Runs in a worker thread."""
    vault = PiiVault()
    masked_input = [{"role": t.role, "text": _storable(vault.mask(t.text))} for t in op.turns(payload)]
    interaction_id = str(uuid.uuid4())
    stored = result.model_copy(update={"id": interaction_id})
    masked_output = mask_json(stored.model_dump(mode="json"), vault)
    triage = stored.internal_triage if isinstance(stored, Answer) else getattr(stored, "triage", None)
    if triage is not None:
        # The stored interaction keeps the whole triage result (risks, procedure), even for a customer answer.
        masked_output["triage"] = mask_json(triage.model_dump(mode="json"), vault)
    citations: list[str] = []
    handoff_needed, handoff_reason = False, None
    if isinstance(stored, Suggestion | Answer):
        citations = [c.doc_id for c in stored.citations]
        handoff_needed, handoff_reason = stored.handoff.needed, stored.handoff.reason
    try:
        services.store.record_interaction(
            id=interaction_id,
            surface=op.surface,
            principal=principal.name,
            channel=op.channel,
            masked_input=masked_input,
            masked_output=masked_output,
            citations=citations,
            provider=stored.provider,
            model=stored.model,
            prompt_id=stored.prompt.id,
            prompt_version=stored.prompt.version,
            handoff_needed=handoff_needed,
            handoff_reason=handoff_reason,
            prompt_tokens=stored.usage.prompt_tokens,
            completion_tokens=stored.usage.completion_tokens,
            cost=stored.usage.cost,
            latency_ms=stored.latency_ms,
            request_id=request_id,
        )
    except StoreError as exc:
        log.error("interaction not stored: %s", exc, extra={"event": "store_failed", "surface": op.surface})
        raise ApiError(
            503, "store-unavailable",
            "The result could not be stored, so it is not returned; retry shortly.",
            headers={"Retry-After": str(services.api.retry_after_s)},
        ) from exc
    services.metrics.observe_result(op.surface, stored.provider, handoff_reason if handoff_needed else None)
    if triage is not None:
        services.metrics.observe_triage(triage)
    return stored


def _request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


async def respond(
    op: Operation[In, Out],
    payload: In,
    *,
    request: Request,
    services: Services,
    principal: Principal,
    stream: bool,
) -> Response:
    """Run ``op`` for ``payload`` and answer with JSON, or with an SSE stream when ``stream``."""
    if stream:
        return await _respond_stream(op, payload, request=request, services=services, principal=principal)
    request_id = _request_id(request)

    def work() -> Out:
        result = op.run(services.copilot, payload)
        return _record(op, services, principal, request_id, payload, result)

    try:
        result = await run_in_threadpool(work)
    except ApiError:
        raise
    except Exception as exc:
        mapped = as_api_error(exc, services.api.retry_after_s, io_errors_are_index=True)
        if mapped is None:
            raise
        raise mapped from exc
    return JSONResponse(result.model_dump(mode="json"))


async def _respond_stream(
    op: Operation[In, Out], payload: In, *, request: Request, services: Services, principal: Principal
) -> Response:
    request_id = _request_id(request)
    pump: ThreadedStream[str | Out] = ThreadedStream(
        lambda: op.stream(services.copilot, payload), heartbeat_s=services.api.sse_heartbeat_s
    )
    # Wait for the first item (up to one heartbeat interval) before answering: a failure up front, such as
    # the knowledge base being down, is then still a plain problem response with its status code.
    try:
        first = await pump.next()
    except StopAsyncIteration:
        raise ApiError(500, "internal", "The pipeline produced nothing.") from None
    except ApiError:
        raise
    except Exception as exc:
        pump.close()
        mapped = as_api_error(exc, services.api.retry_after_s, io_errors_are_index=True)
        if mapped is None:
            raise
        raise mapped from exc

    async def events() -> AsyncIterator[bytes]:
        item: Any = first
        try:
            while True:
                if item is HEARTBEAT:
                    yield encode_comment()
                elif isinstance(item, str):
                    if item:
                        yield encode_event("delta", {"text": item})
                else:
                    stored = await run_in_threadpool(_record, op, services, principal, request_id, payload, item)
                    yield encode_event("result", stored.model_dump(mode="json"))
                    return
                try:
                    item = await pump.next()
                except StopAsyncIteration:
                    raise RuntimeError("the pipeline stream ended without a result") from None
        except Exception as exc:
            mapped = as_api_error(exc, services.api.retry_after_s, io_errors_are_index=True)
            if mapped is None:
                log.error("stream failed", exc_info=exc, extra={"event": "stream_failed", "surface": op.surface})
                mapped = ApiError(500, "internal", "The stream failed; quote the request id when reporting it.")
            services.metrics.stream_errors.labels(op.surface, mapped.slug).inc()
            yield encode_event("error", problem_body(request.scope, mapped.status, mapped.slug, mapped.detail))
        finally:
            pump.close()

    return StreamingResponse(
        events(),
        media_type=SSE_MEDIA_TYPE,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

