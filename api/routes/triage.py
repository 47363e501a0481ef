"""``POST /v1/triage``: what a contact is about, what it risks and who must see it (scope ``agent``).

The router and the agent console call it; customers never do (the result names risks and procedures).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from api.deps import AgentPrincipal, ServicesDep
from api.openapi import problems
from copilot.schemas import ReplyInput
from copilot.triage.result import TriageResult

router = APIRouter(prefix="/v1/triage", tags=["triage"])


class TriageInput(ReplyInput):
    """A conversation ending with the customer's turn, and the surface whose knowledge base counts."""

    surface: Literal["customer", "agent"] = Field(
        default="customer", description="Whose knowledge base decides `answerable`, and which handoffs apply."
    )


@router.post(
    "",
    operation_id="createTriage",
    summary="Triage a conversation: intent, risks, request type, answerability and handoff",
    response_model=TriageResult,
    responses={**problems(400, 401, 403, 413, 415, 422, 429, 503)},
)
async def create_triage(payload: TriageInput, services: ServicesDep, principal: AgentPrincipal) -> TriageResult:
    """Triage the PII-masked conversation. Every risk head's score is returned with its threshold, and the
    handoff says which head or fail-safe rule decided it. Nothing is stored."""
    conversation = ReplyInput(conversation=payload.conversation, customer_context=payload.customer_context)
    result = await run_in_threadpool(services.copilot.triage, conversation, surface=payload.surface)
    services.metrics.observe_triage(result)
    return result
