"""Queueing formulas for staffing: Erlang B, Erlang C (M/M/n) and Erlang A (M/M/n+M, callers who abandon).

Times are in seconds. ``load`` is the offered workload in erlangs (arrival rate times mean handle time).
The Erlang A figures are exact for the M/M/n+M queue: the state probabilities of the birth-death chain
(truncated where they vanish), and for a caller who finds ``j`` others waiting, the chance to be answered
within ``t``: ``n*mu / (n*mu + (j+1)*theta) * I_{1-exp(-theta*t)}(j+1, n*mu/theta + 1)``, where ``I`` is the
regularised incomplete beta function (the time to reach an agent is a sum of exponentials whose rates grow
by ``theta``, whose law is that beta one).

Why not pyworkforce: its ``ErlangC`` (0.5.1) gives the same Erlang C values (checked against the same
published example in the tests), but it has no Erlang A or chat concurrency, and it returns meaningless
probabilities when the agents do not exceed the load instead of saying so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import betainc, gammaln

from planning.errors import PlanningError

__all__ = [
    "QueueMetrics",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
]


def _check(agents: int, load: float) -> None:
    if agents < 0 or int(agents) != agents:
        raise PlanningError(f"agents must be a whole number >= 0, got {agents}")
    if not math.isfinite(load) or load < 0:
        raise PlanningError(f"the offered load must be a number >= 0 erlangs, got {load}")


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of ``agents`` servers offered ``load`` erlangs (no queue), by the stable recursion."""
    _check(agents, load)
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(agents: int, load: float) -> float:
    """Probability that a contact waits (M/M/n); 1.0 when the agents do not exceed the load (the queue grows)."""
    _check(agents, load)
    if load == 0:
        return 0.0
    if agents <= load:
        return 1.0
    blocking = erlang_b(agents, load)
    return agents * blocking / (agents - load * (1.0 - blocking))


@dataclass(frozen=True)
class QueueMetrics:
    """What a caller can expect. ``service_level``: share of all offered contacts answered within the
    threshold (abandoned ones count as not answered). ``asa``: mean wait of the contacts answered."""

    agents: int
    load: float
    service_level: float
    p_wait: float
    p_abandon: float
    asa_seconds: float
    occupancy: float


def erlang_c_metrics(agents: int, load: float, aht_seconds: float, threshold_seconds: float) -> QueueMetrics:
    """Erlang C service level ``1 - C * exp(-(n - A) * t / AHT)``, mean wait and occupancy."""
    if aht_seconds <= 0 or threshold_seconds < 0:
        raise PlanningError("the handle time must be > 0 and the answer threshold >= 0 seconds")
    wait = erlang_c(agents, load)
    if agents <= load and load > 0:
        return QueueMetrics(agents, load, 0.0, 1.0, 0.0, math.inf, 1.0)
    level = 1.0 - wait * math.exp(-(agents - load) * threshold_seconds / aht_seconds)
    asa = wait * aht_seconds / (agents - load) if agents > load else 0.0
    occupancy = load / agents if agents else 0.0
    return QueueMetrics(agents, load, level, wait, 0.0, asa, occupancy)


def erlang_a(agents: int, load: float, aht_seconds: float, threshold_seconds: float,
             patience_seconds: float) -> QueueMetrics:
    """Erlang A (M/M/n+M): callers abandon after an exponential patience of mean ``patience_seconds``."""
    _check(agents, load)
    if aht_seconds <= 0 or threshold_seconds < 0 or patience_seconds <= 0:
        raise PlanningError("handle time and patience must be > 0 and the answer threshold >= 0 seconds")
    if load == 0:
        return QueueMetrics(agents, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    mu, theta = 1.0 / aht_seconds, 1.0 / patience_seconds
    lam = load * mu
    n = agents
    # log state probabilities: k <= n as Poisson terms, then waiting states until they vanish
    k = np.arange(n + 1)
    log_low = k * math.log(load) - gammaln(k + 1)
    waiting: list[float] = []
    log_term, j = float(log_low[-1]), 0
    while True:
        j += 1
        log_term += math.log(lam) - math.log(n * mu + j * theta)
        waiting.append(log_term)
        if (log_term < float(log_low.max()) - 40 and j * theta > lam) or j > 100_000:
            break
    log_all = np.concatenate([log_low, np.array(waiting)])
    probs = np.exp(log_all - log_all.max())
    probs /= probs.sum()
    p_busy = probs[n:]  # an arrival finds j = 0, 1, ... callers waiting
    j_ahead = np.arange(p_busy.size)
    served = (n * mu) / (n * mu + (j_ahead + 1) * theta) if n > 0 else np.zeros(p_busy.size)
    if n > 0:
        reach = betainc(j_ahead + 1.0, n * mu / theta + 1.0, 1.0 - math.exp(-theta * threshold_seconds))
    else:
        reach = np.zeros(p_busy.size)
    p_wait = float(p_busy.sum())
    within = float(probs[:n].sum() + (p_busy * served * reach).sum())
    p_abandon = float((p_busy * (1.0 - served)).sum())
    answered = 1.0 - p_abandon
    # an answered caller who found j waiting spent sum_{i<=j} 1/(n*mu + (i+1)*theta) on average
    to_agent = np.cumsum(1.0 / (n * mu + (j_ahead + 1) * theta)) if n > 0 else np.zeros(p_busy.size)
    asa = float((p_busy * served * to_agent).sum() / answered) if answered > 0 else math.inf
    busy_agents = float(np.minimum(np.arange(probs.size), n) @ probs)
    occupancy = busy_agents / n if n else 1.0
    return QueueMetrics(n, load, within, p_wait, p_abandon, asa, occupancy)
