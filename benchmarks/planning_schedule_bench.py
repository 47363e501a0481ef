"""Weekly schedules with CP-SAT: 500 agents in one skill group, and 3,500 agents across seven groups.

    .venv/bin/python benchmarks/planning_schedule_bench.py --agents 500 --groups 1 --time-limit 60
    .venv/bin/python benchmarks/planning_schedule_bench.py --agents 3500 --groups 7 --time-limit 600

The requirement follows bank_calls' mean intraday and weekday shape (Monday to Friday, and a Saturday at 40%
of Friday), scaled so the agents' contracted hours cover 100% of it. Agents: 60% full time (5 x 8 h), 25% on
30 h (5 x 6 h), 15% on 20 h (5 x 4 h); 15% can work only early (07:00-16:00) or only late (12:00-21:00); a
fifth cannot work one given day; a third prefer two days off; a fifth prefer to start by 10:00.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd

from planning.scheduling import Agent, ShiftRules, Window, schedule

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "bank_calls" / "train.csv"
WEEK = dt.date(2003, 9, 15)  # a Monday


def shape(history: Path) -> np.ndarray:
    """Relative volume per weekday (0-5) and 30-minute slot 07:00-20:30 (6 x 28)."""
    if history.is_file():
        frame = pd.read_csv(history, parse_dates=["interval_start"])
        frame = frame[frame["interval_start"].dt.hour < 21]
        frame["slot"] = (frame["interval_start"].dt.hour * 60 + frame["interval_start"].dt.minute - 420) // 30
        frame["weekday"] = frame["interval_start"].dt.weekday
        grid = frame.groupby(["weekday", "slot"])["calls"].mean().unstack().to_numpy()
    else:  # a smooth double-peaked day when the data set is absent
        hours = np.arange(28) / 2
        day = np.exp(-((hours - 3.5) ** 2) / 8) + 0.8 * np.exp(-((hours - 8) ** 2) / 10) + 0.2
        grid = np.vstack([day * f for f in (1.15, 1.0, 0.95, 0.95, 1.0)])
    return np.vstack([grid, 0.4 * grid[4]])


def agents_for(n: int, groups: int, rng: random.Random) -> list[Agent]:
    out = []
    for i in range(n):
        r = rng.random()
        hours = 40.0 if r < 0.6 else 30.0 if r < 0.85 else 20.0
        availability: dict[int, Window | None] = {}
        if rng.random() < 0.15:  # early-only or late-only on every day
            window = Window(420, 960) if rng.random() < 0.5 else Window(720, 1260)
            availability = dict.fromkeys(range(7), window)
        if rng.random() < 0.2:
            availability[rng.randrange(6)] = None
        days_off = frozenset(rng.sample(range(6), 2)) if rng.random() < 0.33 else frozenset()
        start = Window(420, 600) if rng.random() < 0.2 else None
        out.append(Agent(id=f"a{i:05d}", skills=(f"group{i % groups}",), contract_hours=hours,
                         availability=availability, preferred_days_off=days_off, preferred_start=start))
    return out


def requirement_for(agents: list[Agent], groups: int, grid: np.ndarray) -> pd.DataFrame:
    rows = []
    for g in range(groups):
        hours = sum(a.contract_hours for a in agents if a.skills[0] == f"group{g}")
        heads = grid / grid.sum() * hours * 2  # slot = half an hour
        for d in range(6):
            for s in range(28):
                start = pd.Timestamp(WEEK + dt.timedelta(days=d)) + pd.Timedelta(minutes=420 + 30 * s)
                rows.append({"group": f"group{g}", "required": float(heads[d, s]), "interval_start": start})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--groups", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--history", type=Path, default=DATA)
    args = parser.parse_args()
    rng = random.Random(7)
    agents = agents_for(args.agents, args.groups, rng)
    requirement = requirement_for(agents, args.groups, shape(args.history))
    started = time.perf_counter()
    result = schedule(agents, requirement, ShiftRules(start_times=tuple(range(420, 781, 30))), week_start=WEEK,
                      time_limit_seconds=args.time_limit, workers=args.workers)
    elapsed = time.perf_counter() - started
    print(f"{args.agents} agents, {args.groups} group(s): {elapsed:.1f} s wall, worst gap {result.gap:.2%}")
    print(f"required {result.required_hours:.0f} agent-hours, short {result.shortfall_hours:.1f} "
          f"({result.shortfall_hours / result.required_hours:.2%}), over "
          f"{result.coverage['over'].sum() * 0.5:.1f} agent-hours; {len(result.shifts)} shifts")
    for g in result.groups:
        print(f"  {g.group}: {g.agents} agents {g.status} objective {g.objective:.0f} bound {g.bound:.0f} "
              f"gap {g.gap:.2%} in {g.seconds:.1f} s")


if __name__ == "__main__":
    main()
