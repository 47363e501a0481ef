"""Knowledge-base search under the caller's access filter, and the admin endpoints."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import CANARY
from tests.unit.api.conftest import ADMIN, AGENT, CUSTOMER, ROOT, SwitchableEmbedder, assert_problem

INTERNAL_IDS = {"proc-fraud-escalation", "res-0001", "no-audience"}


def search(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/v1/kb/search", params={"k": 10, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("q", ["card", "fraud escalation procedure queue", CANARY, "internal only threshold"])
def test_customer_search_returns_public_articles_only(client: TestClient, q: str) -> None:
    body = search(client, CUSTOMER, q=q)
    assert body["audience"] == "customer"
    assert all(r["audience"] == "public" and r["kind"] == "article" for r in body["results"])
    assert not INTERNAL_IDS & {r["doc_id"] for r in body["results"]}
    assert CANARY not in str(body)


def test_customer_cannot_ask_for_resolutions(client: TestClient) -> None:
    assert search(client, CUSTOMER, q="card not arrived", kind="resolution")["results"] == []


def test_agent_search_includes_internal_content(client: TestClient) -> None:
    body = search(client, AGENT, q="card fraud escalation")
    assert body["audience"] == "agent"
    assert INTERNAL_IDS & {r["doc_id"] for r in body["results"]}
    assert search(client, ADMIN, q="card fraud escalation")["audience"] == "agent"
    assert search(client, ROOT, q="card fraud escalation")["audience"] == "agent"


def test_search_filters_by_kind_and_tag(client: TestClient) -> None:
    resolutions = search(client, AGENT, q="card", kind="resolution")["results"]
    assert {r["doc_id"] for r in resolutions} == {"res-0001"}
    tagged = search(client, AGENT, q="money", tag=["payments"])["results"]
    assert tagged and all("payments" in r["tags"] for r in tagged)
    many_tags = client.get("/v1/kb/search", params={"q": "x", "tag": [f"t{i}" for i in range(21)]}, headers=AGENT)
    assert_problem(many_tags, 422, "validation")


def test_search_result_shape(client: TestClient) -> None:
    hit = search(client, CUSTOMER, q="when will my card arrive", k=1)["results"][0]
    assert hit["doc_id"] == "card-delivery" and hit["url"] == "https://help.example/card-delivery"
    assert hit["passages"][0]["text"] and isinstance(hit["score"], float)


def test_query_of_only_pii_returns_nothing(client: TestClient) -> None:
    assert search(client, AGENT, q="4111 1111 1111 1111")["results"] == []


# -- administration -----------------------------------------------------------------------------------


NEW_DOC = {
    "title": "Cheque deposits",
    "text": "You can deposit a cheque by taking a photo of it in the app. Cheques clear in two working days.",
    "kind": "article",
    "audience": "public",
    "tags": ["payments"],
}


def test_upsert_creates_then_updates_then_is_unchanged(client: TestClient) -> None:
    created = client.put("/v1/kb/documents/cheques", json=NEW_DOC, headers=ADMIN)
    assert created.status_code == 201, created.text
    assert created.json()["result"] == "created" and created.json()["chunks_written"] >= 1
    assert search(client, CUSTOMER, q="deposit a cheque photo", k=1)["results"][0]["doc_id"] == "cheques"

    updated = client.put("/v1/kb/documents/cheques", json={**NEW_DOC, "text": "Cheques clear in three days."},
                         headers=ADMIN)
    assert updated.status_code == 200 and updated.json()["result"] == "updated"
    same = client.put("/v1/kb/documents/cheques", json={**NEW_DOC, "id": "cheques", "text": "Cheques clear in three days."},
                      headers=ADMIN)
    assert same.status_code == 200 and same.json()["result"] == "unchanged"


def test_upserted_internal_document_is_hidden_from_customers(client: TestClient) -> None:
    secret = {"title": "Cheque fraud desk", "text": f"Cheque fraud goes to queue CHQ-9. {CANARY}"}  # no audience
    assert client.put("/v1/kb/documents/chq-internal", json=secret, headers=ADMIN).status_code == 201
    assert "chq-internal" in {r["doc_id"] for r in search(client, AGENT, q="cheque fraud queue")["results"]}
    assert "chq-internal" not in {r["doc_id"] for r in search(client, CUSTOMER, q="cheque fraud queue")["results"]}


@pytest.mark.parametrize(
    ("path_id", "body"),
    [("a", {**NEW_DOC, "id": "b"}), ("a", {**NEW_DOC, "title": ""}), ("a", {"title": "t"}),
     ("a", {**NEW_DOC, "audience": "everyone"}), ("a", {**NEW_DOC, "kind": "memo"})],
    ids=["id-mismatch", "empty-title", "no-text", "bad-audience", "bad-kind"],
)
def test_bad_documents_are_422(client: TestClient, path_id: str, body: dict[str, Any]) -> None:
    assert_problem(client.put(f"/v1/kb/documents/{path_id}", json=body, headers=ADMIN), 422, "validation")


def test_delete_removes_a_document_and_a_rebuild_keeps_it_out(client: TestClient) -> None:
    assert client.delete("/v1/kb/documents/card-delivery", headers=ADMIN).status_code == 204
    assert "card-delivery" not in {r["doc_id"] for r in search(client, AGENT, q="card delivery arrive")["results"]}
    assert_problem(client.delete("/v1/kb/documents/card-delivery", headers=ADMIN), 404, "not-found")

    job = wait_for_job(client, client.post("/v1/kb/reindex", headers=ADMIN).json()["id"])
    assert job["status"] == "succeeded"
    assert "card-delivery" not in {r["doc_id"] for r in search(client, AGENT, q="card delivery arrive")["results"]}
    # upserting it again lifts the tombstone
    assert client.put("/v1/kb/documents/card-delivery", json=NEW_DOC, headers=ADMIN).status_code == 201


def test_delete_unknown_is_404(client: TestClient) -> None:
    assert_problem(client.delete("/v1/kb/documents/never-existed", headers=ADMIN), 404, "not-found")


def wait_for_job(client: TestClient, job_id: str, timeout_s: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/v1/kb/reindex/{job_id}", headers=ADMIN).json()
        if job["status"] in ("succeeded", "failed"):
            return dict(job)
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish")


def test_reindex_rebuilds_from_the_sources_with_the_api_changes(client: TestClient) -> None:
    assert client.put("/v1/kb/documents/cheques", json=NEW_DOC, headers=ADMIN).status_code == 201

    started = client.post("/v1/kb/reindex", headers=ADMIN)
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == f"/v1/kb/reindex/{job['id']}"
    assert job["status"] in ("queued", "running") and job["requested_by"] == "kb-admin"

    done = wait_for_job(client, job["id"])
    assert done["status"] == "succeeded", done
    assert done["report"]["rebuilt"] is True and done["report"]["documents_seen"] == 8
    assert done["finished_at"] >= done["started_at"]
    assert "cheques" in {r["doc_id"] for r in search(client, AGENT, q="deposit a cheque")["results"]}


def test_one_reindex_at_a_time_and_no_writes_meanwhile(client: TestClient, embedder: SwitchableEmbedder) -> None:
    embedder.gate = threading.Event()
    try:
        job_id = client.post("/v1/kb/reindex", headers=ADMIN).json()["id"]
        again = client.post("/v1/kb/reindex", headers=ADMIN)
        problem = assert_problem(again, 409, "conflict")
        assert problem["job_id"] == job_id
        assert_problem(client.put("/v1/kb/documents/cheques", json=NEW_DOC, headers=ADMIN), 409, "conflict")
        assert_problem(client.delete("/v1/kb/documents/card-lost", headers=ADMIN), 409, "conflict")
    finally:
        embedder.gate.set()
    assert wait_for_job(client, job_id)["status"] == "succeeded"
    assert client.post("/v1/kb/reindex", headers=ADMIN).status_code == 202


def test_failed_reindex_reports_without_internals(client: TestClient, embedder: SwitchableEmbedder) -> None:
    embedder.failure = RuntimeError("disk full at /srv/qdrant")
    try:
        job = wait_for_job(client, client.post("/v1/kb/reindex", headers=ADMIN).json()["id"])
    finally:
        embedder.failure = None
    assert job["status"] == "failed" and job["error"].startswith("RuntimeError")
    assert "/srv" not in job["error"]
    # the live index was left as it was
    assert search(client, AGENT, q="card arrive")["results"]


def test_unknown_job_is_404(client: TestClient) -> None:
    assert_problem(client.get("/v1/kb/reindex/no-such-job", headers=ADMIN), 404, "not-found")
