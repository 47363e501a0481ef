"""Many series at once: statsforecast's own batch fit, on one machine or on Ray, Dask or Spark.

:func:`forecast_many` takes series in statsforecast's long format (``unique_id``, ``ds``, ``y``). Given a
pandas DataFrame it fits every series in this process with ``n_jobs`` workers; given a Spark, Dask or Ray
DataFrame, statsforecast hands the same call to Fugue, which runs it on that cluster (install
``fugue[spark]``, ``fugue[dask]`` or ``fugue[ray]`` beside statsforecast). The models are the ones the
per-queue pipeline compares: MSTL with daily and weekly seasonality and an AutoETS trend, and seasonal naive.
"""

from __future__ import annotations

from typing import Any

from planning.errors import PlanningError

__all__ = ["forecast_many"]


def forecast_many(frame: Any, *, horizon: int, day: int, week: int, n_jobs: int = 1,
                  levels: tuple[int, ...] = (80, 95)) -> Any:
    """Forecast ``horizon`` steps of every series with MSTL (seasons ``day`` and ``week`` steps) and
    seasonal naive (``week``); returns the same kind of DataFrame as ``frame``."""
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive

    if horizon < 1 or day < 1 or week <= day:
        raise PlanningError("horizon and day must be >= 1 and the week longer than the day")
    models = [MSTL(season_length=[day, week], trend_forecaster=AutoETS(model="ZZN")), SeasonalNaive(season_length=week)]
    engine = StatsForecast(models=models, freq=1, n_jobs=n_jobs)
    return engine.forecast(df=frame, h=horizon, level=list(levels))
