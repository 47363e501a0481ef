"""An in-process :class:`~routing.repository.Repository`: the simulator's and the unit tests' store.

One lock serialises transactions, so the locking methods never find a row held; a transaction that
raises leaves nothing behind (changes are staged and applied on success).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from routing.model import Agent, Contact, ContactState, Event

__all__ = ["MemoryRepository"]


class _Tx:
    def __init__(self, repo: MemoryRepository) -> None:
        self._repo = repo
        self.agents: dict[str, Agent] = {}
        self.contacts: dict[str, Contact] = {}
        self.events: list[tuple[Event, str | None]] = []

    def _agent(self, agent_id: str) -> Agent | None:
        return self.agents.get(agent_id) or self._repo._agents.get(agent_id)

    def _contact(self, contact_id: str) -> Contact | None:
        return self.contacts.get(contact_id) or self._repo._contacts.get(contact_id)

    def agent_candidates(self, contact: Contact, *, by_skill: bool, limit: int | None = None,
                         offset: int = 0) -> list[Agent]:
        if offset:
            return []  # every candidate came at offset 0
        pool: Any = self._repo._by_skill.get(contact.skill, ()) if by_skill else self._repo._agents
        found = []
        for agent_id in pool:
            agent = self._agent(agent_id)
            if (agent is not None and agent.status == "available" and agent.free() >= min(contact.cost, agent.capacity)
                    and (not by_skill or agent.skills.get(contact.skill, 0) >= contact.min_level)):
                found.append(agent)
        return found

    def free_agents(self) -> list[Agent]:
        agents = [self._agent(a) for a in self._repo._agents]
        return [a for a in agents if a is not None and a.status == "available" and a.free() > 0]

    def waiting(self, *, skills: Sequence[str] | None, languages: Sequence[str],
                first: tuple[float, float] | None = None, limit: int | None = None,
                levels: Mapping[str, int] | None = None, exclude: Collection[str] = ()) -> list[Contact]:
        wanted = set(skills) if skills is not None else None
        found = []
        for contact_id in self._repo._waiting:
            if contact_id in exclude:
                continue
            contact = self._contact(contact_id)
            if (contact is not None and contact.state == "waiting" and contact.language in languages
                    and (wanted is None or contact.skill in wanted)
                    and (levels is None or (contact.skill in levels and levels[contact.skill] >= contact.min_level))):
                found.append(contact)
        return found

    def expired_offers(self, before: float) -> list[Contact]:
        offered = (self._contact(c) for c in self._repo._offered)
        return [c for c in offered if c is not None and c.state == "offered" and (c.offered_at or 0) <= before]

    def lock_agent(self, agent_id: str, *, skip_locked: bool) -> Agent | None:
        return self._agent(agent_id)

    def lock_contact(self, contact_id: str, *, skip_locked: bool) -> Contact | None:
        return self._contact(contact_id)

    def get_contact(self, contact_id: str) -> Contact | None:
        return self._contact(contact_id)

    def insert_contact(self, contact: Contact) -> None:
        if self._contact(contact.id) is not None:
            raise ValueError(f"contact {contact.id} exists")
        self.contacts[contact.id] = contact

    def update_contact(self, contact: Contact) -> None:
        self.contacts[contact.id] = contact

    def upsert_agent(self, agent: Agent, *, skills_changed: bool = False) -> None:
        self.agents[agent.id] = agent

    def move_contact(self, contact_id: str, state: ContactState, *, source: Collection[ContactState],
                     held_by: str | None = None, skip_locked: bool = False, **changes: Any) -> Contact | None:
        contact = self._contact(contact_id)
        if contact is None or contact.state not in source or (held_by is not None and contact.agent_id != held_by):
            return None
        moved = contact.moved(state, version=contact.version + 1, **changes)
        self.contacts[contact_id] = moved
        return moved

    def claim_agent(self, agent: Agent, load: int) -> Agent | None:
        current = self._agent(agent.id)
        if current is None or current.version != agent.version:
            return None
        claimed = current.with_(load=load, version=current.version + 1)
        self.agents[agent.id] = claimed
        return claimed

    def release_agent(self, agent_id: str, cost: int, now: float) -> Agent | None:
        agent = self._agent(agent_id)
        if agent is None:
            return None
        load = max(0, agent.load - cost)
        agent = agent.with_(load=load, idle_since=now if load == 0 else agent.idle_since, version=agent.version + 1)
        self.agents[agent_id] = agent
        return agent

    def emit(self, event: Event, *, agent_id: str | None = None) -> None:
        self.events.append((event, agent_id))


class MemoryRepository:
    """Agents, contacts and the outbox in dictionaries; ``keep_events=False`` drops events (simulations), and
    ``listener`` hears each event as its transaction commits."""

    def __init__(self, *, keep_events: bool = True,
                 listener: Callable[[Event, str | None], None] | None = None) -> None:
        self._lock = threading.RLock()
        self._agents: dict[str, Agent] = {}
        self._contacts: dict[str, Contact] = {}
        self._by_skill: dict[str, list[str]] = defaultdict(list)
        self._waiting: dict[str, None] = {}
        self._offered: dict[str, None] = {}
        self._events: list[tuple[int, Event, str | None]] = []
        self._keep_events = keep_events
        self._listener = listener
        self._seq = 0

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        with self._lock:
            tx = _Tx(self)
            yield tx
            self._apply(tx)

    def _apply(self, tx: _Tx) -> None:
        for agent in tx.agents.values():
            if agent.id not in self._agents:
                for skill in agent.skills:
                    self._by_skill[skill].append(agent.id)
            elif self._agents[agent.id].skills != agent.skills:
                for ids in self._by_skill.values():
                    if agent.id in ids:
                        ids.remove(agent.id)
                for skill in agent.skills:
                    self._by_skill[skill].append(agent.id)
            self._agents[agent.id] = agent
        for contact in tx.contacts.values():
            self._contacts[contact.id] = contact
            for index, state in ((self._waiting, "waiting"), (self._offered, "offered")):
                if contact.state == state:
                    index[contact.id] = None
                else:
                    index.pop(contact.id, None)
        for event, agent_id in tx.events:
            self._seq += 1
            if self._keep_events:
                self._events.append((self._seq, event, agent_id))
            if self._listener is not None:
                self._listener(event, agent_id)

    def get_agent(self, agent_id: str) -> Agent | None:
        return self._agents.get(agent_id)

    def get_contact(self, contact_id: str) -> Contact | None:
        return self._contacts.get(contact_id)

    def agents(self) -> list[Agent]:
        return list(self._agents.values())

    def contacts(self, *, states: Sequence[ContactState] | None = None, agent_id: str | None = None,
                 since: float | None = None, limit: int = 1000) -> list[Contact]:
        found = [c for c in self._contacts.values()
                 if (states is None or c.state in states) and (agent_id is None or c.agent_id == agent_id)
                 and (since is None or c.created_at >= since)]
        return found[:limit]

    def iter_contacts(self) -> Iterator[Contact]:
        return iter(list(self._contacts.values()))

    def events_after(self, seq: int, *, agent_id: str | None = None, limit: int = 100) -> list[tuple[int, Event]]:
        return [(s, e) for s, e, a in self._events if s > seq and (agent_id is None or a == agent_id)][:limit]
