"""``/v1/planning``: forecasts with intervals, agents needed per interval, and weekly schedules (scope
``planner``).

Histories are sent column-wise (``interval_start``, ``calls``, optional ``queue`` arrays) so a few months of
5-minute data fit in the body limit. The work runs in a thread; model selection on the API is between the
profile and seasonal naive models unless ``models`` asks for MSTL too (which takes a minute on long histories).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from api.deps import PlannerPrincipal
from api.openapi import problems
from api.problems import ApiError
from planning.errors import PlanningError
from planning.forecast import ForecastConfig, forecast
from planning.history import parse_history
from planning.scheduling import Agent, ShiftRules, Window, schedule
from planning.special_days import SpecialDay, SpecialDays
from planning.staffing import QueueSpec, requirements

router = APIRouter(prefix="/v1/planning", tags=["planning"])

MAX_ROWS = 100_000
MAX_REQUIREMENT_ROWS = 20_000
ModelName = Literal["profile", "mstl", "seasonal_naive"]
_API_MODELS: tuple[ModelName, ...] = ("profile", "seasonal_naive")


def _local(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2200:
        raise ValueError("the year must be between 1900 and 2200")
    return value.replace(tzinfo=None)  # plans are in the centre's local time


LocalDateTime = Annotated[dt.datetime, AfterValidator(_local)]
"""A timestamp in the centre's local time; an offset, if sent, is dropped."""
LocalTime = Annotated[str, Field(description="Local time, ISO 8601 without offset: 2024-01-01T09:00:00.")]


def _iso(value: object) -> str:
    return str(pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%S"))  # type: ignore[arg-type]


def _unprocessable(exc: PlanningError) -> ApiError:
    return ApiError(422, "validation", str(exc))


class HistoryIn(BaseModel):
    """Calls per interval, column-wise: equal-length arrays."""

    interval_start: list[str] = Field(min_length=1, max_length=MAX_ROWS,
                                      description="Local time, e.g. 2003-03-03 07:00.")
    calls: list[Annotated[float, Field(ge=0, le=1e7)]] = Field(min_length=1, max_length=MAX_ROWS)
    queue: list[str] | None = Field(default=None, max_length=MAX_ROWS)

    @model_validator(mode="after")
    def _same_length(self) -> HistoryIn:
        lengths = {len(self.calls), len(self.interval_start)} | ({len(self.queue)} if self.queue is not None else set())
        if len(lengths) > 1:
            raise ValueError("interval_start, calls and queue must have the same length")
        return self


class SpecialDayIn(BaseModel):
    date: dt.date
    multiplier: float = Field(ge=0, le=100, description="0 means closed.")
    label: str = Field(default="", max_length=200)
    queue: str | None = Field(default=None, max_length=200)


class ForecastIn(BaseModel):
    history: HistoryIn
    days: int = Field(ge=1, le=62, description="Calendar days after the history's last interval.")
    special_days: list[SpecialDayIn] = Field(default_factory=list, max_length=1000)
    models: list[ModelName] = Field(default_factory=lambda: list(_API_MODELS), min_length=1)


class ForecastRow(BaseModel):
    queue: str
    interval_start: str
    forecast: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float


class FitOut(BaseModel):
    queue: str
    model: ModelName
    cv_wape: dict[str, float]
    cv_windows: int


class ForecastOut(BaseModel):
    interval_minutes: int
    rows: list[ForecastRow]
    fits: list[FitOut]


@router.post("/forecast", operation_id="createPlanningForecast", response_model=ForecastOut,
             summary="Forecast contacts per open interval with 80% and 95% intervals",
             responses={**problems(400, 401, 403, 413, 415, 422, 429)})
async def create_forecast(payload: ForecastIn, principal: PlannerPrincipal) -> ForecastOut:
    """Learn the grid and open hours from the history, choose a model per queue by rolling-origin
    cross-validation and forecast every open interval of the next ``days`` days."""

    def run() -> ForecastOut:
        table = {"interval_start": payload.history.interval_start, "calls": payload.history.calls}
        if payload.history.queue is not None:
            table["queue"] = payload.history.queue  # type: ignore[assignment]
        history = parse_history(pd.DataFrame(table), source="history")
        special = SpecialDays(tuple(SpecialDay(d.date, d.multiplier, d.label, d.queue) for d in payload.special_days))
        result = forecast(history, days=payload.days, special_days=special,
                          config=ForecastConfig(models=tuple(payload.models)))
        frame = result.to_csv_frame()
        if "queue" not in frame.columns:
            frame.insert(0, "queue", result.frame["queue"].to_numpy())
        rows = [ForecastRow(**r) for r in frame.to_dict("records")]
        fits = [FitOut(queue=q, model=f.model, cv_wape=f.cv_wape, cv_windows=f.cv_windows)
                for q, f in result.fits.items()]
        return ForecastOut(interval_minutes=history.interval_minutes, rows=rows, fits=fits)

    try:
        return await run_in_threadpool(run)
    except PlanningError as exc:
        raise _unprocessable(exc) from exc


class QueueSpecIn(BaseModel):
    aht_seconds: float = Field(default=300, ge=1, le=36_000)
    target_service_level: float = Field(default=0.8, gt=0, lt=1)
    threshold_seconds: float = Field(default=20, ge=0, le=86_400)
    patience_seconds: float | None = Field(default=None, ge=1, le=86_400, description="Set for Erlang A.")
    concurrency: int = Field(default=1, ge=1, le=20)
    shrinkage: float = Field(default=0.3, ge=0, lt=1)
    max_occupancy: float | None = Field(default=None, ge=0.05, le=1)


class RequirementsIn(BaseModel):
    interval_start: list[LocalDateTime] = Field(min_length=1, max_length=MAX_REQUIREMENT_ROWS)
    contacts: list[Annotated[float, Field(ge=0, le=1e6)]] = Field(min_length=1, max_length=MAX_REQUIREMENT_ROWS)
    interval_minutes: int = Field(ge=1, le=60)
    queue: QueueSpecIn = Field(default_factory=QueueSpecIn)

    @model_validator(mode="after")
    def _same_length(self) -> RequirementsIn:
        if len(self.contacts) != len(self.interval_start):
            raise ValueError("interval_start and contacts must have the same length")
        return self


class RequirementRow(BaseModel):
    interval_start: LocalTime
    contacts: float
    workload_erlangs: float
    agents: int
    scheduled: int
    service_level: float
    p_abandon: float
    occupancy: float


class RequirementsOut(BaseModel):
    model: Literal["erlang_c", "erlang_a"]
    rows: list[RequirementRow]


@router.post("/requirements", operation_id="createPlanningRequirements", response_model=RequirementsOut,
             summary="Agents needed per interval (Erlang C or A, concurrency, shrinkage)",
             responses={**problems(400, 401, 403, 413, 415, 422, 429)})
async def create_requirements(payload: RequirementsIn, principal: PlannerPrincipal) -> RequirementsOut:
    """Productive agents meeting the service-level target in each interval, and the heads to schedule."""

    def run() -> RequirementsOut:
        spec = QueueSpec(**payload.queue.model_dump())
        frame = requirements(pd.Series(payload.contacts, index=payload.interval_start), payload.interval_minutes,
                             spec)
        frame["interval_start"] = [_iso(v) for v in frame["interval_start"]]
        rows = [RequirementRow(**{k: v for k, v in r.items() if k in RequirementRow.model_fields})
                for r in frame.to_dict("records")]
        return RequirementsOut(model=spec.model, rows=rows)  # type: ignore[arg-type]

    try:
        return await run_in_threadpool(run)
    except PlanningError as exc:
        raise _unprocessable(exc) from exc


class AgentIn(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    skills: list[str] = Field(min_length=1, max_length=20)
    contract_hours: float = Field(gt=0, le=60)
    shift_hours: list[Annotated[float, Field(gt=0, le=16)]] = Field(default_factory=list, max_length=10)
    unavailable_days: list[int] = Field(default_factory=list, description="Weekdays, Monday 0.")
    preferred_days_off: list[int] = Field(default_factory=list)


class NeedIn(BaseModel):
    group: str = Field(min_length=1, max_length=200)
    interval_start: LocalDateTime
    required: float = Field(ge=0, le=100_000)


class RulesIn(BaseModel):
    slot_minutes: Literal[15, 30, 60] = 30
    start_times: list[str] = Field(default_factory=lambda: [f"{h:02d}:{m:02d}" for h in range(7, 16)
                                                            for m in (0, 30)][:-1])
    shift_hours: list[Annotated[float, Field(gt=0, le=16)]] = Field(default_factory=lambda: [8.0, 6.0, 4.0],
                                                                     min_length=1, max_length=10)
    lunch_minutes: int = Field(default=30, ge=0, le=120)
    min_rest_hours: float = Field(default=11, ge=0, le=24)
    max_days_in_row: int = Field(default=5, ge=1, le=7)


class ScheduleIn(BaseModel):
    agents: list[AgentIn] = Field(min_length=1, max_length=5000)
    requirement: list[NeedIn] = Field(min_length=1, max_length=MAX_ROWS)
    rules: RulesIn = Field(default_factory=RulesIn)
    week_start: dt.date | None = None
    time_limit_seconds: float = Field(default=10, gt=0, le=60)


class ShiftOut(BaseModel):
    agent: str
    group: str
    start: LocalTime
    end: LocalTime
    lunch_start: LocalTime | None
    worked_hours: float


class CoverageOut(BaseModel):
    group: str
    interval_start: LocalTime
    required: int
    scheduled: int


class GroupOut(BaseModel):
    group: str
    agents: int
    status: str
    gap: float
    under_slots: int
    over_slots: int


class ScheduleOut(BaseModel):
    shifts: list[ShiftOut]
    coverage: list[CoverageOut]
    groups: list[GroupOut]
    shortfall_hours: float


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    try:
        return int(hours) * 60 + int(minutes or 0)
    except ValueError as exc:
        raise PlanningError(f"start time {text!r} is not like 07:30") from exc


@router.post("/schedule", operation_id="createPlanningSchedule", response_model=ScheduleOut,
             summary="A week of shifts meeting the requirement (OR-Tools CP-SAT)",
             responses={**problems(400, 401, 403, 413, 415, 422, 429)})
async def create_schedule(payload: ScheduleIn, principal: PlannerPrincipal) -> ScheduleOut:
    """Shifts per agent and day, the coverage per slot, and each skill group's optimality gap."""

    def run() -> ScheduleOut:
        r = payload.rules
        rules = ShiftRules(slot_minutes=r.slot_minutes, start_times=tuple(_minutes(t) for t in r.start_times),
                           shift_hours=tuple(r.shift_hours), lunch_minutes=r.lunch_minutes,
                           min_rest_hours=r.min_rest_hours, max_days_in_row=r.max_days_in_row)
        off: dict[int, Window | None]
        agents = []
        for a in payload.agents:
            if any(not 0 <= d <= 6 for d in [*a.unavailable_days, *a.preferred_days_off]):
                raise PlanningError(f"agent {a.id}: weekdays are 0 (Monday) to 6")
            off = dict.fromkeys(a.unavailable_days)
            agents.append(Agent(id=a.id, skills=tuple(a.skills), contract_hours=a.contract_hours,
                                shift_hours=tuple(a.shift_hours), availability=off,
                                preferred_days_off=frozenset(a.preferred_days_off)))
        need = pd.DataFrame([n.model_dump() for n in payload.requirement])
        result = schedule(agents, need, rules, week_start=payload.week_start,
                          time_limit_seconds=payload.time_limit_seconds)
        shifts = [ShiftOut(agent=s["agent"], group=s["group"], start=_iso(s["start"]), end=_iso(s["end"]),
                           lunch_start=None if pd.isna(s["lunch_start"]) else _iso(s["lunch_start"]),
                           worked_hours=s["worked_hours"]) for s in result.shifts.to_dict("records")]
        coverage = [CoverageOut(group=c["group"], interval_start=_iso(c["interval_start"]), required=c["required"],
                                scheduled=c["scheduled"]) for c in result.coverage.to_dict("records")]
        groups = [GroupOut(group=g.group, agents=g.agents, status=g.status, gap=g.gap, under_slots=g.under_slots,
                           over_slots=g.over_slots) for g in result.groups]
        return ScheduleOut(shifts=shifts, coverage=coverage, groups=groups, shortfall_hours=result.shortfall_hours)

    try:
        return await run_in_threadpool(run)
    except PlanningError as exc:
        raise _unprocessable(exc) from exc
