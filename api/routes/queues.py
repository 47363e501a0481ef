"""``GET /v1/queues``: every queue live (waiting, oldest wait, today's service level, agents available)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import ServicesDep, require
from api.openapi import problems
from api.routes.contacts import routing_of

router = APIRouter(prefix="/v1/queues", tags=["queues"])

Staff = Annotated[Principal, Depends(require("agent", "supervisor", "admin"))]


class QueueView(BaseModel):
    id: str
    name: str
    waiting: int
    oldest_wait_s: float
    service_level_today: float | None
    answered_in_target_today: int
    settled_today: int
    agents_available: int
    target_wait_s: float


class QueueList(BaseModel):
    rules_version: str
    queues: list[QueueView]


@router.get("", operation_id="listQueues", summary="Every queue, live", response_model=QueueList,
            responses={**problems(401, 403, 429, 503)})
async def list_queues(services: ServicesDep, principal: Staff) -> QueueList:
    """Busiest first. The service level is today's (UTC) answered-within-target share of answered or abandoned
    contacts; ``null`` before any."""
    service = routing_of(services)
    queues = await run_in_threadpool(service.queues)
    return QueueList(rules_version=service.rules.version,
                     queues=[QueueView(**{f: getattr(q, f) for f in QueueView.model_fields}) for q in queues])
