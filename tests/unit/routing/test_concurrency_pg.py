"""Several routers at once on one PostgreSQL database: no contact assigned twice, no agent over capacity.

Runs when ``COPILOT_TEST_DATABASE_URL`` names a PostgreSQL database the tests may create schemas in;
skipped otherwise. The routing tables live in a schema of their own (``routing_conc_<random>``, reached
through the connection's ``search_path``), dropped afterwards, so the test shares a server safely.

Six threads, each with its own router and connection pool, create contacts, race each other to accept
the offers they see (only one may win), close what they won, flip agents' presence and sweep, all at
the same time; then the store is checked: every agent's load is what their open contacts say, within
capacity; the outbox shows each contact assigned at most once and offered again only after a requeue;
and every accept any thread won is the one assignment the store recorded.
"""

from __future__ import annotations

import os
import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from copilot.store._engine import normalise_url
from routing.model import Agent, RoutingError, TriageView
from routing.router import NewContact, Router
from routing.rules import load_rules
from routing.store import SqlRepository, StoreUnavailable

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get("COPILOT_TEST_DATABASE_URL")
THREADS = 6
ROUNDS = 40
AREAS = ("cards", "card_payments", "transfers")


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("COPILOT_TEST_DATABASE_URL is not set: set it to a PostgreSQL URL to run the concurrency test")
    base = normalise_url(PG_URL)
    schema = f"routing_conc_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
            repo = SqlRepository(url)
            repo.migrate()
            repo.close()
            yield url
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def setup(pg_url: str) -> Iterator[SqlRepository]:
    repo = SqlRepository(pg_url)
    yield repo
    repo.close()


def test_concurrent_routers_never_assign_twice_nor_overfill(pg_url: str, setup: SqlRepository) -> None:
    rules = load_rules()
    router = Router(setup, rules)
    agent_ids = [f"agent-{i}" for i in range(12)]
    for i, agent_id in enumerate(agent_ids):
        skills = {AREAS[i % 3]: 3, AREAS[(i + 1) % 3]: 2}
        router.register_agent(Agent(id=agent_id, name=agent_id, skills=skills, capacity=1 + i % 3))
        router.set_status(agent_id, "available")

    created: list[str] = []
    won: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        rng = random.Random(index)
        repo = SqlRepository(pg_url)
        mine = Router(repo, rules)
        start.wait()
        try:
            for _ in range(ROUNDS):
                channel = "voice" if rng.random() < 0.1 else "chat"
                contact = mine.create(NewContact(channel, TriageView(area=rng.choice(AREAS))))  # type: ignore[arg-type]
                with lock:
                    created.append(contact.id)
                for offered in repo.contacts(states=["offered"], limit=5):
                    assert offered.agent_id is not None
                    try:
                        mine.accept(offered.id, offered.agent_id)
                    except RoutingError:
                        continue  # another thread accepted it first, or it was requeued
                    with lock:
                        won[offered.id] += 1
                    if rng.random() < 0.8:
                        mine.close(offered.id, offered.agent_id)
                        with lock:
                            closed[offered.id] += 1
                roll = rng.random()
                if roll < 0.1:
                    mine.set_status(rng.choice(agent_ids), rng.choice(("available", "available", "busy")))
                elif roll < 0.2:
                    mine.sweep()
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            repo.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a router thread hung (a lock wait that never ended?)"
    deadlocks = [f for f in failures if isinstance(f, StoreUnavailable)]
    assert not failures, f"router threads failed: {failures!r} ({len(deadlocks)} store errors)"

    contacts = {c.id: c for c in setup.iter_contacts()}
    assert set(contacts) == set(created) and len(created) == THREADS * ROUNDS
    assert all(n == 1 for n in won.values()), "two threads both accepted one contact"
    assert all(n == 1 for n in closed.values())
    for contact_id in won:
        assert contacts[contact_id].state in ("assigned", "closed")
    assert sum(1 for c in contacts.values() if c.state == "closed") == len(closed)

    held = setup.assigned_load()
    for agent in setup.agents():
        assert agent.load == held.get(agent.id, 0), f"{agent.id}: load {agent.load}, holds {held.get(agent.id, 0)}"
        assert agent.load <= agent.capacity, f"{agent.id} is over capacity"

    with setup.engine.connect() as connection:
        twice = connection.execute(text(
            "SELECT subject FROM routing_outbox WHERE kind = 'contact.assigned' GROUP BY subject HAVING count(*) > 1"
        )).all()
        offers = connection.execute(text(
            "SELECT subject, sum(CASE WHEN kind = 'contact.offered' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN kind = 'contact.requeued' THEN 1 ELSE 0 END) FROM routing_outbox GROUP BY subject"
        )).all()
        assigned_events = connection.execute(text(
            "SELECT count(*) FROM routing_outbox WHERE kind = 'contact.assigned'")).scalar_one()
    assert twice == [], f"assigned twice: {twice}"
    assert all(offered <= requeued + 1 for _, offered, requeued in offers), "offered again without a requeue"
    assert assigned_events == len(won)
    assert len(won) > THREADS, "too few contacts were accepted for the race to mean anything"
