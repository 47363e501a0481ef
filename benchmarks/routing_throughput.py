"""Routing decisions: latency with 3,500 agents online and 1,000 contacts waiting, and throughput of 4 routers.

    .venv/bin/python benchmarks/routing_throughput.py            # both parts
    .venv/bin/python benchmarks/routing_throughput.py --part latency --decisions 500
    .venv/bin/python benchmarks/routing_throughput.py --part throughput --processes 4 --seconds 20

(a) Latency. 3,500 agents, each with 2-4 of the contact areas and specialist skills (levels 1-5), 90% English
only; contacts arrive in a fixed mix of areas, risks and channels and are offered and accepted until 1,000
wait (every agent who fits them is full). Then ``Router.create`` is timed for ``--decisions`` new arrivals,
and a pull (``Router.close`` of a random assigned contact, which frees the agent, who is offered the most
urgent waiting contact they fit) for as many; each pulled offer is accepted, untimed. The same state and
arrivals run on PostgreSQL (``SqlRepository``) and in memory (``MemoryRepository``).

(b) Throughput. ``--processes`` router processes share one PostgreSQL database with 400 agents of ample
capacity; each creates a contact, accepts the offer and closes it (and works any contact its closes pulled)
as fast as it can for ``--seconds``. Afterwards the store is checked: each agent's load equals what their
open contacts hold and is within capacity, no contact was assigned twice (outbox), and the load replayed
from the outbox never went over capacity.

The routing tables live in their own schema (``routing_bench``, through ``search_path``), created fresh and
dropped at the end. Triage is not part of this: routing is given a ``TriageView``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.pool import NullPool

from copilot.store._engine import normalise_url
from copilot.triage.taxonomy import AREAS
from routing.memory import MemoryRepository
from routing.model import Agent, Channel, Contact, RoutingError, TriageView
from routing.router import NewContact, Router
from routing.rules import load_rules
from routing.store import SqlRepository, _agent_row, _contact_row, agent_skills, agents, contacts

SPECIALIST = ("fraud", "financial_support", "bereavement", "complaints")
SKILLS = (*AREAS, *SPECIALIST)
#: How often each contact area comes up (a retail bank's mix, roughly: cards and payments lead).
AREA_WEIGHTS = {"cards": 18, "card_payments": 16, "transfers": 14, "top_ups": 6, "cash": 5,
                "currencies_and_abroad": 5, "account": 10, "identity": 5, "app_and_access": 8,
                "security_and_fraud": 6, "financial_support": 2, "complaints": 3, "general": 2}
RISKS = {(): 80, ("scam_in_progress",): 4, ("financial_difficulty",): 4, ("bereavement",): 2,
         ("vulnerability",): 4, ("complaint",): 6}
CHANNELS: dict[Channel, int] = {"chat": 60, "voice": 15, "message": 20, "email": 5}
SCHEMA = "routing_bench"
#: PostgreSQL session settings for the benchmark's connections (``--synchronous-commit off`` sets one).
SESSION: dict[str, str] = {}


class Clock:
    """Virtual time: every decision is 0.05 s after the one before (no offer ever times out here)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        self.now += 0.05
        return self.now


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def arrival(rng: random.Random) -> NewContact:
    language = rng.choices(("en", "cy", "pl"), weights=(92, 4, 4))[0]
    urgency = rng.choices(("routine", "today", "now"), weights=(80, 12, 8))[0]
    triage = TriageView(area=_pick(rng, AREA_WEIGHTS), language=language, risks=_pick(rng, RISKS), urgency=urgency)
    return NewContact(_pick(rng, CHANNELS), triage)


def make_agent(index: int, rng: random.Random) -> Agent:
    wanted = rng.randint(2, 4)
    skills: dict[str, int] = {}
    while len(skills) < wanted:  # distinct areas, the busier ones more often
        skills[_pick(rng, AREA_WEIGHTS)] = 0
    if rng.random() < 0.3:  # some hold a specialist skill in place of an area
        skills.pop(next(iter(skills)))
        skills[rng.choice(SPECIALIST)] = 0
    skills = {s: rng.choices((1, 2, 3, 4, 5), weights=(15, 35, 30, 15, 5))[0] for s in skills}
    languages = ("en",) if rng.random() < 0.9 else ("en", rng.choice(("cy", "pl")))
    return Agent(id=f"agent-{index:05d}", name=f"Agent {index}", skills=skills, languages=languages,
                 capacity=rng.choice((2, 3, 3)))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- the PostgreSQL schema -------------------------------------------------------------------------------


def schema_url(server: str) -> str:
    base = normalise_url(server)
    options = " ".join(f"-c{k}={v}" for k, v in {"search_path": SCHEMA, **SESSION}.items())
    return base.update_query_dict({"options": options}).render_as_string(hide_password=False)


def fresh_schema(server: str) -> SqlRepository:
    admin = create_engine(normalise_url(server), poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    repo = SqlRepository(schema_url(server))
    repo.migrate()
    return repo


def truncate(repo: SqlRepository) -> None:
    with repo.engine.begin() as connection:
        connection.execute(text("TRUNCATE routing_agents, routing_agent_skills, routing_contacts, routing_transcripts, "
                                "routing_outbox RESTART IDENTITY"))


def drop_schema(server: str) -> None:
    admin = create_engine(normalise_url(server), poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    admin.dispose()


def copy_into(memory: MemoryRepository, repo: SqlRepository) -> None:
    """The memory repository's agents and contacts, written to the SQL tables in bulk."""
    all_agents = memory.agents()
    with repo.engine.begin() as connection:
        connection.execute(insert(agents), [_agent_row(a) for a in all_agents])
        connection.execute(insert(agent_skills), [{"agent_id": a.id, "skill": s, "level": lvl}
                                                  for a in all_agents for s, lvl in a.skills.items()])
        connection.execute(insert(contacts), [_contact_row(c) for c in memory.iter_contacts()])
    analyze(repo)


def analyze(repo: SqlRepository) -> None:
    """Planner statistics after a bulk load, as after any bulk load: on fresh tables PostgreSQL assumes one row
    each and joins agents to their skills by a nested loop (about 8 ms a decision at 400 agents, not 0.8)."""
    with repo.engine.begin() as connection:  # committed: statistics from a rolled-back ANALYZE are lost
        connection.execute(text("ANALYZE routing_agents, routing_agent_skills, routing_contacts"))


# -- (a) latency ----------------------------------------------------------------------------------------


def build_state(n_agents: int, n_waiting: int, seed: int) -> MemoryRepository:
    rng = random.Random(seed)
    repo = MemoryRepository(keep_events=False)
    router = Router(repo, load_rules(), clock=Clock())
    for i in range(n_agents):
        router.register_agent(make_agent(i, rng))
        router.set_status(f"agent-{i:05d}", "available")
    waiting = 0
    for _ in range(200_000):
        contact = router.create(arrival(rng))
        if contact.state == "offered":
            assert contact.agent_id is not None
            router.accept(contact.id, contact.agent_id)
        else:
            waiting += 1
            if waiting == n_waiting:
                return repo
    raise RuntimeError(f"could not fill the agents to leave {n_waiting} waiting")


@dataclass
class Timings:
    create: list[float]
    create_offered: int
    pull: list[float]
    pulled: int


def time_decisions(repo: Any, decisions: int, seed: int) -> Timings:
    rng = random.Random(seed)
    router = Router(repo, load_rules(), clock=Clock())
    create_ms: list[float] = []
    offered = 0
    for _ in range(decisions):
        new = arrival(rng)
        start = time.perf_counter()
        contact = router.create(new)
        create_ms.append((time.perf_counter() - start) * 1000)
        if contact.state == "offered":
            offered += 1
            assert contact.agent_id is not None
            router.accept(contact.id, contact.agent_id)
    assigned = sorted((c for c in repo.iter_contacts() if c.state == "assigned"), key=lambda c: c.id)
    rng.shuffle(assigned)
    pull_ms: list[float] = []
    pulled = 0
    for contact in assigned[:decisions]:
        start = time.perf_counter()
        router.close(contact.id, contact.agent_id)
        pull_ms.append((time.perf_counter() - start) * 1000)
        for offer in repo.contacts(states=["offered"], agent_id=contact.agent_id):
            pulled += 1
            router.accept(offer.id, contact.agent_id)
    return Timings(create_ms, offered, pull_ms, pulled)


def report_latency(name: str, t: Timings) -> None:
    print(f"{name:10} create: n={len(t.create)} p50 {percentile(t.create, 0.5):.2f} ms  "
          f"p95 {percentile(t.create, 0.95):.2f} ms  max {max(t.create):.2f} ms  ({t.create_offered} offered at once)")
    print(f"{name:10} pull:   n={len(t.pull)} p50 {percentile(t.pull, 0.5):.2f} ms  "
          f"p95 {percentile(t.pull, 0.95):.2f} ms  max {max(t.pull):.2f} ms  ({t.pulled} waiting contacts pulled)")


def latency(server: str, n_agents: int, n_waiting: int, decisions: int, seed: int) -> None:
    start = time.perf_counter()
    memory = build_state(n_agents, n_waiting, seed)
    states = Counter(c.state for c in memory.iter_contacts())
    online = sum(1 for a in memory.agents() if a.status == "available")
    print(f"state: {online} agents online, contacts {dict(states)} (built in {time.perf_counter() - start:.1f} s)")
    repo = fresh_schema(server)
    try:
        copy_into(memory, repo)
        time_decisions(repo, 20, seed + 99)  # warm the connection pool and the server's caches
        report_latency("postgres", time_decisions(repo, decisions, seed + 1))
    finally:
        repo.close()
    report_latency("memory", time_decisions(memory, decisions, seed + 1))


# -- (b) throughput -------------------------------------------------------------------------------------


def worker(url: str, index: int, seconds: float, barrier: Any, results: Any) -> None:
    rng = random.Random(1000 + index)
    repo = SqlRepository(url)
    router = Router(repo, load_rules())
    counts: Counter[str] = Counter()

    def accept_and_close(contact_id: str, agent_id: str) -> None:
        # Agents are shared, so another process working the same agent may accept (and close) this offer first.
        try:
            router.accept(contact_id, agent_id)
            router.close(contact_id, agent_id)
        except RoutingError:
            counts["taken_by_another"] += 1
            return
        counts["closed"] += 1

    def work(contact: Contact) -> None:
        assert contact.agent_id is not None
        accept_and_close(contact.id, contact.agent_id)
        for pulled in repo.contacts(states=["offered"], agent_id=contact.agent_id, limit=5):
            accept_and_close(pulled.id, contact.agent_id)

    barrier.wait()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        contact = router.create(arrival(rng))
        counts["created"] += 1
        if contact.state == "offered":
            work(contact)
        else:
            counts["waited"] += 1
    repo.close()
    results.put(dict(counts))


def check_store(repo: SqlRepository) -> bool:
    held = repo.assigned_load()
    all_agents = repo.agents()
    wrong_load = [a.id for a in all_agents if a.load != held.get(a.id, 0)]
    over = [a.id for a in all_agents if a.load > a.capacity]
    capacity = {a.id: a.capacity for a in all_agents}
    with repo.engine.connect() as connection:
        twice = connection.execute(text("SELECT count(*) FROM (SELECT subject FROM routing_outbox WHERE kind = "
                                        "'contact.assigned' GROUP BY subject HAVING count(*) > 1) AS t")).scalar_one()
        cost: dict[str, int] = dict(connection.execute(text("SELECT id, cost FROM routing_contacts")).all())
        rows = connection.execute(text("SELECT kind, subject, agent_id FROM routing_outbox "
                                       "WHERE kind LIKE 'contact.%' ORDER BY seq")).all()
    load: Counter[str] = Counter()
    holder: dict[str, str] = {}
    peak_over = 0
    for kind, subject, agent_id in rows:
        if kind == "contact.offered":
            holder[subject] = agent_id
            load[agent_id] += cost[subject]
            peak_over = max(peak_over, load[agent_id] - capacity[agent_id])
        elif kind in ("contact.requeued", "contact.closed", "contact.transferred", "contact.abandoned") \
                and subject in holder:
            load[holder.pop(subject)] -= cost[subject]
    ok = not wrong_load and not over and twice == 0 and peak_over <= 0
    print(f"check: {len(all_agents)} agents; load != open contacts: {len(wrong_load)}; over capacity now: {len(over)}; "
          f"contacts assigned twice: {twice}; peak load above capacity replayed from the outbox: {max(peak_over, 0)} "
          f"-> {'OK' if ok else 'FAILED'}")
    return ok


def throughput(server: str, processes: int, seconds: float, n_agents: int) -> bool:
    repo = fresh_schema(server)
    truncate(repo)
    rng = random.Random(7)
    router = Router(repo, load_rules())
    memory = MemoryRepository(keep_events=False)
    staff = Router(memory, load_rules())
    for i in range(n_agents):
        agent = make_agent(i, rng)
        levels = {s: max(level, 3) for s, level in agent.skills.items()}  # room for every rule's min level
        staff.register_agent(agent.with_(skills=levels, capacity=4, languages=("en", "cy", "pl")))
    with repo.engine.begin() as connection:
        connection.execute(insert(agents), [_agent_row(a.with_(status="available")) for a in memory.agents()])
        connection.execute(insert(agent_skills), [{"agent_id": a.id, "skill": s, "level": lvl}
                                                  for a in memory.agents() for s, lvl in a.skills.items()])
    analyze(repo)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(processes + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(repo.url, i, seconds, barrier, results)) for i in range(processes)]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.perf_counter()
    totals: Counter[str] = Counter()
    for _ in procs:
        totals.update(results.get(timeout=seconds + 120))
    elapsed = time.perf_counter() - start
    for proc in procs:
        proc.join()
    router.sweep()  # anything still waiting goes to whoever is free now
    print(f"throughput: {processes} processes x {seconds:.0f} s on {os.cpu_count()} cores: "
          f"created {totals['created']}, closed {totals['closed']} ({totals['waited']} waited first) "
          f"in {elapsed:.1f} s -> "
          f"{totals['closed'] / elapsed:.0f} routed contacts/s (created, offered, accepted, closed)")
    ok = check_store(repo)
    repo.close()
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default=os.environ.get("COPILOT_TEST_DATABASE_URL",
                                                        "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
                        help="PostgreSQL server (the tables go into schema routing_bench, dropped at the end)")
    parser.add_argument("--part", choices=("latency", "throughput", "both"), default="both")
    parser.add_argument("--agents", type=int, default=3500)
    parser.add_argument("--waiting", type=int, default=1000)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--synchronous-commit", choices=("on", "off"), default="on",
                        help="off: commits do not wait for the WAL flush (shows how much the fsync costs)")
    args = parser.parse_args(argv)
    SESSION["synchronous_commit"] = args.synchronous_commit
    if min(args.agents, args.waiting, args.decisions, args.processes) < 1 or args.seconds <= 0:
        parser.error("--agents, --waiting, --decisions, --processes and --seconds must be positive")
    parts: list[Callable[[], object]] = []
    if args.part in ("latency", "both"):
        parts.append(lambda: latency(args.url, args.agents, args.waiting, args.decisions, args.seed))
    if args.part in ("throughput", "both"):
        parts.append(lambda: throughput(args.url, args.processes, args.seconds, 400))
    try:
        results = [part() for part in parts]
    finally:
        drop_schema(args.url)
    if False in results:
        raise SystemExit("the consistency check failed")


if __name__ == "__main__":
    main()
