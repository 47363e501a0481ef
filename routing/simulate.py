"""A discrete-event simulation of a contact-centre day (SimPy), driving the real router.

The scenario (YAML, see ``routing/scenarios/weekday.yaml``) gives the arrivals (an intraday profile scaled to
an hourly volume, Poisson within each interval), the contact mix (triage views), handle times (lognormal),
customers' patience (exponential: a customer still waiting then abandons) and the teams (skills, levels,
chat capacity). Each run builds a :class:`~routing.router.Router` over a :class:`~routing.memory.MemoryRepository`
whose clock is SimPy's, so the code that decides is the code the service runs; only the policy differs
between runs. Agents accept an offer at once; every figure is per seed, and the seeds are independent.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import simpy
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from routing.memory import MemoryRepository
from routing.model import Agent, Channel, Event, TriageView
from routing.policy import policy_named
from routing.router import NewContact, Router
from routing.rules import Rules, RulesError

__all__ = ["HIGH_RISK", "PolicyResult", "Scenario", "SimulationResult", "load_scenario", "simulate"]

#: The contacts reported on their own: a scam in progress or someone else in the account.
HIGH_RISK = frozenset({"scam_in_progress", "unauthorised_activity"})
_EPOCH = 1_767_225_600.0  # 2026-01-01 00:00 UTC: the simulated day's clock starts here


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Mix(_Strict):
    share: float = Field(gt=0, le=1)
    area: str = "general"
    risks: list[str] = Field(default_factory=list)
    urgency: str = "routine"
    language: str = "en"


class _Team(_Strict):
    name: str
    count: int = Field(ge=1, le=5000)
    capacity: int = Field(default=1, ge=1, le=20)
    skills: dict[str, int] = Field(min_length=1)
    languages: list[str] = Field(default=["en"])
    #: Hours from the start of the period: [start, end). The team logs on at the start and off at the end
    #: (finishing the contacts it holds). The whole period when omitted.
    shift: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _shift(self) -> _Team:
        if self.shift is not None and not 0 <= self.shift[0] < self.shift[1]:
            raise ValueError(f"team {self.name}: a shift is [start, end) hours with 0 <= start < end")
        return self


class _HandleTime(_Strict):
    """Handle times: lognormal with ``mean`` and ``sd``, or fitted (maximum likelihood) to ``samples``, a file
    of observed handle times in seconds, one a line (relative to the scenario file); or exponential with
    ``mean`` (the queueing formulas' assumption, to check them)."""

    distribution: Literal["lognormal", "exponential"] = "lognormal"
    mean: float | None = Field(default=None, gt=0)
    sd: float | None = Field(default=None, gt=0)
    samples: str | None = None

    @model_validator(mode="after")
    def _given(self) -> _HandleTime:
        if self.distribution == "exponential":
            if self.mean is None:
                raise ValueError("exponential handle times need a mean")
        elif self.samples is None and (self.mean is None or self.sd is None):
            raise ValueError("handle_time_s needs a mean and an sd, or samples to fit")
        return self


class Scenario(_Strict):
    """A simulated period: arrivals, mix, handle times, patience and teams."""

    name: str
    hours: float = Field(gt=0, le=24)
    channel: Channel = "chat"
    contacts_per_hour: float = Field(default=600, gt=0)
    profile: list[float] = Field(default=[1.0], min_length=1)
    #: A real series instead of the profile: a CSV ``interval_start,calls`` (relative to the scenario file),
    #: read from ``arrivals_from`` (an ``interval_start`` value; the first row by default) for ``hours``.
    arrivals_csv: str | None = None
    arrivals_from: str | None = None
    arrivals_scale: float = Field(default=1.0, gt=0)
    handle_time_s: _HandleTime
    patience_s: dict[str, float]
    mix: list[_Mix] = Field(min_length=1)
    teams: list[_Team] = Field(min_length=1)
    answer_within_s: float = Field(default=60, gt=0)
    #: Where the files the scenario names are looked for (the scenario file's folder when loaded from one).
    base_dir: str = "."

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        if abs(sum(m.share for m in self.mix) - 1.0) > 1e-6:
            raise ValueError(f"the mix's shares add up to {sum(m.share for m in self.mix):.3f}, not 1")
        if any(w < 0 for w in self.profile) or sum(self.profile) <= 0:
            raise ValueError("the profile's weights must be non-negative with a positive sum")
        if self.patience_s.get("mean", 0) <= 0:
            raise ValueError("patience_s needs a positive mean")
        return self


def _fit_lognormal(samples: Path) -> tuple[float, float]:
    values = np.array([float(line) for line in samples.read_text(encoding="utf-8").split() if line.strip()])
    if len(values) < 10 or (values <= 0).any():
        raise ValueError(f"{samples}: at least 10 positive handle times are needed to fit a distribution")
    logs = np.log(values)
    mu, sigma = float(logs.mean()), float(logs.std())
    mean = math.exp(mu + sigma**2 / 2)
    return mean, mean * math.sqrt(math.exp(sigma**2) - 1)


def _series(path: Path, start: str | None, hours: float, scale: float) -> tuple[list[float], float]:
    """Arrival rates per second for each interval of a real series, and the interval length in seconds."""
    import csv
    from datetime import datetime

    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(r["interval_start"], float(r["calls"])) for r in csv.DictReader(handle)]
    if len(rows) < 2:
        raise ValueError(f"{path}: an arrivals series needs at least two rows of interval_start,calls")
    first = next((i for i, (stamp, _) in enumerate(rows) if stamp == start), None) if start else 0
    if first is None:
        raise ValueError(f"{path}: no interval_start {start!r}")
    step = (datetime.fromisoformat(rows[1][0]) - datetime.fromisoformat(rows[0][0])).total_seconds()
    if step <= 0:
        raise ValueError(f"{path}: the intervals must be increasing")
    count = math.ceil(hours * 3600 / step)
    chosen = rows[first:first + count]
    if len(chosen) < count:
        raise ValueError(f"{path}: fewer than {hours} hours of rows from {rows[first][0]}")
    return [calls * scale / step for _, calls in chosen], step


@dataclass(frozen=True)
class _Resolved:
    """The scenario with its files read: lognormal parameters and per-interval arrival rates."""

    scenario: Scenario
    handle_mean: float
    handle_sd: float
    exponential: bool
    rates: list[float]
    interval_s: float


def _resolve(scenario: Scenario, base: Path) -> _Resolved:
    handle = scenario.handle_time_s
    if handle.distribution == "exponential":
        assert handle.mean is not None
        mean, sd = handle.mean, handle.mean
    elif handle.samples is not None:
        mean, sd = _fit_lognormal(base / handle.samples)
    else:
        assert handle.mean is not None
        assert handle.sd is not None
        mean, sd = handle.mean, handle.sd
    horizon = scenario.hours * 3600
    if scenario.arrivals_csv is not None:
        rates, step = _series(base / scenario.arrivals_csv, scenario.arrivals_from, scenario.hours,
                              scenario.arrivals_scale)
    else:
        mean_weight = sum(scenario.profile) / len(scenario.profile)
        rates = [scenario.contacts_per_hour / 3600 * w / mean_weight for w in scenario.profile]
        step = horizon / len(scenario.profile)
    return _Resolved(scenario, mean, sd, handle.distribution == "exponential", rates, step)


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; errors name the file and the field. Files it names are relative
    to it (``base_dir`` is set to its folder)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict):
            raw["base_dir"] = str(path.resolve().parent)
        scenario = Scenario.model_validate(raw)
        _resolve(scenario, Path(scenario.base_dir))
        return scenario
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in error.errors())
        raise RulesError(f"{path}: invalid scenario: {problems}") from None
    except OSError as error:
        raise RulesError(f"{path}: cannot read the scenario or a file it names ({error})") from None
    except yaml.YAMLError as error:
        raise RulesError(f"{path}: not valid YAML: {error}") from None
    except ValueError as error:
        raise RulesError(str(error)) from None


@dataclass
class _Outcome:
    queue: str
    high_risk: bool
    arrived: float
    waited: float | None = None  # None: abandoned or still waiting at the end
    abandoned: bool = False


@dataclass
class PolicyResult:
    """One policy on one seed."""

    policy: str
    seed: int
    contacts: int
    service_level: float
    high_risk_service_level: float
    asa_s: float
    max_wait_s: float
    abandonment: float
    occupancy: float
    per_queue: dict[str, dict[str, float]] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)


@dataclass
class SimulationResult:
    scenario: str
    runs: list[PolicyResult]

    def summary(self) -> dict[str, dict[str, dict[str, float]]]:
        """Per policy and metric: the median, min and max across seeds."""
        table: dict[str, dict[str, dict[str, float]]] = {}
        for policy in dict.fromkeys(r.policy for r in self.runs):
            runs = [r for r in self.runs if r.policy == policy]
            table[policy] = {}
            for metric in ("service_level", "high_risk_service_level", "asa_s", "max_wait_s", "abandonment",
                           "occupancy"):
                values = [float(getattr(r, metric)) for r in runs]
                table[policy][metric] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
        return table


def _agents(scenario: Scenario) -> list[Agent]:
    return [Agent(id=f"{team.name}-{i:03d}", name=f"{team.name} {i}", skills=dict(team.skills),
                  languages=tuple(team.languages), capacity=team.capacity)
            for team in scenario.teams for i in range(team.count)]


def _lognormal(rng: np.random.Generator, mean: float, sd: float) -> float:
    sigma2 = math.log(1 + (sd / mean) ** 2)
    return float(rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2)))


def run_once(scenario: Scenario, rules: Rules, policy_name: str, seed: int) -> PolicyResult:
    """Simulate ``scenario`` once with ``policy_name``; the arrivals and draws depend on ``seed`` only."""
    env = simpy.Environment()
    offered: list[str] = []

    def listen(event: Event, _agent: str | None) -> None:
        if event.kind == "contact.offered":
            offered.append(event.subject)

    repo = MemoryRepository(keep_events=False, listener=listen)
    router = Router(repo, rules, policy_named(policy_name, rules), clock=lambda: _EPOCH + env.now)
    arrivals_rng, handle_rng, patience_rng, mix_rng = (np.random.default_rng([seed, k]) for k in range(4))
    outcomes: dict[str, _Outcome] = {}
    busy = [0.0]  # capacity-seconds in use
    agents = _agents(scenario)
    resolved = _resolve(scenario, Path(scenario.base_dir))
    horizon = scenario.hours * 3600
    shifts = {f"{team.name}-{i:03d}": team.shift or (0.0, scenario.hours)
              for team in scenario.teams for i in range(team.count)}
    staffed = [0.0]  # capacity-seconds on shift
    for agent in agents:
        router.register_agent(agent, now=_EPOCH)
        start, end = shifts[agent.id]
        staffed[0] += agent.capacity * (min(end, scenario.hours) - start) * 3600
        env.process(_shift(env, router, agent.id, start * 3600, end * 3600, start_offered=lambda: start_offered()))
    shares = np.array([m.share for m in scenario.mix])
    views = [TriageView(area=m.area, risks=tuple(m.risks), urgency=m.urgency, language=m.language)
             for m in scenario.mix]

    def handle(contact_id: str) -> Any:
        contact = router.accept(contact_id, repo.get_contact(contact_id).agent_id or "")  # type: ignore[union-attr]
        outcome = outcomes[contact_id]
        outcome.waited = contact.waited(_EPOCH + env.now)
        duration = (float(handle_rng.exponential(resolved.handle_mean)) if resolved.exponential
                    else _lognormal(handle_rng, resolved.handle_mean, resolved.handle_sd))
        busy[0] += duration * contact.cost
        yield env.timeout(duration)
        router.close(contact_id, contact.agent_id)
        start_offered()

    def start_offered() -> None:
        while offered:
            env.process(handle(offered.pop(0)))

    def patience(contact_id: str, wait: float) -> Any:
        yield env.timeout(wait)
        contact = repo.get_contact(contact_id)
        if contact is not None and contact.state == "waiting":
            router.abandon(contact_id)
            outcomes[contact_id].abandoned = True

    def arrivals() -> Any:
        interval = resolved.interval_s
        while env.now < horizon:
            index = int(env.now // interval)
            rate = resolved.rates[min(len(resolved.rates) - 1, index)]
            if rate <= 0:  # a closed interval: jump to the next one
                yield env.timeout((index + 1) * interval - env.now)
                continue
            gap = float(arrivals_rng.exponential(1 / rate))
            if env.now + gap > (index + 1) * interval:  # memoryless: redraw at the next interval's rate
                yield env.timeout((index + 1) * interval - env.now)
                continue
            yield env.timeout(gap)
            if env.now >= horizon:
                break
            view = views[int(mix_rng.choice(len(views), p=shares))]
            contact = router.create(NewContact(scenario.channel, view))
            outcomes[contact.id] = _Outcome(contact.queue, bool(HIGH_RISK & set(view.risks)), env.now)
            start_offered()
            env.process(patience(contact.id, float(patience_rng.exponential(scenario.patience_s["mean"]))))

    env.process(arrivals())
    env.run(until=horizon + 2 * 3600)  # let the last arrivals be answered or give up
    return _result(policy_name, seed, scenario, outcomes, busy[0] / staffed[0] if staffed[0] else 0.0)


def _shift(env: simpy.Environment, router: Router, agent_id: str, start_s: float, end_s: float, *,
           start_offered: Any) -> Any:
    """Log an agent on at ``start_s`` and off at ``end_s`` (they finish what they hold)."""
    if start_s > 0:
        yield env.timeout(start_s)
    router.set_status(agent_id, "available")
    start_offered()
    yield env.timeout(max(0.0, end_s - env.now))
    router.set_status(agent_id, "offline")


def _result(policy: str, seed: int, scenario: Scenario, outcomes: dict[str, _Outcome],
            occupancy: float) -> PolicyResult:
    within = scenario.answer_within_s

    def level(group: Sequence[_Outcome]) -> float:
        return sum(1 for o in group if o.waited is not None and o.waited <= within) / len(group) if group else 1.0

    every = list(outcomes.values())
    answered = [o.waited for o in every if o.waited is not None]
    waits_all = [o.waited if o.waited is not None else 0.0 for o in every]
    by_queue: dict[str, list[_Outcome]] = defaultdict(list)
    for o in every:
        by_queue[o.queue].append(o)
    per_queue = {q: {"contacts": float(len(g)), "service_level": level(g),
                     "asa_s": statistics.fmean([o.waited for o in g if o.waited is not None] or [0.0]),
                     "max_wait_s": max([o.waited for o in g if o.waited is not None] or [0.0]),
                     "abandonment": sum(o.abandoned for o in g) / len(g)} for q, g in sorted(by_queue.items())}
    return PolicyResult(
        policy=policy, seed=seed, contacts=len(every), service_level=level(every),
        high_risk_service_level=level([o for o in every if o.high_risk]),
        asa_s=statistics.fmean(answered) if answered else 0.0, max_wait_s=max(answered or [0.0]),
        abandonment=sum(o.abandoned for o in every) / len(every) if every else 0.0, occupancy=min(1.0, occupancy),
        per_queue=per_queue, waits=waits_all,
    )


def simulate(scenario: Scenario, rules: Rules, policies: Sequence[str], seeds: Sequence[int]) -> SimulationResult:
    """Every policy on every seed (the same arrivals per seed across policies)."""
    return SimulationResult(scenario.name, [run_once(scenario, rules, p, s) for p in policies for s in seeds])
