"""One structured JSON access line per request, with the request id and principal, and no raw PII."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copilot.logging_setup import configure_logging
from tests.unit.api.conftest import AGENT, CARD, CONVERSATION, CUSTOMER, EMAIL, SwitchableEmbedder


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = configure_logging("INFO", json=True, stream=stream)
    yield stream
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_access_line_per_request(client: TestClient, log_stream: io.StringIO) -> None:
    response = client.post("/v1/suggestions", json=CONVERSATION, headers={**AGENT, "X-Request-ID": "req-42"})
    assert response.status_code == 200

    access = [line for line in lines(log_stream) if line.get("event") == "http_request"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "req-42" and line["principal"] == "agent-desk"
    assert line["route"] == "/v1/suggestions" and line["method"] == "POST" and line["status"] == 200
    assert line["duration_ms"] > 0 and line["level"] == "INFO" and line["logger"] == "api.access"


def test_no_raw_pii_in_any_log_line(client: TestClient, log_stream: io.StringIO, embedder: SwitchableEmbedder) -> None:
    client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT)
    client.post("/v1/suggestions?stream=true", json=CONVERSATION, headers=AGENT)
    client.get("/v1/kb/search", params={"q": f"card {CARD} email {EMAIL}"}, headers=CUSTOMER)
    client.post("/v1/answers", json={"question": f"my card {CARD} was declined"}, headers=CUSTOMER)
    embedder.failure = RuntimeError(f"cannot embed text for {EMAIL} with card {CARD}")
    failed = client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT)
    assert failed.status_code == 500

    output = log_stream.getvalue()
    assert "unhandled error" in output  # the failure was logged, with its traceback, masked
    for raw in (CARD, CARD.replace(" ", ""), EMAIL):
        assert raw not in output
    assert "[EMAIL_1]" in output and "[CARD_1]" in output
    errors = [line for line in lines(log_stream) if line.get("event") == "unhandled_error"]
    assert errors and errors[0]["request_id"] == failed.headers["x-request-id"]
