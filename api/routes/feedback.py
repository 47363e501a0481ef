"""``POST /v1/feedback``: an agent's verdict on a suggestion or summary (scope ``agent``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import AgentPrincipal, ServicesDep
from api.openapi import problems
from api.problems import ApiError
from api.schemas import FeedbackIn, FeedbackOut
from copilot.store import FeedbackView, NotFound

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])

#: Surfaces an agent gives verdicts on; customer answers are not the agent's to judge.
_JUDGED_SURFACES = frozenset({"suggestion", "summary"})


@router.post(
    "",
    status_code=201,
    operation_id="createFeedback",
    summary="Record an agent's verdict on a suggestion",
    response_model=FeedbackOut,
    responses={
        201: {"description": "Stored; `Location` is the interaction it belongs to."},
        **problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
    },
)
async def create_feedback(payload: FeedbackIn, services: ServicesDep, principal: AgentPrincipal) -> JSONResponse:
    """``accepted``, ``edited`` (with the text that was sent) or ``rejected``, with an optional reason and comment.

    An interaction may get several verdicts; the newest one counts (for the export of candidate past
    resolutions). 404 when the interaction does not exist, 409 when it is a customer answer.
    """
    interaction_id = str(payload.interaction_id)
    store = services.store

    def work() -> FeedbackView:
        interaction = store.get_interaction(interaction_id)
        if interaction is None:
            raise NotFound(f"no interaction with id {interaction_id!r}", operation="add_feedback")
        if interaction.surface not in _JUDGED_SURFACES:
            raise ApiError(409, "conflict", f"Interaction {interaction_id} is a customer answer; feedback is for "
                                            "suggestions and summaries.")
        return store.add_feedback(
            interaction_id,
            payload.verdict,
            reason=payload.reason,
            edited_text=payload.edited_text,
            comment=payload.comment,
            principal=principal.name,
        )

    try:
        view = await run_in_threadpool(work)
    except NotFound as exc:
        raise ApiError(404, "not-found", f"No interaction has the id {interaction_id}.") from exc
    except ValueError as exc:  # the store's own argument checks; ours run first, so this is a mismatch
        raise ApiError(422, "validation", str(exc)) from exc
    services.metrics.feedback.labels(view.verdict, view.reason or "none").inc()
    return JSONResponse(
        FeedbackOut.from_view(view).model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/v1/interactions/{interaction_id}"},
    )
