"""``/v1/planning``: forecasts, requirements and schedules for planners; problem documents for bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.settings import ApiKey, hash_key
from tests.unit.api.conftest import AGENT, AppFactory, all_keys
from tests.unit.planning.conftest import synthetic_history

PLANNER_KEY = "test-planner-key-0123456789"
PLANNER = {"Authorization": f"Bearer {PLANNER_KEY}"}


@pytest.fixture
def planner_client(make_app: AppFactory) -> Iterator[TestClient]:
    keys = [*all_keys(), ApiKey(name="wfm", sha256=hash_key(PLANNER_KEY), scopes=frozenset({"planner"}))]
    with TestClient(make_app(api={"keys": keys})) as client:
        yield client


def _history(weeks: int = 5) -> dict[str, list[object]]:
    frame = synthetic_history(weeks=weeks)
    return {"interval_start": frame["interval_start"].tolist(), "calls": frame["calls"].astype(float).tolist()}


def test_forecast_returns_rows_with_intervals(planner_client: TestClient) -> None:
    body = {"history": _history(), "days": 7, "special_days": [{"date": "2024-02-05", "multiplier": 0}]}
    response = planner_client.post("/v1/planning/forecast", json=body, headers=PLANNER)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["interval_minutes"] == 30
    rows = result["rows"]
    assert len(rows) == 4 * 16  # Monday 5 February is closed
    assert rows[0]["interval_start"] == "2024-02-06 09:00"
    assert all(r["lo95"] <= r["lo80"] <= r["forecast"] <= r["hi80"] <= r["hi95"] for r in rows)
    assert result["fits"][0]["model"] in {"profile", "seasonal_naive"}


def test_requirements_and_schedule(planner_client: TestClient) -> None:
    stamps = [f"2024-01-0{d} {h:02d}:{m:02d}" for d in (1, 2) for h in range(8, 16) for m in (0, 30)]
    body = {"interval_start": stamps, "contacts": [100.0] * len(stamps), "interval_minutes": 30,
            "queue": {"aht_seconds": 180, "shrinkage": 0.3}}
    response = planner_client.post("/v1/planning/requirements", json=body, headers=PLANNER)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["model"] == "erlang_c" and {r["agents"] for r in result["rows"]} == {14}
    assert {r["scheduled"] for r in result["rows"]} == {20}
    need = [{"group": "cards", "interval_start": s, "required": 2} for s in stamps]
    agents = [{"id": f"a{i}", "skills": ["cards"], "contract_hours": 8} for i in range(4)]
    body = {"agents": agents, "requirement": need, "time_limit_seconds": 5,
            "rules": {"start_times": ["08:00", "12:00"], "shift_hours": [4]}}
    response = planner_client.post("/v1/planning/schedule", json=body, headers=PLANNER)
    assert response.status_code == 200, response.text
    result = response.json()
    assert len(result["shifts"]) == 8 and result["groups"][0]["group"] == "cards"  # 2 x 4 h each
    assert 0 <= result["groups"][0]["gap"] <= 1 and len(result["coverage"]) == len(stamps)


def test_planning_needs_the_planner_scope(planner_client: TestClient) -> None:
    response = planner_client.post("/v1/planning/forecast", json={"history": _history(), "days": 7}, headers=AGENT)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_bad_planning_input_is_a_problem(planner_client: TestClient) -> None:
    short = {"interval_start": ["2024-01-01 09:00"], "calls": [3.0]}
    cases = [
        ("/v1/planning/forecast", {"history": short, "days": 7}),  # one interval: not enough history
        ("/v1/planning/forecast", {"history": {"interval_start": ["x"], "calls": [1.0, 2.0]}, "days": 7}),
        ("/v1/planning/forecast", {"history": _history(), "days": 0}),
        ("/v1/planning/requirements", {"interval_start": ["2024-01-01T09:00"], "contacts": [-1],
                                       "interval_minutes": 30}),
        ("/v1/planning/schedule", {"agents": [{"id": "a", "skills": ["x"], "contract_hours": 10}],
                                   "requirement": [{"group": "x", "interval_start": "2024-01-01T09:00",
                                                    "required": 1}]}),
    ]
    for path, body in cases:
        response = planner_client.post(path, json=body, headers=PLANNER)
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]
