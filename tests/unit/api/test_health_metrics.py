"""Probes (/healthz, /readyz) and the Prometheus metrics."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from copilot.llm.fake import FakeChatModel
from copilot.llm.gateway import LLMGateway
from copilot.llm.policy import GatewayPolicy
from copilot.service import Copilot
from copilot.store import Store, sqlite_url
from knowledge_base.config import RetrievalConfig
from knowledge_base.service import KnowledgeBase
from tests.unit.api.conftest import (
    AGENT,
    CONVERSATION,
    CUSTOMER,
    REPLY_CONFIG,
    AppFactory,
    SwitchableEmbedder,
    assert_problem,
    scripted_reply,
)


class DownStore(Store):
    """The database stopped answering after start-up."""

    down = False

    def ping(self) -> bool:
        return not self.down and super().ping()


@pytest.fixture
def down_store(tmp_path: Path) -> Iterator[DownStore]:
    store = DownStore(sqlite_url(tmp_path / "down"))
    yield store
    store.close()


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ready_when_index_store_and_models_are(client: TestClient) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["checks"]["index"] == {"ok": True, "detail": "7 chunks"}
    assert body["checks"]["store"]["ok"] and body["checks"]["llm"] == {"ok": True, "detail": "fake=closed"}


def test_not_ready_when_the_store_is_down(make_app: AppFactory, down_store: DownStore) -> None:
    with TestClient(make_app(store=down_store)) as client:
        down_store.down = True
        response = client.get("/readyz")
        problem = assert_problem(response, 503, "not-ready")
        assert response.headers["retry-after"].isdigit()
        assert problem["checks"]["store"] == {"ok": False, "detail": "does not answer"}
        assert problem["checks"]["index"]["ok"] and problem["detail"] == "Not ready: store."
        assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_not_ready_when_the_index_is_empty(make_app: AppFactory, tmp_path: Path, embedder: SwitchableEmbedder) -> None:
    empty = KnowledgeBase(RetrievalConfig(data_dir=tmp_path / "e", qdrant_url=":memory:",
                                          embedding_model="hashing-128"), embedder=embedder)
    copilot = Copilot(empty, LLMGateway([]), reply_config=REPLY_CONFIG)
    with TestClient(make_app(copilot=copilot)) as client:
        problem = assert_problem(client.get("/readyz"), 503, "not-ready")
    assert problem["checks"]["index"]["ok"] is False and "ingest" in problem["checks"]["index"]["detail"]
    assert problem["checks"]["llm"] == {"ok": True, "detail": "no provider configured: extractive drafting"}
    empty.close()


def test_not_ready_when_the_index_check_fails(client: TestClient, embedder: SwitchableEmbedder,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]

    def broken_count(collection: str | None = None) -> int:
        raise ConnectionError("qdrant down")

    monkeypatch.setattr(services.copilot.kb.index, "count", broken_count)
    problem = assert_problem(client.get("/readyz"), 503, "not-ready")
    assert problem["checks"]["index"] == {"ok": False, "detail": "check failed: ConnectionError"}


def open_breaker_copilot(kb: KnowledgeBase) -> Copilot:
    down = FakeChatModel(default_response=ConnectionError("down"))
    policy = GatewayPolicy(max_retries=0, breaker_failure_threshold=1, breaker_reset_s=3600)
    return Copilot(kb, LLMGateway([down], policy), reply_config=REPLY_CONFIG)


@pytest.mark.parametrize("requires_llm", [False, True])
def test_all_breakers_open_fails_readiness_only_when_configured(
    make_app: AppFactory, kb: KnowledgeBase, requires_llm: bool
) -> None:
    with TestClient(make_app(copilot=open_breaker_copilot(kb), api={"ready_requires_llm": requires_llm})) as client:
        assert client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT).json()["provider"] == "extractive"
        response = client.get("/readyz")
        metrics = client.get("/metrics").text
    if requires_llm:
        assert_problem(response, 503, "not-ready")
    else:
        assert response.status_code == 200
    assert "every provider's breaker is open" in response.text
    assert 'copilot_llm_breaker_state{provider="fake",state="open"} 1.0' in metrics
    assert 'copilot_llm_breaker_state{provider="fake",state="closed"} 0.0' in metrics
    assert 'copilot_llm_call_failures_total{kind="unavailable",provider="fake"} 1.0' in metrics


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(metrics: dict[Any, float], name: str, **labels: str) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_cover_http_llm_handoffs_and_feedback(make_app: AppFactory, kb: KnowledgeBase) -> None:
    primary = FakeChatModel(model_name="primary", default_response=ConnectionError("down"))
    secondary = FakeChatModel(model_name="secondary", default_response=scripted_reply)
    copilot = Copilot(kb, LLMGateway([primary, secondary], GatewayPolicy(max_retries=0)), reply_config=REPLY_CONFIG)
    with TestClient(make_app(copilot=copilot)) as client:
        suggestion = client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT).json()
        handed = client.post("/v1/answers", json={"question": "I want to talk to a human"}, headers=CUSTOMER).json()
        client.post("/v1/feedback", json={"interaction_id": suggestion["id"], "verdict": "rejected",
                                          "reason": "incorrect"}, headers=AGENT)
        client.get(f"/v1/interactions/{suggestion['id']}", headers=AGENT)
        client.get("/v1/interactions/other-id", headers=AGENT)
        client.get("/random/path")
        response = client.get("/metrics")

    assert response.headers["content-type"].startswith("text/plain")
    m = samples(response.text)
    assert value(m, "copilot_http_requests_total", method="POST", route="/v1/suggestions", status="200") == 1
    assert value(m, "copilot_http_requests_total", method="GET", route="/v1/interactions/{interaction_id}",
                 status="404") == 1
    assert value(m, "copilot_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert value(m, "copilot_http_request_duration_seconds_count", method="POST", route="/v1/suggestions") == 1
    assert value(m, "copilot_llm_call_duration_seconds_count", provider="fake#2", model="secondary") == 1
    assert value(m, "copilot_llm_tokens_total", provider="fake#2", model="secondary", type="prompt") > 0
    assert value(m, "copilot_llm_tokens_total", provider="fake#2", model="secondary", type="completion") > 0
    assert ("copilot_llm_cost_usd_total", (("model", "secondary"), ("provider", "fake#2"))) in m
    assert value(m, "copilot_llm_fallbacks_total", from_provider="fake", to_provider="fake#2") == 1
    assert handed["handoff"]["needed"]
    assert value(m, "copilot_handoffs_total", surface="answer", reason=handed["handoff"]["reason"]) == 1
    assert value(m, "copilot_feedback_total", verdict="rejected", reason="incorrect") == 1
    assert value(m, "copilot_interactions_total", surface="suggestion", provider="fake#2") == 1
    assert "other-id" not in response.text and "/random/path" not in response.text


def test_two_apps_do_not_share_metrics(make_app: AppFactory) -> None:
    with TestClient(make_app()) as first, TestClient(make_app()) as second:
        first.get("/healthz")
        assert 'route="/healthz"' in first.get("/metrics").text
        assert 'route="/healthz"' not in second.get("/metrics").text


def test_a_hung_check_fails_readiness_within_its_timeout(make_app: AppFactory, kb: KnowledgeBase,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def hangs(collection: str | None = None) -> int:
        time.sleep(1.5)
        return 1

    with TestClient(make_app(api={"readiness_timeout_s": 0.2})) as client:
        monkeypatch.setattr(kb.index, "count", hangs)
        started = time.perf_counter()
        problem = assert_problem(client.get("/readyz"), 503, "not-ready")
        assert time.perf_counter() - started < 1.0
    assert problem["checks"]["index"] == {"ok": False, "detail": "no answer within 0.2 s"}
