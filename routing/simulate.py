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
from typing import Any

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


class Scenario(_Strict):
    """A simulated period: arrivals, mix, handle times, patience and teams."""

    name: str
    hours: float = Field(gt=0, le=24)
    channel: Channel = "chat"
    contacts_per_hour: float = Field(gt=0)
    profile: list[float] = Field(default=[1.0], min_length=1)
    handle_time_s: dict[str, float]
    patience_s: dict[str, float]
    mix: list[_Mix] = Field(min_length=1)
    teams: list[_Team] = Field(min_length=1)
    answer_within_s: float = Field(default=60, gt=0)

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        if abs(sum(m.share for m in self.mix) - 1.0) > 1e-6:
            raise ValueError(f"the mix's shares add up to {sum(m.share for m in self.mix):.3f}, not 1")
        if any(w < 0 for w in self.profile) or sum(self.profile) <= 0:
            raise ValueError("the profile's weights must be non-negative with a positive sum")
        if self.handle_time_s.get("mean", 0) <= 0 or self.handle_time_s.get("sd", 0) <= 0:
            raise ValueError("handle_time_s needs a positive mean and sd")
        if self.patience_s.get("mean", 0) <= 0:
            raise ValueError("patience_s needs a positive mean")
        return self


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; errors name the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Scenario.model_validate(raw)
    except OSError as error:
        raise RulesError(f"{path}: cannot read the scenario ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise RulesError(f"{path}: not valid YAML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in error.errors())
        raise RulesError(f"{path}: invalid scenario: {problems}") from None


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
    slots = sum(a.capacity for a in agents)
    for agent in agents:
        router.register_agent(agent, now=_EPOCH)
        router.set_status(agent.id, "available", now=_EPOCH)
    horizon = scenario.hours * 3600
    shares = np.array([m.share for m in scenario.mix])
    views = [TriageView(area=m.area, risks=tuple(m.risks), urgency=m.urgency, language=m.language)
             for m in scenario.mix]

    def handle(contact_id: str) -> Any:
        contact = router.accept(contact_id, repo.get_contact(contact_id).agent_id or "")  # type: ignore[union-attr]
        outcome = outcomes[contact_id]
        outcome.waited = contact.waited(_EPOCH + env.now)
        duration = _lognormal(handle_rng, scenario.handle_time_s["mean"], scenario.handle_time_s["sd"])
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
        interval = horizon / len(scenario.profile)
        mean_weight = sum(scenario.profile) / len(scenario.profile)
        while env.now < horizon:
            weight = scenario.profile[min(len(scenario.profile) - 1, int(env.now // interval))]
            rate = scenario.contacts_per_hour / 3600 * weight / mean_weight
            yield env.timeout(float(arrivals_rng.exponential(1 / rate)) if rate > 0 else interval)
            if env.now >= horizon:
                break
            view = views[int(mix_rng.choice(len(views), p=shares))]
            contact = router.create(NewContact(scenario.channel, view))
            outcomes[contact.id] = _Outcome(contact.queue, bool(HIGH_RISK & set(view.risks)), env.now)
            start_offered()
            env.process(patience(contact.id, float(patience_rng.exponential(scenario.patience_s["mean"]))))

    env.process(arrivals())
    env.run(until=horizon + 2 * 3600)  # let the last arrivals be answered or give up
    return _result(policy_name, seed, scenario, outcomes, busy[0] / (slots * horizon))


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
