"""The routing service as the API runs it: the store, the router, and a background sweeper and relay.

``RoutingService.open(database_url, settings)`` migrates the routing tables, loads and validates the rules
(a bad rules file stops start-up with :class:`~routing.rules.RulesError`), and starts one daemon thread
that every ``sweep_interval_s`` requeues expired offers, matches free agents with waiting contacts and,
when NATS is configured, relays the outbox. Everything it knows is in the store, so a restart resumes
where the last process stopped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from copilot.triage.taxonomy import AREAS
from routing.model import Agent
from routing.outbox import NatsPublisher, OutboxRelay
from routing.router import Router
from routing.rules import Rules, load_rules
from routing.settings import RoutingSettings
from routing.store import SqlRepository

__all__ = ["QueueStatus", "RoutingService"]

log = logging.getLogger(__name__)

#: Every skill a seeded agent gets: the contact areas and the specialist teams' skills.
SEED_SKILLS = (*AREAS, "fraud", "bereavement")


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """One queue, live: who waits and for how long, today's service level, and who could take a contact."""

    id: str
    name: str
    waiting: int
    oldest_wait_s: float
    service_level_today: float | None
    answered_in_target_today: int
    settled_today: int
    agents_available: int
    target_wait_s: float


class RoutingService:
    """The router over a SQL store, with its background work."""

    def __init__(self, repo: SqlRepository, rules: Rules, settings: RoutingSettings) -> None:
        self.repo = repo
        self.rules = rules
        self.settings = settings
        self.router = Router(repo, rules)
        self.relay = OutboxRelay(repo, NatsPublisher(settings.nats_url, stream=settings.nats_stream,
                                                     prefix=settings.nats_prefix)) if settings.nats_url else None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def open(cls, database_url: str, settings: RoutingSettings | None = None) -> RoutingService:
        config = settings or RoutingSettings()
        rules = load_rules(config.rules_path)
        repo = SqlRepository(database_url)
        repo.migrate()
        return cls(repo, rules, config)

    def seed_agents(self, names: Iterable[str]) -> list[str]:
        """Agent records for ``names`` that have none yet (every skill at level 3, chat capacity 3, offline)."""
        added = []
        for name in names:
            if self.repo.get_agent(name) is None:
                self.router.register_agent(Agent(id=name, name=name, skills=dict.fromkeys(SEED_SKILLS, 3),
                                                 languages=self.rules.languages, capacity=3))
                added.append(name)
        return added

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="routing-sweeper", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.sweep_interval_s):
            try:
                self.router.sweep()
                if self.relay is not None:
                    self.relay.drain()
            except Exception:  # the next tick retries; the error is logged without any contact data
                log.exception("routing sweep failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.relay is not None:
            self.relay.publisher.close()
        self.repo.close()

    def queues(self, now: float | None = None) -> list[QueueStatus]:
        """Every queue with today's figures (since midnight UTC), busiest first."""
        at = time.time() if now is None else now
        midnight = at - at % 86_400
        stats = {s["queue"]: s for s in self.repo.queue_stats(midnight)}
        agents = [a for a in self.repo.agents() if a.status == "available" and a.free() > 0]
        result = []
        for queue in self.rules.queues.values():
            row = stats.get(queue.id, {})
            settled = int(row.get("settled", 0))
            in_target = int(row.get("answered_in_target", 0))
            oldest = row.get("oldest_waiting_since")
            available = sum(1 for a in agents if a.skills.get(queue.skill, 0) >= queue.min_level
                            and (queue.language is None or queue.language in a.languages))
            result.append(QueueStatus(
                id=queue.id, name=queue.name, waiting=int(row.get("waiting", 0)),
                oldest_wait_s=round(max(0.0, at - oldest), 1) if oldest is not None else 0.0,
                service_level_today=round(in_target / settled, 4) if settled else None,
                answered_in_target_today=in_target, settled_today=settled, agents_available=available,
                target_wait_s=queue.target_wait_s["chat"],
            ))
        return sorted(result, key=lambda q: (-q.waiting, q.id))
