"""The seam between the router and where its state lives: :class:`Repository` and its transaction.

Two implementations pass the same contract tests: :class:`routing.memory.MemoryRepository` (the
simulator, unit tests) and :class:`routing.store.SqlRepository` (PostgreSQL in production, SQLite for the
embedded default). Every router operation runs in one transaction: what it reads is locked so that
several router processes never offer one contact twice nor fill an agent past capacity, and the events it
emits are written to the outbox in that same transaction (committed together or not at all).

Locking contract:
- ``lock_agent`` / ``lock_contact`` with ``skip_locked=True`` return ``None`` at once if another
  transaction holds the row (PostgreSQL ``FOR UPDATE SKIP LOCKED``): the caller tries the next candidate.
- with ``skip_locked=False`` they wait for the row. Blocking locks are always taken contact first, then
  agent, so two transactions never wait on each other in a cycle.
- candidate lists are read without locks and may be stale: the caller re-checks what it locked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from routing.model import Agent, Contact, ContactState, Event

__all__ = ["OutboxRecord", "Repository", "Transaction"]


class OutboxRecord(Protocol):
    seq: int
    event: Event


class Transaction(Protocol):
    def agent_candidates(self, contact: Contact, *, by_skill: bool, limit: int | None = None,
                         offset: int = 0) -> list[Agent]:
        """Available agents with room for ``contact`` (its skill at its level when ``by_skill``).

        With ``limit`` a store may return only ``limit`` of them, from ``offset``, in the order of level in
        the skill, then the lightest load, then the longest idle (the caller ranks what it gets). A store that
        returns them all at offset 0 returns none after it.
        """
        ...

    def free_agents(self) -> list[Agent]:
        """Available agents with any room left."""
        ...

    def waiting(self, *, skills: Sequence[str] | None, languages: Sequence[str],
                first: tuple[float, float] | None = None, limit: int | None = None,
                levels: Mapping[str, int] | None = None, exclude: Collection[str] = ()) -> list[Contact]:
        """Waiting contacts in ``languages`` (and, unless ``skills`` is ``None``, needing one of ``skills``;
        with ``levels``, needing one of its skills at no more than its level), other than those in ``exclude``.

        With ``first=(now, aging_weight)`` and ``limit``, a store may return only the ``limit`` most urgent
        by ``priority + aging_weight * (now - created_at) / target_wait_s`` (the caller ranks what it gets).
        """
        ...

    def expired_offers(self, before: float) -> list[Contact]:
        """Contacts offered at or before ``before`` and still not accepted."""
        ...

    def lock_agent(self, agent_id: str, *, skip_locked: bool) -> Agent | None: ...

    def lock_contact(self, contact_id: str, *, skip_locked: bool) -> Contact | None: ...

    def get_contact(self, contact_id: str) -> Contact | None: ...

    def insert_contact(self, contact: Contact) -> None: ...

    def update_contact(self, contact: Contact) -> None: ...

    def upsert_agent(self, agent: Agent, *, skills_changed: bool = False) -> None:
        """Save ``agent``; its skills index is rewritten when it is new or ``skills_changed``."""
        ...

    def move_contact(self, contact_id: str, state: ContactState, *, source: Collection[ContactState],
                     held_by: str | None = None, skip_locked: bool = False, **changes: Any) -> Contact | None:
        """Lock the contact and move it to ``state`` (version + 1, and ``changes``) if it is in one of ``source``
        states (and, with ``held_by``, held by that agent); the moved contact, or ``None`` when it was not there
        to move (the caller reads it to say why) or, with ``skip_locked``, another transaction holds it."""
        ...

    def claim_agent(self, agent: Agent, load: int) -> Agent | None:
        """Lock the agent and set their load to ``load`` (version + 1) if they are as ``agent`` was read (same
        version); the agent after it, or ``None`` when they changed or another transaction holds them."""
        ...

    def release_agent(self, agent_id: str, cost: int, now: float) -> Agent | None:
        """Lock the agent and give back ``cost`` of their load (never below 0; idle from ``now`` at 0, version
        + 1); the agent after it, or ``None`` when there is no such agent."""
        ...

    def emit(self, event: Event, *, agent_id: str | None = None) -> None: ...


class Repository(Protocol):
    def transaction(self) -> AbstractContextManager[Transaction]:
        """One unit of work: committed when the block ends, rolled back when it raises."""
        ...

    def get_agent(self, agent_id: str) -> Agent | None: ...

    def get_contact(self, contact_id: str) -> Contact | None: ...

    def agents(self) -> list[Agent]: ...

    def contacts(self, *, states: Sequence[ContactState] | None = None, agent_id: str | None = None,
                 since: float | None = None, limit: int = 1000) -> list[Contact]: ...

    def events_after(self, seq: int, *, agent_id: str | None = None, limit: int = 100) -> list[tuple[int, Event]]:
        """Outbox records after ``seq`` (for one agent's stream when ``agent_id`` is given)."""
        ...

    def iter_contacts(self) -> Iterator[Contact]: ...
