"""Agents (``/v1/agents``): status, skills, and the live stream of an agent's offers and assignments.

An ``agent`` key acts on its own record only (its name is its agent id); ``supervisor`` and ``admin`` on any.
Skills, languages and capacity are set by a supervisor (``PUT /v1/agents/{id}``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import ServicesDep, require
from api.openapi import problems
from api.problems import ApiError
from api.routes.contacts import routing_of, sees_all
from api.sse import SSE_MEDIA_TYPE, encode_comment, encode_event
from routing.model import Agent, AgentStatus, RoutingError
from routing.router import NotFound

router = APIRouter(prefix="/v1/agents", tags=["agents"])

Staff = Annotated[Principal, Depends(require("agent", "supervisor", "admin"))]
Supervisor = Annotated[Principal, Depends(require("supervisor", "admin"))]

_POLL_S = 0.5
_HEARTBEAT_S = 15.0


class AgentView(BaseModel):
    id: str
    name: str
    status: AgentStatus
    skills: dict[str, int]
    languages: list[str]
    capacity: int
    load: int


class StatusInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: AgentStatus


class AgentInput(BaseModel):
    """An agent's profile: skills with levels (1-5), languages, and how many chats they hold at once."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    skills: dict[str, Annotated[int, Field(ge=1, le=5)]] = Field(min_length=1, max_length=100)
    languages: list[str] = Field(default=["en"], min_length=1, max_length=20)
    capacity: int = Field(default=3, ge=1, le=20)


def _view(agent: Agent) -> AgentView:
    return AgentView(id=agent.id, name=agent.name, status=agent.status, skills=agent.skills,
                     languages=list(agent.languages), capacity=agent.capacity, load=agent.load)


def _self_or_supervisor(agent_id: str, principal: Principal) -> None:
    if not sees_all(principal) and agent_id != principal.name:
        raise ApiError(403, "forbidden", "An agent key acts only on its own agent record.")


@router.get("/{agent_id}", operation_id="getAgent", summary="One agent", response_model=AgentView,
            responses={**problems(401, 403, 404, 429, 503)})
async def get_agent(agent_id: str, services: ServicesDep, principal: Staff) -> AgentView:
    _self_or_supervisor(agent_id, principal)
    agent = await run_in_threadpool(routing_of(services).repo.get_agent, agent_id)
    if agent is None:
        raise ApiError(404, "not-found", f"No agent {agent_id}.")
    return _view(agent)


@router.put("/{agent_id}", operation_id="putAgent", summary="Create or update an agent's skills and capacity",
            response_model=AgentView, responses={**problems(400, 401, 403, 415, 422, 429, 503)})
async def put_agent(agent_id: str, payload: AgentInput, services: ServicesDep, principal: Supervisor) -> AgentView:
    service = routing_of(services)
    agent = Agent(id=agent_id, name=payload.name, skills=payload.skills, languages=tuple(payload.languages),
                  capacity=payload.capacity)
    try:
        return _view(await run_in_threadpool(service.router.register_agent, agent))
    except RoutingError as error:
        raise ApiError(422, "invalid-request", str(error)) from None


@router.put("/{agent_id}/status", operation_id="putAgentStatus", summary="Set an agent's status",
            response_model=AgentView, responses={**problems(400, 401, 403, 404, 415, 422, 429, 503)})
async def put_status(agent_id: str, payload: StatusInput, services: ServicesDep, principal: Staff) -> AgentView:
    """An agent who becomes ``available`` is offered waiting contacts at once."""
    _self_or_supervisor(agent_id, principal)
    try:
        agent = await run_in_threadpool(routing_of(services).router.set_status, agent_id, payload.status)
    except NotFound as error:
        raise ApiError(404, "not-found", str(error)) from None
    return _view(agent)


@router.get("/{agent_id}/events", operation_id="streamAgentEvents",
            summary="Server-sent events: the agent's offers, assignments, transfers and closes",
            responses={200: {"description": "An event stream; each event's data is the outbox record.",
                             "content": {SSE_MEDIA_TYPE: {}}}, **problems(401, 403, 404, 429, 503)})
async def stream_events(
    agent_id: str, request: Request, services: ServicesDep, principal: Staff,
    after: Annotated[int | None, Query(ge=0, description="Resume after this sequence number.")] = None,
) -> StreamingResponse:
    """Events named by their kind (``contact.offered``, ``contact.assigned``, ...), ``id:`` the outbox sequence
    (send it back as ``after`` or ``Last-Event-ID`` to resume), and comments as heartbeats."""
    _self_or_supervisor(agent_id, principal)
    service = routing_of(services)
    if await run_in_threadpool(service.repo.get_agent, agent_id) is None:
        raise ApiError(404, "not-found", f"No agent {agent_id}.")
    last_id = request.headers.get("last-event-id")
    start = after if after is not None else (int(last_id) if last_id and last_id.isdigit() else None)
    if start is None:
        start = await run_in_threadpool(service.repo.last_seq)

    async def events() -> AsyncIterator[bytes]:
        seq = start
        quiet = 0.0
        yield encode_comment("connected")
        while not await request.is_disconnected():
            batch = await run_in_threadpool(service.repo.events_after, seq, agent_id=agent_id)
            for number, event in batch:
                seq = number
                yield f"id: {number}\n".encode() + encode_event(event.kind, {
                    "seq": number, "kind": event.kind, "subject": event.subject, "at": event.at, **event.data})
            if batch:
                quiet = 0.0
                continue
            await asyncio.sleep(_POLL_S)
            quiet += _POLL_S
            if quiet >= _HEARTBEAT_S:
                quiet = 0.0
                yield encode_comment("heartbeat")

    return StreamingResponse(events(), media_type=SSE_MEDIA_TYPE,
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
