"""Suggestions, answers and summaries: JSON and SSE, each stored (masked) before the response."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from copilot.llm.fake import FailMidStream, FakeChatModel
from copilot.llm.gateway import LLMGateway
from copilot.service import Copilot
from copilot.store import Store, StoreError, sqlite_url
from knowledge_base.service import KnowledgeBase
from tests.unit.api.conftest import (
    AGENT,
    CARD,
    CONVERSATION,
    CUSTOMER,
    EMAIL,
    REPLY_CONFIG,
    AppFactory,
    SwitchableEmbedder,
    assert_problem,
    parse_sse,
    scripted_reply,
)

ENDPOINTS = [
    ("/v1/suggestions", AGENT, CONVERSATION, "suggestion", "draft"),
    ("/v1/answers", CUSTOMER, {"question": "When will my new debit card arrive?"}, "answer", "answer"),
    ("/v1/summaries", AGENT, CONVERSATION, "summary", "summary"),
]
IDS = ["suggestions", "answers", "summaries"]


def raw_row(store: Store, interaction_id: str) -> str:
    with store.engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM interactions WHERE id = :id"), {"id": interaction_id}).one()
    return json.dumps([str(v) for v in row])


@pytest.mark.parametrize(("path", "headers", "body", "surface", "field"), ENDPOINTS, ids=IDS)
def test_json_result_is_stored_before_it_is_returned(
    client: TestClient, store: Store, path: str, headers: dict[str, str], body: dict[str, Any], surface: str,
    field: str,
) -> None:
    response = client.post(path, json=body, headers=headers)

    assert response.status_code == 200, response.text
    result = response.json()
    assert result[field]
    assert result["provider"] == "fake" and result["model"] == "fake-model"
    assert result["prompt"]["id"] and result["prompt"]["version"]
    stored = store.get_interaction(result["id"])
    assert stored is not None
    assert stored.surface == surface
    assert stored.request_id == response.headers["x-request-id"]
    assert stored.provider == "fake" and stored.prompt_id == result["prompt"]["id"]
    assert stored.masked_output["id"] == result["id"]


def test_suggestion_carries_sources_and_stores_everything_masked(client: TestClient, store: Store) -> None:
    response = client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT)

    result = response.json()
    assert [c["doc_id"] for c in result["citations"]] == ["card-delivery"]
    assert result["flags"]["pii_masked"] == ["CARD", "EMAIL"]
    stored = store.get_interaction(result["id"])
    assert stored is not None
    assert stored.principal == "agent-desk" and stored.channel == "agent"
    assert stored.citations == ["card-delivery"]
    assert stored.masked_input[-1]["text"] == "Ten days ago. My email is [EMAIL_1] and the old card was [CARD_1]."
    assert stored.prompt_tokens > 0 and stored.completion_tokens > 0
    row = raw_row(store, result["id"])
    assert EMAIL not in row and CARD not in row and CARD.replace(" ", "") not in row


def test_pii_the_model_echoes_is_returned_but_stored_masked(
    make_app: AppFactory, kb: KnowledgeBase, store: Store
) -> None:
    echo = json.dumps({"draft": f"I'll email you at {EMAIL} about card {CARD}.", "citations": [], "confidence": 0.6})
    copilot = Copilot(kb, LLMGateway([FakeChatModel(default_response=echo)]), reply_config=REPLY_CONFIG)
    with TestClient(make_app(copilot=copilot)) as client:
        result = client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT).json()

    assert EMAIL in result["draft"]  # the agent sees the customer's own details
    stored = store.get_interaction(result["id"])
    assert stored is not None
    assert stored.masked_output["draft"] == "I'll email you at [EMAIL_1] about card [CARD_1]."
    assert EMAIL not in raw_row(store, result["id"])


def test_answer_is_stored_as_the_customer_channel(client: TestClient, store: Store) -> None:
    body = {"question": "When will my card arrive?", "history": [{"role": "customer", "text": f"I'm {EMAIL}"}]}
    result = client.post("/v1/answers", json=body, headers=CUSTOMER).json()

    stored = store.get_interaction(result["id"])
    assert stored is not None
    assert stored.principal == "mobile-app" and stored.channel == "customer" and stored.surface == "answer"
    assert [t["text"] for t in stored.masked_input] == ["I'm [EMAIL_1]", "When will my card arrive?"]


def test_handoff_is_stored_with_its_reason(client: TestClient, store: Store) -> None:
    body = {"question": "I want to speak to a real person please"}
    result = client.post("/v1/answers", json=body, headers=CUSTOMER).json()

    # Which reason triage gives is tested in tests/unit/triage; here: the handoff is stored as returned.
    reason = result["handoff"]["reason"]
    assert result["handoff"]["needed"] is True and reason in ("customer_request", "sensitive_topic")
    stored = store.get_interaction(result["id"])
    assert stored is not None and stored.handoff_needed and stored.handoff_reason == reason
    assert stored.masked_output["triage"]["handoff"]["reason"] == reason


def test_provider_outage_degrades_to_the_extractive_draft(make_app: AppFactory, kb: KnowledgeBase) -> None:
    down = FakeChatModel(default_response=ConnectionError("provider down"))
    copilot = Copilot(kb, LLMGateway([down]), reply_config=REPLY_CONFIG)
    with TestClient(make_app(copilot=copilot)) as client:
        response = client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT)

    assert response.status_code == 200
    assert response.json()["provider"] == "extractive"
    assert response.json()["flags"]["fallback_reason"].startswith("llm_unavailable")


def test_no_provider_configured_drafts_extractively(make_app: AppFactory, kb: KnowledgeBase) -> None:
    copilot = Copilot(kb, LLMGateway([]), reply_config=REPLY_CONFIG)
    with TestClient(make_app(copilot=copilot)) as client:
        for path, headers, body, _, _ in ENDPOINTS:
            response = client.post(path, json=body, headers=headers)
            assert response.status_code == 200, response.text
            assert response.json()["provider"] in ("extractive", "policy")


# -- SSE ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "headers", "body", "surface", "field"), ENDPOINTS, ids=IDS)
@pytest.mark.parametrize("ask", ["query", "accept"])
def test_stream_sends_deltas_then_one_stored_result(
    client: TestClient, store: Store, path: str, headers: dict[str, str], body: dict[str, Any], surface: str,
    field: str, ask: str,
) -> None:
    if ask == "query":
        response = client.post(f"{path}?stream=true", json=body, headers=headers)
    else:
        response = client.post(path, json=body, headers={**headers, "Accept": "text/event-stream"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-store"
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[-1] == "result" and names.count("result") == 1
    assert set(names[:-1]) == {"delta"} and len(names) > 2
    text = "".join(data["text"] for name, data in events if name == "delta")
    result = events[-1][1]
    assert text.strip() == result[field].strip()
    stored = store.get_interaction(result["id"])
    assert stored is not None and stored.surface == surface


def test_stream_false_overrides_the_accept_header(client: TestClient) -> None:
    response = client.post(
        "/v1/suggestions?stream=false", json=CONVERSATION, headers={**AGENT, "Accept": "text/event-stream"}
    )
    assert response.headers["content-type"] == "application/json"


def test_stream_interrupted_mid_way_still_ends_with_a_result(make_app: AppFactory, kb: KnowledgeBase) -> None:
    broken = FakeChatModel(responses=[FailMidStream('{"draft": "New debit cards arrive')])
    copilot = Copilot(kb, LLMGateway([broken]), reply_config=REPLY_CONFIG)
    with TestClient(make_app(copilot=copilot)) as client:
        events = parse_sse(client.post("/v1/suggestions?stream=true", json=CONVERSATION, headers=AGENT).text)

    assert events[0][0] == "delta"
    assert events[-1][0] == "result"
    assert events[-1][1]["provider"] == "extractive"  # authoritative: supersedes the partial deltas


class BrokenStore(Store):
    """A store whose writes fail and whose ping says so (the database is down)."""

    def record_interaction(self, **kwargs: Any) -> str:
        raise StoreError("record_interaction failed: OperationalError: connection refused", operation="record")

    def ping(self) -> bool:
        return False


@pytest.fixture
def broken_store(tmp_path: Path) -> Iterator[Store]:
    store = BrokenStore(sqlite_url(tmp_path / "broken"))
    yield store
    store.close()


@pytest.mark.parametrize(("path", "headers", "body", "surface", "field"), ENDPOINTS, ids=IDS)
def test_store_failure_is_a_503_never_a_silent_success(
    make_app: AppFactory, broken_store: Store, path: str, headers: dict[str, str], body: dict[str, Any],
    surface: str, field: str,
) -> None:
    with TestClient(make_app(store=broken_store)) as client:
        response = client.post(path, json=body, headers=headers)
        problem = assert_problem(response, 503, "store-unavailable")
        assert response.headers["retry-after"].isdigit()
        assert "OperationalError" not in response.text and "connection refused" not in problem["detail"]

        streamed = client.post(f"{path}?stream=true", json=body, headers=headers)
        events = parse_sse(streamed.text)
        assert [name for name, _ in events if name != "delta"] == ["error"]
        assert events[-1][1]["type"] == "https://errors.kestrel.example/store-unavailable"
        assert events[-1][1]["request_id"] == streamed.headers["x-request-id"]


def test_index_failure_before_the_stream_starts_is_a_503_problem(
    client: TestClient, embedder: SwitchableEmbedder
) -> None:
    embedder.failure = ConnectionError("qdrant unreachable")
    for suffix in ("", "?stream=true"):
        response = client.post(f"/v1/suggestions{suffix}", json=CONVERSATION, headers=AGENT)
        assert_problem(response, 503, "index-unavailable")
        assert response.headers["retry-after"].isdigit()


def test_unexpected_error_is_a_500_that_leaks_nothing(client: TestClient, embedder: SwitchableEmbedder) -> None:
    embedder.failure = RuntimeError(f"internal detail: table kb_v1 at /srv/secret for {CARD}")
    for suffix in ("", "?stream=true"):
        response = client.post(f"/v1/suggestions{suffix}", json=CONVERSATION, headers=AGENT)
        problem = assert_problem(response, 500, "internal")
        assert "internal detail" not in response.text and "secret" not in response.text
        assert problem["detail"].startswith("The service failed")


def test_failure_mid_stream_ends_with_an_error_event(client: TestClient, copilot: Copilot,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def breaks_mid_way(request: Any) -> Iterator[Any]:
        yield "Your card "
        yield "is on "
        raise RuntimeError(f"internal failure with {CARD}")

    monkeypatch.setattr(copilot, "stream_suggest", breaks_mid_way)
    response = client.post("/v1/suggestions?stream=true", json=CONVERSATION, headers=AGENT)

    assert response.status_code == 200
    events = parse_sse(response.text)
    assert [name for name, _ in events] == ["delta", "delta", "error"]
    problem = events[-1][1]
    assert problem["type"] == "https://errors.kestrel.example/internal" and problem["status"] == 500
    assert CARD not in response.text and "internal failure" not in response.text
    assert 'copilot_stream_errors_total{surface="suggestion",type="internal"} 1.0' in client.get("/metrics").text


def test_slow_first_token_gets_keep_alive_comments(make_app: AppFactory, kb: KnowledgeBase) -> None:
    slow = FakeChatModel(default_response=scripted_reply, latency_s=0.4)
    copilot = Copilot(kb, LLMGateway([slow]), reply_config=REPLY_CONFIG)
    with TestClient(make_app(copilot=copilot, api={"sse_heartbeat_s": 0.05})) as client:
        response = client.post("/v1/suggestions?stream=true", json=CONVERSATION, headers=AGENT)

    assert response.text.startswith(": keep-alive\n\n")
    assert response.text.count(": keep-alive") >= 3
    assert parse_sse(response.text)[-1][0] == "result"
