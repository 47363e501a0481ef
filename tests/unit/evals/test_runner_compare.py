"""``copilot eval compare``: deltas with paired / unpaired bootstrap intervals, verdicts in each
metric's direction, the cases that changed most, and compare.html."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.compare import compare_runs, format_comparison, load_run, write_comparison


def _write_run(path: Path, rows: list[dict[str, Any]], pairs: list[list[Any]] | None = None) -> Path:
    path.mkdir(parents=True)
    records = []
    for i, metrics in enumerate(rows):
        records.append({
            "id": f"c-{i}", "task": "answer", "metrics": metrics,
            "handoff_pair": pairs[i] if pairs else None,
            "input": {"conversation": [{"role": "customer", "text": f"question {i}"}]},
            "labels": {"reference_answer": f"reference {i}"},
            "output": {"text": f"output {i} of {path.name}"},
        })
    names = {k for r in rows for k in r}
    means = {k: sum(r[k] for r in rows if k in r) / sum(1 for r in rows if k in r) for k in names}
    (path / "cases.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (path / "summary.json").write_text(json.dumps({"task": "answer", "cases": len(rows), "provider": "p",
                                                   "model": "m", "metrics": means}))
    return path


def test_paired_deltas_and_verdicts(tmp_path: Path) -> None:
    n = 40
    a_rows = [{"answer_token_f1": 0.3 + 0.01 * (i % 5), "pii_leak_rate": 0.0, "latency_ms": 100.0} for i in range(n)]
    b_rows = [{"answer_token_f1": r["answer_token_f1"] + 0.1, "pii_leak_rate": 1.0 if i < 10 else 0.0,
               "latency_ms": 50.0} for i, r in enumerate(a_rows)]
    a = load_run(_write_run(tmp_path / "a", a_rows))
    b = load_run(_write_run(tmp_path / "b", b_rows))
    comparison = compare_runs(a, b, top=3, n_resamples=200)
    rows = {r["metric"]: r for r in comparison.rows}
    f1 = rows["answer_token_f1"]
    assert f1["paired"] is True
    assert f1["delta"] == pytest.approx(0.1)
    assert f1["low"] == pytest.approx(0.1) and f1["high"] == pytest.approx(0.1)
    assert f1["verdict"] == "better"
    leak = rows["pii_leak_rate"]
    assert leak["delta"] == pytest.approx(0.25)
    assert leak["verdict"] == "worse"  # a rise in a leak rate is a regression
    assert rows["latency_ms"]["verdict"] == ""  # no direction, no verdict
    assert comparison.common_cases == n
    assert len(comparison.changed) == 3
    assert comparison.changed[0]["score"] < 0  # a leaking case changed most
    text = format_comparison(comparison)
    assert "answer_token_f1" in text and "better" in text and "worse" in text


def test_unpaired_when_case_sets_differ_and_no_ci_without_records(tmp_path: Path) -> None:
    a = load_run(_write_run(tmp_path / "a", [{"hit@5": 1.0}, {"hit@5": 0.0}, {"hit@5": 1.0}]))
    b = load_run(_write_run(tmp_path / "b", [{"hit@5": 1.0}, {"hit@5": 1.0}]))
    row = compare_runs(a, b, n_resamples=200).rows[0]
    assert row["paired"] is False
    assert row["delta"] == pytest.approx(1.0 - 2 / 3)
    assert row["low"] is not None
    bare = load_run(tmp_path / "b" / "summary.json")
    assert bare.records is None
    row = compare_runs(load_run(tmp_path / "a" / "summary.json"), bare).rows[0]
    assert row["low"] is None and row["verdict"] == "better"


def test_handoff_metrics_are_bootstrapped_on_cases(tmp_path: Path) -> None:
    pairs_a = [[True, False, "sensitive_topic", None], [True, True, "customer_request", "customer_request"],
               [False, False, None, None], [False, True, None, "missing_knowledge"]]
    pairs_b = [[True, True, "sensitive_topic", "sensitive_topic"], [True, True, "customer_request", "customer_request"],
               [False, False, None, None], [False, False, None, None]]
    rows = [{"handoff_accuracy": 0.5}] * 4
    a = _write_run(tmp_path / "a", rows, pairs_a)
    b = _write_run(tmp_path / "b", rows, pairs_b)
    for path, f1 in ((a, 0.5), (b, 1.0)):
        summary = json.loads((path / "summary.json").read_text())
        summary["metrics"]["handoff_f1"] = f1
        (path / "summary.json").write_text(json.dumps(summary))
    comparison = compare_runs(load_run(a), load_run(b), n_resamples=200)
    row = next(r for r in comparison.rows if r["metric"] == "handoff_f1")
    assert row["paired"] is True
    assert row["delta"] == pytest.approx(0.5)


def test_compare_html_is_written(tmp_path: Path) -> None:
    a = load_run(_write_run(tmp_path / "a", [{"rougeL": 0.2}, {"rougeL": 0.4}]))
    b = load_run(_write_run(tmp_path / "b", [{"rougeL": 0.3}, {"rougeL": 0.1}]))
    html = write_comparison(compare_runs(a, b, n_resamples=100), tmp_path / "out")
    text = html.read_text()
    assert text.startswith("<!doctype html>")
    assert "data:image/png;base64," in text
    assert "output 1 of a" in text and "output 1 of b" in text
    payload = json.loads((tmp_path / "out" / "compare.json").read_text())
    assert payload["rows"][0]["metric"] == "rougeL"
