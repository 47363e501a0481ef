"""Aggregate per-case metric values into means with bootstrap confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from evals.metrics.bootstrap import bootstrap_ci


@dataclass(frozen=True, slots=True)
class MetricSummary:
    """A metric over a run: its mean, the bootstrap interval ``[low, high]``, and the case count ``n``."""

    mean: float
    low: float
    high: float
    n: int

    def to_dict(self) -> dict[str, float | int]:
        """The summary as a plain, JSON-serialisable dict."""
        return asdict(self)


def aggregate(
    per_case: Sequence[Mapping[str, float | None]],
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> dict[str, MetricSummary]:
    """Summarise per-case metric values, one :class:`MetricSummary` per metric name.

    Each metric is averaged only over the cases that carry a value for it: a case whose mapping
    lacks the key, or maps it to ``None`` (or NaN), has no label for that metric and is left out,
    so ``n`` differs between metrics. A metric that no case carries is not reported. Keys keep the
    order in which they first appear. Intervals come from :func:`bootstrap_ci` with the same
    ``confidence``, ``n_resamples`` and ``seed`` for every metric (deterministic).
    """
    columns: dict[str, list[float]] = {}
    for case in per_case:
        for name, value in case.items():
            column = columns.setdefault(name, [])
            if value is None:
                continue
            number = float(value)
            if math.isnan(number):
                continue
            column.append(number)
    summaries: dict[str, MetricSummary] = {}
    for name, values in columns.items():
        if not values:
            continue
        mean, low, high = bootstrap_ci(values, confidence=confidence, n_resamples=n_resamples, seed=seed)
        summaries[name] = MetricSummary(mean=mean, low=low, high=high, n=len(values))
    return summaries
