"""Small synthetic histories: weekdays 09:00-17:00 on a 30-minute grid, Poisson counts around a two-peak
profile, with a known weekday effect, so the models' behaviour can be checked in a fraction of a second."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BANK_CALLS = Path(__file__).resolve().parents[3] / ".." / "shared" / "datasets" / "bank_calls" / "train.csv"
PROFILE = np.array([3, 6, 9, 10, 10, 9, 7, 6, 7, 8, 8, 7, 6, 5, 4, 3], dtype=float)  # 16 half hours
WEEKDAY = np.array([1.3, 1.0, 0.95, 0.95, 1.05])


def synthetic_history(weeks: int = 8, *, start: dt.date = dt.date(2024, 1, 1), scale: float = 10.0,
                      seed: int = 1, holidays: tuple[dt.date, ...] = ()) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(weeks * 7):
        day = start + dt.timedelta(days=k)
        if day.weekday() >= 5 or day in holidays:
            continue
        level = scale * WEEKDAY[day.weekday()] * rng.lognormal(0, 0.03)
        for slot, weight in enumerate(PROFILE):
            stamp = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=30 * slot)
            rows.append({"interval_start": stamp.strftime("%Y-%m-%d %H:%M"), "calls": int(rng.poisson(level * weight))})
    return pd.DataFrame(rows)


@pytest.fixture
def history_csv(tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    synthetic_history().to_csv(path, index=False)
    return path


@pytest.fixture
def bank_calls() -> Path:
    if not BANK_CALLS.is_file():
        pytest.skip("../shared/datasets/bank_calls is absent")
    return BANK_CALLS
