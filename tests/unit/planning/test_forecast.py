"""Forecasts: one row per future open interval, ordered bounds, special days, and better than seasonal naive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planning.backtest import backtest, wape
from planning.errors import PlanningError
from planning.forecast import ForecastConfig, forecast
from planning.history import parse_history, read_history
from planning.special_days import SpecialDay, SpecialDays, load_special_days
from tests.unit.planning.conftest import synthetic_history

FAST = ForecastConfig(models=("profile", "seasonal_naive"), cv_windows=2)


def test_rows_cover_exactly_the_open_intervals_ahead() -> None:
    history = parse_history(synthetic_history(weeks=6))
    result = forecast(history, days=14, config=FAST)
    frame = result.to_csv_frame()
    assert list(frame.columns) == ["interval_start", "forecast", "lo80", "hi80", "lo95", "hi95"]
    stamps = pd.to_datetime(frame["interval_start"])
    assert len(frame) == 10 * 16  # ten weekdays of 16 half hours
    assert stamps.min() == pd.Timestamp("2024-02-12 09:00") and stamps.max() == pd.Timestamp("2024-02-23 16:30")
    assert (stamps.dt.weekday < 5).all() and stamps.dt.hour.between(9, 16).all()
    assert frame["interval_start"].iloc[0] == "2024-02-12 09:00"
    f = frame
    assert ((f.lo95 <= f.lo80) & (f.lo80 <= f.forecast) & (f.forecast <= f.hi80) & (f.hi80 <= f.hi95)).all()
    assert (f.lo95 >= 0).all()


def test_profile_beats_seasonal_naive_and_is_chosen() -> None:
    history = parse_history(synthetic_history(weeks=10, scale=4.0))
    fit = forecast(history, days=14, config=FAST).fits["all"]
    assert fit.model == "profile"
    assert fit.cv_wape["profile"] < fit.cv_wape["seasonal_naive"]


def test_mstl_is_a_candidate() -> None:
    history = parse_history(synthetic_history(weeks=6))
    result = forecast(history, days=7, model="mstl", config=ForecastConfig(cv_windows=1))
    assert result.fits["all"].model == "mstl"
    assert len(result.frame) == 5 * 16 and np.isfinite(result.frame["forecast"]).all()


def test_special_days_close_or_scale_a_date(tmp_path: Path) -> None:
    history = parse_history(synthetic_history(weeks=6))
    plain = forecast(history, days=7, config=FAST).frame
    path = tmp_path / "special.yaml"
    path.write_text("special_days:\n  - {date: 2024-02-12, multiplier: 0, label: closed}\n"
                    "  - {date: 2024-02-13, multiplier: 2.0}\n", encoding="utf-8")
    special = forecast(history, days=7, config=FAST, special_days=load_special_days(path)).frame
    days = pd.DatetimeIndex(special["interval_start"]).date
    assert dt.date(2024, 2, 12) not in set(days)
    tuesday = special[days == dt.date(2024, 2, 13)]["forecast"].sum()
    before = plain[pd.DatetimeIndex(plain["interval_start"]).date == dt.date(2024, 2, 13)]["forecast"].sum()
    assert tuesday == pytest.approx(2 * before, rel=1e-6)


def test_special_days_files_are_checked(tmp_path: Path) -> None:
    csv = tmp_path / "s.csv"
    csv.write_text("date,multiplier,queue\n2024-12-25,0,\n2024-12-26,1.5,cards\n", encoding="utf-8")
    days = load_special_days(csv)
    assert days.for_queue("cards") == {dt.date(2024, 12, 25): 0.0, dt.date(2024, 12, 26): 1.5}
    assert days.for_queue("loans") == {dt.date(2024, 12, 25): 0.0}
    bad = tmp_path / "b.yaml"
    bad.write_text("- {date: 2024-13-01, multiplier: 1}\n", encoding="utf-8")
    with pytest.raises(PlanningError, match="not a date"):
        load_special_days(bad)
    with pytest.raises(PlanningError, match=">= 0"):
        SpecialDays.of([SpecialDay(dt.date(2024, 1, 1), -1.0)])


def test_queues_are_forecast_separately() -> None:
    a, b = synthetic_history(weeks=5, seed=2), synthetic_history(weeks=5, scale=30, seed=3)
    history = parse_history(pd.concat([a.assign(queue="small"), b.assign(queue="big")]))
    frame = forecast(history, days=7, config=FAST).to_csv_frame()
    assert set(frame["queue"]) == {"small", "big"}
    means = frame.groupby("queue")["forecast"].mean()
    assert means["big"] > 2 * means["small"]


def test_backtest_reports_both_methods() -> None:
    history = parse_history(synthetic_history(weeks=9, scale=4.0))
    report = backtest(history, horizon_days=14, origins=2, step_days=7, config=FAST)
    assert report.model.wape_30min < report.seasonal_naive.wape_30min
    assert 0.5 < report.model.coverage80 <= report.model.coverage95 <= 1.0
    assert set(report.model.wape_30min_by_week) == {1, 2}
    assert wape(np.array([10.0, 10.0]), np.array([9.0, 12.0])) == pytest.approx(0.15)


def test_bad_requests_are_refused() -> None:
    history = parse_history(synthetic_history(weeks=3))
    with pytest.raises(PlanningError, match="at least 1"):
        forecast(history, days=0)
    with pytest.raises(PlanningError, match="unknown model"):
        ForecastConfig(models=("prophet",))  # type: ignore[arg-type]


@pytest.mark.shared
def test_bank_calls_profile_forecast(bank_calls: Path) -> None:
    result = forecast(read_history(bank_calls), days=7, config=ForecastConfig(models=("profile",), cv_windows=2))
    frame = result.to_csv_frame()
    assert len(frame) == 5 * 169 and frame["interval_start"].iloc[0] == "2003-09-12 07:00"
    daily = frame.groupby(frame["interval_start"].str[:10])["forecast"].sum()
    assert daily.between(25_000, 45_000).all()


def test_forecast_many_fits_every_series_in_one_call() -> None:
    from planning.scale import forecast_many

    frames = []
    for i, scale in enumerate((5.0, 20.0)):
        history = synthetic_history(weeks=3, scale=scale, seed=i)
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(len(history)), "y": history["calls"]}))
    out = forecast_many(pd.concat(frames, ignore_index=True), horizon=16, day=16, week=80)
    assert sorted(out["unique_id"].unique()) == ["s0", "s1"] and len(out) == 32
    assert {"MSTL", "MSTL-lo-80", "SeasonalNaive-hi-95"} <= set(out.columns)
    assert out.groupby("unique_id")["MSTL"].mean()["s1"] > 2 * out.groupby("unique_id")["MSTL"].mean()["s0"]
    with pytest.raises(PlanningError):
        forecast_many(frames[0], horizon=0, day=16, week=80)
