"""From forecast contacts to agents per interval, and back from agents to the predicted service level.

A :class:`QueueSpec` says how a queue is served: handle time, the service-level target (share answered within
a threshold), the callers' patience (Erlang A when given, else Erlang C), chat concurrency (an agent holds up
to ``concurrency`` chats, each taking ``aht_seconds`` at that concurrency, so an agent is that many servers),
the occupancy cap and the shrinkage (breaks, training, absence: the share of paid time off the queue).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.erlang import QueueMetrics, erlang_a, erlang_c_metrics
from planning.errors import PlanningError

__all__ = ["QueueSpec", "agents_needed", "predicted_service_level", "queue_metrics", "requirements"]


@dataclass(frozen=True)
class QueueSpec:
    """How one queue is served; the defaults are a voice queue at 80% in 20 s with 30% shrinkage."""

    aht_seconds: float = 300.0
    target_service_level: float = 0.8
    threshold_seconds: float = 20.0
    patience_seconds: float | None = None
    concurrency: int = 1
    shrinkage: float = 0.3
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.aht_seconds <= 86_400:
            raise PlanningError(f"aht_seconds must be between 1 and 86400, got {self.aht_seconds}")
        if not 0 < self.target_service_level < 1:
            raise PlanningError(f"target_service_level must be between 0 and 1, got {self.target_service_level}")
        if not 0 <= self.threshold_seconds <= 86_400:
            raise PlanningError("threshold_seconds must be between 0 and 86400")
        if self.patience_seconds is not None and not 1 <= self.patience_seconds <= 86_400:
            raise PlanningError("patience_seconds must be between 1 and 86400 (leave it out for Erlang C)")
        if self.concurrency < 1:
            raise PlanningError("concurrency must be at least 1")
        if not 0 <= self.shrinkage < 1:
            raise PlanningError(f"shrinkage must be in [0, 1), got {self.shrinkage}")
        if self.max_occupancy is not None and not 0.05 <= self.max_occupancy <= 1:
            raise PlanningError("max_occupancy must be between 0.05 and 1")

    @property
    def model(self) -> str:
        return "erlang_a" if self.patience_seconds else "erlang_c"


#: The largest workload one interval of one queue is sized for (a centre of 3,500 agents runs a few thousand).
MAX_LOAD_ERLANGS = 20_000.0


def _load(contacts: float, interval_minutes: float, spec: QueueSpec) -> float:
    if contacts < 0 or not math.isfinite(contacts):
        raise PlanningError(f"contacts per interval must be >= 0, got {contacts}")
    if interval_minutes <= 0:
        raise PlanningError(f"the interval must be > 0 minutes, got {interval_minutes}")
    load = contacts * spec.aht_seconds / (interval_minutes * 60.0)
    if load > MAX_LOAD_ERLANGS:
        raise PlanningError(f"{load:.0f} erlangs in one interval is more than the {MAX_LOAD_ERLANGS:.0f} this "
                            "sizes; check the units (contacts per interval, handle time in seconds)")
    return load


def queue_metrics(contacts: float, agents: int, interval_minutes: float, spec: QueueSpec) -> QueueMetrics:
    """The queue's metrics with ``agents`` on it (productive agents, after shrinkage) for one interval."""
    load = _load(contacts, interval_minutes, spec)
    servers = agents * spec.concurrency
    if spec.patience_seconds:
        return erlang_a(servers, load, spec.aht_seconds, spec.threshold_seconds, spec.patience_seconds)
    return erlang_c_metrics(servers, load, spec.aht_seconds, spec.threshold_seconds)


def agents_needed(contacts: float, interval_minutes: float, spec: QueueSpec) -> tuple[int, QueueMetrics]:
    """The fewest productive agents meeting the target (and the occupancy cap), with their metrics."""
    load = _load(contacts, interval_minutes, spec)
    if load == 0:
        return 0, queue_metrics(0.0, 0, interval_minutes, spec)
    # Too few agents for Erlang C (servers <= load) or over the occupancy cap always fail; above them the
    # service level only rises with each agent, so the fewest is found by doubling, then bisecting.
    lowest = 1 if spec.patience_seconds else max(1, math.floor(load / spec.concurrency))
    if spec.max_occupancy is not None:
        lowest = max(lowest, math.ceil(load / (spec.max_occupancy * spec.concurrency) - 1e-9))

    def meets(agents: int) -> bool:
        metrics = queue_metrics(contacts, agents, interval_minutes, spec)
        occupancy_ok = spec.max_occupancy is None or metrics.occupancy <= spec.max_occupancy + 1e-12
        return metrics.service_level >= spec.target_service_level and occupancy_ok

    low, high, step = lowest, lowest, max(1, math.isqrt(math.ceil(load)))
    while not meets(high):
        low, high, step = high + 1, high + step, step * 2
    while low < high:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle + 1
    return low, queue_metrics(contacts, low, interval_minutes, spec)


def requirements(contacts: pd.Series, interval_minutes: int, spec: QueueSpec) -> pd.DataFrame:
    """Agents needed per interval for the contacts forecast in each (indexed by interval start).

    Columns: ``contacts``, ``workload_erlangs``, ``agents`` (productive, on the queue), ``scheduled``
    (``agents / (1 - shrinkage)``, rounded up: the heads to roster), ``service_level``, ``p_abandon``,
    ``asa_seconds``, ``occupancy``."""
    rows = []
    for stamp, value in contacts.items():
        agents, m = agents_needed(float(value), interval_minutes, spec)
        rows.append({"interval_start": stamp, "contacts": float(value), "workload_erlangs": m.load,
                     "agents": agents, "scheduled": math.ceil(agents / (1 - spec.shrinkage) - 1e-9),
                     "service_level": m.service_level, "p_abandon": m.p_abandon,
                     "asa_seconds": m.asa_seconds, "occupancy": m.occupancy})
    return pd.DataFrame(rows)


def predicted_service_level(arrivals: np.ndarray | list[float], agents: np.ndarray | list[int],
                            interval_minutes: int, spec: QueueSpec) -> tuple[float, np.ndarray]:
    """The service level the model predicts for these arrivals and productive agents per interval: the
    arrival-weighted overall figure and the per-interval values (comparable with a simulator's)."""
    arrivals_a = np.asarray(arrivals, dtype=float)
    agents_a = np.asarray(agents)
    if arrivals_a.shape != agents_a.shape or arrivals_a.ndim != 1:
        raise PlanningError("arrivals and agents must be two lists of the same length, one value per interval")
    if (agents_a < 0).any() or not np.all(np.equal(np.mod(agents_a, 1), 0)):
        raise PlanningError("agents per interval must be whole numbers >= 0")
    levels = np.array([queue_metrics(float(a), int(n), interval_minutes, spec).service_level
                       for a, n in zip(arrivals_a, agents_a, strict=True)])
    total = arrivals_a.sum()
    overall = float((levels * arrivals_a).sum() / total) if total > 0 else 1.0
    return overall, levels
