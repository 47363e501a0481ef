"""Percentile-bootstrap confidence intervals for a mean and for a difference of means (numpy, vectorised)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: Upper bound on the resample-index matrix built at once (elements), to bound memory for large n.
_MAX_BLOCK_ELEMENTS = 2_000_000

_NAN3 = (math.nan, math.nan, math.nan)


def _as_array(values: Sequence[float], name: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of numbers")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _check(confidence: float, n_resamples: int) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")


def _resample_means(
    rng: np.random.Generator, values: npt.NDArray[np.float64], n_resamples: int
) -> npt.NDArray[np.float64]:
    """Means of ``n_resamples`` resamples (with replacement, same size) of ``values``."""
    n = values.shape[0]
    block = max(1, _MAX_BLOCK_ELEMENTS // n)
    means = np.empty(n_resamples, dtype=np.float64)
    for start in range(0, n_resamples, block):
        stop = min(n_resamples, start + block)
        indices = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[indices].mean(axis=1)
    return means


def _interval(means: npt.NDArray[np.float64], confidence: float) -> tuple[float, float]:
    alpha = 1.0 - confidence
    low, high = np.quantile(means, [alpha / 2.0, 1.0 - alpha / 2.0])
    return float(low), float(high)


def bootstrap_ci(
    values: Sequence[float], *, confidence: float = 0.95, n_resamples: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """Mean of ``values`` with a percentile-bootstrap confidence interval: ``(mean, low, high)``.

    The interval is the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the means
    of ``n_resamples`` resamples drawn with replacement. Deterministic for a given ``seed``.

    * no values: ``(nan, nan, nan)``: there is no mean to report, and 0.0 would look like a score;
    * one value ``v``: ``(v, v, v)``: the bootstrap cannot show any spread.

    Raises:
        ValueError: a value is NaN or infinite, ``confidence`` is not in (0, 1), or
            ``n_resamples`` < 1.
    """
    _check(confidence, n_resamples)
    array = _as_array(values, "values")
    if array.size == 0:
        return _NAN3
    mean = float(array.mean())
    if array.size == 1:
        return mean, mean, mean
    means = _resample_means(np.random.default_rng(seed), array, n_resamples)
    low, high = _interval(means, confidence)
    return mean, low, high


def bootstrap_delta_ci(
    a: Sequence[float],
    b: Sequence[float],
    paired: bool,
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Difference of means ``mean(b) - mean(a)`` with a percentile-bootstrap interval: ``(delta, low, high)``.

    ``a`` is the baseline run and ``b`` the candidate, so a positive delta means ``b`` scores higher.

    * ``paired=True``: ``a[i]`` and ``b[i]`` are the same case (use it when the two runs' case ids
      match, aligned in the same order); the per-case differences are resampled together, which
      removes the between-case variance and gives a much tighter interval.
    * ``paired=False``: the two runs are resampled independently (different or partly overlapping
      case sets).

    Returns ``(nan, nan, nan)`` when either side is empty; if no spread can be estimated (one
    value per side, or one pair), low and high equal the delta. Deterministic for a given ``seed``.

    Raises:
        ValueError: ``paired`` with sequences of different lengths, non-finite values, or the
            conditions of :func:`bootstrap_ci`.
    """
    _check(confidence, n_resamples)
    first, second = _as_array(a, "a"), _as_array(b, "b")
    if paired:
        if first.shape != second.shape:
            raise ValueError(f"paired runs must have the same length, got {first.size} and {second.size}")
        return bootstrap_ci(list(second - first), confidence=confidence, n_resamples=n_resamples, seed=seed)
    if first.size == 0 or second.size == 0:
        return _NAN3
    delta = float(second.mean() - first.mean())
    if first.size == 1 and second.size == 1:
        return delta, delta, delta
    rng = np.random.default_rng(seed)
    means_a = _resample_means(rng, first, n_resamples)
    means_b = _resample_means(rng, second, n_resamples)
    low, high = _interval(means_b - means_a, confidence)
    return delta, low, high
