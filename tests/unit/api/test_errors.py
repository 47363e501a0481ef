"""Bad input gets a clear 4xx problem document, never a 500; every response has a request id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.unit.api.conftest import AGENT, CONVERSATION, CUSTOMER, AppFactory, assert_problem


def turns(n: int, text: str = "hello") -> dict[str, Any]:
    return {"conversation": [{"role": "customer", "text": text} for _ in range(n)]}


@pytest.mark.parametrize(
    ("body", "field", "error_type"),
    [
        ({"conversation": []}, "body.conversation", "too_short"),
        ({}, "body.conversation", "missing"),
        ({"conversation": [{"role": "robot", "text": "hi"}]}, "body.conversation.0.role", "literal_error"),
        ({"conversation": [{"role": "customer", "text": "x" * 100_000}]}, "body.conversation.0.text",
         "string_too_long"),
        (turns(10_000), "body.conversation", "too_long"),
        ({"conversation": [{"role": "customer", "text": "   "}]}, "body.conversation.0.text", "string_too_short"),
        ({"conversation": [{"role": "customer"}]}, "body.conversation.0.text", "missing"),
        ({"conversation": [{"role": "customer", "text": "hi", "extra": 1}]}, "body.conversation.0.extra",
         "extra_forbidden"),
        ({"conversation": "hello"}, "body.conversation", "list_type"),
        ([1, 2], "body", "model_attributes_type"),
        ({"conversation": [{"role": "agent", "text": "Anything else?"}]}, "body", "value_error"),
    ],
    ids=["empty", "missing", "unknown-role", "100k-turn", "10k-turns", "blank-text", "no-text", "extra-field",
         "not-a-list", "not-an-object", "no-customer-turn"],
)
def test_bad_conversations_are_422_with_field_details(
    client: TestClient, body: Any, field: str, error_type: str
) -> None:
    response = client.post("/v1/suggestions", json=body, headers=AGENT)

    problem = assert_problem(response, 422, "validation")
    assert {"field": field, "type": error_type} in [{"field": e["field"], "type": e["type"]} for e in problem["errors"]]
    assert problem["detail"].startswith("The request does not match the schema")
    assert "x" * 1000 not in response.text  # the input is never echoed back


def test_ten_thousand_bad_turns_list_at_most_fifty_errors(client: TestClient) -> None:
    body = {"conversation": [{"role": "robot", "text": "hi"} for _ in range(10_000)]}

    problem = assert_problem(client.post("/v1/summaries", json=body, headers=AGENT), 422, "validation")

    assert len(problem["errors"]) <= 50


def test_suggestion_needs_the_customer_to_speak_last(client: TestClient) -> None:
    body = {"conversation": [{"role": "customer", "text": "Hi"}, {"role": "agent", "text": "Hello"}]}
    problem = assert_problem(client.post("/v1/suggestions", json=body, headers=AGENT), 422, "validation")
    assert "last turn must be the customer's" in problem["errors"][0]["message"]
    # ... while a summary of the same conversation is fine
    assert client.post("/v1/summaries", json=body, headers=AGENT).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{"question": ""}, {"question": "x" * 100_000}, {"question": "hi", "history": [{"role": "bot", "text": "x"}]},
     {"question": 42}, {"history": []}],
    ids=["empty", "100k", "unknown-role", "not-a-string", "missing"],
)
def test_bad_questions_are_422(client: TestClient, body: dict[str, Any]) -> None:
    assert_problem(client.post("/v1/answers", json=body, headers=CUSTOMER), 422, "validation")


@pytest.mark.parametrize("raw", [b"{", b'{"conversation": [}', b"not json", b"\x00"], ids=["open", "bad", "text", "nul"])
def test_invalid_json_is_400(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/v1/suggestions", content=raw, headers={**AGENT, "Content-Type": "application/json"}
    )
    problem = assert_problem(response, 400, "invalid-json")
    assert problem["detail"].startswith("The body is not valid JSON")


def test_non_utf8_body_is_400(client: TestClient) -> None:
    raw = '{"question": "Où est ma carte ?"}'.encode("latin-1")
    response = client.post("/v1/answers", content=raw, headers={**CUSTOMER, "Content-Type": "application/json"})
    problem = assert_problem(response, 400, "invalid-encoding")
    assert "UTF-8" in problem["detail"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None,
     "application/json; charset=latin-1"],
    ids=["text", "form", "multipart", "none", "latin-1"],
)
def test_wrong_content_type_is_415(client: TestClient, content_type: str | None) -> None:
    headers = dict(AGENT)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = client.post("/v1/suggestions", content=b'{"conversation": []}', headers=headers)
    assert_problem(response, 415, "unsupported-media-type")


def test_json_subtypes_and_utf8_charset_are_accepted(client: TestClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json", "Application/JSON"):
        response = client.post(
            "/v1/summaries", content=b'{"conversation": [{"role": "customer", "text": "hi"}]}',
            headers={**AGENT, "Content-Type": content_type},
        )
        assert response.status_code == 200, (content_type, response.text)


@pytest.fixture
def small_client(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(api={"max_body_bytes": 2048})) as client:
        yield client


def test_body_over_the_limit_by_content_length_is_413(small_client: TestClient) -> None:
    response = small_client.post("/v1/summaries", json=turns(1, "x" * 4000), headers=AGENT)
    problem = assert_problem(response, 413, "payload-too-large")
    assert "2048" in problem["detail"]


def test_streamed_body_over_the_limit_is_413(small_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"conversation": [{"role": "customer", "text": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}]}'

    response = small_client.post(
        "/v1/summaries", content=chunks(), headers={**AGENT, "Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "payload-too-large")


def test_default_limit_is_one_mebibyte(client: TestClient) -> None:
    body = b'{"question": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post("/v1/answers", content=body, headers={**CUSTOMER, "Content-Type": "application/json"})
    assert_problem(response, 413, "payload-too-large")


def test_unknown_path_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/nothing-here"), 404, "not-found")


def test_unknown_v1_path_needs_a_key_first(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing"), 401, "unauthenticated")
    assert_problem(client.get("/v1/nothing", headers=AGENT), 404, "not-found")


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.get("/v1/suggestions", headers=AGENT)
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"


def test_bad_query_parameters_are_422(client: TestClient) -> None:
    for params in ({"q": "card", "k": "0"}, {"q": "card", "k": "many"}, {"k": "3"}, {"q": "card", "kind": "memo"}):
        assert_problem(client.get("/v1/kb/search", params=params, headers=AGENT), 422, "validation")
    assert_problem(client.post("/v1/suggestions?stream=maybe", json=CONVERSATION, headers=AGENT), 422, "validation")


def test_a_sane_request_id_is_kept_and_a_bad_one_replaced(client: TestClient) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "trace-1234.abc:5"})
    assert kept.headers["x-request-id"] == "trace-1234.abc:5"
    for bad in ("", "x" * 200, "bad id with spaces", "<script>"):
        replaced = client.get("/healthz", headers={"X-Request-ID": bad})
        assert replaced.headers["x-request-id"] != bad
        assert len(replaced.headers["x-request-id"]) == 32


def test_every_response_has_a_request_id_and_v1_is_not_cached(client: TestClient) -> None:
    for response in (
        client.get("/healthz"),
        client.get("/nothing"),
        client.post("/v1/suggestions", json=CONVERSATION),
        client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT),
    ):
        assert response.headers["x-request-id"]
        assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_trailing_slash_is_404_not_a_redirect(client: TestClient) -> None:
    response = client.get("/v1/kb/search/?q=card", headers=AGENT, follow_redirects=False)
    assert_problem(response, 404, "not-found")
