"""Bootstrap intervals for run-level statistics that are not means (handoff precision, recall, F1).

:func:`evals.metrics.bootstrap_ci` covers means of per-case values; precision and recall are ratios
over a subset that changes with each resample, so they are bootstrapped here by resampling whole
cases and recomputing the statistic (percentile interval, same defaults: 95 %, 1000 resamples,
seed 0, deterministic).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in [0, 100]); NaN for no values."""
    if not values:
        return math.nan
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def bootstrap_statistic(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], float],
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """``(value, low, high)``: the statistic over ``items`` and its percentile-bootstrap interval."""
    if not items:
        return math.nan, math.nan, math.nan
    value = float(statistic(items))
    if len(items) == 1:
        return value, value, value
    rng = np.random.default_rng(seed)
    n = len(items)
    samples = np.empty(n_resamples, dtype=np.float64)
    for i in range(n_resamples):
        picks = rng.integers(0, n, size=n)
        samples[i] = statistic([items[j] for j in picks])
    alpha = 1.0 - confidence
    low, high = np.quantile(samples, [alpha / 2.0, 1.0 - alpha / 2.0])
    return value, float(low), float(high)


def bootstrap_statistic_delta(
    a: Sequence[T],
    b: Sequence[T],
    statistic: Callable[[Sequence[T]], float],
    *,
    paired: bool,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """``statistic(b) - statistic(a)`` with a bootstrap interval; ``paired`` resamples the same indices."""
    if not a or not b:
        return math.nan, math.nan, math.nan
    if paired and len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    delta = float(statistic(b)) - float(statistic(a))
    rng = np.random.default_rng(seed)
    samples = np.empty(n_resamples, dtype=np.float64)
    for i in range(n_resamples):
        picks_a = rng.integers(0, len(a), size=len(a))
        picks_b = picks_a if paired else rng.integers(0, len(b), size=len(b))
        samples[i] = statistic([b[j] for j in picks_b]) - statistic([a[j] for j in picks_a])
    alpha = 1.0 - confidence
    low, high = np.quantile(samples, [alpha / 2.0, 1.0 - alpha / 2.0])
    return delta, float(low), float(high)
