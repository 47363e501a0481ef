"""Erlang B, C and A against published values, against each other and against a simulation."""

from __future__ import annotations

import heapq
import math
import random

import pytest

from planning.erlang import erlang_a, erlang_b, erlang_c, erlang_c_metrics
from planning.errors import PlanningError


@pytest.mark.parametrize(("agents", "load", "probability"), [
    # The Erlang B table (as printed in the ITU-D/ITC Teletraffic Engineering Handbook, V. B. Iversen, and in
    # most telephony texts): the traffic 10 and 20 circuits carry at 1% and 2% blocking, to two decimals.
    (10, 4.46, 0.01),
    (10, 5.08, 0.02),
    (20, 12.03, 0.01),
])
def test_erlang_b_matches_the_published_table(agents: int, load: float, probability: float) -> None:
    assert erlang_b(agents, load) == pytest.approx(probability, abs=0.0005)


@pytest.mark.parametrize(("agents", "p_wait", "service_level", "occupancy"), [
    # Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example": 100 calls per half hour,
    # 180 s handle time (10 erlangs), 80% in 20 s: 14 agents give a 17.4% chance of waiting, 88.8% service
    # level and 71.4% occupancy. The same example in pyworkforce 0.5.1's tests (queuing/tests/test_erlang.py)
    # gives these, and 10.2%, 94.1% and 66.7% for 15 agents.
    (14, 0.174, 0.888, 0.714),
    (15, 0.102, 0.941, 0.667),
])
def test_erlang_c_matches_the_worked_example(agents: int, p_wait: float, service_level: float,
                                             occupancy: float) -> None:
    m = erlang_c_metrics(agents, 10.0, 180, 20)
    assert (round(m.p_wait, 3), round(m.service_level, 3), round(m.occupancy, 3)) == (p_wait, service_level,
                                                                                      occupancy)


def test_erlang_c_textbook_values() -> None:
    # Wolfram Language documentation, ErlangC: ErlangC[3, 2] = 4/9 (3 servers, 2 erlangs).
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)
    # The M/M/10 exercise with 6 erlangs whose answer, read from the Erlang C curve, is "about 0.10".
    assert erlang_c(10, 6.0) == pytest.approx(0.10, abs=0.005)
    assert erlang_c(5, 5.0) == 1.0 and erlang_c(4, 0.0) == 0.0


def test_erlang_a_tends_to_erlang_c_without_abandonment() -> None:
    c = erlang_c_metrics(14, 10.0, 180, 20)
    a = erlang_a(14, 10.0, 180, 20, patience_seconds=1e9)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-4)
    assert a.p_abandon < 1e-6


def test_erlang_a_is_stable_when_overloaded() -> None:
    m = erlang_a(8, 10.0, 180, 20, patience_seconds=120)
    assert 0 < m.service_level < 0.6 and 0.1 < m.p_abandon < 0.5 and m.occupancy < 1


def _simulate(agents: int, rate: float, aht: float, patience: float, threshold: float, calls: int,
              seed: int) -> tuple[float, float]:
    """M/M/n+M by events: the share answered within ``threshold``, and the share abandoned."""
    rng = random.Random(seed)
    free_at = [0.0] * agents
    heapq.heapify(free_at)
    clock, answered, abandoned = 0.0, 0, 0
    arrivals = []
    for _ in range(calls):
        clock += rng.expovariate(rate)
        arrivals.append((clock, clock + rng.expovariate(1 / patience)))
    # FIFO with abandonment: each caller is served by the first agent free before they give up
    for arrival, give_up in arrivals:
        start = max(arrival, free_at[0])
        if start > give_up:
            abandoned += 1
            continue
        heapq.heapreplace(free_at, start + rng.expovariate(1 / aht))
        answered += start - arrival <= threshold
    return answered / calls, abandoned / calls


def test_erlang_a_matches_a_simulation() -> None:
    level, abandon = _simulate(agents=9, rate=10 / 180, aht=180, patience=120, threshold=20, calls=60_000, seed=3)
    m = erlang_a(9, 10.0, 180, 20, 120)
    assert m.service_level == pytest.approx(level, abs=0.015)
    assert m.p_abandon == pytest.approx(abandon, abs=0.01)


def test_bad_inputs() -> None:
    with pytest.raises(PlanningError):
        erlang_c(-1, 2.0)
    with pytest.raises(PlanningError):
        erlang_b(3, math.nan)
    with pytest.raises(PlanningError):
        erlang_a(3, 2.0, 180, 20, patience_seconds=0)
