"""Rolling-origin backtest of the forecasts inside a history, next to the seasonal naive baseline.

From each origin the whole procedure runs on the history before it (open hours, model selection by its own
cross-validation, calibration), and its forecast for the next ``horizon_days`` is compared with what happened:
WAPE at the native grid, at 30 minutes and per day, the coverage of the 80% and 95% intervals, and the
30-minute WAPE by week of horizon. The same is done for the seasonal naive model (the last week repeated).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planning.errors import PlanningError
from planning.forecast import ForecastConfig, ModelName, forecast_series
from planning.history import History

__all__ = ["BacktestReport", "ModelScores", "backtest", "wape"]


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Weighted absolute percentage error: ``sum |actual - predicted| / sum actual``."""
    total = float(np.sum(actual))
    if total <= 0:
        raise PlanningError("WAPE is undefined when the actuals sum to zero")
    return float(np.abs(np.asarray(actual) - np.asarray(predicted)).sum() / total)


@dataclass
class ModelScores:
    """One method's scores over all origins."""

    wape_native: float
    wape_30min: float
    wape_daily: float
    coverage80: float
    coverage95: float
    wape_30min_by_week: dict[int, float]
    chosen: dict[str, int] = field(default_factory=dict)


@dataclass
class BacktestReport:
    queue: str
    interval_minutes: int
    origins: list[dt.date]
    horizon_days: int
    model: ModelScores
    seasonal_naive: ModelScores

    @property
    def improvement_30min(self) -> float:
        """How much lower the model's 30-minute WAPE is than seasonal naive's (0.25 = 25% better)."""
        return 1.0 - self.model.wape_30min / self.seasonal_naive.wape_30min


def _scores(rows: pd.DataFrame, interval_minutes: int, chosen: dict[str, int]) -> ModelScores:
    y, f = rows["actual"].to_numpy(), rows["forecast"].to_numpy()
    stamps = pd.DatetimeIndex(rows["interval_start"])
    key = [rows["origin"].to_numpy(), stamps.floor("30min") if interval_minutes < 30 else stamps]
    half = rows.groupby(key)[["actual", "forecast"]].sum()
    daily = rows.groupby([rows["origin"].to_numpy(), stamps.normalize()])[["actual", "forecast"]].sum()
    by_week: dict[int, float] = {}
    week_of_row = rows["week"].to_numpy()
    for week in sorted(set(week_of_row)):
        part = rows[week_of_row == week]
        parts = pd.DatetimeIndex(part["interval_start"])
        grouped = part.groupby([part["origin"].to_numpy(), parts.floor("30min") if interval_minutes < 30 else parts])
        sums = grouped[["actual", "forecast"]].sum()
        by_week[int(week)] = wape(sums["actual"].to_numpy(), sums["forecast"].to_numpy())
    return ModelScores(
        wape_native=wape(y, f),
        wape_30min=wape(half["actual"].to_numpy(), half["forecast"].to_numpy()),
        wape_daily=wape(daily["actual"].to_numpy(), daily["forecast"].to_numpy()),
        coverage80=float(np.mean((rows["lo80"] <= y) & (y <= rows["hi80"]))),
        coverage95=float(np.mean((rows["lo95"] <= y) & (y <= rows["hi95"]))),
        wape_30min_by_week=by_week, chosen=chosen,
    )


def backtest(history: History, *, queue: str | None = None, horizon_days: int = 42, origins: int = 5,
             step_days: int = 7, config: ForecastConfig | None = None) -> BacktestReport:
    """Backtest one queue from ``origins`` origins ``step_days`` apart, the last one ``horizon_days`` before
    the end of the history."""
    queue = queue or history.queues[0]
    series = history.series(queue)
    index = pd.DatetimeIndex(series.index)
    last_day = index.max().normalize()
    starts = [last_day - pd.Timedelta(days=horizon_days - 1 + k * step_days) for k in range(origins)][::-1]
    if starts[0] - index.min() < pd.Timedelta(days=28):
        raise PlanningError(f"the history is too short for {origins} origins {step_days} days apart and a "
                            f"{horizon_days}-day horizon (each origin needs four weeks before it)")
    collected: dict[str, list[pd.DataFrame]] = {"model": [], "seasonal_naive": []}
    chosen: dict[str, dict[str, int]] = {"model": {}, "seasonal_naive": {}}
    for start in starts:
        train = series[index < start]
        actual = series[(index >= start) & (index < start + pd.Timedelta(days=horizon_days))]
        runs: dict[str, ModelName | None] = {"model": None, "seasonal_naive": "seasonal_naive"}
        for label, forced in runs.items():
            frame, fit = forecast_series(train, history.interval_minutes, days=horizon_days, config=config,
                                         queue=queue, model=forced)
            chosen[label][fit.model] = chosen[label].get(fit.model, 0) + 1
            merged = frame.merge(pd.DataFrame({"interval_start": actual.index, "actual": actual.to_numpy()}),
                                 on="interval_start", how="inner")
            merged["origin"] = start
            merged["week"] = 1 + (pd.DatetimeIndex(merged["interval_start"]) - start).days // 7
            collected[label].append(merged)
    reports = {label: _scores(pd.concat(parts, ignore_index=True), history.interval_minutes, chosen[label])
               for label, parts in collected.items()}
    return BacktestReport(queue=queue, interval_minutes=history.interval_minutes,
                          origins=[s.date() for s in starts], horizon_days=horizon_days,
                          model=reports["model"], seasonal_naive=reports["seasonal_naive"])
