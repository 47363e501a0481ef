"""``POST /v1/suggestions``: a suggested reply for an agent (scope ``agent``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import AgentPrincipal, ServicesDep
from api.generation import Operation, respond, wants_stream
from api.openapi import problems, streaming_200
from copilot.schemas import ReplyInput, Suggestion

router = APIRouter(prefix="/v1/suggestions", tags=["suggestions"])

SUGGEST: Operation[ReplyInput, Suggestion] = Operation(
    surface="suggestion",
    channel="agent",
    run=lambda copilot, payload: copilot.suggest(payload),
    stream=lambda copilot, payload: copilot.stream_suggest(payload),
    turns=lambda payload: payload.conversation,
)


@router.post(
    "",
    operation_id="createSuggestion",
    summary="Suggest a reply to the customer's last message",
    response_model=Suggestion,
    responses={**streaming_200("The suggested reply, stored as an interaction (its `id`)."),
               **problems(400, 401, 403, 413, 415, 422, 429, 503)},
)
async def create_suggestion(
    payload: ReplyInput,
    request: Request,
    services: ServicesDep,
    principal: AgentPrincipal,
    stream: Annotated[bool | None, Query(description="Stream with Server-Sent Events.")] = None,
) -> Response:
    """Draft a reply for the agent from the conversation, with its sources, confidence and handoff advice.

    The conversation is PII-masked before retrieval and the model; the stored interaction holds only
    masked text. The agent edits and sends the reply; the copilot never sends anything.
    """
    return await respond(SUGGEST, payload, request=request, services=services, principal=principal,
                         stream=wants_stream(request, stream))
