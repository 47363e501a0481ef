"""The routing domain: queues, agents, contacts and the decisions that joined them.

Plain frozen dataclasses, shared by the store (:mod:`routing.store`), the router (:mod:`routing.router`)
and the simulator (:mod:`routing.simulate`). Time is seconds since the epoch (a float), passed in by the
caller, so the simulator's virtual clock and the service's wall clock drive the same code.

A contact moves through::

    waiting -> offered -> assigned -> closed
       |  ^       |           |
       |  +-------+ (offer    +-> transferred (a new contact waits in the target queue)
       |           timed out)
       +-> abandoned (the customer left before an agent took it)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

__all__ = [
    "AGENT_STATUSES",
    "CHANNELS",
    "CONTACT_STATES",
    "OPEN_STATES",
    "TERMINAL_STATES",
    "Agent",
    "AgentStatus",
    "Channel",
    "Contact",
    "ContactState",
    "Decision",
    "Event",
    "RoutingError",
    "TransitionError",
    "TriageView",
]

Channel = Literal["chat", "voice", "message", "email"]
ContactState = Literal["waiting", "offered", "assigned", "closed", "abandoned", "transferred"]
AgentStatus = Literal["available", "busy", "away", "offline"]

CHANNELS: tuple[Channel, ...] = get_args(Channel)
CONTACT_STATES: tuple[ContactState, ...] = get_args(ContactState)
AGENT_STATUSES: tuple[AgentStatus, ...] = get_args(AgentStatus)
OPEN_STATES: frozenset[ContactState] = frozenset({"waiting", "offered", "assigned"})
TERMINAL_STATES: frozenset[ContactState] = frozenset({"closed", "abandoned", "transferred"})

#: Which state may follow which: anything else is a :class:`TransitionError`.
_NEXT: dict[ContactState, frozenset[ContactState]] = {
    "waiting": frozenset({"offered", "abandoned"}),
    "offered": frozenset({"assigned", "waiting", "abandoned"}),
    "assigned": frozenset({"closed", "transferred"}),
    "closed": frozenset(),
    "abandoned": frozenset(),
    "transferred": frozenset(),
}


class RoutingError(Exception):
    """A routing operation that cannot be done as asked (the message says why, for the caller)."""


class TransitionError(RoutingError):
    """A contact asked to move to a state its current state does not lead to."""


@dataclass(frozen=True, slots=True)
class TriageView:
    """What routing reads of triage: enough to choose a queue, nothing of the conversation itself."""

    area: str = "general"
    language: str = "en"
    risks: tuple[str, ...] = ()
    urgency: str = "routine"
    intent: str | None = None
    request: str = "question"
    handoff_reason: str | None = None
    vulnerability: str | None = None
    model_version: str | None = None

    @classmethod
    def of(cls, result: Any) -> TriageView:
        """From a :class:`copilot.triage.result.TriageResult`."""
        vulnerability = result.risk("vulnerability")
        return cls(
            area=result.area,
            language=result.language,
            risks=tuple(result.detected_risks),
            urgency=result.urgency,
            intent=result.intent[0].intent if result.intent else None,
            request=result.request,
            handoff_reason=result.handoff.reason,
            vulnerability=vulnerability.subtype if vulnerability is not None and vulnerability.detected else None,
            model_version=result.model_version,
        )

    def as_dict(self) -> dict[str, Any]:
        return {"area": self.area, "language": self.language, "risks": list(self.risks), "urgency": self.urgency,
                "intent": self.intent, "request": self.request, "handoff_reason": self.handoff_reason,
                "vulnerability": self.vulnerability, "model_version": self.model_version}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TriageView:
        return cls(area=raw.get("area", "general"), language=raw.get("language", "en"),
                   risks=tuple(raw.get("risks", ())), urgency=raw.get("urgency", "routine"),
                   intent=raw.get("intent"), request=raw.get("request", "question"),
                   handoff_reason=raw.get("handoff_reason"), vulnerability=raw.get("vulnerability"),
                   model_version=raw.get("model_version"))


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a contact went where it went: the rule, the queue and priority it chose, and the agents weighed."""

    rule: str
    queue: str
    priority: float
    reason: str
    candidates: int = 0
    agent_id: str | None = None
    score: tuple[float, ...] | None = None
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "queue": self.queue, "priority": self.priority, "reason": self.reason,
                "candidates": self.candidates, "agent_id": self.agent_id,
                "score": list(self.score) if self.score is not None else None, "flags": list(self.flags)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Decision:
        score = raw.get("score")
        return cls(rule=raw["rule"], queue=raw["queue"], priority=float(raw["priority"]), reason=raw["reason"],
                   candidates=int(raw.get("candidates", 0)), agent_id=raw.get("agent_id"),
                   score=tuple(score) if score is not None else None, flags=tuple(raw.get("flags", ())))


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent as routing sees them.

    ``skills`` maps a skill to a level (1 = trained, 5 = expert). ``capacity`` is how many chat-like contacts
    they may hold at once; a voice call takes all of it. ``idle_since`` is when their load last fell to 0.
    """

    id: str
    name: str
    skills: dict[str, int]
    languages: tuple[str, ...] = ("en",)
    capacity: int = 1
    status: AgentStatus = "offline"
    load: int = 0
    idle_since: float = 0.0
    version: int = 0

    def free(self) -> int:
        return max(0, self.capacity - self.load)

    def with_(self, **changes: Any) -> Agent:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact: who it is for, where it waits, and who has it."""

    id: str
    channel: Channel
    queue: str
    priority: float
    target_wait_s: float
    created_at: float
    deadline_at: float
    triage: TriageView
    decision: Decision
    skill: str = "general"
    min_level: int = 1
    language: str = "en"
    state: ContactState = "waiting"
    agent_id: str | None = None
    preferred_agent_id: str | None = None
    reopens: str | None = None
    transferred_from: str | None = None
    customer_ref: str | None = None
    cost: int = 1
    offered_at: float | None = None
    assigned_at: float | None = None
    ended_at: float | None = None
    outcome: str | None = None
    version: int = 0
    flags: tuple[str, ...] = field(default_factory=tuple)

    def moved(self, state: ContactState, **changes: Any) -> Contact:
        """This contact in ``state``; raises :class:`TransitionError` when ``state`` cannot follow."""
        if state not in _NEXT[self.state]:
            raise TransitionError(f"contact {self.id} is {self.state}; it cannot become {state}")
        return replace(self, state=state, **changes)

    def urgency(self, now: float, aging_weight: float) -> float:
        """The priority aged by waiting: ``priority + aging_weight * waited / target wait``."""
        return self.priority + aging_weight * max(0.0, now - self.created_at) / self.target_wait_s

    def fits(self, agent: Agent) -> bool:
        """Whether ``agent`` has the skill, level and language this contact needs."""
        return agent.skills.get(self.skill, 0) >= self.min_level and self.language in agent.languages

    def waited(self, now: float) -> float:
        """Seconds waited: until it was offered, or until ``now`` while it still waits."""
        end = self.assigned_at if self.assigned_at is not None else (self.ended_at if self.ended_at else now)
        return max(0.0, end - self.created_at)


@dataclass(frozen=True, slots=True)
class Event:
    """One fact for the outbox: what happened to which contact or agent, and when."""

    kind: Literal["contact.created", "contact.offered", "contact.assigned", "contact.requeued", "contact.closed",
                  "contact.abandoned", "contact.transferred", "agent.status_changed"]
    subject: str
    at: float
    data: dict[str, Any]
