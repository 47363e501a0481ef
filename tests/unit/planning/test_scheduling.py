"""Schedules on tiny instances: every hard rule holds, the requirement is met where it can be, and the
groups are solved apart."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from planning.errors import PlanningError
from planning.scheduling import Agent, ShiftRules, Window, coverage_curve, schedule

MONDAY = dt.date(2024, 1, 1)
RULES = ShiftRules(start_times=tuple(range(8 * 60, 13 * 60 + 1, 60)), shift_hours=(8.0, 4.0), lunch_minutes=60,
                   lunch_window_after_start=(180, 300), max_days_in_row=3)


def _need(group: str, heads: int, days: int = 5, open_: int = 8 * 60, close: int = 22 * 60) -> pd.DataFrame:
    rows = []
    for d in range(days):
        for minute in range(open_, close, 30):
            stamp = pd.Timestamp(MONDAY + dt.timedelta(days=d)) + pd.Timedelta(minutes=minute)
            rows.append({"group": group, "interval_start": stamp, "required": heads})
    return pd.DataFrame(rows)


def test_rules_hold_and_coverage_is_reported() -> None:
    agents = [Agent(id=f"a{i}", skills=("cards",), contract_hours=24.0) for i in range(4)]
    agents.append(Agent(id="late", skills=("cards",), contract_hours=12.0, shift_hours=(4.0,),
                        availability=dict.fromkeys(range(7), Window(13 * 60, 22 * 60)),
                        preferred_days_off=frozenset({0})))
    result = schedule(agents, _need("cards", 2), RULES, time_limit_seconds=5)
    shifts = result.shifts
    assert len(result.groups) == 1 and result.groups[0].status in {"OPTIMAL", "FEASIBLE"}
    worked = shifts.groupby("agent")["worked_hours"].sum()
    assert worked.to_dict() == {"a0": 24.0, "a1": 24.0, "a2": 24.0, "a3": 24.0, "late": 12.0}
    assert (shifts.groupby(["agent", "date"]).size() == 1).all()
    late = shifts[shifts["agent"] == "late"]
    assert (late["start"].dt.hour >= 13).all() and (late["end"].dt.hour <= 22).all()
    for _, rows in shifts.groupby("agent"):
        rows = rows.sort_values("start")
        gaps = (rows["start"].iloc[1:].to_numpy() - rows["end"].iloc[:-1].to_numpy()) / pd.Timedelta(hours=1)
        assert (gaps >= 11).all()
        days = sorted(rows["date"])
        run = best = 1
        for prev, cur in itertools.pairwise(days):
            run = run + 1 if (cur - prev).days == 1 else 1
            best = max(best, run)
        assert best <= 3
    eight = shifts[shifts["worked_hours"] == 8.0]
    assert eight["lunch_start"].notna().all()
    offset = (eight["lunch_start"] - eight["start"]) / pd.Timedelta(minutes=1)
    assert offset.between(180, 300).all()
    curve = coverage_curve(result)
    assert (curve["scheduled"] - curve["required"] == curve["over"] - curve["under"]).all()
    assert result.shortfall_hours == pytest.approx(curve["under"].sum() / 2)
    assert 0 <= result.gap <= 1 and result.groups[0].bound <= result.groups[0].objective


def test_enough_agents_cover_a_flat_requirement() -> None:
    agents = [Agent(id=f"a{i}", skills=("x",), contract_hours=8.0) for i in range(2)]
    need = _need("x", 1, days=1, open_=8 * 60, close=16 * 60 + 30)
    result = schedule(agents, need, ShiftRules(start_times=(8 * 60, 8 * 60 + 30), shift_hours=(8.0,)),
                      time_limit_seconds=5)
    assert result.coverage["under"].sum() <= 1
    # the two lunches cannot fall at the same time while the other agent is also on lunch
    assert result.shifts["lunch_start"].nunique() == 2


def test_groups_are_solved_apart() -> None:
    agents = [Agent(id=f"c{i}", skills=("cards",), contract_hours=16.0) for i in range(3)]
    agents += [Agent(id=f"l{i}", skills=("loans", "cards"), contract_hours=16.0) for i in range(2)]
    need = pd.concat([_need("cards", 1, days=2), _need("loans", 1, days=2)])
    result = schedule(agents, need, RULES, time_limit_seconds=5)
    assert {g.group: g.agents for g in result.groups} == {"cards": 3, "loans": 2}
    assert set(result.shifts[result.shifts["group"] == "loans"]["agent"]) == {"l0", "l1"}


def test_impossible_contracts_and_bad_rules_are_refused() -> None:
    with pytest.raises(PlanningError, match="whole number of shifts"):
        schedule([Agent(id="a", skills=("x",), contract_hours=10.0)], _need("x", 1), RULES)
    with pytest.raises(PlanningError, match="fewer than"):
        schedule([Agent(id="a", skills=("x",), contract_hours=32.0, shift_hours=(8.0,))], _need("x", 1, days=2),
                 RULES)
    with pytest.raises(PlanningError, match="has a requirement"):
        schedule([Agent(id="a", skills=("y",), contract_hours=8.0)], _need("x", 1), RULES)
    with pytest.raises(PlanningError, match="grid"):
        ShiftRules(start_times=(8 * 60 + 10,))
