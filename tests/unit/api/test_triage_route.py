"""``POST /v1/triage``: agents only, problem+json errors, the full result."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.unit.api.conftest import AGENT, CUSTOMER


def test_triage_returns_the_result_for_an_agent(client: TestClient) -> None:
    body = {"conversation": [{"role": "customer", "text": "My email is jo@example.com, can I speak to a real person"}]}
    response = client.post("/v1/triage", json=body, headers=AGENT)
    assert response.status_code == 200, response.text
    result = response.json()
    assert len(result["intent"]) == 3 and result["model_version"]
    assert {r["risk"] for r in result["risks"]} >= {"scam_in_progress", "bereavement"}
    assert result["handoff"]["needed"] and result["handoff"]["decided_by"]
    assert "jo@example.com" not in response.text


def test_triage_is_not_for_customers(client: TestClient) -> None:
    body = {"conversation": [{"role": "customer", "text": "hello"}]}
    response = client.post("/v1/triage", json=body, headers=CUSTOMER)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_bad_triage_input_is_a_problem(client: TestClient) -> None:
    for body in ({"conversation": []}, {"conversation": [{"role": "agent", "text": "hi"}]},
                 {"conversation": [{"role": "customer", "text": "hi"}], "surface": "robot"}):
        response = client.post("/v1/triage", json=body, headers=AGENT)
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["title"]
