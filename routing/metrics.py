"""Prometheus gauges per queue, read from the store at scrape time (so every router process agrees)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from routing.service import RoutingService

__all__ = ["QueueCollector"]


class QueueCollector(Collector):
    """``copilot_routing_queue_{waiting,oldest_wait_seconds,agents_available,service_level}{queue}``."""

    def __init__(self, service: RoutingService) -> None:
        self.service = service

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily("copilot_routing_queue_waiting", "Contacts waiting in the queue.", labels=["queue"])
        oldest = GaugeMetricFamily("copilot_routing_queue_oldest_wait_seconds",
                                   "How long the oldest waiting contact has waited.", labels=["queue"])
        available = GaugeMetricFamily("copilot_routing_queue_agents_available",
                                      "Available agents with room who may take the queue's contacts.", labels=["queue"])
        level = GaugeMetricFamily("copilot_routing_queue_service_level",
                                  "Share of today's answered or abandoned contacts answered within target.",
                                  labels=["queue"])
        try:
            queues = self.service.queues()
        except Exception:  # a scrape must not fail because the store is briefly away
            queues = []
        for q in queues:
            waiting.add_metric([q.id], q.waiting)
            oldest.add_metric([q.id], q.oldest_wait_s)
            available.add_metric([q.id], q.agents_available)
            if q.service_level_today is not None:
                level.add_metric([q.id], q.service_level_today)
        yield from (waiting, oldest, available, level)
