"""The routing API: create and route a contact, agents acting on their own contacts, queues, events, scopes."""

from __future__ import annotations

import json
import threading

from fastapi.testclient import TestClient

from tests.unit.api.conftest import ADMIN, AGENT, CUSTOMER, EMAIL

SCAM = {"conversation": [{"role": "customer", "text": (
    "I got a call from your fraud team saying my account is at risk and I must move my money to a safe "
    f"account now, they are still on the line. My email is {EMAIL}")}]}
CARD = {"conversation": [{"role": "customer", "text": "my new card has not arrived yet, it has been ten days"}]}


def _available(client: TestClient) -> None:
    response = client.put("/v1/agents/agent-desk/status", json={"status": "available"}, headers=AGENT)
    assert response.status_code == 200, response.text


def test_a_contact_is_triaged_routed_offered_accepted_and_closed(client: TestClient) -> None:
    _available(client)
    created = client.post("/v1/contacts", json=CARD, headers=AGENT)
    assert created.status_code == 201, created.text
    contact = created.json()
    assert contact["state"] == "offered" and contact["agent_id"] == "agent-desk"
    assert contact["decision"]["rule"] and contact["decision"]["candidates"] >= 1
    assert contact["conversation"][0]["role"] == "customer"
    accepted = client.post(f"/v1/contacts/{contact['id']}/accept", headers=AGENT)
    assert accepted.status_code == 200 and accepted.json()["state"] == "assigned"
    mine = client.get("/v1/contacts", headers=AGENT).json()["contacts"]
    assert [c["id"] for c in mine] == [contact["id"]]
    closed = client.post(f"/v1/contacts/{contact['id']}/close", json={"outcome": "replacement ordered"}, headers=AGENT)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    again = client.post(f"/v1/contacts/{contact['id']}/close", headers=AGENT)
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")


def test_a_scam_waits_in_the_fraud_priority_queue_and_pii_is_masked(client: TestClient) -> None:
    created = client.post("/v1/contacts", json=SCAM, headers=ADMIN)
    assert created.status_code == 201, created.text
    contact = created.json()
    assert contact["queue"] == "fraud-p1" and contact["priority"] == 100 and contact["state"] == "waiting"
    assert "scam_in_progress" in contact["triage"]["risks"] and contact["position"] == 0
    assert EMAIL not in created.text
    queues = {q["id"]: q for q in client.get("/v1/queues", headers=ADMIN).json()["queues"]}
    assert queues["fraud-p1"]["waiting"] == 1 and queues["fraud-p1"]["agents_available"] == 0
    metrics = client.get("/metrics").text
    assert 'copilot_routing_queue_waiting{queue="fraud-p1"} 1.0' in metrics


def test_a_customer_sees_its_place_in_the_queue_and_nothing_internal(client: TestClient) -> None:
    response = client.post("/v1/contacts", json=SCAM, headers=CUSTOMER)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "state", "position", "estimated_wait_s"}
    assert "fraud" not in response.text and "scam" not in response.text
    assert client.get(f"/v1/contacts/{body['id']}", headers=CUSTOMER).status_code == 403


def test_agents_act_only_on_their_own_contacts_and_record(client: TestClient) -> None:
    created = client.post("/v1/contacts", json=CARD, headers=ADMIN).json()
    assert created["state"] == "waiting"  # nobody is available yet
    assert client.get(f"/v1/contacts/{created['id']}", headers=AGENT).status_code == 404
    assert client.post(f"/v1/contacts/{created['id']}/accept", headers=AGENT).status_code == 404
    assert client.put("/v1/agents/someone-else/status", json={"status": "available"}, headers=AGENT).status_code == 403
    assert client.get("/v1/contacts?agent_id=someone-else", headers=AGENT).status_code == 403
    _available(client)  # agent-desk pulls the waiting contact
    offered = client.get(f"/v1/contacts/{created['id']}", headers=AGENT).json()
    assert offered["state"] == "offered" and offered["agent_id"] == "agent-desk"


def test_supervisors_set_skills_and_bad_profiles_are_refused(client: TestClient) -> None:
    body = {"name": "Sam", "skills": {"fraud": 4, "cards": 2}, "languages": ["en", "pl"], "capacity": 2}
    assert client.put("/v1/agents/sam", json=body, headers=AGENT).status_code == 403
    saved = client.put("/v1/agents/sam", json=body, headers=ADMIN)
    assert saved.status_code == 200 and saved.json()["skills"] == {"fraud": 4, "cards": 2}
    bad = client.put("/v1/agents/sam", json={**body, "skills": {"fraud": 9}}, headers=ADMIN)
    assert bad.status_code == 422
    assert client.put("/v1/agents/sam/status", json={"status": "napping"}, headers=ADMIN).status_code == 422
    assert client.put("/v1/agents/nobody/status", json={"status": "away"}, headers=ADMIN).status_code == 404


def test_an_agents_event_stream_carries_their_offers(client: TestClient) -> None:
    _available(client)
    received: list[str] = []

    def read() -> None:
        with client.stream("GET", "/v1/agents/agent-desk/events?after=0", headers=AGENT) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                received.append(line)
                if received[-2:-1] == ["event: contact.offered"]:
                    return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    created = client.post("/v1/contacts", json=CARD, headers=AGENT).json()
    reader.join(timeout=20)
    assert "event: contact.offered" in received
    data = json.loads(received[received.index("event: contact.offered") + 1].removeprefix("data: "))
    assert data["contact_id"] == created["id"] and data["agent_id"] == "agent-desk"
    assert client.get("/v1/agents/someone-else/events", headers=AGENT).status_code == 403
