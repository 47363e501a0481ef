"""200 concurrent suggestions through the ASGI app, with a model that takes 50 ms: all succeed, all stored."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import text

from copilot.llm.fake import FakeChatModel
from copilot.llm.gateway import LLMGateway
from copilot.service import Copilot
from copilot.store import Store
from knowledge_base.service import KnowledgeBase
from tests.unit.api.conftest import AGENT, REPLY_CONFIG, AppFactory, scripted_reply

REQUESTS = 200


def test_200_concurrent_suggestions_succeed_and_are_all_stored(
    make_app: AppFactory, kb: KnowledgeBase, store: Store
) -> None:
    slow = FakeChatModel(default_response=scripted_reply, latency_s=0.05)
    app = make_app(copilot=Copilot(kb, LLMGateway([slow]), reply_config=REPLY_CONFIG))

    async def run() -> list[httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://copilot.test", timeout=60) as client:
                return await asyncio.gather(*[
                    client.post(
                        "/v1/suggestions",
                        json={"conversation": [{"role": "customer", "text": f"Card not arrived, order ref {i}"}]},
                        headers={**AGENT, "X-Request-ID": f"load-{i}"},
                    )
                    for i in range(REQUESTS)
                ])

    responses = asyncio.run(run())

    assert [r.status_code for r in responses] == [200] * REQUESTS
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == REQUESTS and len(slow.calls) == REQUESTS
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, request_id, masked_input FROM interactions")).all()
    assert {row.id for row in rows} == ids
    assert {row.request_id for row in rows} == {f"load-{i}" for i in range(REQUESTS)}
    for row in rows:  # each stored row is its own request's conversation
        i = row.request_id.removeprefix("load-")
        assert f"order ref {i}" in str(row.masked_input)
