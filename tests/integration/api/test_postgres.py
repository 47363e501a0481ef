"""The API storing interactions and feedback in PostgreSQL (``COPILOT_TEST_DATABASE_URL``; skipped without)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from copilot.store import Store
from tests.integration.store.test_store_postgres import postgres_backend
from tests.unit.api.conftest import AGENT, CARD, CONVERSATION, EMAIL, AppFactory

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def pg_store(tmp_path: Path) -> Iterator[Store]:
    with postgres_backend(tmp_path) as url:
        store = Store(url)
        try:
            yield store
        finally:
            store.close()


def test_interactions_and_feedback_on_postgres(make_app: AppFactory, pg_store: Store) -> None:
    app = make_app(store=pg_store)
    with TestClient(app) as client:
        result = client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT).json()
        feedback = client.post("/v1/feedback", json={"interaction_id": result["id"], "verdict": "edited",
                                                     "edited_text": f"Sent to {EMAIL}"}, headers=AGENT)
        assert feedback.status_code == 201
        view = client.get(f"/v1/interactions/{result['id']}", headers=AGENT).json()
        assert client.get("/readyz").json()["checks"]["store"]["ok"]
    assert view["feedback"][0]["edited_text"] == "Sent to [EMAIL_1]"
    with pg_store.engine.connect() as connection:
        row = connection.execute(text("SELECT masked_input::text, masked_output::text FROM interactions")).one()
    assert EMAIL not in str(row) and CARD not in str(row)


def test_concurrent_suggestions_on_postgres(make_app: AppFactory, pg_store: Store) -> None:
    app = make_app(store=pg_store)

    async def run() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://copilot.test", timeout=60) as client:
                return await asyncio.gather(*[
                    client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT) for _ in range(50)
                ])

    responses = asyncio.run(run())
    assert [r.status_code for r in responses] == [200] * 50
    with pg_store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM interactions")).scalar_one() == 50


def test_nul_characters_do_not_break_the_store(make_app: AppFactory, pg_store: Store) -> None:
    body = {"conversation": [{"role": "customer", "text": "my card \u0000 has not arrived"}]}
    with TestClient(make_app(store=pg_store)) as client:
        response = client.post("/v1/suggestions", json=body, headers=AGENT)
        assert response.status_code == 200, response.text
        stored = client.get(f"/v1/interactions/{response.json()['id']}", headers=AGENT).json()
    assert stored["input"][0]["text"] == "my card \ufffd has not arrived"


def test_nul_characters_in_feedback_are_stored(make_app: AppFactory, pg_store: Store) -> None:
    with TestClient(make_app(store=pg_store)) as client:
        interaction_id = client.post("/v1/suggestions", json=CONVERSATION, headers=AGENT).json()["id"]
        response = client.post("/v1/feedback", json={"interaction_id": interaction_id, "verdict": "edited",
                                                     "edited_text": "sent \u0000 text", "comment": "odd \u0000"},
                               headers=AGENT)
    assert response.status_code == 201, response.text
    assert response.json()["edited_text"] == "sent \ufffd text"
