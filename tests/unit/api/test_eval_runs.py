"""``GET /v1/evals/runs``: the latest evaluation runs and the baselines, for the ops view (admin only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.routes.evals import EvalSources, eval_sources
from tests.unit.api.conftest import ADMIN, AGENT, AppFactory, assert_problem


def summary(task: str, created: str, **metrics: Any) -> str:
    return json.dumps({"task": task, "created_at": created, "cases": 12, "provider": "extractive",
                       "model": "extractive", "metrics": metrics})


@pytest.fixture
def sources(tmp_path: Path) -> EvalSources:
    runs, baselines = tmp_path / "runs", tmp_path / "baselines"
    for name, text in {
        "20261201-100000-reply": summary("reply", "2026-12-01T10:00:00+00:00", **{"hit@5": 0.91}),
        "20261205-100000-reply": summary("reply", "2026-12-05T10:00:00+00:00", **{"hit@5": 0.97, "mrr@10": 0.88}),
        "2026-12-04T100000Z-triage": json.dumps({"task": "triage", "created": "2026-12-04T10:00:00Z", "cases": 400,
                                                 "model": "triage-v3", "metrics": {"macro_f1": 0.8, "ece": 0.03}}),
        "broken": "{not json",
        "no-task": json.dumps({"metrics": {"x": 1}}),
    }.items():
        (runs / name).mkdir(parents=True)
        (runs / name / "summary.json").write_text(text, encoding="utf-8")
    (runs / "in-progress").mkdir()  # a run still being written has no summary yet
    baselines.mkdir()
    (baselines / "golden-summary-extractive.json").write_text(
        json.dumps({"task": "summary", "created_at": "2026-11-30T09:00:00+00:00", "metrics": {
            "rougeL": 0.21, "latency_ms": float("nan"), "flag": True, "nested": {"a": 1}}}), encoding="utf-8")
    return EvalSources(runs=runs, baselines=baselines)


@pytest.fixture
def client(make_app: AppFactory, sources: EvalSources) -> Iterator[TestClient]:  # type: ignore[override]
    app = make_app()
    app.dependency_overrides[eval_sources] = lambda: sources
    with TestClient(app) as test_client:
        yield test_client


def test_runs_newest_first_then_baselines_with_their_scalar_metrics(client: TestClient) -> None:
    response = client.get("/v1/evals/runs", headers=ADMIN)
    assert response.status_code == 200, response.text
    runs = response.json()["runs"]
    assert [(r["name"], r["source"]) for r in runs] == [
        ("20261205-100000-reply", "run"),
        ("2026-12-04T100000Z-triage", "run"),
        ("20261201-100000-reply", "run"),
        ("golden-summary-extractive", "baseline"),
    ]
    assert runs[0]["metrics"] == {"hit@5": 0.97, "mrr@10": 0.88}
    assert runs[0]["cases"] == 12 and runs[0]["provider"] == "extractive"
    assert runs[1]["created_at"].startswith("2026-12-04T10:00:00") and runs[1]["provider"] is None
    assert runs[3]["metrics"] == {"rougeL": 0.21}  # NaN, booleans and nested values are not figures


def test_limit_applies_to_runs_not_baselines(client: TestClient) -> None:
    runs = client.get("/v1/evals/runs", params={"limit": 1}, headers=ADMIN).json()["runs"]
    assert [r["name"] for r in runs] == ["20261205-100000-reply", "golden-summary-extractive"]
    assert_problem(client.get("/v1/evals/runs", params={"limit": 0}, headers=ADMIN), 422, "validation")


def test_admin_scope_only(client: TestClient) -> None:
    assert_problem(client.get("/v1/evals/runs"), 401, "unauthenticated")
    assert_problem(client.get("/v1/evals/runs", headers=AGENT), 403, "forbidden")


def test_no_runs_folder_is_an_empty_list(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    app.dependency_overrides[eval_sources] = lambda: EvalSources(tmp_path / "none", tmp_path / "none")
    with TestClient(app) as test_client:
        assert test_client.get("/v1/evals/runs", headers=ADMIN).json() == {"runs": []}
