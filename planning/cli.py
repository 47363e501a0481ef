"""``copilot plan ...``: forecast contact volume, turn it into staff, schedule the shifts.

    copilot plan forecast --history calls.csv --days 30 --out forecast.csv
    copilot plan backtest --history calls.csv
    copilot plan staff --forecast forecast.csv --aht 300 --out requirement.csv
    copilot plan schedule --requirement requirement.csv --agents agents.yaml --out shifts.csv
    copilot plan report --forecast forecast.csv --requirement requirement.csv --coverage coverage.csv --out plan.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from planning.errors import PlanningError

plan_app = typer.Typer(name="plan", help="Forecast, staff and schedule.", no_args_is_help=True)


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=2)


@plan_app.command("forecast")
def forecast_command(
    history: Annotated[Path, typer.Option(help="CSV interval_start,calls[,queue].")],
    days: Annotated[int, typer.Option(help="Calendar days to forecast after the history ends.")],
    out: Annotated[Path, typer.Option(help="CSV to write: [queue,]interval_start,forecast,lo80,hi80,lo95,hi95.")],
    special_days: Annotated[Path | None, typer.Option(help="YAML or CSV of dates with a multiplier.")] = None,
    model: Annotated[str | None, typer.Option(help="Force one model: profile, mstl or seasonal_naive.")] = None,
) -> None:
    """Forecast every open interval of the next DAYS days, with 80% and 95% intervals."""
    from planning.forecast import MODELS, forecast
    from planning.history import read_history
    from planning.special_days import load_special_days

    try:
        if model is not None and model not in MODELS:
            raise PlanningError(f"unknown model {model!r}; choose from {', '.join(MODELS)}")
        result = forecast(read_history(history), days=days,
                          special_days=load_special_days(special_days) if special_days else None,
                          model=model)  # type: ignore[arg-type]
    except PlanningError as exc:
        raise _fail(exc) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    result.to_csv_frame().to_csv(out, index=False)
    for queue, fit in result.fits.items():
        scores = ", ".join(f"{m} {w:.4f}" for m, w in fit.cv_wape.items())
        typer.echo(f"{queue}: {fit.model} (cross-validated WAPE: {scores or 'n/a'}); {len(result.frame)} rows -> {out}")


@plan_app.command("backtest")
def backtest_command(
    history: Annotated[Path, typer.Option(help="CSV interval_start,calls[,queue].")],
    horizon_days: Annotated[int, typer.Option(help="Days forecast from each origin.")] = 42,
    origins: Annotated[int, typer.Option(help="Rolling origins, a week apart.")] = 5,
    queue: Annotated[str | None, typer.Option(help="Queue to backtest (default the first).")] = None,
) -> None:
    """Rolling-origin backtest inside the history: WAPE and coverage next to seasonal naive."""
    from dataclasses import asdict

    from planning.backtest import backtest
    from planning.history import read_history

    try:
        report = backtest(read_history(history), queue=queue, horizon_days=horizon_days, origins=origins)
    except PlanningError as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps({"queue": report.queue, "origins": [str(o) for o in report.origins],
                           "model": asdict(report.model), "seasonal_naive": asdict(report.seasonal_naive),
                           "improvement_30min": report.improvement_30min}, indent=2))


@plan_app.command("staff")
def staff_command(
    forecast: Annotated[Path, typer.Option(help="Forecast CSV ([queue,]interval_start,forecast,...).")],
    out: Annotated[Path, typer.Option(help="CSV to write: the agents needed per interval.")],
    aht: Annotated[float, typer.Option(help="Mean handle time, seconds.")] = 300.0,
    target: Annotated[float, typer.Option(help="Share answered within the threshold.")] = 0.8,
    threshold: Annotated[float, typer.Option(help="Answer threshold, seconds.")] = 20.0,
    patience: Annotated[float | None, typer.Option(help="Mean patience, seconds (Erlang A).")] = None,
    concurrency: Annotated[int, typer.Option(help="Contacts an agent handles at once (chat).")] = 1,
    shrinkage: Annotated[float, typer.Option(help="Share of paid time off the queue.")] = 0.3,
    max_occupancy: Annotated[float | None, typer.Option(help="Occupancy cap, e.g. 0.85.")] = None,
    column: Annotated[str, typer.Option(help="Forecast column to staff for (forecast, hi80, ...).")] = "forecast",
) -> None:
    """Agents needed per interval (Erlang C, or Erlang A with --patience), with shrinkage."""
    from planning.staffing import QueueSpec, requirements

    try:
        spec = QueueSpec(aht_seconds=aht, target_service_level=target, threshold_seconds=threshold,
                         patience_seconds=patience, concurrency=concurrency, shrinkage=shrinkage,
                         max_occupancy=max_occupancy)
        frame = _read_forecast(forecast, column)
        parts = []
        for queue, part in frame.groupby("queue", sort=True):
            minutes = _interval_minutes(pd.DatetimeIndex(part["interval_start"]))
            req = requirements(pd.Series(part[column].to_numpy(), index=part["interval_start"]), minutes, spec)
            req.insert(0, "queue", queue)
            parts.append(req)
    except PlanningError as exc:
        raise _fail(exc) from exc
    result = pd.concat(parts, ignore_index=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.to_csv(out, index=False)
    typer.echo(f"{spec.model}: peak {int(result['scheduled'].max())} scheduled agents; {len(result)} rows -> {out}")


def _read_forecast(path: Path, column: str) -> pd.DataFrame:
    if not path.is_file():
        raise PlanningError(f"forecast file {path} does not exist")
    frame = pd.read_csv(path)
    if "interval_start" not in frame.columns or column not in frame.columns:
        raise PlanningError(f"{path} needs the columns interval_start and {column}")
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    if "queue" not in frame.columns:
        frame["queue"] = "all"
    return frame


def _interval_minutes(stamps: pd.DatetimeIndex) -> int:
    gaps = pd.Series(stamps.sort_values()).diff().dt.total_seconds().dropna() / 60
    gaps = gaps[gaps > 0]
    if gaps.empty:
        raise PlanningError("the forecast needs at least two intervals to learn its grid")
    return int(gaps.mode().iloc[0])


@plan_app.command("schedule")
def schedule_command(
    requirement: Annotated[Path, typer.Option(help="CSV from `plan staff` (queue,interval_start,scheduled,...).")],
    agents: Annotated[Path, typer.Option(help="YAML list of agents (id, skills, contract_hours, ...).")],
    out: Annotated[Path, typer.Option(help="CSV to write: one row per agent and working day.")],
    coverage: Annotated[Path | None, typer.Option(help="CSV to write: required and scheduled per slot.")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds for the solver, shared by the skill groups.")] = 60.0,
    workers: Annotated[int, typer.Option(help="CP-SAT workers.")] = 2,
) -> None:
    """Choose a week of shifts with CP-SAT: least under- and over-staffing, by skill group."""
    from planning.scheduling import schedule
    from planning.serialise import load_agents

    try:
        frame = pd.read_csv(requirement)
        if not {"interval_start", "scheduled"} <= set(frame.columns):
            raise PlanningError(f"{requirement} needs the columns interval_start and scheduled")
        need = pd.DataFrame({"group": frame["queue"] if "queue" in frame.columns else "all",
                             "interval_start": pd.to_datetime(frame["interval_start"]),
                             "required": frame["scheduled"]})
        result = schedule(load_agents(agents), need, time_limit_seconds=time_limit, workers=workers)
    except PlanningError as exc:
        raise _fail(exc) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    result.shifts.to_csv(out, index=False)
    if coverage is not None:
        result.coverage.to_csv(coverage, index=False)
    for g in result.groups:
        typer.echo(f"{g.group}: {g.agents} agents, {g.status}, gap {g.gap:.2%}, short {g.under_slots} slot-heads, "
                   f"over {g.over_slots}, {g.seconds:.1f} s")
    typer.echo(f"shortfall {result.shortfall_hours:.1f} of {result.required_hours:.1f} agent-hours; "
               f"{len(result.shifts)} shifts -> {out}")


@plan_app.command("report")
def report_command(
    out: Annotated[Path, typer.Option(help="HTML file to write.")],
    forecast: Annotated[Path | None, typer.Option(help="Forecast CSV.")] = None,
    actuals: Annotated[Path | None, typer.Option(help="History CSV with the actual calls.")] = None,
    coverage: Annotated[Path | None, typer.Option(help="Coverage CSV from `plan schedule --coverage`.")] = None,
) -> None:
    """An HTML report: forecast against actuals, requirement against scheduled staff, gaps by day and hour."""
    from planning.report import render_report

    try:
        html = render_report(
            forecast=_read_forecast(forecast, "forecast") if forecast else None,
            actuals=pd.read_csv(actuals, parse_dates=["interval_start"]) if actuals else None,
            coverage=pd.read_csv(coverage, parse_dates=["interval_start"]) if coverage else None,
        )
    except PlanningError as exc:
        raise _fail(exc) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    typer.echo(f"report -> {out}")
