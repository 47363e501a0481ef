"""Percentile bootstrap of a mean and of a difference of means."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evals.metrics import bootstrap as bootstrap_module
from evals.metrics import bootstrap_ci, bootstrap_delta_ci


def _sample(n: int, seed: int = 1) -> list[float]:
    return list(np.random.default_rng(seed).uniform(0.0, 1.0, size=n))


def test_interval_contains_the_mean() -> None:
    values = _sample(100)
    mean, low, high = bootstrap_ci(values)
    assert mean == pytest.approx(float(np.mean(values)))
    assert low < mean < high


def test_interval_narrows_with_more_data() -> None:
    _, low_small, high_small = bootstrap_ci(_sample(20))
    _, low_large, high_large = bootstrap_ci(_sample(2000))
    assert (high_large - low_large) < (high_small - low_small) / 3


def test_higher_confidence_is_wider() -> None:
    values = _sample(50)
    _, low90, high90 = bootstrap_ci(values, confidence=0.90)
    _, low99, high99 = bootstrap_ci(values, confidence=0.99)
    assert low99 <= low90 and high90 <= high99


def test_deterministic_with_seed() -> None:
    values = _sample(60)
    assert bootstrap_ci(values, seed=7) == bootstrap_ci(values, seed=7)
    assert bootstrap_ci(values, seed=7) != bootstrap_ci(values, seed=8)


def test_edge_sizes() -> None:
    assert all(math.isnan(x) for x in bootstrap_ci([]))
    assert bootstrap_ci([0.25]) == (0.25, 0.25, 0.25)
    assert bootstrap_ci([1.0, 1.0, 1.0]) == (1.0, 1.0, 1.0)


def test_blocked_resampling_for_large_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    values = _sample(500)
    monkeypatch.setattr(bootstrap_module, "_MAX_BLOCK_ELEMENTS", 1000)  # two resamples per block
    first = bootstrap_ci(values, n_resamples=301)
    assert first == bootstrap_ci(values, n_resamples=301)
    assert first[1] < first[0] < first[2]


def test_invalid_input() -> None:
    with pytest.raises(ValueError, match="NaN"):
        bootstrap_ci([0.5, math.nan])
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci([0.5], confidence=1.0)
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_ci([0.5], n_resamples=0)


def test_paired_delta_with_constant_shift_is_exact() -> None:
    a = _sample(50)
    b = [x + 0.1 for x in a]
    delta, low, high = bootstrap_delta_ci(a, b, paired=True)
    assert delta == pytest.approx(0.1)
    assert low == pytest.approx(0.1) and high == pytest.approx(0.1)


def test_pairing_removes_between_case_variance() -> None:
    rng = np.random.default_rng(3)
    a = rng.uniform(0.0, 1.0, size=200)
    b = a + 0.05 + rng.normal(0.0, 0.01, size=200)
    delta, low, high = bootstrap_delta_ci(list(a), list(b), paired=True)
    assert delta == pytest.approx(float(np.mean(b) - np.mean(a)))
    assert 0.0 < low < delta < high
    unpaired_delta, unpaired_low, unpaired_high = bootstrap_delta_ci(list(a), list(b), paired=False)
    assert unpaired_delta == pytest.approx(delta)
    assert unpaired_low < 0.0 < unpaired_high
    assert (high - low) < (unpaired_high - unpaired_low) / 5


def test_delta_sign_and_determinism() -> None:
    worse, better = _sample(40, seed=4), [x + 0.2 for x in _sample(40, seed=5)]
    assert bootstrap_delta_ci(worse, better, False)[0] > 0
    assert bootstrap_delta_ci(better, worse, False)[0] < 0
    assert bootstrap_delta_ci(worse, better, False, seed=1) == bootstrap_delta_ci(worse, better, False, seed=1)


def test_delta_edge_cases() -> None:
    with pytest.raises(ValueError, match="same length"):
        bootstrap_delta_ci([0.1, 0.2], [0.3], paired=True)
    assert all(math.isnan(x) for x in bootstrap_delta_ci([], [0.3], paired=False))
    assert all(math.isnan(x) for x in bootstrap_delta_ci([], [], paired=True))
    assert bootstrap_delta_ci([0.2], [0.5], paired=False) == pytest.approx((0.3, 0.3, 0.3))
