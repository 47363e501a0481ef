"""Contacts: create (triage, route), read, accept, transfer, close (``/v1/contacts``).

Scopes: ``agent`` acts on the contacts offered or assigned to them (their key's name is their agent id);
``supervisor`` and ``admin`` see and act on every contact; ``customer`` may only create one, and gets back
its position and estimated wait, never the queue, the risks or the decision (internal).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import ServicesDep, require
from api.openapi import problems
from api.problems import ApiError
from api.services import Services
from copilot.guardrails.pii import mask_text
from copilot.schemas import ConversationInput
from routing.model import CONTACT_STATES, Channel, Contact, ContactState, RoutingError, TriageView
from routing.router import NewContact, NotFound
from routing.service import RoutingService

router = APIRouter(prefix="/v1/contacts", tags=["contacts"])

Anyone = Annotated[Principal, Depends(require("agent", "supervisor", "admin", "customer"))]
Staff = Annotated[Principal, Depends(require("agent", "supervisor", "admin"))]


def routing_of(services: Services) -> RoutingService:
    if services.routing is None:
        raise ApiError(503, "not-ready", "Routing is not available.", headers={"Retry-After": "5"})
    return services.routing


def sees_all(principal: Principal) -> bool:
    return principal.has_any(("supervisor", "admin"))


class ContactInput(ConversationInput):
    """A new contact: the conversation so far (ending with the customer) and its channel."""

    channel: Channel = "chat"
    customer_ref: str | None = Field(default=None, max_length=120, description="The bank's customer reference.")
    reopens: str | None = Field(default=None, max_length=36,
                                description="The contact this one reopens: it goes back to that agent if free.")


class ContactTriage(BaseModel):
    area: str
    intent: str | None
    risks: list[str]
    urgency: str
    request: str
    language: str
    handoff_reason: str | None
    vulnerability: str | None


class RoutingDecision(BaseModel):
    rule: str
    queue: str
    priority: float
    reason: str
    candidates: int
    agent_id: str | None
    score: list[float] | None
    flags: list[str]


class ContactView(BaseModel):
    """A contact as staff see it."""

    id: str
    state: ContactState
    channel: Channel
    queue: str
    priority: float
    position: int | None = Field(description="Contacts ranked ahead of this one, while it waits.")
    estimated_wait_s: float | None
    agent_id: str | None
    created_at: float
    deadline_at: float
    offered_at: float | None
    assigned_at: float | None
    ended_at: float | None
    outcome: str | None
    reopens: str | None
    transferred_from: str | None
    flags: list[str]
    triage: ContactTriage
    decision: RoutingDecision
    conversation: list[dict[str, str]] = Field(description="The PII-masked conversation the contact arrived with.")


class CustomerContactView(BaseModel):
    """What a customer's app sees of its contact."""

    id: str
    state: ContactState
    position: int | None
    estimated_wait_s: float | None


class ContactList(BaseModel):
    contacts: list[ContactView]


class TransferInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    queue: str = Field(min_length=1, max_length=80)
    reason: str = Field(default="", max_length=500)


class CloseInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: str | None = Field(default=None, max_length=200)


def view(service: RoutingService, contact: Contact, *, transcript: bool = True) -> ContactView:
    placement = service.router.placement(contact)
    wait = placement.estimated_wait_s if placement else None
    return ContactView(
        id=contact.id, state=contact.state, channel=contact.channel, queue=contact.queue, priority=contact.priority,
        position=placement.position if placement else None,
        estimated_wait_s=wait if wait is not None and math.isfinite(wait) else None,
        agent_id=contact.agent_id, created_at=contact.created_at, deadline_at=contact.deadline_at,
        offered_at=contact.offered_at, assigned_at=contact.assigned_at, ended_at=contact.ended_at,
        outcome=contact.outcome, reopens=contact.reopens, transferred_from=contact.transferred_from,
        flags=list(contact.flags), triage=ContactTriage(**{k: v for k, v in contact.triage.as_dict().items()
                                                           if k != "model_version"}),
        decision=RoutingDecision(**contact.decision.as_dict()),
        conversation=service.repo.transcript(contact.transferred_from or contact.id) if transcript else [],
    )


def _routing_error(error: RoutingError) -> ApiError:
    if isinstance(error, NotFound):
        return ApiError(404, "not-found", str(error))
    return ApiError(409, "conflict", str(error))


def _own(service: RoutingService, contact_id: str, principal: Principal) -> Contact:
    contact = service.repo.get_contact(contact_id)
    if contact is None or (not sees_all(principal) and contact.agent_id != principal.name):
        # Another agent's contact is not found, rather than forbidden: ids tell nothing about others' work.
        raise ApiError(404, "not-found", f"No contact {contact_id} for this key.")
    return contact


@router.post("", operation_id="createContact", summary="Triage a contact and route it to a queue and an agent",
             status_code=201, response_model=ContactView | CustomerContactView,
             responses={**problems(400, 401, 403, 404, 413, 415, 422, 429, 503)})
async def create_contact(payload: ContactInput, services: ServicesDep, principal: Anyone) -> Any:
    """Triage the PII-masked conversation, choose the queue and priority from the routing rules, and offer the
    contact to the best free agent, or leave it waiting. Staff get the whole decision; a customer gets its
    position and estimated wait only."""
    service = routing_of(services)
    if not any(t.role == "customer" for t in payload.conversation):
        raise ApiError(422, "invalid-request", "A contact needs at least one customer turn.")
    triage = await run_in_threadpool(services.copilot.triage, payload, surface="agent")
    services.metrics.observe_triage(triage)
    turns = [{"role": t.role, "text": mask_text(t.text)} for t in payload.conversation]
    new = NewContact(channel=payload.channel, triage=TriageView.of(triage), customer_ref=payload.customer_ref,
                     reopens=payload.reopens)

    def route() -> Contact:
        contact = service.router.create(new)
        service.repo.save_transcript(contact.id, turns)
        return contact

    try:
        contact = await run_in_threadpool(route)
    except RoutingError as error:
        raise _routing_error(error) from None
    if principal.scopes == frozenset({"customer"}):
        placement = service.router.placement(contact)
        wait = placement.estimated_wait_s if placement else None
        return CustomerContactView(id=contact.id, state=contact.state,
                                   position=placement.position if placement else None,
                                   estimated_wait_s=wait if wait is not None and math.isfinite(wait) else None)
    return await run_in_threadpool(view, service, contact)


@router.get("", operation_id="listContacts", summary="Contacts, filtered by agent and state",
            response_model=ContactList, responses={**problems(401, 403, 422, 429, 503)})
async def list_contacts(
    services: ServicesDep, principal: Staff,
    agent_id: Annotated[str | None, Query(max_length=120)] = None,
    state: Annotated[list[ContactState] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> ContactList:
    """An agent sees only their own contacts (``agent_id`` defaults to them); supervisors see everyone's."""
    service = routing_of(services)
    if not sees_all(principal):
        if agent_id not in (None, principal.name):
            raise ApiError(403, "forbidden", "An agent key lists only its own contacts.")
        agent_id = principal.name
    states = state or [s for s in CONTACT_STATES if s in ("waiting", "offered", "assigned")]

    def load() -> ContactList:
        found = service.repo.contacts(states=states, agent_id=agent_id, limit=limit)
        return ContactList(contacts=[view(service, c) for c in found])

    return await run_in_threadpool(load)


@router.get("/{contact_id}", operation_id="getContact", summary="One contact",
            response_model=ContactView, responses={**problems(401, 403, 404, 429, 503)})
async def get_contact(contact_id: str, services: ServicesDep, principal: Staff) -> ContactView:
    service = routing_of(services)
    contact = await run_in_threadpool(_own, service, contact_id, principal)
    return await run_in_threadpool(view, service, contact)


Action = Literal["accept", "transfer", "close"]


async def _act(request: Request, services: Services, principal: Principal, contact_id: str, action: Action,
               body: TransferInput | CloseInput | None) -> ContactView:
    service = routing_of(services)
    actor = None if sees_all(principal) else principal.name

    def run() -> ContactView:
        contact = _own(service, contact_id, principal)
        if action == "accept":
            done = service.router.accept(contact.id, actor or contact.agent_id or "")
        elif action == "transfer":
            assert isinstance(body, TransferInput)
            done = service.router.transfer(contact.id, actor, body.queue, reason=body.reason)
        else:
            done = service.router.close(contact.id, actor, outcome=body.outcome if isinstance(body, CloseInput)
                                        else None)
        return view(service, done)

    try:
        return await run_in_threadpool(run)
    except RoutingError as error:
        raise _routing_error(error) from None


@router.post("/{contact_id}/accept", operation_id="acceptContact", summary="Take a contact offered to you",
             response_model=ContactView, responses={**problems(401, 403, 404, 409, 429, 503)})
async def accept_contact(contact_id: str, request: Request, services: ServicesDep, principal: Staff) -> ContactView:
    return await _act(request, services, principal, contact_id, "accept", None)


@router.post("/{contact_id}/transfer", operation_id="transferContact",
             summary="Move an assigned contact to another queue (a new leg waits there)",
             response_model=ContactView, responses={**problems(400, 401, 403, 404, 409, 415, 422, 429, 503)})
async def transfer_contact(contact_id: str, payload: TransferInput, request: Request, services: ServicesDep,
                           principal: Staff) -> ContactView:
    return await _act(request, services, principal, contact_id, "transfer", payload)


@router.post("/{contact_id}/close", operation_id="closeContact", summary="Close an assigned contact",
             response_model=ContactView, responses={**problems(400, 401, 403, 404, 409, 415, 422, 429, 503)})
async def close_contact(contact_id: str, request: Request, services: ServicesDep, principal: Staff,
                        payload: CloseInput | None = None) -> ContactView:
    return await _act(request, services, principal, contact_id, "close", payload or CloseInput())
