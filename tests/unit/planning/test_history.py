"""Histories: the grid, the timestamp format and the open hours are learned; bad input is refused clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from planning.errors import PlanningError
from planning.history import parse_history, read_history
from tests.unit.planning.conftest import synthetic_history


def test_grid_format_and_open_hours_are_learned() -> None:
    holiday = dt.date(2024, 1, 17)
    history = parse_history(synthetic_history(weeks=4, holidays=(holiday,)))
    assert history.interval_minutes == 30
    assert history.time_format == "%Y-%m-%d %H:%M"
    hours = history.open_hours("all")
    assert hours.open_weekdays == (0, 1, 2, 3, 4)
    assert hours.slots[0][0] == 9 * 60 and hours.slots[0][-1] == 16 * 60 + 30 and len(hours.slots[2]) == 16
    assert hours.closed_dates == frozenset({holiday})


def test_zero_rows_at_night_are_closed_not_forecast() -> None:
    frame = synthetic_history(weeks=2)
    night = pd.DataFrame({"interval_start": [f"2024-01-{d:02d} 03:00" for d in range(1, 13)], "calls": 0})
    history = parse_history(pd.concat([frame, night], ignore_index=True))
    assert 180 not in history.open_hours("all").slots[0]


def test_other_formats_and_queues(tmp_path: Path) -> None:
    frame = synthetic_history(weeks=2)
    frame["interval_start"] = pd.to_datetime(frame["interval_start"]).dt.strftime("%Y-%m-%dT%H:%M:%S")
    both = pd.concat([frame.assign(queue="cards"), frame.assign(queue="loans")])
    path = tmp_path / "h.csv"
    both.to_csv(path, index=False)
    history = read_history(path)
    assert history.time_format == "%Y-%m-%dT%H:%M:%S"
    assert history.queues == ("cards", "loans") and history.has_queue_column


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.drop(columns=["calls"]), "missing column"),
    (lambda f: f.assign(calls=-1), "non-negative"),
    (lambda f: f.assign(interval_start="yesterday"), "not a timestamp"),
    (lambda f: pd.concat([f, f.head(1)]), "appears twice"),
    (lambda f: f.head(20), "at least one week"),
])
def test_bad_histories_are_refused_with_a_reason(change, message) -> None:
    with pytest.raises(PlanningError, match=message):
        parse_history(change(synthetic_history(weeks=2)))


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlanningError, match="does not exist"):
        read_history(tmp_path / "nope.csv")


@pytest.mark.shared
def test_bank_calls_grid_and_open_hours(bank_calls: Path) -> None:
    history = read_history(bank_calls)
    hours = history.open_hours("all")
    assert history.interval_minutes == 5
    assert hours.open_weekdays == (0, 1, 2, 3, 4)
    assert all(len(hours.slots[w]) == 169 for w in hours.open_weekdays)
    assert {dt.date(2003, 7, 4), dt.date(2003, 9, 1), dt.date(2003, 5, 26)} <= hours.closed_dates
