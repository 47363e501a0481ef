"""API keys (401), scopes (403) and per-key rate limits (429)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.auth import KeyRing, presented_key
from api.ratelimit import RateLimiter
from api.settings import ApiKey, ApiSettings, hash_key
from tests.unit.api.conftest import (
    ADMIN,
    ADMIN_KEY,
    AGENT,
    AGENT_KEY,
    CONVERSATION,
    CUSTOMER,
    AppFactory,
    assert_problem,
)

SUGGEST = ("POST", "/v1/suggestions", CONVERSATION)
ANSWER = ("POST", "/v1/answers", {"question": "When will my card arrive?"})
SUMMARY = ("POST", "/v1/summaries", CONVERSATION)
FEEDBACK = ("POST", "/v1/feedback", {"interaction_id": str(uuid.uuid4()), "verdict": "accepted"})
INTERACTION = ("GET", f"/v1/interactions/{uuid.uuid4()}", None)
SEARCH = ("GET", "/v1/kb/search?q=card", None)
UPSERT = ("PUT", "/v1/kb/documents/new-doc", {"title": "New", "text": "Some text.", "audience": "public"})
DELETE = ("DELETE", "/v1/kb/documents/nothing-by-this-id", None)
REINDEX_JOB = ("GET", "/v1/kb/reindex/unknown-job", None)

# (operation, scope) -> allowed?  "allowed" means anything but 401/403.
MATRIX = [
    (SUGGEST, {"agent"}),
    (ANSWER, {"customer"}),
    (SUMMARY, {"agent"}),
    (FEEDBACK, {"agent"}),
    (INTERACTION, {"agent", "admin"}),
    (SEARCH, {"agent", "customer", "admin"}),
    (UPSERT, {"admin"}),
    (DELETE, {"admin"}),
    (REINDEX_JOB, {"admin"}),
]
HEADERS = {"agent": AGENT, "customer": CUSTOMER, "admin": ADMIN}


@pytest.mark.parametrize(("operation", "allowed"), MATRIX, ids=[op[1] for op, _ in MATRIX])
@pytest.mark.parametrize("scope", ["agent", "customer", "admin"])
def test_scope_matrix(client: TestClient, operation: tuple[str, str, object], allowed: set[str], scope: str) -> None:
    method, path, body = operation
    response = client.request(method, path, json=body, headers=HEADERS[scope])
    if scope in allowed:
        assert response.status_code not in (401, 403), response.text
    else:
        problem = assert_problem(response, 403, "forbidden")
        assert "scope" in problem["detail"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}, {"Authorization": f"Basic {AGENT_KEY}"},
     {"Authorization": "Bearer "}, {"Authorization": f"Bearer {AGENT_KEY}x"}, {"X-API-Key": "k" * 5000}],
    ids=["none", "bad-bearer", "bad-header", "basic-scheme", "empty-bearer", "near-miss", "huge"],
)
def test_missing_or_bad_key_is_401_with_www_authenticate(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/v1/suggestions", json=CONVERSATION, headers=headers)
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_bad_key_is_refused_before_the_body_is_read(client: TestClient) -> None:
    response = client.post("/v1/suggestions", content=b"{not json", headers={"Content-Type": "text/plain"})
    assert_problem(response, 401, "unauthenticated")


def test_valid_key_with_the_wrong_scope_is_403(client: TestClient) -> None:
    response = client.post("/v1/answers", json={"question": "When will my card arrive?"}, headers=AGENT)
    assert_problem(response, 403, "forbidden")


def test_both_headers_work_and_bearer_wins(client: TestClient) -> None:
    assert client.get("/v1/kb/search?q=card", headers={"Authorization": f"Bearer {ADMIN_KEY}"}).status_code == 200
    assert client.get("/v1/kb/search?q=card", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
    both = {"Authorization": f"Bearer {ADMIN_KEY}", "X-API-Key": "wrong"}
    assert client.get("/v1/kb/search?q=card", headers=both).status_code == 200


def test_probes_and_docs_need_no_key(client: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path


def test_no_configured_keys_refuses_everything(make_app: AppFactory) -> None:
    with TestClient(make_app(api={"keys": []})) as client:
        assert_problem(client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT), 401, "unauthenticated")


def test_keyring_finds_the_key_by_hash_only() -> None:
    ring = KeyRing([ApiKey(name="a", sha256=hash_key("secret-a"), scopes=frozenset({"agent"})),
                    ApiKey(name="b", sha256=hash_key("secret-b").upper(), scopes=frozenset({"customer", "admin"}))])
    principal = ring.authenticate("secret-b")
    assert principal is not None and principal.name == "b" and principal.scopes == {"customer", "admin"}
    assert ring.authenticate("secret-c") is None
    assert ring.authenticate("") is None
    assert presented_key({"authorization": "bearer  tok "}) == "tok"
    assert presented_key({"x-api-key": "k"}) == "k"
    assert presented_key({}) is None


def test_settings_refuse_duplicate_or_malformed_keys() -> None:
    entry = {"name": "a", "sha256": hash_key("x"), "scopes": ["agent"]}
    with pytest.raises(ValueError, match="unique"):
        ApiSettings(keys=[entry, {**entry, "sha256": hash_key("y")}], _env_file=None)  # type: ignore[arg-type,call-arg]
    with pytest.raises(ValueError):
        ApiKey(name="a", sha256="plaintext-key", scopes=frozenset({"agent"}))
    with pytest.raises(ValueError):
        ApiKey(name="a", sha256=hash_key("x"), scopes=frozenset({"root"}))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ApiKey(name="a", sha256=hash_key("x"), scopes=frozenset())


def test_keys_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_API_KEYS", f'[{{"name": "desk", "sha256": "{hash_key("k")}", "scopes": ["agent"]}}]')
    monkeypatch.setenv("COPILOT_API_RATE_PER_MINUTE", "30")
    api = ApiSettings(_env_file=None)  # type: ignore[call-arg]
    assert api.keys[0].name == "desk" and api.keys[0].scopes == {"agent"}
    assert api.rate_per_minute == 30


# -- rate limits --------------------------------------------------------------------------------------


@pytest.fixture
def limited_client(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(api={"rate_per_minute": 6, "rate_burst": 3})) as client:
        yield client


def test_rate_limit_is_per_key_with_retry_after(limited_client: TestClient) -> None:
    statuses = [limited_client.get("/v1/kb/search?q=card", headers=AGENT).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = limited_client.get("/v1/kb/search?q=card", headers=AGENT)
    problem = assert_problem(refused, 429, "rate-limited")
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    assert "retry" in problem["detail"]
    # another key has its own bucket
    assert limited_client.get("/v1/kb/search?q=card", headers=CUSTOMER).status_code == 200
    metrics = limited_client.get("/metrics").text
    assert 'copilot_rate_limited_total{principal="agent-desk"} 2.0' in metrics


def test_per_key_override(make_app: AppFactory) -> None:
    keys = [ApiKey(name="busy-app", sha256=hash_key(AGENT_KEY), scopes=frozenset({"agent"}), rate_per_minute=60,
                   burst=1)]
    with TestClient(make_app(api={"keys": keys, "rate_per_minute": 6000, "rate_burst": 100})) as client:
        assert client.get("/v1/kb/search?q=card", headers=AGENT).status_code == 200
        assert client.get("/v1/kb/search?q=card", headers=AGENT).status_code == 429


def test_token_bucket_refills_at_the_configured_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(rate_per_minute=60, burst=2, clock=lambda: now[0])
    assert limiter.acquire("k") == 0.0
    assert limiter.acquire("k") == 0.0
    assert limiter.acquire("k") == pytest.approx(1.0)
    now[0] = 0.5
    assert limiter.acquire("k") == pytest.approx(0.5)
    now[0] = 1.0
    assert limiter.acquire("k") == 0.0
    now[0] = 100.0  # never more than the burst
    assert [limiter.acquire("k") for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.retry_after(0.01) == "1" and limiter.retry_after(2.2) == "3"


def test_cors_preflight_and_problems_readable_by_allowed_origins(make_app: AppFactory) -> None:
    origin = "https://desk.kestrel.example"
    with TestClient(make_app(api={"cors_origins": [origin]})) as client:
        preflight = client.options("/v1/suggestions", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        refused = client.post("/v1/suggestions", json=CONVERSATION, headers={"Origin": origin})
        assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == origin
        assert "x-request-id" in refused.headers["access-control-expose-headers"].lower()
        other = client.options("/v1/suggestions", headers={"Origin": "https://evil.example",
                                                           "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in other.headers
