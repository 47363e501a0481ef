"""The router's system of record in a SQL database: PostgreSQL in production, SQLite for the embedded default.

Tables (created by :meth:`SqlRepository.migrate`, prefixed ``routing_`` so they sit beside the copilot's
own in the same database): agents and their skills, contacts, each contact's PII-masked transcript, and
the outbox of events. Times are seconds since the epoch (``double precision``).

PostgreSQL: ``lock_*(skip_locked=True)`` is ``SELECT ... FOR UPDATE SKIP LOCKED``, ``skip_locked=False``
is ``FOR UPDATE``; several router processes share one database safely. SQLite: every transaction starts
with ``BEGIN IMMEDIATE`` (one writer at a time), so the locks are implied and nothing is ever skipped.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    Update,
    and_,
    bindparam,
    case,
    delete,
    event,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from copilot.store import EngineOptions
from copilot.store._engine import build_engine, redacted
from routing.model import Agent, Contact, ContactState, Decision, Event, RoutingError, TriageView

__all__ = ["SCHEMA_VERSION", "SqlRepository", "StoreUnavailable"]

SCHEMA_VERSION = 1

metadata = MetaData()

agents = Table(
    "routing_agents", metadata,
    Column("id", String(120), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("load", Integer, nullable=False),
    Column("idle_since", Float, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_routing_agents_status", "status"),
)

agent_skills = Table(
    "routing_agent_skills", metadata,
    Column("agent_id", String(120), primary_key=True),
    Column("skill", String(80), primary_key=True),
    Column("level", Integer, nullable=False),
    Index("ix_routing_agent_skills_skill", "skill", "level"),
)

contacts = Table(
    "routing_contacts", metadata,
    Column("id", String(36), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("queue", String(80), nullable=False),
    Column("skill", String(80), nullable=False),
    Column("min_level", Integer, nullable=False),
    Column("language", String(8), nullable=False),
    Column("priority", Float, nullable=False),
    Column("target_wait_s", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("deadline_at", Float, nullable=False),
    Column("state", String(16), nullable=False),
    Column("agent_id", String(120)),
    Column("preferred_agent_id", String(120)),
    Column("reopens", String(36)),
    Column("transferred_from", String(36)),
    Column("customer_ref", String(120)),
    Column("cost", Integer, nullable=False),
    Column("offered_at", Float),
    Column("assigned_at", Float),
    Column("ended_at", Float),
    Column("outcome", String(200)),
    Column("version", Integer, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("triage", JSON, nullable=False),
    Column("decision", JSON, nullable=False),
    Index("ix_routing_contacts_state", "state", "skill", "language"),
    Index("ix_routing_contacts_agent", "agent_id", "state"),
    Index("ix_routing_contacts_created", "created_at"),
)

transcripts = Table(
    "routing_transcripts", metadata,
    Column("contact_id", String(36), primary_key=True),
    Column("turns", JSON, nullable=False),
)

outbox = Table(
    "routing_outbox", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("subject", String(120), nullable=False),
    Column("agent_id", String(120)),
    Column("at", Float, nullable=False),
    Column("data", Text, nullable=False),
    Column("published_at", Float),
    Index("ix_routing_outbox_agent", "agent_id", "seq"),
    Index("ix_routing_outbox_unpublished", "published_at", "seq"),
)

schema = Table("routing_schema", metadata, Column("version", Integer, primary_key=True))


class StoreUnavailable(RoutingError):
    """The routing database failed (the message names the operation, never the data)."""


def _contact(row: Any) -> Contact:
    return Contact(
        id=row.id, channel=row.channel, queue=row.queue, priority=row.priority, target_wait_s=row.target_wait_s,
        created_at=row.created_at, deadline_at=row.deadline_at, triage=TriageView.from_dict(row.triage),
        decision=Decision.from_dict(row.decision), skill=row.skill, min_level=row.min_level, language=row.language,
        state=row.state, agent_id=row.agent_id, preferred_agent_id=row.preferred_agent_id, reopens=row.reopens,
        transferred_from=row.transferred_from, customer_ref=row.customer_ref, cost=row.cost,
        offered_at=row.offered_at, assigned_at=row.assigned_at, ended_at=row.ended_at, outcome=row.outcome,
        version=row.version, flags=tuple(row.flags),
    )


def _contact_row(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id, "channel": contact.channel, "queue": contact.queue, "skill": contact.skill,
        "min_level": contact.min_level, "language": contact.language, "priority": contact.priority,
        "target_wait_s": contact.target_wait_s, "created_at": contact.created_at, "deadline_at": contact.deadline_at,
        "state": contact.state, "agent_id": contact.agent_id, "preferred_agent_id": contact.preferred_agent_id,
        "reopens": contact.reopens, "transferred_from": contact.transferred_from,
        "customer_ref": contact.customer_ref, "cost": contact.cost, "offered_at": contact.offered_at,
        "assigned_at": contact.assigned_at, "ended_at": contact.ended_at, "outcome": contact.outcome,
        "version": contact.version, "flags": list(contact.flags), "triage": contact.triage.as_dict(),
        "decision": contact.decision.as_dict(),
    }


def _agent(row: Any) -> Agent:
    return Agent(id=row.id, name=row.name, skills={k: int(v) for k, v in row.skills.items()},
                 languages=tuple(row.languages), capacity=row.capacity, status=row.status, load=row.load,
                 idle_since=row.idle_since, version=row.version)


def _agent_row(agent: Agent) -> dict[str, Any]:
    return {"id": agent.id, "name": agent.name, "skills": dict(agent.skills), "languages": list(agent.languages),
            "capacity": agent.capacity, "status": agent.status, "load": agent.load, "idle_since": agent.idle_since,
            "version": agent.version}


def _event(row: Any) -> Event:
    return Event(kind=row.kind, subject=row.subject, at=row.at, data=json.loads(row.data))


# The statements of the hot path, built once: SQLAlchemy then reuses their compiled form without building
# a new construct (and its cache key) for every call.
_BY_ID = {table: select(table).where(table.c.id == bindparam("key")) for table in (agents, contacts)}
_LOCKS = {(table, skip): query.with_for_update(skip_locked=skip) for table, query in _BY_ID.items()
          for skip in (True, False)}
_INSERT_CONTACT = insert(contacts)
_UPDATE_CONTACT = update(contacts).where(contacts.c.id == bindparam("key"))
_UPDATE_AGENT = update(agents).where(agents.c.id == bindparam("key"))
_EMIT = insert(outbox).inline()  # the sequence numbers the event; nothing is read back
#: The contact columns a move may change (the JSON ones never change after the contact is created).
_MOVABLE = frozenset({"agent_id", "offered_at", "assigned_at", "ended_at", "outcome", "cost", "decision"})


def _unheld(table: Table) -> ColumnElement[bool]:
    """The row of ``table`` with id ``key``, if no other transaction holds it (it is then locked)."""
    free = select(table.c.id).where(table.c.id == bindparam("key")).with_for_update(skip_locked=True)
    return table.c.id.in_(free.scalar_subquery())


@cache
def _move(changed: tuple[str, ...], owned: bool, skip_locked: bool) -> Update:
    """``UPDATE routing_contacts SET state, version + 1, <changed> WHERE id, state IN source [AND agent_id]``;
    with ``skip_locked`` the row is taken only if no other transaction holds it (PostgreSQL)."""
    where = [contacts.c.state.in_(bindparam("source", expanding=True)),
             _unheld(contacts) if skip_locked else contacts.c.id == bindparam("key")]
    if owned:
        where.append(contacts.c.agent_id == bindparam("owner"))
    values: dict[str, Any] = {"state": bindparam("state"), "version": contacts.c.version + 1}
    values.update({name: bindparam(name, type_=contacts.c[name].type) for name in changed})
    return update(contacts).where(*where).values(values).returning(*contacts.c)


@cache
def _candidates(by_skill: bool, limited: bool, postgres: bool) -> Select[Any]:
    """Available agents with room for a contact of ``cost`` (with ``skill`` at ``min_level``), best first."""
    least = func.least if postgres else func.min
    room = agents.c.capacity - agents.c.load >= least(bindparam("cost"), agents.c.capacity)
    occupancy = agents.c.load * 1.0 / agents.c.capacity
    query = select(agents).where(agents.c.status == "available", room)
    if by_skill:
        query = query.join(agent_skills, and_(agent_skills.c.agent_id == agents.c.id,
                                              agent_skills.c.skill == bindparam("skill"),
                                              agent_skills.c.level >= bindparam("min_level")))
        query = query.order_by(agent_skills.c.level.desc(), occupancy, agents.c.idle_since)
    else:
        query = query.order_by(occupancy, agents.c.idle_since)
    if limited:
        query = query.limit(bindparam("limit")).offset(bindparam("offset"))
    return query


@cache
def _waiting(by_skills: bool, levels: int | None, excluding: bool, ranked: bool, limited: bool) -> Select[Any]:
    """Waiting contacts in ``languages`` (needing one of ``skills``; one of ``skill_i`` at no more than
    ``level_i``; not in ``exclude``), the most urgent at ``now`` by ``weight`` first."""
    query = select(contacts).where(contacts.c.state == "waiting",
                                   contacts.c.language.in_(bindparam("languages", expanding=True)))
    if by_skills:
        query = query.where(contacts.c.skill.in_(bindparam("skills", expanding=True)))
    if levels is not None:
        query = query.where(or_(false(), *(and_(contacts.c.skill == bindparam(f"skill_{i}"),
                                                contacts.c.min_level <= bindparam(f"level_{i}"))
                                           for i in range(levels))))
    if excluding:
        query = query.where(contacts.c.id.not_in(bindparam("exclude", expanding=True)))
    if ranked:
        urgency = (contacts.c.priority + bindparam("weight", type_=Float) * (bindparam("now", type_=Float)
                                                                             - contacts.c.created_at)
                   / contacts.c.target_wait_s)
        query = query.order_by(urgency.desc())
    if limited:
        query = query.limit(bindparam("limit"))
    return query


@cache
def _listing(by_state: bool, by_agent: bool, by_arrival: bool) -> Select[Any]:
    """Contacts (in ``states``, held by ``agent_id``, arrived since ``since``), oldest first, ``limit`` of them."""
    query = select(contacts).order_by(contacts.c.created_at).limit(bindparam("limit"))
    if by_state:
        query = query.where(contacts.c.state.in_(bindparam("states", expanding=True)))
    if by_agent:
        query = query.where(contacts.c.agent_id == bindparam("agent_id"))
    if by_arrival:
        query = query.where(contacts.c.created_at >= bindparam("since"))
    return query


@cache
def _claim(postgres: bool) -> Update:
    """Set an agent's load if their row is at ``version`` and (PostgreSQL) no other transaction holds it."""
    which = _unheld(agents) if postgres else agents.c.id == bindparam("key")
    return (update(agents).where(which, agents.c.version == bindparam("seen"))
            .values(load=bindparam("new_load"), version=agents.c.version + 1).returning(*agents.c))


@cache
def _release(postgres: bool) -> Update:
    """Give back ``cost`` of an agent's load, never below 0; an agent left with none is idle from ``now``."""
    load = (func.greatest if postgres else func.max)(agents.c.load - bindparam("cost"), 0)
    return (update(agents).where(agents.c.id == bindparam("key"))
            .values(load=load, idle_since=case((load == 0, bindparam("now")), else_=agents.c.idle_since),
                    version=agents.c.version + 1)
            .returning(*agents.c))


class _SqlTx:
    def __init__(self, connection: Connection, postgres: bool) -> None:
        self.c = connection
        self.postgres = postgres

    def _by_id(self, table: Table, key: str, *, lock: bool, skip_locked: bool = False) -> Any:
        """The row of ``table`` with id ``key``, locked when ``lock`` (on PostgreSQL; SQLite's writer holds all)."""
        query = _LOCKS[(table, skip_locked)] if lock and self.postgres else _BY_ID[table]
        return self.c.execute(query, {"key": key}).first()

    def agent_candidates(self, contact: Contact, *, by_skill: bool, limit: int | None = None,
                         offset: int = 0) -> list[Agent]:
        params = {"cost": contact.cost, "skill": contact.skill, "min_level": contact.min_level, "offset": offset,
                  "limit": limit}
        return [_agent(r) for r in self.c.execute(_candidates(by_skill, limit is not None, self.postgres), params)]

    def free_agents(self) -> list[Agent]:
        query = select(agents).where(agents.c.status == "available", agents.c.load < agents.c.capacity)
        return [_agent(r) for r in self.c.execute(query)]

    def waiting(self, *, skills: Sequence[str] | None, languages: Sequence[str],
                first: tuple[float, float] | None = None, limit: int | None = None,
                levels: Mapping[str, int] | None = None, exclude: Collection[str] = ()) -> list[Contact]:
        params: dict[str, Any] = {"languages": list(languages), "skills": list(skills or ()),
                                  "exclude": list(exclude), "limit": limit}
        for i, (skill, level) in enumerate((levels or {}).items()):
            params[f"skill_{i}"], params[f"level_{i}"] = skill, level
        if first is not None:
            params["now"], params["weight"] = first
        query = _waiting(skills is not None, None if levels is None else len(levels), bool(exclude),
                         first is not None, limit is not None)
        return [_contact(r) for r in self.c.execute(query, params)]

    def expired_offers(self, before: float) -> list[Contact]:
        query = select(contacts).where(contacts.c.state == "offered", contacts.c.offered_at <= before)
        return [_contact(r) for r in self.c.execute(query)]

    def lock_agent(self, agent_id: str, *, skip_locked: bool) -> Agent | None:
        row = self._by_id(agents, agent_id, lock=True, skip_locked=skip_locked)
        return _agent(row) if row is not None else None

    def lock_contact(self, contact_id: str, *, skip_locked: bool) -> Contact | None:
        row = self._by_id(contacts, contact_id, lock=True, skip_locked=skip_locked)
        return _contact(row) if row is not None else None

    def get_contact(self, contact_id: str) -> Contact | None:
        row = self._by_id(contacts, contact_id, lock=False)
        return _contact(row) if row is not None else None

    def insert_contact(self, contact: Contact) -> None:
        self.c.execute(_INSERT_CONTACT, _contact_row(contact))

    def update_contact(self, contact: Contact) -> None:
        row = _contact_row(contact)
        row["key"] = row.pop("id")
        self.c.execute(_UPDATE_CONTACT, row)

    def upsert_agent(self, agent: Agent, *, skills_changed: bool = False) -> None:
        row = _agent_row(agent)
        changes = {k: v for k, v in row.items() if k != "id"}
        updated = self.c.execute(_UPDATE_AGENT, {**changes, "key": agent.id}).rowcount
        if not updated:
            self.c.execute(insert(agents).values(**row))
        if not updated or skills_changed:
            self.c.execute(delete(agent_skills).where(agent_skills.c.agent_id == agent.id))
            if agent.skills:
                self.c.execute(insert(agent_skills), [{"agent_id": agent.id, "skill": s, "level": lvl}
                                                      for s, lvl in agent.skills.items()])

    def move_contact(self, contact_id: str, state: ContactState, *, source: Collection[ContactState],
                     held_by: str | None = None, skip_locked: bool = False, **changes: Any) -> Contact | None:
        unknown = set(changes) - _MOVABLE
        if unknown:
            raise ValueError(f"a move cannot change {', '.join(sorted(unknown))}")
        if isinstance(changes.get("decision"), Decision):
            changes["decision"] = changes["decision"].as_dict()
        params = {"key": contact_id, "source": list(source), "state": state, **changes}
        if held_by is not None:
            params["owner"] = held_by
        statement = _move(tuple(sorted(changes)), held_by is not None, skip_locked and self.postgres)
        row = self.c.execute(statement, params).first()
        return _contact(row) if row is not None else None

    def claim_agent(self, agent: Agent, load: int) -> Agent | None:
        row = self.c.execute(_claim(self.postgres), {"key": agent.id, "seen": agent.version, "new_load": load}).first()
        return _agent(row) if row is not None else None

    def release_agent(self, agent_id: str, cost: int, now: float) -> Agent | None:
        row = self.c.execute(_release(self.postgres), {"key": agent_id, "cost": cost, "now": now}).first()
        return _agent(row) if row is not None else None

    def emit(self, event: Event, *, agent_id: str | None = None) -> None:
        self.c.execute(_EMIT, {"kind": event.kind, "subject": event.subject, "agent_id": agent_id, "at": event.at,
                               "data": json.dumps(event.data, separators=(",", ":"))})


class SqlRepository:
    """The routing state in the database at ``url`` (see the module docstring)."""

    def __init__(self, url: str, options: EngineOptions | None = None, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or build_engine(url, options)
        self.postgres = self.engine.dialect.name == "postgresql"
        if self.engine.dialect.name == "sqlite":
            _immediate_transactions(self.engine)

    def __repr__(self) -> str:
        return f"SqlRepository({redacted(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def migrate(self) -> None:
        """Create the routing tables if they are missing; refuse a database from a newer release."""
        with self._errors("migrate"), self.engine.begin() as connection:
            metadata.create_all(connection, checkfirst=True)
            found = connection.execute(select(func.max(schema.c.version))).scalar()
            if found is None:
                connection.execute(insert(schema).values(version=SCHEMA_VERSION))
            elif found > SCHEMA_VERSION:
                raise StoreUnavailable(f"the routing tables are at schema {found}, newer than this release "
                                       f"({SCHEMA_VERSION}); upgrade the service")

    @contextmanager
    def _errors(self, operation: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"the routing store failed to {operation} ({type(error).__name__})") from error

    @contextmanager
    def transaction(self) -> Iterator[_SqlTx]:
        with self._errors("run a routing transaction"), self.engine.begin() as connection:
            yield _SqlTx(connection, self.postgres)

    def get_agent(self, agent_id: str) -> Agent | None:
        with self._errors("read an agent"), self.engine.connect() as connection:
            row = connection.execute(_BY_ID[agents], {"key": agent_id}).first()
            return _agent(row) if row is not None else None

    def get_contact(self, contact_id: str) -> Contact | None:
        with self._errors("read a contact"), self.engine.connect() as connection:
            row = connection.execute(_BY_ID[contacts], {"key": contact_id}).first()
            return _contact(row) if row is not None else None

    def agents(self) -> list[Agent]:
        with self._errors("list agents"), self.engine.connect() as connection:
            return [_agent(r) for r in connection.execute(select(agents).order_by(agents.c.id))]

    def contacts(self, *, states: Sequence[ContactState] | None = None, agent_id: str | None = None,
                 since: float | None = None, limit: int = 1000) -> list[Contact]:
        params = {"states": list(states or ()), "agent_id": agent_id, "since": since, "limit": limit}
        query = _listing(states is not None, agent_id is not None, since is not None)
        with self._errors("list contacts"), self.engine.connect() as connection:
            return [_contact(r) for r in connection.execute(query, params)]

    def iter_contacts(self) -> Iterator[Contact]:
        with self._errors("read contacts"), self.engine.connect() as connection:
            for row in connection.execute(select(contacts).order_by(contacts.c.created_at)):
                yield _contact(row)

    def events_after(self, seq: int, *, agent_id: str | None = None, limit: int = 100) -> list[tuple[int, Event]]:
        query = select(outbox).where(outbox.c.seq > seq).order_by(outbox.c.seq).limit(limit)
        if agent_id is not None:
            query = query.where(outbox.c.agent_id == agent_id)
        with self._errors("read events"), self.engine.connect() as connection:
            return [(r.seq, _event(r)) for r in connection.execute(query)]

    def last_seq(self) -> int:
        with self._errors("read events"), self.engine.connect() as connection:
            return int(connection.execute(select(func.coalesce(func.max(outbox.c.seq), 0))).scalar() or 0)

    # -- transcripts -----------------------------------------------------------------------------------

    def save_transcript(self, contact_id: str, turns: list[dict[str, str]]) -> None:
        with self._errors("save a transcript"), self.engine.begin() as connection:
            connection.execute(delete(transcripts).where(transcripts.c.contact_id == contact_id))
            connection.execute(insert(transcripts).values(contact_id=contact_id, turns=turns))

    def transcript(self, contact_id: str) -> list[dict[str, str]]:
        with self._errors("read a transcript"), self.engine.connect() as connection:
            row = connection.execute(select(transcripts.c.turns).where(transcripts.c.contact_id == contact_id)).first()
            return list(row.turns) if row is not None else []

    # -- the outbox relay ------------------------------------------------------------------------------

    def claim_unpublished(self, connection: Connection, limit: int) -> list[tuple[int, Event]]:
        """Unpublished events, oldest first, locked for one relay (others skip them) until it commits."""
        query = select(outbox).where(outbox.c.published_at.is_(None)).order_by(outbox.c.seq).limit(limit)
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        return [(r.seq, _event(r)) for r in connection.execute(query)]

    def mark_published(self, connection: Connection, seqs: Sequence[int], at: float) -> None:
        if seqs:
            connection.execute(update(outbox).where(outbox.c.seq.in_(list(seqs))).values(published_at=at))

    def unpublished(self) -> int:
        with self._errors("count the outbox"), self.engine.connect() as connection:
            query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            return int(connection.execute(query).scalar() or 0)

    def assigned_load(self) -> dict[str, int]:
        """Each agent's load as the open contacts say it is (for consistency checks)."""
        query = (select(contacts.c.agent_id, func.sum(contacts.c.cost))
                 .where(contacts.c.state.in_(["offered", "assigned"]), contacts.c.agent_id.is_not(None))
                 .group_by(contacts.c.agent_id))
        with self._errors("sum loads"), self.engine.connect() as connection:
            return {r[0]: int(r[1]) for r in connection.execute(query)}

    def queue_stats(self, since: float) -> list[dict[str, Any]]:
        """Per queue: contacts waiting, the oldest arrival waiting, today's answered-in-target and total."""
        answered_in_target = func.sum(
            (contacts.c.assigned_at.is_not(None) & (contacts.c.assigned_at - contacts.c.created_at
                                                    <= contacts.c.target_wait_s)).cast(Integer))
        waiting = func.sum((contacts.c.state == "waiting").cast(Integer))
        oldest = func.min(contacts.c.created_at).filter(contacts.c.state == "waiting")
        settled = func.sum(or_(contacts.c.assigned_at.is_not(None), contacts.c.state == "abandoned").cast(Integer))
        query = (select(contacts.c.queue, waiting, oldest, answered_in_target, settled)
                 .where(or_(contacts.c.created_at >= since, contacts.c.state == "waiting"))
                 .group_by(contacts.c.queue))
        with self._errors("read queue statistics"), self.engine.connect() as connection:
            return [{"queue": r[0], "waiting": int(r[1] or 0), "oldest_waiting_since": r[2],
                     "answered_in_target": int(r[3] or 0), "settled": int(r[4] or 0)}
                    for r in connection.execute(query)]


def _immediate_transactions(engine: Engine) -> None:
    """SQLite: let SQLAlchemy issue the BEGIN itself, as ``BEGIN IMMEDIATE`` (take the write lock at once)."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
