"""Special days: dates whose volume is known to differ (bank holidays, a product launch, an incident).

A file lists dates with a multiplier of the normal volume; ``0`` means closed. YAML::

    special_days:
      - {date: 2003-12-25, multiplier: 0, label: Christmas}
      - {date: 2003-12-26, multiplier: 1.4, label: day after, queue: cards}

or CSV with the header ``date,multiplier[,label][,queue]``. In the history, the counts of a listed date are
divided by its multiplier before fitting (a closed date is left out); in the forecast they are multiplied.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from planning.errors import PlanningError

__all__ = ["SpecialDay", "SpecialDays", "load_special_days"]


@dataclass(frozen=True)
class SpecialDay:
    """One date's multiplier of the normal volume, for every queue (``queue`` None) or one."""

    date: dt.date
    multiplier: float
    label: str = ""
    queue: str | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.multiplier) or self.multiplier < 0:
            raise PlanningError(f"special day {self.date}: multiplier {self.multiplier} must be a number >= 0")


@dataclass(frozen=True)
class SpecialDays:
    """The special days that apply, looked up by queue."""

    days: tuple[SpecialDay, ...] = ()

    def for_queue(self, queue: str) -> dict[dt.date, float]:
        """Date -> multiplier for one queue; a queue-specific entry wins over an all-queue one."""
        found: dict[dt.date, float] = {d.date: d.multiplier for d in self.days if d.queue is None}
        found.update({d.date: d.multiplier for d in self.days if d.queue == queue})
        return found

    @classmethod
    def of(cls, entries: Iterable[SpecialDay | Mapping[str, Any]]) -> SpecialDays:
        return cls(tuple(e if isinstance(e, SpecialDay) else _entry(e, "special days") for e in entries))


def _entry(raw: Mapping[str, Any], source: str) -> SpecialDay:
    if "date" not in raw or "multiplier" not in raw:
        raise PlanningError(f"{source}: each special day needs a date and a multiplier, got {dict(raw)!r}")
    value = raw["date"]
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise PlanningError(f"{source}: {value!r} is not a date like 2003-12-25") from exc
    if isinstance(day, dt.datetime):
        day = day.date()
    try:
        multiplier = float(raw["multiplier"])
    except (TypeError, ValueError) as exc:
        raise PlanningError(f"{source}: multiplier {raw['multiplier']!r} of {day} is not a number") from exc
    queue = raw.get("queue")
    label = raw.get("label")
    return SpecialDay(
        date=day, multiplier=multiplier, label="" if label is None else str(label),
        queue=None if queue is None or str(queue).strip() == "" else str(queue).strip(),
    )


def load_special_days(path: Path | str) -> SpecialDays:
    """Read special days from a ``.yaml``/``.yml`` or ``.csv`` file."""
    file = Path(path)
    if not file.is_file():
        raise PlanningError(f"special-days file {file} does not exist")
    if file.suffix.lower() in {".yaml", ".yml"}:
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for an impossible date
            raise PlanningError(f"{file} is not valid YAML or holds a date that is not a date: {exc}") from exc
        entries = raw.get("special_days") if isinstance(raw, dict) else raw
        if entries is None:
            return SpecialDays()
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise PlanningError(f"{file}: expected a list of {{date, multiplier}} entries under special_days")
        return SpecialDays(tuple(_entry(e, str(file)) for e in entries))
    if file.suffix.lower() == ".csv":
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        records = [{k: (v if v != "" else None) for k, v in r.items()} for r in frame.to_dict("records")]
        return SpecialDays(tuple(_entry(r, str(file)) for r in records))
    raise PlanningError(f"special-days file {file} must be .yaml, .yml or .csv")
