"""Feedback on suggestions, and reading interactions back with their feedback."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.store import Store
from tests.unit.api.conftest import ADMIN, AGENT, CARD, CONVERSATION, CUSTOMER, EMAIL, assert_problem


@pytest.fixture
def suggestion_id(client: TestClient) -> str:
    return str(client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT).json()["id"])


def feedback(client: TestClient, **body: Any) -> Any:
    return client.post("/v1/feedback", json=body, headers=AGENT)


def test_accepted_verdict_is_stored_and_counted(client: TestClient, suggestion_id: str) -> None:
    response = feedback(client, interaction_id=suggestion_id, verdict="accepted")

    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/interactions/{suggestion_id}"
    body = response.json()
    assert body["verdict"] == "accepted" and body["interaction_id"] == suggestion_id
    assert body["principal"] == "agent-desk"
    assert 'copilot_feedback_total{reason="none",verdict="accepted"} 1.0' in client.get("/metrics").text


def test_edited_verdict_keeps_the_sent_text_masked(client: TestClient, store: Store, suggestion_id: str) -> None:
    sent = f"Your replacement card is on its way; we'll confirm at {EMAIL}."
    response = feedback(client, interaction_id=suggestion_id, verdict="edited", edited_text=sent,
                        reason="incomplete", comment=f"customer gave card {CARD}")

    assert response.status_code == 201
    assert response.json()["edited_text"] == "Your replacement card is on its way; we'll confirm at [EMAIL_1]."
    assert response.json()["comment"] == "customer gave card [CARD_1]"
    view = store.get_interaction(suggestion_id)
    assert view is not None and view.feedback[0].edited_text is not None
    assert EMAIL not in view.feedback[0].edited_text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"verdict": "edited"}, "body"),
        ({"verdict": "edited", "edited_text": "   "}, "body.edited_text"),
        ({"verdict": "accepted", "edited_text": "text"}, "body"),
        ({"verdict": "rejected", "edited_text": "text"}, "body"),
        ({"verdict": "maybe"}, "body.verdict"),
        ({"verdict": "rejected", "reason": "boring"}, "body.reason"),
        ({"verdict": "rejected", "comment": "x" * 4001}, "body.comment"),
        ({"verdict": "edited", "edited_text": "x" * 20_001}, "body.edited_text"),
    ],
    ids=["edited-without-text", "blank-text", "accepted-with-text", "rejected-with-text", "unknown-verdict",
         "unknown-reason", "long-comment", "long-text"],
)
def test_feedback_rules_are_422(client: TestClient, suggestion_id: str, body: dict[str, Any], field: str) -> None:
    problem = assert_problem(feedback(client, interaction_id=suggestion_id, **body), 422, "validation")
    assert field in [e["field"] for e in problem["errors"]]


def test_rejected_with_reason_and_several_verdicts(client: TestClient, suggestion_id: str) -> None:
    assert feedback(client, interaction_id=suggestion_id, verdict="rejected", reason="outdated").status_code == 201
    assert feedback(client, interaction_id=suggestion_id, verdict="accepted").status_code == 201

    view = client.get(f"/v1/interactions/{suggestion_id}", headers=AGENT).json()
    assert [(f["verdict"], f["reason"]) for f in view["feedback"]] == [("rejected", "outdated"), ("accepted", None)]


def test_feedback_on_an_unknown_interaction_is_404(client: TestClient) -> None:
    assert_problem(feedback(client, interaction_id=str(uuid.uuid4()), verdict="accepted"), 404, "not-found")
    assert_problem(feedback(client, interaction_id="not-a-uuid", verdict="accepted"), 422, "validation")


def test_feedback_on_a_customer_answer_is_409(client: TestClient) -> None:
    answer_id = client.post("/v1/answers", json={"question": "When will my card arrive?"}, headers=CUSTOMER).json()["id"]
    assert_problem(feedback(client, interaction_id=answer_id, verdict="accepted"), 409, "conflict")


def test_feedback_on_a_summary_is_fine(client: TestClient) -> None:
    summary_id = client.post("/v1/summaries", json=CONVERSATION, headers=AGENT).json()["id"]
    assert feedback(client, interaction_id=summary_id, verdict="accepted").status_code == 201


def test_interaction_reads_back_masked(client: TestClient, suggestion_id: str) -> None:
    response = client.get(f"/v1/interactions/{suggestion_id}", headers=ADMIN)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == suggestion_id and body["surface"] == "suggestion" and body["principal"] == "agent-desk"
    assert body["input"][-1]["text"].endswith("[EMAIL_1] and the old card was [CARD_1].")
    assert body["output"]["draft"] and body["citations"] == ["card-delivery"]
    assert body["prompt"]["id"] == "suggest_reply" and body["handoff"]["needed"] is body["output"]["handoff"]["needed"]
    assert body["usage"]["prompt_tokens"] > 0 and body["feedback"] == []
    assert EMAIL not in response.text and CARD not in response.text


@pytest.mark.parametrize("interaction_id", [str(uuid.uuid4()), "nope", "1" * 64])
def test_unknown_interaction_is_404(client: TestClient, interaction_id: str) -> None:
    assert_problem(client.get(f"/v1/interactions/{interaction_id}", headers=AGENT), 404, "not-found")
