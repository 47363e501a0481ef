"""Fit time and peak memory for 1, 100 and 1,000 synthetic series shaped like bank_calls.

    .venv/bin/python benchmarks/planning_fit_scaling.py --series 1,100,1000 --mode pipeline
    .venv/bin/python benchmarks/planning_fit_scaling.py --series 1,100,1000 --mode statsforecast --n-jobs 2

Each series is 12 weeks of weekdays on a 30-minute grid (07:00-20:30, 28 intervals a day): bank_calls' mean
profile per weekday and half hour, times a series level drawn from 0.05-2 times the real volume, times a
daily lognormal factor (sd 5%), with Poisson counts. ``pipeline`` runs ``planning.forecast`` (open hours,
rolling-origin selection between the profile and seasonal naive models, calibration) queue by queue for a
4-week horizon. ``statsforecast`` fits MSTL (daily and weekly seasonality, AutoETS trend) and seasonal naive,
with 80% and 95% intervals, on all series in one ``StatsForecast.forecast`` call
(``planning.scale.forecast_many``), the call that Ray, Dask or Spark distribute. Each size runs in its own
process; CPU time adds the worker processes' (the figure to read on a shared machine), peak memory is the
largest process's maximum resident set.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "bank_calls" / "train.csv"


def profile(history: Path) -> np.ndarray:
    if history.is_file():
        frame = pd.read_csv(history, parse_dates=["interval_start"])
        frame = frame[frame["interval_start"].dt.hour < 21]
        frame["slot"] = (frame["interval_start"].dt.hour * 60 + frame["interval_start"].dt.minute - 420) // 30
        return frame.groupby([frame["interval_start"].dt.weekday, "slot"])["calls"].sum().unstack().to_numpy() / 27
    hours = np.arange(28) / 2
    day = 600 * (np.exp(-((hours - 3.5) ** 2) / 8) + 0.8 * np.exp(-((hours - 8) ** 2) / 10) + 0.2)
    return np.vstack([day * f for f in (1.15, 1.0, 0.95, 0.95, 1.0)])


def synthetic(n: int, shape: np.ndarray, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2024-01-01", periods=60)
    offsets = pd.to_timedelta(420 + 30 * np.arange(28), unit="min")
    frames = []
    for i in range(n):
        level = rng.uniform(0.05, 2.0)
        daily = rng.lognormal(0, 0.05, size=len(dates))
        counts = rng.poisson(shape[dates.weekday] * level * daily[:, None])
        stamps = (dates.to_numpy()[:, None] + offsets.to_numpy()[None, :]).ravel()
        frames.append(pd.DataFrame({"queue": f"q{i:04d}", "interval_start": stamps, "calls": counts.ravel()}))
    return pd.concat(frames, ignore_index=True)


def run_one(n: int, mode: str, n_jobs: int) -> dict[str, float]:
    from planning.forecast import ForecastConfig, forecast
    from planning.history import parse_history
    from planning.scale import forecast_many

    frame = synthetic(n, profile(DATA))
    started = time.perf_counter()  # imports done: the first call still pays statsforecast's set-up
    if mode == "pipeline":
        history = parse_history(frame.assign(interval_start=frame["interval_start"].dt.strftime("%Y-%m-%d %H:%M")))
        forecast(history, days=28, config=ForecastConfig(models=("profile", "seasonal_naive")))
    else:
        data = frame.rename(columns={"queue": "unique_id", "calls": "y"})
        data["ds"] = data.groupby("unique_id").cumcount()
        forecast_many(data[["unique_id", "ds", "y"]], horizon=20 * 28, day=28, week=140, n_jobs=n_jobs)
    seconds = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    peak_mb = max(own.ru_maxrss, children.ru_maxrss) / 1024
    return {"series": n, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak_mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", default="1,100,1000")
    parser.add_argument("--mode", choices=["pipeline", "statsforecast"], default="pipeline")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.mode, args.n_jobs)))
        return
    print(f"mode {args.mode}, n_jobs {args.n_jobs}")
    print("| series | wall s | CPU s (all processes) | wall s per series | peak RSS MB (largest process) |")
    print("|---:|---:|---:|---:|---:|")
    for n in (int(s) for s in args.series.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--mode", args.mode,
                              "--n-jobs", str(args.n_jobs)], capture_output=True, text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {n:,} | {row['seconds']:.1f} | {row['cpu_seconds']:.1f} | {row['seconds'] / n:.3f} | "
              f"{row['peak_rss_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
