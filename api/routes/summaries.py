"""``POST /v1/summaries``: a handover summary of a conversation (scope ``agent``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import AgentPrincipal, ServicesDep
from api.generation import Operation, respond, wants_stream
from api.openapi import problems, streaming_200
from copilot.schemas import ConversationInput, Summary

router = APIRouter(prefix="/v1/summaries", tags=["summaries"])

SUMMARIZE: Operation[ConversationInput, Summary] = Operation(
    surface="summary",
    channel="agent",
    run=lambda copilot, payload: copilot.summarize(payload),
    stream=lambda copilot, payload: copilot.stream_summarize(payload),
    turns=lambda payload: payload.conversation,
)


@router.post(
    "",
    operation_id="createSummary",
    summary="Summarise a conversation for the handover",
    response_model=Summary,
    responses={**streaming_200("The summary, stored as an interaction (its `id`)."),
               **problems(400, 401, 403, 413, 415, 422, 429, 503)},
)
async def create_summary(
    payload: ConversationInput,
    request: Request,
    services: ServicesDep,
    principal: AgentPrincipal,
    stream: Annotated[bool | None, Query(description="Stream with Server-Sent Events.")] = None,
) -> Response:
    """Summarise the conversation: issue, actions taken, status, next steps and the customer's sentiment."""
    return await respond(SUMMARIZE, payload, request=request, services=services, principal=principal,
                         stream=wants_stream(request, stream))
