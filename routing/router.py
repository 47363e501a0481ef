"""The router: a new contact to a queue and the best agent free for it, and a freed agent to the next contact.

Every operation is one repository transaction (see :mod:`routing.repository` for the locking contract),
takes the time ``now`` from its caller (the simulator's virtual clock or the wall clock), records why it
decided what it did (:class:`~routing.model.Decision`), and emits its events to the outbox.

- :meth:`Router.create`: triage view -> rule -> queue, priority, target wait; a reopened contact goes back
  to its previous agent when they are free ("sticky"); otherwise the policy's best eligible agent with room
  is offered it, or it waits.
- When an agent gains room (accepts less, closes, comes back, an offer expires) they pull the waiting
  contact the policy ranks first (priority aged by waiting time, so nothing starves).
- :meth:`Router.sweep` expires unanswered offers and matches anything left waiting with free agents;
  the service runs it every second, which also covers a contact and an agent freed at the same instant
  in two processes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from routing.model import Agent as AgentRecord
from routing.model import AgentStatus, Channel, Contact, ContactState, Decision, Event, RoutingError, TriageView
from routing.policy import Policy, SkillsPriority
from routing.repository import Repository, Transaction
from routing.rules import Rules, RulesError

__all__ = ["DEFAULT_HANDLE_S", "NewContact", "NotFound", "Placement", "Router"]

#: The handle time assumed per channel for wait estimates, until the store has closed contacts to learn from.
DEFAULT_HANDLE_S: Mapping[str, float] = {"chat": 480.0, "voice": 360.0, "message": 900.0, "email": 1200.0}


#: How many agents (or waiting contacts) a store need return for a decision: the best by the store's own
#: order (ours: level, load, idle; aged priority), which the policy then ranks. Enough to survive the
#: policy's extra filters (reserve, language), small enough that a decision reads few rows.
_CANDIDATES = 64
#: Agents read at a time when the store's order is the policy's (the first page that fits is enough).
_CANDIDATE_PAGE = 16
#: Waiting contacts a freed agent reads at a time.
_PULL_PAGE = 16
_OFFERED: tuple[ContactState] = ("offered",)
_ASSIGNED: tuple[ContactState] = ("assigned",)
_WAITING: tuple[ContactState] = ("waiting",)


class NotFound(RoutingError, LookupError):
    """No contact or agent with that id."""


@dataclass(frozen=True, slots=True)
class NewContact:
    """A contact to route: its channel and triage, and optionally the contact it reopens."""

    channel: Channel
    triage: TriageView
    customer_ref: str | None = None
    reopens: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a waiting contact stands: how many are ahead of it and a rough wait."""

    position: int
    estimated_wait_s: float


class Router:
    """Routes contacts with ``policy`` (ours by default) over ``repo`` under ``rules``."""

    def __init__(self, repo: Repository, rules: Rules, policy: Policy | None = None, *,
                 clock: Callable[[], float] = time.time, handle_s: Mapping[str, float] = DEFAULT_HANDLE_S) -> None:
        self.repo = repo
        self.rules = rules
        self.policy: Policy = policy or SkillsPriority(rules.aging_weight, rules.reserve)
        self.clock = clock
        self.handle_s = dict(handle_s)

    # -- agents ----------------------------------------------------------------------------------------

    def register_agent(self, agent: AgentRecord, now: float | None = None) -> AgentRecord:
        """Add an agent or update their skills, languages and capacity (their load and status are kept)."""
        at = self.clock() if now is None else now
        if agent.capacity < 1:
            raise RoutingError("an agent's capacity must be at least 1")
        if any(not 1 <= level <= 5 for level in agent.skills.values()):
            raise RoutingError("skill levels run from 1 to 5")
        with self.repo.transaction() as tx:
            current = tx.lock_agent(agent.id, skip_locked=False)
            if current is None:
                saved = replace(agent, load=0, idle_since=at)
            else:
                saved = replace(current, name=agent.name, skills=dict(agent.skills), languages=agent.languages,
                                capacity=agent.capacity, version=current.version + 1)
            tx.upsert_agent(saved, skills_changed=current is None or current.skills != saved.skills)
            if saved.status == "available":
                saved = self._pull(tx, saved, at)
            return saved

    def set_status(self, agent_id: str, status: AgentStatus, now: float | None = None) -> AgentRecord:
        """Change an agent's presence; an agent who becomes available pulls waiting contacts at once."""
        at = self.clock() if now is None else now
        with self.repo.transaction() as tx:
            agent = tx.lock_agent(agent_id, skip_locked=False)
            if agent is None:
                raise NotFound(f"no agent {agent_id}")
            if agent.status != status:
                agent = replace(agent, status=status, version=agent.version + 1)
                tx.upsert_agent(agent)
                tx.emit(Event("agent.status_changed", agent.id, at, {"agent_id": agent.id, "status": status}),
                        agent_id=agent.id)
            if status == "available":
                agent = self._pull(tx, agent, at)
            return agent

    # -- contacts --------------------------------------------------------------------------------------

    def create(self, new: NewContact, now: float | None = None) -> Contact:
        """Route a new contact: offer it to an agent now, or leave it waiting in its queue."""
        at = self.clock() if now is None else now
        route = self.rules.route(new.triage, new.channel)
        decision = Decision(rule=route.rule, queue=route.queue.id, priority=route.priority,
                            reason=f"rule {route.rule} ({self.rules.version})", flags=route.flags)
        with self.repo.transaction() as tx:
            previous = tx.get_contact(new.reopens) if new.reopens else None
            if new.reopens and previous is None:
                raise NotFound(f"no contact {new.reopens} to reopen")
            contact = Contact(
                id=new.id or str(uuid.uuid4()), channel=new.channel, queue=route.queue.id, priority=route.priority,
                target_wait_s=route.target_wait_s, created_at=at, deadline_at=at + route.target_wait_s,
                triage=new.triage, decision=decision, skill=route.queue.skill, min_level=route.min_level,
                language=route.language, preferred_agent_id=previous.agent_id if previous else None,
                reopens=new.reopens, customer_ref=new.customer_ref, cost=1, flags=route.flags,
            )
            contact = replace(contact, cost=self._cost(contact))
            tx.emit(Event("contact.created", contact.id, at, _summary(contact)))
            return self._dispatch(tx, contact, at, new=True)

    def accept(self, contact_id: str, agent_id: str, now: float | None = None) -> Contact:
        """The offered agent takes the contact."""
        at = self.clock() if now is None else now
        with self.repo.transaction() as tx:
            contact = tx.move_contact(contact_id, "assigned", source=_OFFERED, held_by=agent_id, assigned_at=at)
            if contact is None:
                state = self._locked(tx, contact_id).state
                raise RoutingError(f"contact {contact_id} is not offered to agent {agent_id} (it is {state})")
            tx.emit(Event("contact.assigned", contact.id, at, _summary(contact)), agent_id=agent_id)
            return contact

    def close(self, contact_id: str, agent_id: str | None, now: float | None = None, *,
              outcome: str | None = None) -> Contact:
        """The agent finished the contact; their room goes to the next waiting contact."""
        at = self.clock() if now is None else now
        with self.repo.transaction() as tx:
            contact = tx.move_contact(contact_id, "closed", source=_ASSIGNED, held_by=agent_id, ended_at=at,
                                      outcome=outcome)
            if contact is None:
                current = self._locked(tx, contact_id)
                if current.state != "assigned":
                    raise RoutingError(f"contact {contact_id} is {current.state}; only an assigned contact can be "
                                       "closed")
                raise RoutingError(f"contact {contact_id} is assigned to another agent")
            tx.emit(Event("contact.closed", contact.id, at, _summary(contact)), agent_id=contact.agent_id)
            self._release(tx, contact, at)
            return contact

    def transfer(self, contact_id: str, agent_id: str | None, queue_id: str, now: float | None = None, *,
                 reason: str = "") -> Contact:
        """Move an assigned contact to another queue: this leg ends ``transferred``, a new one waits there.

        The new leg keeps the contact's arrival time and priority, so a transfer never sends it to the back.
        """
        at = self.clock() if now is None else now
        try:
            queue = self.rules.queue(queue_id)
        except RulesError as error:
            raise RoutingError(str(error)) from None
        with self.repo.transaction() as tx:
            contact = self._locked(tx, contact_id)
            if contact.state != "assigned":
                raise RoutingError(f"contact {contact_id} is {contact.state}; only an assigned contact can be moved")
            if agent_id is not None and contact.agent_id != agent_id:
                raise RoutingError(f"contact {contact_id} is assigned to another agent")
            ended = contact.moved("transferred", ended_at=at, outcome=f"transferred to {queue_id}",
                                  version=contact.version + 1)
            tx.update_contact(ended)
            tx.emit(Event("contact.transferred", ended.id, at, {**_summary(ended), "to_queue": queue_id,
                                                                "reason": reason}), agent_id=ended.agent_id)
            self._release(tx, ended, at)
            language = queue.language or contact.language
            leg = replace(
                contact, id=str(uuid.uuid4()), queue=queue.id, skill=queue.skill,
                min_level=max(queue.min_level, 1), language=language, state="waiting", agent_id=None,
                target_wait_s=queue.target_wait_s[contact.channel],
                deadline_at=at + queue.target_wait_s[contact.channel], offered_at=None, assigned_at=None,
                ended_at=None, outcome=None, version=0, transferred_from=contact.id, preferred_agent_id=None,
                decision=Decision(rule="transfer", queue=queue.id, priority=contact.priority,
                                  reason=f"transferred by {contact.agent_id}: {reason}".strip(": "),
                                  flags=contact.flags),
            )
            tx.emit(Event("contact.created", leg.id, at, _summary(leg)))
            return self._dispatch(tx, leg, at, new=True)

    def abandon(self, contact_id: str, now: float | None = None) -> Contact:
        """The customer left before an agent took the contact."""
        at = self.clock() if now is None else now
        with self.repo.transaction() as tx:
            contact = self._locked(tx, contact_id)
            if contact.state not in ("waiting", "offered"):
                raise RoutingError(f"contact {contact_id} is {contact.state}; it can no longer be abandoned")
            was_offered = contact.state == "offered"
            contact = contact.moved("abandoned", ended_at=at, version=contact.version + 1)
            tx.update_contact(contact)
            tx.emit(Event("contact.abandoned", contact.id, at, _summary(contact)), agent_id=contact.agent_id)
            if was_offered:
                self._release(tx, contact, at)
            return contact

    def sweep(self, now: float | None = None, *, max_moves: int = 500) -> int:
        """Expire unanswered offers and match what waits with who is free; returns how many offers it made."""
        at = self.clock() if now is None else now
        offered = 0
        with self.repo.transaction() as tx:
            for stale in tx.expired_offers(at - self.rules.offer_timeout_s):
                contact = tx.lock_contact(stale.id, skip_locked=True)
                if contact is None or contact.state != "offered" or contact.agent_id is None:
                    continue
                agent = tx.lock_agent(contact.agent_id, skip_locked=False)
                requeued = contact.moved("waiting", agent_id=None, offered_at=None, version=contact.version + 1)
                tx.update_contact(requeued)
                tx.emit(Event("contact.requeued", contact.id, at, {**_summary(requeued), "missed_by": agent.id
                              if agent else None}), agent_id=contact.agent_id)
                if agent is not None:
                    agent = replace(agent, load=max(0, agent.load - contact.cost), status="away",
                                    version=agent.version + 1)
                    tx.upsert_agent(agent)
                    tx.emit(Event("agent.status_changed", agent.id, at, {"agent_id": agent.id, "status": "away",
                                                                          "reason": "missed an offer"}),
                            agent_id=agent.id)
        with self.repo.transaction() as tx:
            for free in sorted(tx.free_agents(), key=lambda a: a.idle_since):
                if offered >= max_moves:
                    break
                agent = tx.lock_agent(free.id, skip_locked=True)
                if agent is None or agent.status != "available" or agent.free() == 0:
                    continue
                load = agent.load
                agent = self._pull(tx, agent, at)
                offered += agent.load - load
        return offered

    def placement(self, contact: Contact, now: float | None = None) -> Placement | None:
        """How many waiting contacts the policy ranks ahead of ``contact``, and a rough wait; ``None`` unless
        it waits."""
        at = self.clock() if now is None else now
        if contact.state != "waiting":
            return None
        with self.repo.transaction() as tx:
            peers = tx.waiting(skills=[contact.skill] if self.policy.uses_skills else None,
                               languages=[contact.language])
            mine = self.policy.contact_score(contact, at)
            ahead = sum(1 for p in peers if p.id != contact.id and self.policy.contact_score(p, at) > mine)
        staffed = [a for a in self.repo.agents() if a.status in ("available", "busy") and self.policy.fits(contact, a)]
        slots = sum(a.capacity for a in staffed) / max(1, contact.cost)
        per_contact = self.handle_s.get(contact.channel, 480.0)
        if slots <= 0:
            return Placement(ahead, float("inf"))
        return Placement(ahead, round((ahead + 1) * per_contact / slots, 1))

    # -- internals -------------------------------------------------------------------------------------

    def _cost(self, contact: Contact) -> int:
        """A voice call takes an agent whole; a chat, message or email one unit of their capacity."""
        return 1 if contact.channel != "voice" else 1_000

    def _locked(self, tx: Transaction, contact_id: str) -> Contact:
        contact = tx.lock_contact(contact_id, skip_locked=False)
        if contact is None:
            raise NotFound(f"no contact {contact_id}")
        return contact

    def _dispatch(self, tx: Transaction, contact: Contact, now: float, *, new: bool = False) -> Contact:
        """Offer ``contact`` (locked in ``tx``, or ``new``: written once, in the state it ends in) to its previous
        agent or the best free one."""
        if contact.preferred_agent_id:
            agent = tx.lock_agent(contact.preferred_agent_id, skip_locked=True)
            if agent is not None and self._room_for(contact, agent, sticky=True):
                return self._offer(tx, contact, agent, now, reason="sticky: the agent of the contact it reopens",
                                   candidates=1, score=None, new=new)
        # When the store's order is the policy's, the first page that holds an agent who fits holds its choice;
        # otherwise the policy ranks one larger page.
        size = _CANDIDATE_PAGE if self.policy.store_order else _CANDIDATES
        team = _TeamReserve(tx, self.policy)
        fitting = 0
        for offset in range(0, _CANDIDATES, size):
            page = tx.agent_candidates(contact, by_skill=self.policy.uses_skills, limit=size, offset=offset)
            ranked = sorted((a for a in page if self._room_for(contact, a)),
                            key=lambda a: self.policy.agent_score(contact, a, now), reverse=True)
            fitting += len(ranked)
            for candidate in ranked:
                if not team.allows(contact, candidate):
                    continue
                # The candidate was read without a lock: take their room only if they are unchanged since.
                claimed = tx.claim_agent(candidate, candidate.load + min(contact.cost, candidate.capacity))
                if claimed is not None:
                    score = self.policy.agent_score(contact, candidate, now)
                    return self._offer(tx, contact, candidate, now, reason=f"best of {fitting} free "
                                       f"({self.policy.name})", candidates=fitting, score=score, new=new,
                                       claimed=True)
            if len(page) != size:
                break
        waiting = replace(contact, decision=replace(contact.decision, candidates=fitting,
                                                    reason=f"{contact.decision.reason}; no free agent, waits"))
        _save(tx, waiting, new=new)
        return waiting

    def _room_for(self, contact: Contact, agent: AgentRecord, *, sticky: bool = False) -> bool:
        if agent.status != "available" or agent.free() < min(contact.cost, agent.capacity):
            return False
        if contact.cost > agent.capacity and agent.load > 0:
            return False
        return contact.language in agent.languages if sticky else self.policy.fits(contact, agent)

    def _offer(self, tx: Transaction, contact: Contact, agent: AgentRecord, now: float, *, reason: str,
               candidates: int, score: tuple[float, ...] | None, new: bool = False, claimed: bool = False) -> Contact:
        """Offer ``contact`` to ``agent`` (locked, or ``claimed``: their room already taken in the store)."""
        offered = contact.moved("offered", agent_id=agent.id, offered_at=now, cost=min(contact.cost, agent.capacity),
                                version=contact.version + 1,
                                decision=_decided(contact, agent, reason=reason, candidates=candidates, score=score))
        _save(tx, offered, new=new)
        return _taken(tx, offered, agent, now, take_room=not claimed)

    def _claim(self, tx: Transaction, contact: Contact, agent: AgentRecord, now: float, *, reason: str,
               candidates: int, score: tuple[float, ...]) -> Contact | None:
        """Offer a waiting contact read without a lock, if it still waits and no other transaction holds it."""
        offered = tx.move_contact(contact.id, "offered", source=_WAITING, skip_locked=True, agent_id=agent.id,
                                  offered_at=now, cost=min(contact.cost, agent.capacity),
                                  decision=_decided(contact, agent, reason=reason, candidates=candidates, score=score))
        return None if offered is None else _taken(tx, offered, agent, now, take_room=True)

    def _release(self, tx: Transaction, contact: Contact, now: float) -> None:
        """Give back the room ``contact`` took from its agent, and let the agent pull the next one."""
        if contact.agent_id is None:
            return
        agent = tx.release_agent(contact.agent_id, contact.cost, now)
        if agent is None:
            return
        if agent.status == "available":
            self._pull(tx, agent, now)

    def _pull(self, tx: Transaction, agent: AgentRecord, now: float) -> AgentRecord:
        """While ``agent`` (locked) has room, offer them the waiting contact the policy ranks first."""
        if agent.free() == 0:
            return agent
        skills = list(agent.skills) if self.policy.uses_skills and not self.policy.uses_levels else None
        levels = dict(agent.skills) if self.policy.uses_levels else None
        aging = getattr(self.policy, "aging_weight", None)
        first = (now, float(aging)) if isinstance(aging, int | float) else None
        team = _TeamReserve(tx, self.policy)
        seen: set[str] = set()
        # The store ranks (by aged priority) and filters (skill, level, language) in SQL, so the first few rows
        # are usually enough; a further page is read only while the agent still has room, up to _CANDIDATES.
        for _ in range(_CANDIDATES // _PULL_PAGE if first is not None else 1):
            page = tx.waiting(skills=skills, levels=levels, languages=list(agent.languages), first=first,
                              limit=_PULL_PAGE if first is not None else None, exclude=seen)
            seen.update(c.id for c in page)
            waiting = sorted((c for c in page if self.policy.fits(c, agent)),
                             key=lambda c: self.policy.contact_score(c, now), reverse=True)
            for candidate in waiting:
                if not self._room_for(candidate, agent) or not team.allows(candidate, agent):
                    if agent.free() == 0:
                        break
                    continue
                score = self.policy.contact_score(candidate, now)
                offered = self._claim(tx, candidate, agent, now, reason=f"pulled by a freed agent ({self.policy.name}, "
                                      f"urgency {score:.1f} of {len(seen)} waiting read)", candidates=len(seen),
                                      score=(score,))
                if offered is None:
                    continue  # taken or held by another transaction since it was read
                agent = replace(agent, load=agent.load + offered.cost, version=agent.version + 1)
            # A short page is the end; a store that returned more than a page (in memory) returned them all.
            if agent.free() == 0 or first is None or len(page) != _PULL_PAGE:
                break
        return agent


class _TeamReserve:
    """The policy's team reserve within one transaction: counts free specialists once, when first asked."""

    def __init__(self, tx: Transaction, policy: Policy) -> None:
        self.tx = tx
        self.policy = policy
        self._free: list[AgentRecord] | None = None

    def allows(self, contact: Contact, agent: AgentRecord) -> bool:
        needed = self.policy.team_reserve(contact, agent)
        if needed is None:
            return True
        reserve, count = needed
        if self._free is None:
            self._free = [a for a in self.tx.free_agents() if a.load == 0 and reserve.holds(a)]
        return sum(1 for a in self._free if a.id != agent.id) >= count


def _decided(contact: Contact, agent: AgentRecord, *, reason: str, candidates: int,
             score: tuple[float, ...] | None) -> Decision:
    """The contact's decision once it is offered to ``agent``: its rule, then why this agent."""
    return replace(contact.decision, agent_id=agent.id, candidates=candidates, score=score,
                   reason=f"{contact.decision.reason.split('; ')[0]}; {reason}")


def _taken(tx: Transaction, offered: Contact, agent: AgentRecord, now: float, *, take_room: bool) -> Contact:
    """Announce the offer; with ``take_room`` its room comes off the (locked) agent's first."""
    if take_room:
        tx.upsert_agent(replace(agent, load=agent.load + offered.cost, version=agent.version + 1))
    tx.emit(Event("contact.offered", offered.id, now, _summary(offered)), agent_id=agent.id)
    return offered


def _save(tx: Transaction, contact: Contact, *, new: bool) -> None:
    """Write ``contact``: once, in the state it ends in, when it is new in this transaction."""
    if new:
        tx.insert_contact(contact)
    else:
        tx.update_contact(contact)


def _summary(contact: Contact) -> dict[str, object]:
    """What an event says about a contact: where it is and who has it; never the conversation."""
    return {"contact_id": contact.id, "state": contact.state, "queue": contact.queue, "channel": contact.channel,
            "agent_id": contact.agent_id, "priority": contact.priority, "area": contact.triage.area,
            "risks": list(contact.triage.risks), "flags": list(contact.flags), "created_at": contact.created_at}
