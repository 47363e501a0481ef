"""``GET /v1/interactions/{id}``: a stored interaction with its feedback (scope ``agent`` or ``admin``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.concurrency import run_in_threadpool

from api.deps import ReaderPrincipal, ServicesDep
from api.openapi import problems
from api.problems import ApiError
from api.schemas import InteractionOut

router = APIRouter(prefix="/v1/interactions", tags=["interactions"])


@router.get(
    "/{interaction_id}",
    operation_id="getInteraction",
    summary="Read an interaction and its feedback",
    response_model=InteractionOut,
    responses=problems(401, 403, 404, 422, 429, 503),
)
async def get_interaction(
    interaction_id: Annotated[str, Path(max_length=64, description="The `id` of a suggestion, answer or summary.")],
    services: ServicesDep,
    principal: ReaderPrincipal,
) -> InteractionOut:
    """The interaction as stored: masked input and output, provider, model, prompt version, usage, feedback."""
    view = await run_in_threadpool(services.store.get_interaction, interaction_id)
    if view is None:
        raise ApiError(404, "not-found", f"No interaction has the id {interaction_id!r}.")
    return InteractionOut.from_view(view)
