"""Gating: bounds, baseline regressions in each metric's bad direction, and the suites file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import registry
from evals.gating import GateConfigError, check_baseline, check_bounds, load_summary, parse_bounds
from evals.suites import DEFAULT_THRESHOLDS, load_suites


def test_parse_bounds() -> None:
    assert parse_bounds(["hit@5=0.9", "pii_leak_rate=0"]) == {"hit@5": 0.9, "pii_leak_rate": 0.0}
    for bad in ("hit@5", "=0.3", "hit@5=high"):
        with pytest.raises(GateConfigError):
            parse_bounds([bad])


def test_fail_under_and_fail_over() -> None:
    metrics = {"hit@5": 0.91, "pii_leak_rate": 0.02, "handoff_f1": 0.5}
    assert check_bounds(metrics, {"hit@5": 0.9}, {"pii_leak_rate": 0.05}) == []
    failures = check_bounds(metrics, {"hit@5": 0.95, "rouge2": 0.1}, {"pii_leak_rate": 0.0})
    kinds = {(f.metric, f.kind) for f in failures}
    assert kinds == {("hit@5", "fail_under"), ("rouge2", "missing"), ("pii_leak_rate", "fail_over")}
    assert all(f.message for f in failures)


def test_baseline_regressions_follow_each_metric_direction() -> None:
    baseline = {"hit@5": 0.90, "answer_token_f1": 0.40, "pii_leak_rate": 0.00, "internal_leak_rate": 0.10,
                "latency_ms": 100.0, "summary_words": 40.0, "only_in_baseline": 1.0}
    current = {"hit@5": 0.885, "answer_token_f1": 0.35, "pii_leak_rate": 0.05, "internal_leak_rate": 0.0,
               "latency_ms": 900.0, "summary_words": 10.0, "only_in_current": 0.0}
    failures, not_compared = check_baseline(current, baseline, max_drop=0.02)
    assert {f.metric for f in failures} == {"answer_token_f1", "pii_leak_rate"}  # hit@5 fell by 0.015 only
    leak = next(f for f in failures if f.metric == "pii_leak_rate")
    assert "rose" in leak.message
    assert set(not_compared) == {"latency_ms", "summary_words"}
    assert check_baseline(current, baseline, max_drop=0.1)[0] == []


def test_exactly_max_drop_is_allowed() -> None:
    failures, _ = check_baseline({"hit@1": 0.48}, {"hit@1": 0.5}, max_drop=0.02)
    assert failures == []


def test_registry_directions() -> None:
    assert registry.direction("hit@5") == "higher"
    assert registry.direction("injection_success_rate") == "lower"
    assert registry.direction("latency_ms") is None
    assert registry.direction("something_new") is None
    assert registry.ordered(["pii_leak_rate", "zzz", "hit@1"]) == ["hit@1", "pii_leak_rate", "zzz"]


def test_load_summary_from_folder_or_file(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "summary.json").write_text(json.dumps({"metrics": {"hit@5": 1.0}}))
    assert load_summary(run)["metrics"] == {"hit@5": 1.0}
    assert load_summary(run / "summary.json")["metrics"] == {"hit@5": 1.0}
    (tmp_path / "bad.json").write_text("[]")
    with pytest.raises(GateConfigError):
        load_summary(tmp_path / "bad.json")
    with pytest.raises(GateConfigError):
        load_summary(tmp_path / "missing")


def test_committed_thresholds_file_is_valid() -> None:
    suites = load_suites(DEFAULT_THRESHOLDS)
    assert {(s.task, s.provider) for s in suites} >= {
        (t, p) for t in ("answer", "reply", "summary") for p in ("extractive", "fake")
    }
    for suite in suites:
        assert suite.cases.exists(), suite.cases
        assert all(p.exists() for p in suite.kb)
        assert suite.settings.get("embedding_model") == "all-MiniLM-L6-v2"
        for name in [*suite.fail_under, *suite.fail_over]:
            assert name in registry.METRICS, f"{suite.name}: unknown metric {name}"
        assert suite.baseline is not None and suite.baseline.exists(), suite.name
        baseline = load_summary(suite.baseline)
        assert baseline["task"] == suite.task
        assert baseline["provider"] == suite.provider
        # The committed baseline meets the suite's own bars.
        assert check_bounds(baseline["metrics"], suite.fail_under, suite.fail_over) == [], suite.name


def test_suites_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("suites:\n  x:\n    task: translate\n    cases: c.jsonl\n")
    with pytest.raises(GateConfigError, match="task"):
        load_suites(path)
    path.write_text("nothing: here\n")
    with pytest.raises(GateConfigError, match="suites"):
        load_suites(path)
