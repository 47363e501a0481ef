"""Rolling-origin backtest of ``copilot plan forecast`` on bank_calls, next to seasonal naive.

    .venv/bin/python benchmarks/planning_forecast_backtest.py [--history ../shared/datasets/bank_calls/train.csv]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from planning.backtest import backtest
from planning.forecast import MODELS, ForecastConfig
from planning.history import read_history

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "bank_calls" / "train.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--history", type=Path, default=DEFAULT)
    parser.add_argument("--horizon-days", type=int, default=42)
    parser.add_argument("--origins", type=int, default=5)
    parser.add_argument("--step-days", type=int, default=7)
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    started = time.perf_counter()
    history = read_history(args.history)
    config = ForecastConfig(models=tuple(args.models.split(",")))  # type: ignore[arg-type]
    report = backtest(history, horizon_days=args.horizon_days, origins=args.origins, step_days=args.step_days,
                      config=config)
    print(f"origins {', '.join(map(str, report.origins))}; horizon {report.horizon_days} days; "
          f"{time.perf_counter() - started:.0f} s")
    print("| method | WAPE 5-min | WAPE 30-min | WAPE daily | 80% coverage | 95% coverage |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, scores in (("chosen model", report.model), ("seasonal naive", report.seasonal_naive)):
        print(f"| {name} | {scores.wape_native:.4f} | {scores.wape_30min:.4f} | {scores.wape_daily:.4f} | "
              f"{scores.coverage80:.3f} | {scores.coverage95:.3f} |")
    print("30-min WAPE by week of horizon:")
    for week in sorted(report.model.wape_30min_by_week):
        m, s = report.model.wape_30min_by_week[week], report.seasonal_naive.wape_30min_by_week[week]
        print(f"  week {week}: model {m:.4f}  seasonal naive {s:.4f}  ({1 - m / s:+.1%})")
    print(f"30-min improvement over seasonal naive: {report.improvement_30min:.1%}")
    print("models chosen:", json.dumps(report.model.chosen))
    print(json.dumps({"model": asdict(report.model), "seasonal_naive": asdict(report.seasonal_naive)}))


if __name__ == "__main__":
    main()
