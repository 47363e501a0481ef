"""The routing rules (``routing/rules.yaml``): which triage result goes to which queue, at what priority.

Loaded once and validated as a whole (:func:`load_rules`); a mistake anywhere is a :class:`RulesError`
naming the file, the place and what is wrong, so a bad edit never reaches the router. The general queue
template ``{area}/{language}`` expands to one queue per contact area (from triage's taxonomy) and language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from copilot.triage.result import REQUESTS, RISKS, URGENCIES
from copilot.triage.taxonomy import AREAS
from routing.model import CHANNELS, Agent, Channel, TriageView

__all__ = ["DEFAULT_RULES", "QueueSpec", "Reserve", "Route", "Rules", "RulesError", "load_rules"]

#: The rules the service ships with.
DEFAULT_RULES = Path(__file__).resolve().parent / "rules.yaml"

_TEMPLATE_KEYS = ("{area}", "{language}")


class RulesError(ValueError):
    """The routing rules are invalid; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Seconds = Annotated[float, Field(gt=0)]


class _Waits(_Strict):
    chat: Seconds | None = None
    voice: Seconds | None = None
    message: Seconds | None = None
    email: Seconds | None = None


class _Queue(_Strict):
    id: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=120)
    skill: str = Field(min_length=1, max_length=80)
    min_level: int = Field(default=1, ge=1, le=5)
    language: str | None = None
    target_wait_s: _Waits = _Waits()


class _When(_Strict):
    risks: list[str] = Field(default_factory=list)
    urgency: list[str] = Field(default_factory=list)
    areas: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    requests: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> _When:
        for name, values, allowed in (("risks", self.risks, RISKS), ("urgency", self.urgency, URGENCIES),
                                      ("areas", self.areas, tuple(AREAS)), ("channels", self.channels, CHANNELS),
                                      ("requests", self.requests, REQUESTS)):
            unknown = sorted(set(values) - set(allowed))
            if unknown:
                raise ValueError(f"unknown {name} {unknown}; known: {', '.join(allowed)}")
        return self


class _Rule(_Strict):
    id: str = Field(min_length=1, max_length=80)
    when: _When
    queue: str
    priority: float = Field(ge=0, le=1000)
    flags: list[str] = Field(default_factory=list)
    min_level: int | None = Field(default=None, ge=1, le=5)
    target_wait_s: _Waits | None = None


class _Reserve(_Strict):
    skills: list[str] = Field(default_factory=list)
    slots: int = Field(default=1, ge=0, le=10)
    below_priority: float = Field(default=60, ge=0)
    idle_agents: int = Field(default=0, ge=0, le=100)


class _File(_Strict):
    version: str = Field(min_length=1, max_length=40)
    reserve: _Reserve = _Reserve()
    aging_weight: float = Field(gt=0, le=1000)
    offer_timeout_s: Seconds
    languages: list[str] = Field(min_length=1)
    target_wait_s: _Waits
    queues: list[_Queue] = Field(min_length=1)
    rules: list[_Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> _File:
        missing = [c for c in CHANNELS if getattr(self.target_wait_s, c) is None]
        if missing:
            raise ValueError(f"target_wait_s needs every channel; missing {missing}")
        if "en" not in self.languages:
            raise ValueError("languages must include 'en' (contacts in other languages wait in English queues)")
        ids = [q.id for q in self.queues]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"queue ids repeat: {duplicates}")
        rule_ids = [r.id for r in self.rules]
        if len(set(rule_ids)) != len(rule_ids):
            raise ValueError(f"rule ids repeat: {sorted({i for i in rule_ids if rule_ids.count(i) > 1})}")
        for queue in self.queues:
            for text in (queue.id, queue.skill, queue.language or ""):
                stray = text.replace("{area}", "").replace("{language}", "")
                if "{" in stray or "}" in stray:
                    raise ValueError(f"queue {queue.id!r}: only {{area}} and {{language}} may be templated")
        for index, rule in enumerate(self.rules):
            if rule.queue not in ids:
                raise ValueError(f"rule {rule.id!r} sends contacts to queue {rule.queue!r}, which is not defined")
            if not rule.when.model_dump(exclude_defaults=True) and index != len(self.rules) - 1:
                raise ValueError(f"rule {rule.id!r} matches everything, so the rules after it never apply; "
                                 "put it last")
        if self.rules[-1].when.model_dump(exclude_defaults=True):
            raise ValueError("the last rule must match everything (when: {}), so every contact has a queue")
        return self


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """One concrete queue: who may serve it (skill, level, language) and its target wait per channel."""

    id: str
    name: str
    skill: str
    min_level: int
    language: str | None
    target_wait_s: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Reserve:
    """Room specialists keep for priority work (see the rules file)."""

    skills: frozenset[str]
    slots: int
    below_priority: float
    idle_agents: int = 0

    def holds(self, agent: Agent) -> bool:
        """Whether ``agent`` is one of the specialists who keep room."""
        return any(agent.skills.get(s, 0) >= 2 for s in self.skills)


@dataclass(frozen=True, slots=True)
class Route:
    """Where a contact goes: the queue, its priority and target wait, the rule that said so."""

    queue: QueueSpec
    rule: str
    priority: float
    target_wait_s: float
    min_level: int
    language: str
    flags: tuple[str, ...]


class Rules:
    """The validated rules, with the queue templates expanded."""

    def __init__(self, parsed: _File, source: str) -> None:
        self._parsed = parsed
        self.source = source
        self.version = parsed.version
        self.aging_weight = parsed.aging_weight
        self.offer_timeout_s = parsed.offer_timeout_s
        self.languages: tuple[str, ...] = tuple(parsed.languages)
        self.reserve = Reserve(frozenset(parsed.reserve.skills), parsed.reserve.slots, parsed.reserve.below_priority,
                               parsed.reserve.idle_agents)
        defaults = parsed.target_wait_s.model_dump()
        self._templates = {q.id: q for q in parsed.queues}
        self.queues: dict[str, QueueSpec] = {}
        for queue in parsed.queues:
            for area, language in self._expansions(queue.id):
                spec = self._concrete(queue, area, language, defaults)
                self.queues[spec.id] = spec

    def _expansions(self, template: str) -> list[tuple[str, str]]:
        areas = list(AREAS) if "{area}" in template else [""]
        languages = list(self.languages) if "{language}" in template else [""]
        return [(a, lang) for a in areas for lang in languages]

    @staticmethod
    def _fill(text: str, area: str, language: str) -> str:
        return text.replace("{area}", area).replace("{language}", language)

    def _concrete(self, queue: _Queue, area: str, language: str, defaults: Mapping[str, Any]) -> QueueSpec:
        waits: dict[str, float] = {c: float(getattr(queue.target_wait_s, c) or defaults[c]) for c in CHANNELS}
        return QueueSpec(
            id=self._fill(queue.id, area, language),
            name=self._fill(queue.name, area, language),
            skill=self._fill(queue.skill, area, language),
            min_level=queue.min_level,
            language=self._fill(queue.language, area, language) if queue.language else None,
            target_wait_s=waits,
        )

    def language_of(self, triage: TriageView) -> str:
        """The language a contact is served in: its own when the centre has queues for it, else English."""
        return triage.language if triage.language in self.languages else "en"

    def route(self, triage: TriageView, channel: Channel) -> Route:
        """The first rule that matches decides the queue, priority and target wait."""
        language = self.language_of(triage)
        area = triage.area if triage.area in AREAS else "general"
        for rule in self._parsed.rules:
            if not _matches(rule.when, triage, channel):
                continue
            queue = self.queues[self._fill(rule.queue, area, language)]
            wait = getattr(rule.target_wait_s, channel, None) if rule.target_wait_s else None
            return Route(
                queue=queue,
                rule=rule.id,
                priority=rule.priority,
                target_wait_s=float(wait or queue.target_wait_s[channel]),
                min_level=max(queue.min_level, rule.min_level or 1),
                language=language,
                flags=tuple(rule.flags),
            )
        raise AssertionError("the last rule matches everything")  # guaranteed by validation

    def queue(self, queue_id: str) -> QueueSpec:
        try:
            return self.queues[queue_id]
        except KeyError:
            raise RulesError(f"no queue {queue_id!r}; queues: {', '.join(sorted(self.queues))}") from None


def _matches(when: _When, triage: TriageView, channel: Channel) -> bool:
    if when.risks and not set(when.risks) & set(triage.risks):
        return False
    if when.urgency and triage.urgency not in when.urgency:
        return False
    if when.areas and triage.area not in when.areas:
        return False
    if when.channels and channel not in when.channels:
        return False
    return not (when.requests and triage.request not in when.requests)


def load_rules(path: Path | None = None) -> Rules:
    """Read and validate the rules at ``path`` (the shipped ones by default)."""
    source = path or DEFAULT_RULES
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise RulesError(f"{source}: cannot read the routing rules ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise RulesError(f"{source}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise RulesError(f"{source}: the routing rules must be a mapping (version, queues, rules, ...)")
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        raise RulesError(f"{source}: invalid routing rules: {problems}") from None
    return Rules(parsed, str(source))
