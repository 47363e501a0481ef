"""Aggregation of per-case metric rows into means with bootstrap intervals."""

from __future__ import annotations

import math

import pytest

from evals.metrics import MetricSummary, aggregate, bootstrap_ci


def test_each_metric_over_its_labelled_cases_only() -> None:
    rows: list[dict[str, float | None]] = [
        {"hit@5": 1.0, "token_f1": None},
        {"hit@5": 0.0, "token_f1": 0.5, "rouge1": math.nan},
        {"hit@5": 1.0},
        {"summary_only": None},
    ]
    result = aggregate(rows)
    assert list(result) == ["hit@5", "token_f1"]
    assert result["hit@5"].n == 3
    assert result["hit@5"].mean == pytest.approx(2 / 3)
    assert result["token_f1"] == MetricSummary(mean=0.5, low=0.5, high=0.5, n=1)


def test_intervals_match_bootstrap_ci_and_are_deterministic() -> None:
    values = [0.1, 0.9, 0.4, 0.7, 0.3, 0.8]
    rows = [{"m": v} for v in values]
    summary = aggregate(rows, seed=3)["m"]
    assert (summary.mean, summary.low, summary.high) == bootstrap_ci(values, seed=3)
    assert summary.low <= summary.mean <= summary.high
    assert aggregate(rows, seed=3) == aggregate(rows, seed=3)


def test_empty_input_and_to_dict() -> None:
    assert aggregate([]) == {}
    summary = aggregate([{"m": 1.0}, {"m": 0.0}])["m"]
    assert summary.to_dict() == {"mean": 0.5, "low": summary.low, "high": summary.high, "n": 2}
