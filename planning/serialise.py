"""Reading agents from YAML: a list of ``{id, skills, contract_hours, shift_hours?, unavailable_days?,
availability?, preferred_days_off?, preferred_start?}``; weekdays as 0-6 (Monday 0) or names (mon ... sun);
windows as ``"09:00-17:00"``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from planning.errors import PlanningError
from planning.scheduling import Agent, Window

__all__ = ["agent_from_mapping", "load_agents", "parse_weekday", "parse_window"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_weekday(value: object) -> int:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    text = str(value).strip().lower()[:3]
    if text in _DAYS:
        return _DAYS.index(text)
    raise PlanningError(f"{value!r} is not a weekday (0-6 or mon ... sun)")


def parse_window(value: object) -> Window:
    try:
        start, end = str(value).split("-")
        h1, m1 = (int(p) for p in start.strip().split(":"))
        h2, m2 = (int(p) for p in end.strip().split(":"))
    except ValueError as exc:
        raise PlanningError(f"{value!r} is not a window like 09:00-17:00") from exc
    return Window(h1 * 60 + m1, h2 * 60 + m2)


def agent_from_mapping(raw: Mapping[str, Any]) -> Agent:
    try:
        agent_id, skills, hours = str(raw["id"]), raw["skills"], float(raw["contract_hours"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanningError(f"each agent needs id, skills and contract_hours; got {dict(raw)!r}") from exc
    if isinstance(skills, str):
        skills = [skills]
    availability: dict[int, Window | None] = {parse_weekday(d): None for d in raw.get("unavailable_days", [])}
    for day, window in (raw.get("availability") or {}).items():
        availability[parse_weekday(day)] = None if window in (None, "off") else parse_window(window)
    start = raw.get("preferred_start")
    return Agent(
        id=agent_id, skills=tuple(str(s) for s in skills), contract_hours=hours,
        shift_hours=tuple(float(h) for h in raw.get("shift_hours", ())), availability=availability,
        preferred_days_off=frozenset(parse_weekday(d) for d in raw.get("preferred_days_off", [])),
        preferred_start=parse_window(start) if start else None,
    )


def load_agents(path: Path) -> list[Agent]:
    if not path.is_file():
        raise PlanningError(f"agents file {path} does not exist")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlanningError(f"{path} is not valid YAML: {exc}") from exc
    entries = raw.get("agents") if isinstance(raw, dict) else raw
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PlanningError(f"{path}: expected a list of agents")
    return [agent_from_mapping(e) for e in entries]
