"""A restarted router resumes from the store: what waited still waits, what was assigned is still assigned."""

from __future__ import annotations

from pathlib import Path

from routing.model import TriageView
from routing.router import NewContact, Router
from routing.rules import load_rules
from routing.store import SqlRepository
from tests.unit.routing.conftest import Clock, agent


def test_a_new_process_carries_on_where_the_last_one_stopped(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'routing.db'}"
    clock = Clock()
    first = SqlRepository(url)
    first.migrate()
    before = Router(first, load_rules(), clock=clock)
    before.register_agent(agent("a", capacity=1))
    before.set_status("a", "available")
    held = before.create(NewContact("chat", TriageView(area="cards")))
    waiting = before.create(NewContact("chat", TriageView(area="cards")))
    before.accept(held.id, "a")
    events = len(first.events_after(0))
    first.close()

    second = SqlRepository(url)
    second.migrate()  # a no-op on tables that exist
    after = Router(second, load_rules(), clock=clock)
    assert second.get_contact(held.id).state == "assigned"  # type: ignore[union-attr]
    assert second.get_contact(waiting.id).state == "waiting"  # type: ignore[union-attr]
    assert second.get_agent("a").load == 1  # type: ignore[union-attr]
    clock.tick(100)
    after.close(held.id, "a")
    assert second.get_contact(waiting.id).agent_id == "a"  # type: ignore[union-attr]
    assert [s for s, _ in second.events_after(0)] == list(range(1, events + 3))
    second.close()
