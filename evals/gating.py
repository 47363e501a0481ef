"""Release gates: a run against a baseline (``--baseline``, ``--max-drop``) and against fixed bounds.

* ``--baseline RUN_DIR_OR_SUMMARY --max-drop D``: every metric present in both runs that has a
  direction (:mod:`evals.registry`) fails when it moved more than ``D`` (absolute) in its bad
  direction: down for scores, up for the leak, injection, fallback and error rates. Metrics with
  no direction (latency, tokens, cost, summary length, handoff rate) are not compared.
* ``--fail-under metric=value``: fails when the metric is below ``value``.
* ``--fail-over metric=value``: fails when the metric is above ``value`` (for rates where lower is
  better: ``--fail-over pii_leak_rate=0``).
* A bound on a metric the run did not compute fails too: a gate that silently checks nothing is
  worse than a red build.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals import registry


class GateConfigError(ValueError):
    """A bound or a baseline cannot be read."""


@dataclass(frozen=True)
class GateFailure:
    metric: str
    kind: str  # "baseline", "fail_under", "fail_over", "missing"
    value: float | None
    bound: float | None
    message: str


def load_summary(path: Path) -> dict[str, Any]:
    """A run's ``summary.json``, from the run folder or the file itself."""
    file = path / "summary.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GateConfigError(f"cannot read a run summary from {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise GateConfigError(f"{file} is not a run summary (no 'metrics' object)")
    return data


def parse_bounds(items: Iterable[str]) -> dict[str, float]:
    """``["hit@5=0.9", ...]`` as ``{"hit@5": 0.9}``."""
    bounds: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.rpartition("=")
        if not sep or not name.strip():
            raise GateConfigError(f"expected metric=value, got {item!r}")
        try:
            bounds[name.strip()] = float(raw)
        except ValueError as exc:
            raise GateConfigError(f"not a number in {item!r}") from exc
    return bounds


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def check_baseline(
    metrics: Mapping[str, Any], baseline: Mapping[str, Any], max_drop: float
) -> tuple[list[GateFailure], list[str]]:
    """Regressions against the baseline's metrics, and the metrics not compared (no direction)."""
    failures: list[GateFailure] = []
    skipped: list[str] = []
    for name in registry.ordered([n for n in metrics if n in baseline]):
        current, before = _number(metrics[name]), _number(baseline[name])
        if current is None or before is None:
            continue
        if registry.direction(name) is None:
            skipped.append(name)
            continue
        worse = registry.regression(name, before, current, max_drop)
        if worse is not None:
            way = "fell" if registry.direction(name) == "higher" else "rose"
            failures.append(
                GateFailure(
                    name, "baseline", current, before,
                    f"{name} {way} from {before:.4f} to {current:.4f} ({worse:+.4f} beyond the allowed {max_drop})",
                )
            )
    return failures, skipped


def check_bounds(
    metrics: Mapping[str, Any], fail_under: Mapping[str, float], fail_over: Mapping[str, float]
) -> list[GateFailure]:
    """Metrics below their ``fail_under`` or above their ``fail_over`` bound (or missing)."""
    failures: list[GateFailure] = []
    for bounds, kind in ((fail_under, "fail_under"), (fail_over, "fail_over")):
        for name, bound in bounds.items():
            value = _number(metrics.get(name))
            if value is None:
                failures.append(GateFailure(name, "missing", None, bound, f"{name} was not computed in this run"))
            elif kind == "fail_under" and value < bound - 1e-12:
                failures.append(GateFailure(name, kind, value, bound, f"{name} = {value:.4f} is under {bound}"))
            elif kind == "fail_over" and value > bound + 1e-12:
                failures.append(GateFailure(name, kind, value, bound, f"{name} = {value:.4f} is over {bound}"))
    return failures


def format_failures(failures: Iterable[GateFailure]) -> str:
    return "\n".join(f"FAIL {f.message}" for f in failures)
