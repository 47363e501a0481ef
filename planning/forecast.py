"""Contact-volume forecasts per queue and interval, with calibrated 80% and 95% intervals.

Three candidate models, all on statsforecast (Nixtla), are compared per queue by rolling-origin
cross-validation inside the history, and the one with the lowest WAPE makes the forecast:

``profile``
    The call-centre literature's pooled model: a daily total times an intraday profile. The log daily total
    is a regression on weekday and calendar effects (first and second open day of the month, the last one,
    the day after a closure); the regression's residual is the seasonally adjusted level, forecast with
    statsforecast's ``WindowAverage``. The profile of each weekday is the mean share of each interval over
    its recent open days.
``mstl``
    statsforecast's ``MSTL`` on the open intervals laid end to end (daily and weekly seasonality), its trend
    by ``AutoETS``.
``seasonal_naive``
    statsforecast's ``SeasonalNaive``: the last week repeated (the baseline every model must beat).

Intervals come from the chosen model's own cross-validation errors: each error is scaled by a variance that
is Poisson plus a multiplicative day-level term (``f + s2 * f**2``, ``s2`` fitted on the errors), and the
empirical 2.5/10/90/97.5% quantiles of the scaled errors give the bounds. Open hours and closed dates are
learned from the history (:mod:`planning.history`); special days (:mod:`planning.special_days`) scale the
history before fitting and the forecast after.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

import numpy as np
import pandas as pd

from planning.errors import PlanningError
from planning.history import History, OpenHours, format_timestamps, learn_open_hours
from planning.special_days import SpecialDays

__all__ = [
    "MODELS",
    "ForecastConfig",
    "ForecastResult",
    "ModelName",
    "SeriesFit",
    "forecast",
    "forecast_series",
]

log = logging.getLogger(__name__)

ModelName = Literal["profile", "mstl", "seasonal_naive"]
MODELS: Final[tuple[ModelName, ...]] = ("profile", "mstl", "seasonal_naive")
_QUANTILES: Final = (0.025, 0.10, 0.90, 0.975)
_OUTPUT_COLUMNS: Final = ("forecast", "lo80", "hi80", "lo95", "hi95")


@dataclass(frozen=True)
class ForecastConfig:
    """How forecasts are fitted and chosen. The defaults are the ones measured in docs/planning.md."""

    models: tuple[ModelName, ...] = MODELS
    cv_windows: int = 4
    """Rolling origins of the model-selection cross-validation (each one horizon long, ``cv_step_days`` apart)."""
    cv_step_days: int = 5
    max_cv_horizon_days: int = 30
    """Open days forecast from each origin (the requested horizon, up to this)."""
    min_train_days: int = 20
    """Open days a cross-validation origin needs before it."""
    profile_weeks: int = 12
    """Recent open days of each weekday whose intraday shares make its profile."""
    fit_days: int = 80
    """Recent open days the daily-total regression is fitted on."""
    level_window: int = 10
    """Days of seasonally adjusted level the ``WindowAverage`` averages."""
    mstl_weeks: int = 12
    """Weeks of history the MSTL model is fitted on (its cost grows with the length)."""
    race_margin: float = 1.15
    """After each cross-validation window, a candidate whose WAPE so far is this many times the best one's is
    dropped from the later windows (its score stays in ``cv_wape``, from the windows it ran)."""

    def __post_init__(self) -> None:
        unknown = [m for m in self.models if m not in MODELS]
        if unknown or not self.models:
            raise PlanningError(f"unknown model(s) {unknown}; choose from {', '.join(MODELS)}")
        if self.cv_windows < 1 or self.cv_step_days < 1 or self.profile_weeks < 1 or self.level_window < 1:
            raise PlanningError("cv_windows, cv_step_days, profile_weeks and level_window must be at least 1")


@dataclass(frozen=True)
class SeriesFit:
    """What was chosen for one queue, and why: the cross-validated WAPE of every candidate (native grid)."""

    queue: str
    model: ModelName
    cv_wape: dict[str, float]
    cv_windows: int
    variance_s2: float
    quantiles: tuple[float, float, float, float]
    open_hours: OpenHours


@dataclass
class ForecastResult:
    """One row per queue and future open interval: ``queue``, ``interval_start`` (Timestamp), ``forecast``,
    ``lo80``, ``hi80``, ``lo95``, ``hi95``; and the fit of each queue."""

    frame: pd.DataFrame
    fits: dict[str, SeriesFit] = field(default_factory=dict)
    time_format: str = "%Y-%m-%d %H:%M"
    has_queue_column: bool = False

    def to_csv_frame(self) -> pd.DataFrame:
        """The CLI's CSV: ``[queue,]interval_start,forecast,lo80,hi80,lo95,hi95``, timestamps as in the history."""
        out = pd.DataFrame({"interval_start": format_timestamps(pd.DatetimeIndex(self.frame["interval_start"]),
                                                                self.time_format)})
        for column in _OUTPUT_COLUMNS:
            out[column] = self.frame[column].round(3).to_numpy()
        if self.has_queue_column:
            out.insert(0, "queue", self.frame["queue"].to_numpy())
        return out


# --- the day matrix: one row per open-weekday date, one column per open interval of the day -----------------


@dataclass(frozen=True)
class _Days:
    dates: tuple[dt.date, ...]
    values: np.ndarray  # (n, S), NaN where closed or missing; history already divided by special multipliers
    open_mask: np.ndarray  # (n, S): the interval is open on that date's weekday
    usable: np.ndarray  # (n,): complete, not closed
    closed: np.ndarray  # (n,): a holiday or a special day with multiplier 0
    slots: tuple[int, ...]
    hours: OpenHours

    def head(self, k: int) -> _Days:
        return _Days(self.dates[:k], self.values[:k], self.open_mask[:k], self.usable[:k], self.closed[:k],
                     self.slots, self.hours)


def _open_dates(hours: OpenHours, first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        if hours.is_open_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _day_matrix(series: pd.Series, hours: OpenHours, special: dict[dt.date, float]) -> _Days:
    slots = hours.all_slots
    column = {m: j for j, m in enumerate(slots)}
    index = pd.DatetimeIndex(series.index)
    dates = _open_dates(hours, index.min().date(), index.max().date())
    row = {d: i for i, d in enumerate(dates)}
    values = np.full((len(dates), len(slots)), np.nan)
    minutes = np.asarray(index.hour * 60 + index.minute)
    for d, m, v in zip(index.date, minutes, series.to_numpy(float), strict=True):
        i, j = row.get(d), column.get(int(m))
        if i is not None and j is not None:
            values[i, j] = v
    open_mask = np.array([[m in set(hours.slots[d.weekday()]) for m in slots] for d in dates], dtype=bool)
    values[~open_mask] = np.nan
    closed = np.array([d in hours.closed_dates or special.get(d, 1.0) == 0 for d in dates], dtype=bool)
    for i, d in enumerate(dates):
        multiplier = special.get(d)
        if multiplier:
            values[i] = values[i] / multiplier
    complete = ~np.isnan(np.where(open_mask, values, 0.0)).any(axis=1)
    usable = complete & ~closed
    values[closed] = np.nan
    return _Days(tuple(dates), values, open_mask, usable, closed, slots, hours)


def _calendar_features(dates: Sequence[dt.date], hours: OpenHours, closed: set[dt.date]) -> np.ndarray:
    """Per date: first and second open day of its month, last open day of its month, day after a closure."""
    if not dates:
        return np.zeros((0, 4))
    around = _open_dates(hours, dates[0] - dt.timedelta(days=45), dates[-1] + dt.timedelta(days=45))
    working = [d for d in around if d not in closed]
    rank: dict[dt.date, int] = {}
    last_in_month: set[dt.date] = set()
    for i, d in enumerate(working):
        same = [x for x in working[max(0, i - 3):i] if (x.year, x.month) == (d.year, d.month)]
        rank[d] = len(same)
        if i + 1 < len(working) and (working[i + 1].year, working[i + 1].month) != (d.year, d.month):
            last_in_month.add(d)
    previous = {d: around[i - 1] for i, d in enumerate(around) if i > 0}
    rows = []
    for d in dates:
        r = rank.get(d, 9)
        after = d in previous and previous[d] in closed
        rows.append([float(r == 0), float(r == 1), float(d in last_in_month), float(after)])
    return np.array(rows)


def _design(dates: Sequence[dt.date], hours: OpenHours, closed: set[dt.date]) -> np.ndarray:
    weekdays = hours.open_weekdays
    dummies = np.array([[float(d.weekday() == w) for w in weekdays[1:]] for d in dates]).reshape(len(dates), -1)
    return np.column_stack([np.ones(len(dates)), dummies, _calendar_features(dates, hours, closed)])


# --- the candidate models: each maps (history up to an origin, future dates) to a (n_future, S) mean ---------


def _profile(days: _Days, future: Sequence[dt.date], future_closed: set[dt.date], config: ForecastConfig) -> np.ndarray:
    from statsforecast import StatsForecast
    from statsforecast.models import WindowAverage

    usable = np.flatnonzero(days.usable)
    if usable.size < 5:
        raise PlanningError("the history needs at least five complete open days")
    fit_rows = usable[-config.fit_days:]
    totals = np.nansum(days.values[fit_rows], axis=1)
    keep = totals > 0
    fit_rows, totals = fit_rows[keep], totals[keep]
    closed = {d for d, c in zip(days.dates, days.closed, strict=True) if c} | future_closed
    fit_dates = [days.dates[i] for i in fit_rows]
    x_fit = _design(fit_dates, days.hours, closed)
    x_future = _design(list(future), days.hours, closed)
    varying = (x_fit.std(axis=0) > 0) & (x_fit.sum(axis=0) >= 2)
    varying[0] = True
    if x_fit.shape[0] < varying.sum() + 5:  # too little history for calendar effects: weekday means only
        varying[1 + len(days.hours.open_weekdays) - 1:] = False
    x_fit, x_future = x_fit[:, varying], x_future[:, varying]
    y = np.log(totals)
    ridge = 1e-3 * np.eye(x_fit.shape[1])
    ridge[0, 0] = 0.0
    coef = np.linalg.solve(x_fit.T @ x_fit + ridge, x_fit.T @ y)
    residual = y - x_fit @ coef
    frame = pd.DataFrame({"unique_id": "level", "ds": np.arange(len(residual)), "y": residual})
    model = StatsForecast(models=[WindowAverage(window_size=min(config.level_window, len(residual)))], freq=1,
                          n_jobs=1)
    level = float(model.forecast(df=frame, h=1)["WindowAverage"].iloc[0])
    future_totals = np.exp(x_future @ coef + level)

    shares = days.values / np.nansum(days.values, axis=1, keepdims=True)
    weekday_of = np.array([d.weekday() for d in days.dates])
    pooled = np.nanmean(shares[usable[-config.profile_weeks * 5:]], axis=0)
    profiles: dict[int, np.ndarray] = {}
    for weekday in days.hours.open_weekdays:
        rows = usable[weekday_of[usable] == weekday][-config.profile_weeks:]
        mask = np.array([m in set(days.hours.slots[weekday]) for m in days.slots])
        profile = np.nanmean(shares[rows], axis=0) if rows.size else pooled.copy()
        profile = np.where(mask, np.nan_to_num(profile), np.nan)
        profiles[weekday] = profile / np.nansum(profile)
    return np.array([profiles[d.weekday()] * t for d, t in zip(future, future_totals, strict=True)])


def _filled_sequence(days: _Days) -> tuple[np.ndarray, np.ndarray]:
    """The open intervals end to end, closed or missing ones filled from the same weekday a week away;
    and the (row, column) of each position."""
    values = days.values.copy()
    weekday_of = np.array([d.weekday() for d in days.dates])
    for i in np.flatnonzero(np.isnan(np.where(days.open_mask, values, 0.0)).any(axis=1)):
        same = np.flatnonzero(days.usable & (weekday_of == weekday_of[i]))
        if same.size == 0:
            same = np.flatnonzero(days.usable)
        nearest = same[np.argsort(np.abs(same - i))[:2]]
        fill = np.nanmean(values[nearest], axis=0)
        gap = days.open_mask[i] & np.isnan(values[i])
        values[i, gap] = fill[gap]
    rows, columns = np.nonzero(days.open_mask)
    return values[rows, columns], np.column_stack([rows, columns])


def _week_length(hours: OpenHours) -> tuple[int, int | None]:
    counts = {len(hours.slots[w]) for w in hours.open_weekdays}
    week = sum(len(hours.slots[w]) for w in hours.open_weekdays)
    return week, (counts.pop() if len(counts) == 1 else None)


def _compressed(days: _Days, future: Sequence[dt.date], config: ForecastConfig, model_name: ModelName) -> np.ndarray:
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive

    week, day = _week_length(days.hours)
    sequence, _ = _filled_sequence(days)
    future_mask = np.array([[m in set(days.hours.slots[d.weekday()]) for m in days.slots] for d in future], dtype=bool)
    horizon = int(future_mask.sum())
    if model_name == "mstl":
        sequence = sequence[-config.mstl_weeks * week:]
        if len(sequence) < 2 * week + 1:
            raise PlanningError("MSTL needs at least two weeks of history")
        seasons = [day, week] if day is not None and day < week else [week]
        model: MSTL | SeasonalNaive = MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN"))
        column = "MSTL"
    else:
        model = SeasonalNaive(season_length=week)
        column = "SeasonalNaive"
    frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(sequence)), "y": sequence})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predicted = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame, h=horizon)[column].to_numpy()
    out = np.full(future_mask.shape, np.nan)
    out[future_mask] = np.clip(predicted, 0.0, None)
    return out


def _predict(name: ModelName, days: _Days, future: Sequence[dt.date], future_closed: set[dt.date],
             config: ForecastConfig) -> np.ndarray:
    if name == "profile":
        return _profile(days, future, future_closed, config)
    return _compressed(days, future, config, name)


# --- selection and calibration --------------------------------------------------------------------------------


def _scaled_quantiles(forecasts: np.ndarray, actuals: np.ndarray) -> tuple[float, tuple[float, float, float, float]]:
    f, y = np.clip(forecasts, 1e-9, None), actuals
    s2 = max(0.0, float(np.mean((y - f) ** 2 - f) / np.mean(f ** 2)))
    z = (y - f) / np.sqrt(f + s2 * f ** 2)
    q = np.quantile(z, _QUANTILES)
    return s2, (float(q[0]), float(q[1]), float(q[2]), float(q[3]))


def _wape(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float:
    f = np.concatenate([p for p, _ in pairs])
    y = np.concatenate([a for _, a in pairs])
    return float(np.abs(y - f).sum() / max(y.sum(), 1e-9))


def _select(days: _Days, horizon_days: int, config: ForecastConfig, queue: str) -> SeriesFit:
    n = len(days.dates)
    h = max(1, min(horizon_days, config.max_cv_horizon_days))
    origins = [n - h - k * config.cv_step_days for k in range(config.cv_windows)]
    origins = [o for o in origins if days.usable[:o].sum() >= config.min_train_days]
    pairs: dict[ModelName, list[tuple[np.ndarray, np.ndarray]]] = {m: [] for m in config.models}
    dropped: set[ModelName] = set()
    for origin in origins:
        head = days.head(origin)
        test = range(origin, min(origin + h, n))
        future = [days.dates[i] for i in test]
        keep = days.usable[list(test)]
        actual = days.values[list(test)][keep]
        future_closed = {days.dates[i] for i in test if days.closed[i]}
        for name in config.models:
            if name in dropped:
                continue
            try:
                predicted = _predict(name, head, future, future_closed, config)[keep]
            except PlanningError as exc:
                log.info("model %s skipped for queue %s: %s", name, queue, exc)
                dropped.add(name)
                continue
            mask = ~np.isnan(actual)
            pairs[name].append((predicted[mask], actual[mask]))
        running = {m: _wape(got) for m, got in pairs.items() if got and m not in dropped}
        if running:
            best_so_far = min(running.values())
            dropped.update(m for m, w in running.items() if w > config.race_margin * best_so_far)
    scores: dict[ModelName, float] = {}
    for name, got in pairs.items():
        if got:
            scores[name] = _wape(got)
    if not scores:  # too short for cross-validation: the profile model, Poisson and a 10% day-level spread
        return SeriesFit(queue, "profile" if "profile" in config.models else config.models[0], {}, 0, 0.01,
                         (-1.96, -1.2816, 1.2816, 1.96), days.hours)
    best: ModelName = min(scores, key=lambda m: scores[m])
    f = np.concatenate([p for p, _ in pairs[best]])
    y = np.concatenate([a for _, a in pairs[best]])
    s2, quantiles = _scaled_quantiles(f, y)
    return SeriesFit(queue, best, {str(k): v for k, v in scores.items()}, len(origins), s2, quantiles, days.hours)


def _bounds(mean: np.ndarray, fit: SeriesFit) -> dict[str, np.ndarray]:
    scale = np.sqrt(np.clip(mean, 0.0, None) + fit.variance_s2 * mean ** 2)
    lo95, lo80, hi80, hi95 = (np.clip(mean + q * scale, 0.0, None) for q in fit.quantiles)
    return {"forecast": mean, "lo80": np.minimum(lo80, mean), "hi80": np.maximum(hi80, mean),
            "lo95": np.minimum(lo95, lo80), "hi95": np.maximum(hi95, hi80)}


def forecast_series(series: pd.Series, interval_minutes: int, *, days: int, special: dict[dt.date, float] | None = None,
                    config: ForecastConfig | None = None, queue: str = "all",
                    model: ModelName | None = None) -> tuple[pd.DataFrame, SeriesFit]:
    """Forecast one queue's open intervals for ``days`` calendar days after its last interval.

    ``model`` forces one model (its intervals are still calibrated by cross-validation). Returns a frame
    with ``interval_start`` (Timestamp), ``forecast``, ``lo80``, ``hi80``, ``lo95``, ``hi95`` and the fit."""
    if days < 1:
        raise PlanningError(f"days must be at least 1, got {days}")
    config = config or ForecastConfig()
    if model is not None:
        config = replace(config, models=(model,))
    special = special or {}
    hours = learn_open_hours(series, interval_minutes)
    table = _day_matrix(series, hours, special)
    last = pd.Timestamp(pd.DatetimeIndex(series.index).max())
    end = last.normalize() + pd.Timedelta(days=days + 1)
    future_closed = {d for d, m in special.items() if m == 0}
    stamps = hours.intervals(last + pd.Timedelta(minutes=interval_minutes), end, future_closed)
    if stamps.empty:
        raise PlanningError(f"the queue {queue!r} has no open interval in the {days} days after its history")
    future = sorted({s.date() for s in stamps})
    fit = _select(table, len(future), config, queue)
    mean = _predict(fit.model, table, future, future_closed, config)
    row = {d: i for i, d in enumerate(future)}
    column = {m: j for j, m in enumerate(table.slots)}
    values = np.array([mean[row[s.date()], column[s.hour * 60 + s.minute]] for s in stamps])
    multiplier = np.array([special.get(s.date(), 1.0) for s in stamps])
    values = np.nan_to_num(values) * multiplier
    frame = pd.DataFrame({"queue": queue, "interval_start": stamps, **_bounds(values, fit)})
    return frame, fit


def forecast(history: History, *, days: int, special_days: SpecialDays | None = None,
             config: ForecastConfig | None = None, model: ModelName | None = None) -> ForecastResult:
    """Forecast every queue of ``history`` for ``days`` calendar days (see :func:`forecast_series`)."""
    special_days = special_days or SpecialDays()
    frames, fits = [], {}
    for queue in history.queues:
        frame, fit = forecast_series(history.series(queue), history.interval_minutes, days=days,
                                     special=special_days.for_queue(queue), config=config, queue=queue, model=model)
        frames.append(frame)
        fits[queue] = fit
    return ForecastResult(frame=pd.concat(frames, ignore_index=True), fits=fits, time_format=history.time_format,
                          has_queue_column=history.has_queue_column)
