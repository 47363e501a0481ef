"""Arrival histories: ``interval_start,calls[,queue]`` tables, their grid and their open hours.

:func:`read_history` / :func:`parse_history` validate a table and learn three things from it: the interval
length (the grid), the timestamp format (so forecasts are written back the same way) and, per queue, the open
hours (:class:`OpenHours`): which weekdays and which intervals of those days the centre takes contacts, and
which otherwise open dates it was closed (bank holidays). Closed intervals get no forecast rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planning.errors import PlanningError

__all__ = [
    "DEFAULT_QUEUE",
    "History",
    "OpenHours",
    "format_timestamps",
    "learn_open_hours",
    "parse_history",
    "read_history",
]

DEFAULT_QUEUE = "all"

_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)

#: A weekday is open when it has data on at least this share of its dates in the history's span.
_OPEN_WEEKDAY_SHARE = 0.5
#: An interval of an open weekday is open when it has data on at least this share of that weekday's open
#: dates, and a non-zero count on at least ``_NONZERO_SHARE`` of them.
_PRESENT_SHARE = 0.5
_NONZERO_SHARE = 0.2


@dataclass(frozen=True)
class OpenHours:
    """When a queue takes contacts, learned from its history.

    ``slots[w]`` holds the open intervals of weekday ``w`` (Monday 0) as minutes after midnight; a weekday
    with no slots is closed. ``closed_dates`` are dates of open weekdays inside the history on which the
    queue had no contacts at all (holidays)."""

    interval_minutes: int
    slots: dict[int, tuple[int, ...]]
    closed_dates: frozenset[dt.date]

    @property
    def open_weekdays(self) -> tuple[int, ...]:
        return tuple(w for w in range(7) if self.slots.get(w))

    @property
    def all_slots(self) -> tuple[int, ...]:
        """Every minute offset open on some weekday, sorted (the columns of a day matrix)."""
        return tuple(sorted({s for w in self.open_weekdays for s in self.slots[w]}))

    def is_open_day(self, day: dt.date) -> bool:
        return bool(self.slots.get(day.weekday()))

    def intervals(self, start: pd.Timestamp, end: pd.Timestamp, closed: Iterable[dt.date] = ()) -> pd.DatetimeIndex:
        """The open intervals with ``start <= interval_start < end``, leaving out the ``closed`` dates."""
        shut = set(closed)
        stamps: list[pd.Timestamp] = []
        day = start.normalize()
        while day < end:
            if day.date() not in shut:
                for minute in self.slots.get(day.weekday(), ()):
                    stamp = day + pd.Timedelta(minutes=minute)
                    if start <= stamp < end:
                        stamps.append(stamp)
            day += pd.Timedelta(days=1)
        return pd.DatetimeIndex(stamps)


@dataclass(frozen=True)
class History:
    """A validated arrival history: ``frame`` has columns ``queue``, ``interval_start`` (naive timestamps,
    local time) and ``calls`` (float), sorted, one row per queue and interval."""

    frame: pd.DataFrame
    interval_minutes: int
    time_format: str
    has_queue_column: bool

    @property
    def queues(self) -> tuple[str, ...]:
        return tuple(sorted(self.frame["queue"].unique()))

    def series(self, queue: str) -> pd.Series:
        """Calls per interval of one queue, indexed by interval start."""
        part = self.frame[self.frame["queue"] == queue]
        if part.empty:
            raise PlanningError(f"no history for queue {queue!r}; queues in the history: {', '.join(self.queues)}")
        return pd.Series(part["calls"].to_numpy(), index=pd.DatetimeIndex(part["interval_start"]), name=queue)

    def open_hours(self, queue: str) -> OpenHours:
        return learn_open_hours(self.series(queue), self.interval_minutes)


def read_history(path: Path | str) -> History:
    """Read and validate a CSV history (see :func:`parse_history`)."""
    file = Path(path)
    if not file.is_file():
        raise PlanningError(f"history file {file} does not exist")
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise PlanningError(f"{file} is not a readable CSV file: {exc}") from exc
    return parse_history(frame, source=str(file))


def _detect_format(values: pd.Series, source: str) -> tuple[str, pd.Series]:
    sample = values.iloc[0].strip()
    for fmt in _FORMATS:
        try:
            dt.datetime.strptime(sample, fmt)
        except ValueError:
            continue
        parsed = pd.to_datetime(values.str.strip(), format=fmt, errors="coerce")
        bad = parsed.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise PlanningError(
                f"{source}: interval_start {values.iloc[row]!r} (row {row + 2}) does not match the format "
                f"{fmt!r} of the first row"
            )
        return fmt, parsed
    raise PlanningError(
        f"{source}: interval_start {sample!r} is not a timestamp like 2003-03-03 07:00 "
        "(local time, no time-zone offset)"
    )


def parse_history(frame: pd.DataFrame, *, source: str = "history") -> History:
    """Validate a history table of strings or values: columns ``interval_start`` and ``calls``, optionally
    ``queue``; counts finite and non-negative; one row per queue and interval; at least one week of data;
    timestamps on one regular grid of 1 to 60 minutes."""
    columns = {str(c).strip(): c for c in frame.columns}
    missing = [c for c in ("interval_start", "calls") if c not in columns]
    if missing:
        raise PlanningError(
            f"{source}: missing column(s) {', '.join(missing)}; expected interval_start,calls[,queue]"
        )
    if frame.empty:
        raise PlanningError(f"{source}: the history has no rows")
    stamps = frame[columns["interval_start"]].astype(str)
    time_format, parsed = _detect_format(stamps, source)
    calls = pd.to_numeric(frame[columns["calls"]], errors="coerce")
    bad = calls.isna() | ~np.isfinite(calls.to_numpy(dtype=float)) | (calls < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise PlanningError(
            f"{source}: calls {frame[columns['calls']].iloc[row]!r} (row {row + 2}) is not a non-negative number"
        )
    has_queue = "queue" in columns
    queue = (frame[columns["queue"]].astype(str).str.strip() if has_queue
             else pd.Series(DEFAULT_QUEUE, index=frame.index))
    if (queue == "").any():
        raise PlanningError(f"{source}: a row has an empty queue")
    clean = pd.DataFrame({"queue": queue.to_numpy(), "interval_start": parsed.to_numpy(),
                          "calls": calls.to_numpy(float)})
    dupes = clean.duplicated(["queue", "interval_start"])
    if dupes.any():
        row = clean[dupes].iloc[0]
        raise PlanningError(f"{source}: interval {row['interval_start']} of queue {row['queue']!r} appears twice")
    clean = clean.sort_values(["queue", "interval_start"], ignore_index=True)
    interval = _learn_interval(clean, source)
    for name, part in clean.groupby("queue"):
        span = part["interval_start"].max() - part["interval_start"].min()
        if span < pd.Timedelta(days=6):
            raise PlanningError(f"{source}: queue {name!r} has {span} of history; at least one week is needed")
    return History(frame=clean, interval_minutes=interval, time_format=time_format, has_queue_column=has_queue)


def _learn_interval(frame: pd.DataFrame, source: str) -> int:
    stamps = pd.DatetimeIndex(frame["interval_start"])
    if (stamps.second != 0).any():
        raise PlanningError(f"{source}: interval starts must fall on whole minutes")
    same_day = (frame["queue"].to_numpy()[1:] == frame["queue"].to_numpy()[:-1]) & (
        stamps.normalize()[1:] == stamps.normalize()[:-1]
    )
    gaps = (np.diff(stamps.asi8) // 60_000_000_000)[same_day]
    gaps = gaps[gaps > 0]
    if gaps.size == 0:
        raise PlanningError(f"{source}: one interval a day is not enough to learn the grid")
    values, counts = np.unique(gaps, return_counts=True)
    minutes = int(values[np.argmax(counts)])
    if not 1 <= minutes <= 60 or 1440 % minutes:
        raise PlanningError(f"{source}: the interval of {minutes} minutes does not divide a day (use 1-60 minutes)")
    offsets = stamps.hour * 60 + stamps.minute
    if np.any(np.asarray(offsets) % minutes != np.asarray(offsets)[0] % minutes):
        raise PlanningError(f"{source}: timestamps are not all on one {minutes}-minute grid")
    return minutes


def learn_open_hours(series: pd.Series, interval_minutes: int) -> OpenHours:
    """Open weekdays, open intervals per weekday and closed dates of one queue's calls per interval."""
    index = pd.DatetimeIndex(series.index)
    dates = index.normalize()
    minutes = np.asarray(index.hour * 60 + index.minute)
    values = series.to_numpy(float)
    daily = pd.Series(values, index=dates).groupby(level=0).sum()
    active_dates = set(daily.index[daily > 0].date)
    span = pd.date_range(dates.min(), dates.max(), freq="D")
    slots: dict[int, tuple[int, ...]] = {}
    closed: set[dt.date] = set()
    for weekday in range(7):
        span_days = [d.date() for d in span if d.weekday() == weekday]
        open_days = [d for d in span_days if d in active_dates]
        if not span_days or len(open_days) < _OPEN_WEEKDAY_SHARE * len(span_days):
            continue
        mask = np.isin(dates.date, open_days)
        frame = pd.DataFrame({"minute": minutes[mask], "calls": values[mask]})
        stats = frame.groupby("minute")["calls"].agg(present="size", nonzero=lambda c: int((c > 0).sum()))
        keep = stats[(stats["present"] >= _PRESENT_SHARE * len(open_days))
                     & (stats["nonzero"] >= _NONZERO_SHARE * len(open_days))]
        if keep.empty:
            continue
        slots[weekday] = tuple(int(m) for m in keep.index)
        closed.update(d for d in span_days if d not in active_dates)
    if not slots:
        raise PlanningError("the history has no open hours: every interval is empty")
    return OpenHours(interval_minutes=interval_minutes, slots=slots, closed_dates=frozenset(closed))


def format_timestamps(stamps: pd.DatetimeIndex, time_format: str) -> list[str]:
    """Timestamps written in the history's own format."""
    return [s.strftime(time_format) for s in stamps]
