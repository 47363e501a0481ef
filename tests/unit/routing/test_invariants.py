"""The router's invariants under random interleavings of every operation, in memory and on SQLite.

A Hypothesis state machine registers agents (random skills, levels, languages, capacity), changes their
status, creates contacts from random triage views and channels (some reopening a closed one), accepts,
closes, transfers, abandons, sweeps, lets the clock run past the offer timeout, and tries operations
that must be refused. After every step it checks, from the repository alone:

- every contact the machine created (and every transfer leg) is still there, in a known state;
- an offered or assigned contact names its agent, a waiting one none, and no contact is ever assigned
  twice (the outbox, replayed per contact, follows the lifecycle: one offer at a time, one assignment);
- each agent's load is the sum of the costs of the contacts offered or assigned to them, never above
  their capacity;
- a transferred contact has exactly one new leg, and every leg comes from a transferred contact;
- a refused operation changes nothing; after a sweep no waiting contact fits an agent with room.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.triage.result import RISKS, URGENCIES
from routing.memory import MemoryRepository
from routing.model import CHANNELS, CONTACT_STATES, Agent, Contact, RoutingError, TriageView
from routing.router import NewContact, NotFound, Router
from routing.rules import load_rules
from routing.store import SqlRepository

RULES = load_rules()
#: A few areas, so that random agents and contacts meet often; the rules' specialist queues come on top.
AREAS_USED = ("cards", "card_payments", "transfers", "security_and_fraud", "general")
SKILLS = (*AREAS_USED, "fraud", "financial_support", "bereavement", "complaints")
QUEUES = tuple(sorted(RULES.queues))
PICK = st.integers(min_value=0, max_value=10_000)

#: contact event -> the states it may follow, and the state it leads to.
LIFECYCLE: dict[str, tuple[frozenset[str | None], str]] = {
    "contact.created": (frozenset({None}), "waiting"),
    "contact.offered": (frozenset({"waiting"}), "offered"),
    "contact.requeued": (frozenset({"offered"}), "waiting"),
    "contact.assigned": (frozenset({"offered"}), "assigned"),
    "contact.closed": (frozenset({"assigned"}), "closed"),
    "contact.transferred": (frozenset({"assigned"}), "transferred"),
    "contact.abandoned": (frozenset({"waiting", "offered"}), "abandoned"),
}

triage_views = st.builds(
    TriageView,
    area=st.sampled_from(AREAS_USED),
    language=st.sampled_from(("en", "en", "en", "en", "cy", "fr")),
    risks=st.lists(st.sampled_from(RISKS), max_size=2, unique=True).map(tuple),
    urgency=st.sampled_from(URGENCIES),
)
skill_sets = st.dictionaries(st.sampled_from(SKILLS), st.integers(min_value=1, max_value=5), min_size=2, max_size=6)
language_sets = st.sampled_from((("en",), ("en",), ("en",), ("en", "cy"), ("cy",)))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Harness:
    """One router over a fresh repository: the operations, and the invariants checked after each one."""

    def __init__(self, repo: Any) -> None:
        self.repo = repo
        self.clock = Clock()
        self.router = Router(self.repo, RULES, clock=self.clock)
        self.agent_ids: list[str] = []
        self.created: set[str] = set()  # every contact id the machine expects to find
        self.event_seq = 0
        self.event_state: dict[str, str] = {}
        self.event_agent: dict[str, str | None] = {}
        self.assignments: Counter[str] = Counter()
        self.ever_assigned: dict[str, str] = {}
        self.terminal: dict[str, str] = {}

    # -- reading the repository ----------------------------------------------------------------------

    def contacts(self) -> list[Contact]:
        return list(self.repo.iter_contacts())

    def agents(self) -> dict[str, Agent]:
        return {a.id: a for a in self.repo.agents()}

    def in_state(self, *states: str) -> list[Contact]:
        return sorted((c for c in self.contacts() if c.state in states), key=lambda c: c.id)

    def snapshot(self) -> tuple[Any, ...]:
        contacts = sorted(self.contacts(), key=lambda c: c.id)
        agents = sorted(self.repo.agents(), key=lambda a: a.id)
        return contacts, agents, len(self.repo.events_after(0, limit=10**6))

    # -- agents ----------------------------------------------------------------------------------------

    def staff(self, team: list[tuple[dict[str, int], tuple[str, ...], int]]) -> None:
        for skills, languages, capacity in team:
            self.register_agent(skills, languages, capacity, "available")

    def register_agent(self, skills: dict[str, int], languages: tuple[str, ...], capacity: int, status: str) -> None:
        agent_id = f"agent-{len(self.agent_ids)}"
        self.router.register_agent(Agent(id=agent_id, name=agent_id, skills=skills, languages=languages,
                                         capacity=capacity))
        self.agent_ids.append(agent_id)
        if status != "offline":
            self.router.set_status(agent_id, status)  # type: ignore[arg-type]

    def reskill_agent(self, pick: int, skills: dict[str, int]) -> None:
        if not self.agent_ids:
            return
        current = self.repo.get_agent(self.agent_ids[pick % len(self.agent_ids)])
        assert current is not None
        saved = self.router.register_agent(current.with_(skills=skills))
        assert (saved.status, saved.capacity, saved.skills) == (current.status, current.capacity, skills)
        assert saved.load >= current.load  # an available agent pulls what the new skills let them take

    def set_status(self, pick: int, status: str) -> None:
        if self.agent_ids:
            agent = self.router.set_status(self.agent_ids[pick % len(self.agent_ids)], status)  # type: ignore[arg-type]
            assert agent.status == status

    # -- contacts --------------------------------------------------------------------------------------

    def create(self, triage: TriageView, channel: str, reopen: bool, pick: int) -> None:
        closed = self.in_state("closed") if reopen else []
        reopens = closed[pick % len(closed)].id if closed else None
        contact = self.router.create(NewContact(channel, triage, reopens=reopens))  # type: ignore[arg-type]
        assert contact.id not in self.created
        assert contact.state in ("waiting", "offered")
        self.created.add(contact.id)

    def work(self, pick: int, action: str, queue: str) -> None:
        """An agent answers an offer, or finishes or transfers a contact they hold (one rule, so that
        Hypothesis' swarm testing, which disables whole rules, rarely leaves offers nobody answers)."""
        if action == "accept":
            offered = self.in_state("offered")
            if offered:
                chosen = offered[pick % len(offered)]
                assert chosen.agent_id is not None
                accepted = self.router.accept(chosen.id, chosen.agent_id)
                assert (accepted.state, accepted.agent_id) == ("assigned", chosen.agent_id)
            return
        assigned = self.in_state("assigned")
        if not assigned:
            return
        chosen = assigned[pick % len(assigned)]
        if action == "close":
            assert self.router.close(chosen.id, chosen.agent_id, outcome="resolved").state == "closed"
            return
        leg = self.router.transfer(chosen.id, chosen.agent_id, queue, reason="needs another team")
        assert (leg.transferred_from, leg.queue) == (chosen.id, queue)
        assert leg.id not in self.created
        self.created.add(leg.id)

    def abandon(self, pick: int) -> None:
        open_ = self.in_state("waiting", "offered")
        if open_:
            assert self.router.abandon(open_[pick % len(open_)].id).state == "abandoned"

    def advance_clock(self, seconds: float) -> None:
        self.clock.now += seconds

    def sweep(self) -> None:
        self.router.sweep()
        now = self.clock()
        expired = [c for c in self.in_state("offered") if (c.offered_at or 0) <= now - RULES.offer_timeout_s]
        assert not expired, f"the sweep left expired offers: {[c.id for c in expired]}"
        agents = self.agents()
        for contact in self.in_state("waiting"):
            for agent in agents.values():
                room = agent.free() >= min(contact.cost, agent.capacity) and (
                    contact.cost <= agent.capacity or agent.load == 0)
                if self.router.policy.team_reserve(contact, agent) is not None:
                    continue  # the team keeps specialists free for priority work (the rules' reserve)
                assert not (agent.status == "available" and room and self.router.policy.fits(contact, agent)), \
                    f"after a sweep {contact.id} still waits although {agent.id} is free for it"

    def refused(self, pick: int, kind: int) -> None:
        """An operation the router must refuse leaves the repository exactly as it was."""
        contacts = sorted(self.contacts(), key=lambda c: c.id)
        target = contacts[pick % len(contacts)] if contacts else None
        before = self.snapshot()
        attempt: Callable[[], object]
        if kind == 0 or target is None:
            attempt = lambda: self.router.set_status("nobody", "available")  # noqa: E731
        elif kind == 1:
            attempt = lambda: self.router.accept(target.id, "not-the-agent")  # noqa: E731
        elif kind == 2 and target.state == "assigned":
            attempt = lambda: self.router.abandon(target.id)  # noqa: E731
        elif kind == 2:
            attempt = lambda: self.router.close(target.id, target.agent_id)  # noqa: E731
        elif kind == 3:
            attempt = lambda: self.router.transfer(target.id, target.agent_id, "no-such-queue")  # noqa: E731
        elif kind == 4:
            attempt = lambda: self.router.create(NewContact("chat", TriageView(), reopens="no-such-contact"))  # noqa: E731
        else:
            attempt = lambda: self.router.register_agent(Agent(id="bad", name="bad", skills={"cards": 7}))  # noqa: E731
        with pytest.raises(RoutingError):
            attempt()
        assert self.snapshot() == before

    # -- invariants ------------------------------------------------------------------------------------

    def check(self) -> None:
        self.no_contact_is_lost()
        self.loads_match_what_agents_hold()
        self.transfers_have_exactly_one_leg()
        self.the_outbox_follows_each_contacts_lifecycle()

    def no_contact_is_lost(self) -> None:
        contacts = self.contacts()
        ids = [c.id for c in contacts]
        assert len(ids) == len(set(ids)) == len(self.created)
        assert set(ids) == self.created
        for contact in contacts:
            assert contact.state in CONTACT_STATES
            if contact.state in ("offered", "assigned"):
                assert contact.agent_id is not None, f"{contact.id} is {contact.state} to nobody"
            elif contact.state == "waiting":
                assert contact.agent_id is None, f"{contact.id} waits but names {contact.agent_id}"
            if contact.id in self.terminal:
                assert contact.state == self.terminal[contact.id], f"{contact.id} left its final state"
            elif contact.state in ("closed", "abandoned", "transferred"):
                self.terminal[contact.id] = contact.state
            if contact.id in self.ever_assigned:
                assert contact.agent_id == self.ever_assigned[contact.id], f"{contact.id} changed hands"
            elif contact.state == "assigned":
                assert contact.agent_id is not None
                self.ever_assigned[contact.id] = contact.agent_id

    def loads_match_what_agents_hold(self) -> None:
        held: Counter[str] = Counter()
        for contact in self.contacts():
            if contact.state in ("offered", "assigned"):
                assert contact.agent_id is not None
                held[contact.agent_id] += contact.cost
        for agent in self.agents().values():
            assert agent.load == held[agent.id], f"{agent.id} has load {agent.load}, holds {held[agent.id]}"
            assert 0 <= agent.load <= agent.capacity, f"{agent.id} is over capacity"
        assert set(held) <= set(self.agents())
        if isinstance(self.repo, SqlRepository):
            assert self.repo.assigned_load() == {a: n for a, n in held.items() if n}

    def transfers_have_exactly_one_leg(self) -> None:
        contacts = {c.id: c for c in self.contacts()}
        legs = Counter(c.transferred_from for c in contacts.values() if c.transferred_from is not None)
        for contact in contacts.values():
            if contact.state == "transferred":
                assert legs[contact.id] == 1, f"{contact.id} was transferred with {legs[contact.id]} legs"
        for origin in legs:
            assert contacts[origin].state == "transferred"

    def the_outbox_follows_each_contacts_lifecycle(self) -> None:
        """Replay the new events: one offer at a time per contact, one assignment ever, ending where the row is."""
        for seq, event in self.repo.events_after(self.event_seq, limit=10**6):
            self.event_seq = seq
            if event.kind == "agent.status_changed":
                continue
            allowed, state = LIFECYCLE[event.kind]
            before = self.event_state.get(event.subject)
            assert before in allowed, f"{event.kind} for {event.subject} while it was {before}"
            if event.kind == "contact.offered":
                assert event.data["agent_id"] is not None
                self.event_agent[event.subject] = event.data["agent_id"]
            elif event.kind == "contact.assigned":
                assert event.data["agent_id"] == self.event_agent[event.subject]
                self.assignments[event.subject] += 1
                assert self.assignments[event.subject] == 1, f"{event.subject} was assigned twice"
            elif event.kind == "contact.requeued":
                self.event_agent[event.subject] = None
            self.event_state[event.subject] = state
        for contact in self.contacts():
            assert self.event_state.get(contact.id) == contact.state, f"{contact.id}: events and row disagree"
            if contact.state in ("offered", "assigned"):
                assert self.event_agent[contact.id] == contact.agent_id


def _op(name: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    return st.fixed_dictionaries(fields).map(lambda kwargs: (name, kwargs))


STATUSES = st.sampled_from(("available", "available", "busy", "away", "offline"))
_OPERATIONS: dict[str, st.SearchStrategy[tuple[str, dict[str, Any]]]] = {
    "register_agent": _op("register_agent", skills=skill_sets, languages=language_sets,
                          capacity=st.integers(1, 3), status=STATUSES),
    "reskill_agent": _op("reskill_agent", pick=PICK, skills=skill_sets),
    "set_status": _op("set_status", pick=PICK, status=STATUSES),
    "create": _op("create", triage=triage_views, channel=st.sampled_from(CHANNELS), reopen=st.booleans(), pick=PICK),
    "work": _op("work", pick=PICK, action=st.sampled_from(("accept", "accept", "close", "close", "transfer")),
                queue=st.sampled_from(QUEUES)),
    "abandon": _op("abandon", pick=PICK),
    "advance_clock": _op("advance_clock", seconds=st.sampled_from((1.0, 5.0, RULES.offer_timeout_s + 1, 120.0))),
    "sweep": _op("sweep"),
    "refused": _op("refused", pick=PICK, kind=st.integers(0, 5)),
}
#: How often each operation comes up: contacts arrive and are worked most.
_WEIGHTS = {"register_agent": 1, "reskill_agent": 1, "set_status": 2, "create": 5, "work": 6, "abandon": 1,
            "advance_clock": 3, "sweep": 3, "refused": 1}
OPERATIONS = st.sampled_from([n for n, w in _WEIGHTS.items() for _ in range(w)]).flatmap(_OPERATIONS.__getitem__)
TEAMS = st.lists(st.tuples(skill_sets, language_sets, st.integers(min_value=1, max_value=3)), min_size=2, max_size=4)

SETTINGS = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def run(repo: Any, team: list[tuple[dict[str, int], tuple[str, ...], int]],
        operations: list[tuple[str, dict[str, Any]]]) -> Harness:
    harness = Harness(repo)
    harness.staff(team)
    harness.check()
    for name, kwargs in operations:
        getattr(harness, name)(**kwargs)
        harness.check()
    return harness


@SETTINGS
@given(team=TEAMS, operations=st.lists(OPERATIONS, min_size=20, max_size=50))
def test_router_invariants_hold_in_memory(team: Any, operations: Any) -> None:
    run(MemoryRepository(), team, operations)


@SETTINGS
@given(team=TEAMS, operations=st.lists(OPERATIONS, min_size=20, max_size=50))
def test_router_invariants_hold_on_sqlite(team: Any, operations: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = SqlRepository(f"sqlite:///{Path(folder) / 'routing.db'}")
        repo.migrate()
        try:
            run(repo, team, operations)
        finally:
            repo.close()


def test_a_refused_reopen_names_the_missing_contact() -> None:
    router = Router(MemoryRepository(), RULES, clock=Clock())
    with pytest.raises(NotFound, match="no contact missing to reopen"):
        router.create(NewContact("chat", TriageView(), reopens="missing"))
