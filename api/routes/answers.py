"""``POST /v1/answers``: a self-serve answer for a customer (scope ``customer``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import CustomerPrincipal, ServicesDep
from api.generation import Operation, respond, wants_stream
from api.openapi import problems, streaming_200
from api.schemas import AnswerRequest
from copilot.schemas import Answer, ConversationTurn

router = APIRouter(prefix="/v1/answers", tags=["answers"])

ANSWER: Operation[AnswerRequest, Answer] = Operation(
    surface="answer",
    channel="customer",
    run=lambda copilot, payload: copilot.answer(payload),
    stream=lambda copilot, payload: copilot.stream_answer(payload),
    turns=lambda payload: [*payload.history, ConversationTurn(role="customer", text=payload.question)],
)


@router.post(
    "",
    operation_id="createAnswer",
    summary="Answer a customer's question from public help articles",
    response_model=Answer,
    responses={**streaming_200("The answer (or a handoff), stored as an interaction (its `id`)."),
               **problems(400, 401, 403, 413, 415, 422, 429, 503)},
)
async def create_answer(
    payload: AnswerRequest,
    request: Request,
    services: ServicesDep,
    principal: CustomerPrincipal,
    stream: Annotated[bool | None, Query(description="Stream with Server-Sent Events.")] = None,
) -> Response:
    """Answer from public help articles only, citing them, or hand over to a person.

    Retrieval runs with the customer audience, so internal procedures and past resolutions are never
    searched; a draft that fails a check is replaced by a handoff. Streams send only checked text.
    """
    return await respond(ANSWER, payload, request=request, services=services, principal=principal,
                         stream=wants_stream(request, stream))
