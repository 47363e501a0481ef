"""Weekly shift schedules with OR-Tools CP-SAT, decomposed by skill group.

Each agent works shifts of one length (their contracted hours are a whole number of such shifts), at most one
a day, from the allowed start times; shifts of ``lunch_min_shift_hours`` or more have a lunch inside their
window. Hard rules: availability, contracted hours, minimum rest between shifts, maximum days in a row. The
objective is the weighted under- and over-staffing of every slot against the requirement, plus a small
penalty for each working day an agent asked to have off and each shift outside their preferred starts.

Agents are grouped by their first skill with a requirement and each group is solved in two stages:

1. **CP-SAT on shift counts.** Integer counts of agents of each type (shift length, days a week and
   availability) on each day and shift, and of lunches at each position, against the requirement curve.
   Each type's days are bounded by its agents available that day and by the days-in-a-row rule summed over
   the type; the rest rule as "late finishers today plus early starters tomorrow" at most the type's agents;
   the preferred starts that the counts must miss are counted. Every schedule of the agents gives such
   counts, so the solver's best bound, plus the preferred days off no schedule can avoid, is a lower bound
   on any schedule's objective: the reported optimality gap is measured against it.
2. **Assignment.** The counts are handed to agents: days first (agents with the fewest available days
   choose first, the days that still need the most, preferred days off avoided, the days-in-a-row rule
   kept), then shifts day by day, the agent who finished latest the day before taking the latest start, so
   the minimum rest holds; preferred starts are honoured where the counts allow. Whatever the rules force
   away from the counts is measured in the final coverage, never hidden.

The reported objective and coverage are those of the final schedule; the gap is
``(objective - bound) / objective``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planning.errors import PlanningError

__all__ = ["Agent", "GroupResult", "ScheduleResult", "ShiftRules", "Window", "coverage_curve", "schedule"]


@dataclass(frozen=True)
class Window:
    """A time window within a day, in minutes after midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= 24 * 60:
            raise PlanningError(f"window {self.start}-{self.end} must lie within one day, start before end")


@dataclass(frozen=True)
class Agent:
    """One agent: skills (the first one with a requirement decides the group), contracted weekly hours,
    the shift lengths their contract allows (worked hours, lunch excluded; default from the contract),
    availability per weekday (missing weekday: available all day; ``None``: not available), and soft
    preferences."""

    id: str
    skills: tuple[str, ...]
    contract_hours: float
    shift_hours: tuple[float, ...] = ()
    availability: Mapping[int, Window | None] = field(default_factory=dict)
    preferred_days_off: frozenset[int] = frozenset()
    preferred_start: Window | None = None

    def __post_init__(self) -> None:
        if not self.skills:
            raise PlanningError(f"agent {self.id}: at least one skill is needed")
        if not 0 < self.contract_hours <= 60:
            raise PlanningError(f"agent {self.id}: contract_hours must be in (0, 60]")


@dataclass(frozen=True)
class ShiftRules:
    """Shift rules shared by everyone. Times in minutes after midnight; the slot is the scheduling grid."""

    slot_minutes: int = 30
    start_times: tuple[int, ...] = tuple(range(7 * 60, 15 * 60 + 1, 30))
    shift_hours: tuple[float, ...] = (8.0, 6.0, 4.0)
    lunch_minutes: int = 30
    lunch_min_shift_hours: float = 6.0
    lunch_window_after_start: tuple[int, int] = (180, 300)
    min_rest_hours: float = 11.0
    max_days_in_row: int = 5
    under_weight: int = 10
    over_weight: int = 1
    preference_weight: int = 1

    def __post_init__(self) -> None:
        if self.slot_minutes not in (15, 30, 60):
            raise PlanningError("slot_minutes must be 15, 30 or 60")
        if any(t % self.slot_minutes for t in self.start_times) or not self.start_times:
            raise PlanningError(f"start times must be on the {self.slot_minutes}-minute grid")
        if any(h <= 0 or (h * 60) % self.slot_minutes for h in self.shift_hours) or not self.shift_hours:
            raise PlanningError(f"shift lengths must be whole numbers of {self.slot_minutes}-minute slots")
        if self.lunch_minutes % self.slot_minutes:
            raise PlanningError("the lunch must be a whole number of slots")
        lo, hi = self.lunch_window_after_start
        if not 0 <= lo <= hi or lo % self.slot_minutes or hi % self.slot_minutes:
            raise PlanningError("the lunch window must be on the slot grid, earliest before latest")
        if self.max_days_in_row < 1 or self.min_rest_hours < 0:
            raise PlanningError("max_days_in_row must be >= 1 and min_rest_hours >= 0")


@dataclass(frozen=True)
class _Shift:
    start: int  # minutes
    worked_hours: float
    lunch_positions: tuple[int, ...]  # lunch start minutes (empty: no lunch)
    length: int  # minutes on site, lunch included

    @property
    def end(self) -> int:
        return self.start + self.length


def _shifts(rules: ShiftRules, hours: float, day: Window) -> list[_Shift]:
    out = []
    lunch = rules.lunch_minutes if hours >= rules.lunch_min_shift_hours else 0
    length = int(hours * 60) + lunch
    for start in rules.start_times:
        if start < day.start or start + length > day.end:
            continue
        positions: tuple[int, ...] = ()
        if lunch:
            lo, hi = rules.lunch_window_after_start
            positions = tuple(start + p for p in range(lo, hi + 1, rules.slot_minutes)
                              if start + p + lunch <= start + length - rules.slot_minutes)
            if not positions:
                continue
        out.append(_Shift(start, hours, positions, length))
    return out


def _shift_length(agent: Agent, rules: ShiftRules) -> tuple[float, int]:
    """The agent's shift length (worked hours) and number of shifts a week."""
    lengths = agent.shift_hours or rules.shift_hours
    if any(not 0 < h <= 24 for h in lengths):
        raise PlanningError(f"agent {agent.id}: shift lengths must be between 0 and 24 hours")
    for hours in sorted(lengths, reverse=True):
        days = agent.contract_hours / hours
        if abs(days - round(days)) < 1e-9 and 1 <= round(days) <= 7:
            return hours, round(days)
    raise PlanningError(f"agent {agent.id}: {agent.contract_hours} contracted hours are not a whole number of "
                        f"shifts of {', '.join(f'{h:g}' for h in lengths)} hours")


@dataclass
class GroupResult:
    """One skill group's solve: the shift-count model's CP-SAT status, the final schedule's objective, the
    lower bound, the relative gap ``(objective - bound) / objective``, the seconds taken, and the under- and
    over-staffed slot-heads of the final schedule."""

    group: str
    agents: int
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    under_slots: int
    over_slots: int


@dataclass
class ScheduleResult:
    """The shifts (one row per agent and working day), the coverage per group and slot, and each group's solve."""

    shifts: pd.DataFrame
    coverage: pd.DataFrame
    groups: list[GroupResult]
    slot_minutes: int

    @property
    def gap(self) -> float:
        """The worst group's optimality gap."""
        return max((g.gap for g in self.groups), default=0.0)

    @property
    def shortfall_hours(self) -> float:
        """Agent-hours of requirement not covered."""
        return float(self.coverage["under"].sum() * self.slot_minutes / 60)

    @property
    def required_hours(self) -> float:
        return float(self.coverage["required"].sum() * self.slot_minutes / 60)


def _requirement_grid(requirement: pd.DataFrame, slot: int) -> dict[str, pd.Series]:
    """Heads needed per group and slot start: the mean of the finer intervals in each slot, rounded up."""
    for column in ("group", "interval_start", "required"):
        if column not in requirement.columns:
            raise PlanningError("the requirement needs columns group, interval_start, required")
    frame = requirement.copy()
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    if (frame["required"] < 0).any():
        raise PlanningError("required heads must be >= 0")
    frame["slot"] = frame["interval_start"].dt.floor(f"{slot}min")
    grid = frame.groupby(["group", "slot"])["required"].mean().apply(lambda v: math.ceil(v - 1e-9))
    return {str(g): part.droplevel(0) for g, part in grid.groupby(level=0)}


@dataclass
class _Group:
    """What both stages share for one skill group."""

    agents: Sequence[Agent]
    rules: ShiftRules
    week: list[dt.date]
    need: dict[int, dict[int, int]]  # day index -> slot minute -> heads
    windows: dict[int, Window]  # open days -> open window
    types: dict[tuple[float, int, tuple[Window | None, ...]], list[int]]
    """(shift hours, days a week, availability per weekday) -> agent indices: agents of one type are
    interchangeable for the rules, so counts per type can always be handed out."""
    tables: dict[tuple[int, float], list[_Shift]]  # (day, hours) -> shifts that fit the day

    def available(self, a: int, d: int, shift: _Shift | None = None) -> bool:
        window = self.agents[a].availability.get(self.week[d].weekday(), Window(0, 24 * 60))
        if window is None or d not in self.windows:
            return False
        if shift is None:
            hours = _shift_length(self.agents[a], self.rules)[0]
            return any(window.start <= s.start and s.end <= window.end for s in self.tables[d, hours])
        return window.start <= shift.start and shift.end <= window.end


def _prepare(agents: Sequence[Agent], need: pd.Series, rules: ShiftRules, week: list[dt.date]) -> _Group:
    slot = rules.slot_minutes
    need_by_day: dict[int, dict[int, int]] = {d: {} for d in range(len(week))}
    for stamp, value in need.items():
        ts = pd.Timestamp(stamp)
        if ts.date() in week:
            need_by_day[week.index(ts.date())][ts.hour * 60 + ts.minute] = int(value)
    windows = {d: Window(min(s), max(s) + slot) for d, s in need_by_day.items() if s and max(s.values()) > 0}
    types: dict[tuple[float, int, tuple[Window | None, ...]], list[int]] = {}
    for a, agent in enumerate(agents):
        signature = tuple(agent.availability.get(w, Window(0, 24 * 60)) for w in range(7))
        types.setdefault((*_shift_length(agent, rules), signature), []).append(a)
    tables = {(d, hours): _shifts(rules, hours, w) for d, w in windows.items() for hours, _, _ in types}
    group = _Group(agents, rules, week, need_by_day, windows, types, tables)
    for (_, days, _), members in types.items():
        for a in members:
            open_days = sum(group.available(a, d) for d in windows)
            if open_days < days:
                raise PlanningError(f"agent {agents[a].id} can work a shift of their length on {open_days} open "
                                    f"days of the week, fewer than the {days} shifts their contract needs")
    return group


def _stage_counts(g: _Group, time_limit: float, workers: int,
                  seed: int) -> tuple[dict[tuple[int, int, int], int], dict[tuple[int, float, int, int], int],
                                      float, str]:
    """Stage 1: shift and lunch counts; returns them, the best bound and the solver status."""
    from ortools.sat.python import cp_model

    rules, slot = g.rules, g.rules.slot_minutes
    model = cp_model.CpModel()
    n: dict[tuple[int, int, int], cp_model.IntVar] = {}  # (type, day, shift index)
    per_shift: dict[tuple[int, float, int], list[cp_model.IntVar]] = {}
    off_preference: list[cp_model.IntVar] = []
    for t, ((hours, days, _), members) in enumerate(g.types.items()):
        worked = []
        for d in g.windows:
            table = g.tables[d, hours]
            capacity = sum(g.available(a, d) for a in members)
            day_vars = []
            for s, shift in enumerate(table):
                fits = sum(g.available(a, d, shift) for a in members)
                if fits == 0:
                    continue
                var = model.new_int_var(0, fits, f"n{t}_{d}_{s}")
                n[t, d, s] = var

                per_shift.setdefault((d, hours, s), []).append(var)
                day_vars.append(var)
            if day_vars:
                model.add(sum(day_vars) <= capacity)
                worked.append((d, sum(day_vars)))
                # preferred starts: of the agents wanting window W who work today, those beyond the shifts
                # starting in W miss it; at least (working - agents not wanting W) of them work today
                wanting: dict[Window, int] = {}
                for a in members:
                    start = g.agents[a].preferred_start
                    if start is not None:
                        wanting[start] = wanting.get(start, 0) + 1
                for window, count in wanting.items():
                    inside = [n[t, d, s] for s, sh in enumerate(table)
                              if (t, d, s) in n and window.start <= sh.start <= window.end]
                    missed = model.new_int_var(0, count, f"p{t}_{d}_{window.start}")
                    model.add(missed >= sum(day_vars) - (len(members) - count) - sum(inside))
                    off_preference.append(missed)
        if not worked:
            raise PlanningError(f"agents on {days} x {hours:g} h shifts have no open day they are available on")
        model.add(sum(v for _, v in worked) == len(members) * days)
        by_day = dict(worked)
        rest = rules.min_rest_hours * 60
        for d in g.windows:
            if d + 1 not in g.windows or (g.week[d + 1] - g.week[d]).days != 1:
                continue
            today, tomorrow = g.tables[d, hours], g.tables[d + 1, hours]
            for end in sorted({shift.end for shift in today}):
                late = [n[t, d, s] for s, sh in enumerate(today) if sh.end >= end and (t, d, s) in n]
                early = [n[t, d + 1, s] for s, sh in enumerate(tomorrow)
                         if sh.start + 24 * 60 - end < rest and (t, d + 1, s) in n]
                if late and early:  # no agent can be in both sets: a late finish forbids an early start
                    model.add(sum(late) + sum(early) <= len(members))
        span = rules.max_days_in_row + 1
        for first in range(len(g.week) - span + 1):
            run = [by_day[d] for d in range(first, first + span) if d in by_day]
            if len(run) == span:
                model.add(sum(run) <= len(members) * rules.max_days_in_row)
    lunches: dict[tuple[int, float, int, int], cp_model.IntVar] = {}
    cover: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]] = {}
    for (d, hours, s), members_vars in per_shift.items():
        shift = g.tables[d, hours][s]
        total = sum(members_vars)
        bound = sum(len(m) for key, m in g.types.items() if key[0] == hours)
        for minute in range(shift.start, shift.end, slot):
            for var in members_vars:
                cover.setdefault((d, minute), []).append((var, 1))
        if shift.lunch_positions:
            ys = []
            for p in shift.lunch_positions:
                y = model.new_int_var(0, bound, f"l{d}_{hours}_{s}_{p}")
                lunches[d, hours, s, p] = y
                ys.append(y)
                for minute in range(p, p + rules.lunch_minutes, slot):
                    cover.setdefault((d, minute), []).append((y, -1))
            model.add(sum(ys) == total)
    deviations = []
    for d, window in g.windows.items():
        for minute in range(window.start, window.end, slot):
            required = g.need[d].get(minute, 0)
            terms = cover.get((d, minute), [])
            under = model.new_int_var(0, required, f"u{d}_{minute}")
            over = model.new_int_var(0, len(g.agents), f"o{d}_{minute}")
            model.add(sum(v * c for v, c in terms) + under - over == required)
            deviations.append(rules.under_weight * under + rules.over_weight * over)
    model.minimize(sum(deviations) + rules.preference_weight * sum(off_preference))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.relative_gap_limit = 0.002
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise PlanningError(f"no shift counts satisfy the contracts and rules ({name}): check the agents' hours "
                            "against the open days, shift lengths and availability")
    counts = {k: int(solver.value(v)) for k, v in n.items()}
    lunch_counts = {k: int(solver.value(v)) for k, v in lunches.items()}
    return counts, lunch_counts, float(solver.best_objective_bound), name


def _assign_days(g: _Group, members: list[int], days: int, want: dict[int, int]) -> dict[int, set[int]]:
    """Working days of one contract type's agents, as close to the counts as the rules allow (a small CP-SAT
    model: each agent's number of days, availability and days in a row are hard; the days' counts and the
    preferred days off are the objective)."""
    from ortools.sat.python import cp_model

    rules = g.rules
    model = cp_model.CpModel()
    w: dict[tuple[int, int], cp_model.IntVar] = {}
    penalties = []
    for a in members:
        options = [d for d in g.windows if g.available(a, d)]
        if len(options) < days:
            raise PlanningError(f"agent {g.agents[a].id} is available on {len(options)} open days, fewer than "
                                f"the {days} their contract needs")
        for d in options:
            w[a, d] = model.new_bool_var(f"w{a}_{d}")
            if g.week[d].weekday() in g.agents[a].preferred_days_off:
                penalties.append(w[a, d])
        model.add(sum(w[a, d] for d in options) == days)
        span = rules.max_days_in_row + 1
        for first in range(len(g.week) - span + 1):
            run = [w[a, d] for d in range(first, first + span) if (a, d) in w]
            if len(run) == span:
                model.add(sum(run) <= rules.max_days_in_row)
    misses = []
    for d in g.windows:
        on = [w[a, d] for a in members if (a, d) in w]
        miss = model.new_int_var(0, len(members), f"m{d}")
        model.add_abs_equality(miss, sum(on) - want[d])
        misses.append(miss)
    model.minimize(1000 * sum(misses) + rules.preference_weight * sum(penalties))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise PlanningError(f"{len(members)} agents cannot get {days} working days within their availability "
                            f"and at most {rules.max_days_in_row} days in a row")
    return {a: {d for d in g.windows if (a, d) in w and solver.value(w[a, d])} for a in members}


def _match(g: _Group, d: int, table: list[_Shift], pool: list[int], people: list[int],
           previous_end: Callable[[int], int], tomorrow: set[int]) -> list[tuple[int, int]]:
    """Shifts for the agents of one type on one day: the counted shifts (``pool``) matched to the agents at
    least cost (scipy's assignment solver). A shift breaking an agent's rest or availability is not allowed; one
    outside their preferred start costs 1; a late finish for someone working tomorrow costs a little (it
    limits tomorrow's starts). Agents left without a counted shift take the latest start they may."""
    from scipy.optimize import linear_sum_assignment

    rest = g.rules.min_rest_hours * 60
    blocked = 1e6
    latest_end = max(sh.end for sh in table)

    def cost(a: int, s: int) -> float:
        shift = table[s]
        if not g.available(a, d, shift) or shift.start + 24 * 60 - previous_end(a) < rest:
            return blocked
        start = g.agents[a].preferred_start
        value = 0.0 if start is None or start.start <= shift.start <= start.end else 1.0
        if a in tomorrow:
            value += 0.01 * (1 - (latest_end - shift.end) / (24 * 60))
        return value

    if not people:
        return []
    matrix = np.array([[cost(a, s) for s in pool] for a in people]) if pool else np.zeros((len(people), 0))
    pairs: list[tuple[int, int]] = []
    matched: set[int] = set()
    if pool:
        rows, columns = linear_sum_assignment(matrix)
        for r, c in zip(rows, columns, strict=True):
            if matrix[r, c] < blocked:
                pairs.append((people[r], pool[c]))
                matched.add(people[r])
    for a in people:
        if a in matched:
            continue
        feasible = [s for s in range(len(table)) if cost(a, s) < blocked]
        if not feasible:
            raise PlanningError(f"agent {g.agents[a].id}: no shift on {g.week[d]} keeps the minimum rest")
        pairs.append((a, max(feasible, key=lambda s: table[s].start)))
    return pairs


def _assign(g: _Group, counts: dict[tuple[int, int, int], int],
            lunch_counts: dict[tuple[int, float, int, int], int]) -> dict[int, dict[int, tuple[_Shift, int | None]]]:
    """Stage 2: hand the counts to agents; returns agent -> day -> (shift, lunch start)."""
    plan: dict[int, dict[int, tuple[_Shift, int | None]]] = {a: {} for a in range(len(g.agents))}
    for t, ((hours, days, _), members) in enumerate(g.types.items()):
        want = {d: sum(v for (tt, dd, _), v in counts.items() if (tt, dd) == (t, d)) for d in g.windows}
        chosen = _assign_days(g, members, days, want)
        for d in sorted(g.windows):
            table = g.tables[d, hours]
            pool: list[int] = []
            for s in range(len(table)):
                pool.extend([s] * counts.get((t, d, s), 0))
            workers_today = [a for a in members if d in chosen[a]]

            def previous_end(a: int, d: int = d) -> int:
                before = plan[a].get(d - 1)
                return before[0].end if before and (g.week[d] - g.week[d - 1]).days == 1 else -10**6

            tomorrow = {a for a in workers_today if d + 1 in chosen[a]}
            for a, s in _match(g, d, table, pool, workers_today, previous_end, tomorrow):
                plan[a][d] = (table[s], None)
    # lunches, per day and shift over all types: the counts at each position, any left over spread in turn
    on_shift: dict[tuple[int, float, int], list[int]] = {}
    for a, days_worked in plan.items():
        for d, (shift, _) in days_worked.items():
            if shift.lunch_positions:
                on_shift.setdefault((d, shift.worked_hours, g.tables[d, shift.worked_hours].index(shift)), []).append(a)
    for (d, hours, s), people in on_shift.items():
        shift = g.tables[d, hours][s]
        slots: list[int] = []
        for p in shift.lunch_positions:
            slots.extend([p] * lunch_counts.get((d, hours, s, p), 0))
        while len(slots) < len(people):
            slots.append(shift.lunch_positions[len(slots) % len(shift.lunch_positions)])
        for a, p in zip(sorted(people), slots, strict=False):
            plan[a][d] = (shift, p)
    return plan


def _unavoidable_days_off(g: _Group) -> int:
    """Preferred days off that must be worked whatever the schedule: more contracted days than other days."""
    total = 0
    for (_, days, _), members in g.types.items():
        for a in members:
            available = [d for d in g.windows if g.available(a, d)]
            preferred = [d for d in available if g.week[d].weekday() in g.agents[a].preferred_days_off]
            total += max(0, days - (len(available) - len(preferred)))
    return total


def _solve_group(group: str, agents: Sequence[Agent], need: pd.Series, rules: ShiftRules, week: list[dt.date],
                 time_limit: float, workers: int, seed: int) -> tuple[list[dict[str, object]], pd.DataFrame,
                                                                      GroupResult]:
    started = time.perf_counter()
    g = _prepare(agents, need, rules, week)
    counts, lunch_counts, bound, status = _stage_counts(g, 0.75 * time_limit, workers, seed)
    bound += rules.preference_weight * _unavoidable_days_off(g)
    plan = _assign(g, counts, lunch_counts)
    slot = rules.slot_minutes
    on_duty: dict[tuple[int, int], int] = {}
    rows: list[dict[str, object]] = []
    penalties = 0
    for a, days in plan.items():
        agent = agents[a]
        for d, (shift, lunch) in sorted(days.items()):
            for minute in range(shift.start, shift.end, slot):
                if lunch is None or not lunch <= minute < lunch + rules.lunch_minutes:
                    on_duty[d, minute] = on_duty.get((d, minute), 0) + 1
            penalties += week[d].weekday() in agent.preferred_days_off
            penalties += bool(agent.preferred_start and not agent.preferred_start.start <= shift.start
                              <= agent.preferred_start.end)
            day = pd.Timestamp(week[d])
            rows.append({"agent": agent.id, "group": group, "date": week[d],
                         "start": day + pd.Timedelta(minutes=shift.start),
                         "end": day + pd.Timedelta(minutes=shift.end),
                         "lunch_start": None if lunch is None else day + pd.Timedelta(minutes=lunch),
                         "lunch_end": None if lunch is None
                         else day + pd.Timedelta(minutes=lunch + rules.lunch_minutes),
                         "worked_hours": shift.worked_hours})
    coverage = []
    for d, window in g.windows.items():
        for minute in range(window.start, window.end, slot):
            required, staffed = g.need[d].get(minute, 0), on_duty.get((d, minute), 0)
            coverage.append({"group": group, "interval_start": pd.Timestamp(week[d]) + pd.Timedelta(minutes=minute),
                             "required": required, "scheduled": staffed, "under": max(0, required - staffed),
                             "over": max(0, staffed - required)})
    cover = pd.DataFrame(coverage, columns=["group", "interval_start", "required", "scheduled", "under", "over"])
    under, over = int(cover["under"].sum()), int(cover["over"].sum())
    objective = float(rules.under_weight * under + rules.over_weight * over + rules.preference_weight * penalties)
    gap = 0.0 if objective <= 0 else max(0.0, (objective - bound) / objective)
    result = GroupResult(group, len(agents), status, objective, bound, gap, time.perf_counter() - started, under, over)
    return rows, cover, result


def schedule(agents: Sequence[Agent], requirement: pd.DataFrame, rules: ShiftRules | None = None, *,
             week_start: dt.date | None = None, time_limit_seconds: float = 60.0, workers: int = 2,
             seed: int = 0) -> ScheduleResult:
    """Schedule a week (seven days from ``week_start``, default the requirement's first date).

    ``requirement`` has columns ``group``, ``interval_start`` and ``required`` (productive heads, for instance
    :func:`planning.staffing.requirements`' ``scheduled``). The time limit is shared by the groups in
    proportion to their agents."""
    rules = rules or ShiftRules()
    if not agents:
        raise PlanningError("no agents to schedule")
    ids = [a.id for a in agents]
    if len(set(ids)) != len(ids):
        raise PlanningError("agent ids must be unique")
    grids = _requirement_grid(requirement, rules.slot_minutes)
    first = week_start or min(pd.Timestamp(s).date() for g in grids.values() for s in g.index)
    week = [first + dt.timedelta(days=k) for k in range(7)]
    members: dict[str, list[Agent]] = {}
    for agent in agents:
        group = next((s for s in agent.skills if s in grids), None)
        if group is None:
            raise PlanningError(f"agent {agent.id}: none of the skills {list(agent.skills)} has a requirement")
        members.setdefault(group, []).append(agent)
    all_rows, covers, results = [], [], []
    for group, group_agents in sorted(members.items()):
        budget = time_limit_seconds * len(group_agents) / len(agents)
        rows, cover, result = _solve_group(group, group_agents, grids[group], rules, week, budget, workers, seed)
        all_rows.extend(rows)
        covers.append(cover)
        results.append(result)
    shifts = pd.DataFrame(all_rows, columns=["agent", "group", "date", "start", "end", "lunch_start", "lunch_end",
                                             "worked_hours"])
    coverage = pd.concat(covers, ignore_index=True) if covers else pd.DataFrame()
    return ScheduleResult(shifts.sort_values(["group", "agent", "date"], ignore_index=True), coverage, results,
                          rules.slot_minutes)


def coverage_curve(result: ScheduleResult) -> pd.DataFrame:
    """Required and scheduled heads per slot summed over the groups."""
    return result.coverage.groupby("interval_start")[["required", "scheduled", "under", "over"]].sum().reset_index()


