"""The API over real HTTP (uvicorn on loopback) with the embedded defaults: the sample knowledge base in
local Qdrant on disk, MiniLM embeddings, SQLite; a fake model with a fixed 50 ms latency."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

import knowledge_base
from api.app import create_app
from api.cli import ingest_sources
from api.settings import ApiSettings
from copilot.llm.fake import FakeChatModel
from copilot.llm.gateway import LLMGateway
from copilot.service import Copilot
from copilot.settings import Settings
from copilot.store import Store, sqlite_url
from tests.integration.api.conftest import running_server
from tests.unit.api.conftest import AGENT, CUSTOMER, all_keys, scripted_reply

pytestmark = pytest.mark.integration

REQUESTS = 200


class Served:
    def __init__(self, url: str, store: Store, model: FakeChatModel) -> None:
        self.url, self.store, self.model = url, store, model


def sample_subset(root: Path) -> Path:
    """Part of the sample knowledge base (embedding all of it with MiniLM takes a minute on two cores)."""
    content = Path(knowledge_base.__file__).parent / "content"
    target = root / "sources"
    (target / "articles").mkdir(parents=True)
    (target / "procedures").mkdir()
    for pattern in ("card-*.md", "contact-us.md", "direct-debits.md", "international-transfers.md", "bereavement.md"):
        for path in (content / "articles").glob(pattern):
            shutil.copy(path, target / "articles" / path.name)
    for name in ("proc-fraud-scam-escalation.md", "proc-bereavement-handling.md", "proc-card-replacement-overrides.md"):
        shutil.copy(content / "procedures" / name, target / "procedures" / name)
    lines = (content / "resolutions.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    (target / "resolutions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root: Path = tmp_path_factory.mktemp("server")
    settings = Settings(data_dir=root / "data", environment="test", _env_file=None)  # type: ignore[call-arg]
    api = ApiSettings(keys=all_keys(), rate_per_minute=1e6, rate_burst=100_000, kb_sources=[sample_subset(root)],
                      _env_file=None)  # type: ignore[call-arg]
    report, chunks = ingest_sources(settings, api)  # as `copilot serve` does
    assert report.ok and chunks > 30
    model = FakeChatModel(default_response=scripted_reply, latency_s=0.05, chunk_delay_s=0.02)
    copilot = Copilot.from_settings(settings, gateway=LLMGateway([model]))
    store = Store(sqlite_url(root / "db"))
    try:
        with running_server(create_app(settings, api_settings=api, copilot=copilot, store=store)) as url:
            yield Served(url, store, model)
    finally:
        store.close()
        copilot.close()


def test_ready_with_the_sample_knowledge_base(served: Served) -> None:
    body = httpx.get(f"{served.url}/readyz").json()
    assert body["status"] == "ready" and body["checks"]["index"]["ok"]


def test_200_concurrent_suggestions_over_http_all_succeed_and_are_stored(served: Served) -> None:
    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=REQUESTS, max_keepalive_connections=REQUESTS)
        async with httpx.AsyncClient(base_url=served.url, limits=limits, timeout=120) as client:
            return await asyncio.gather(*[
                client.post(
                    "/v1/suggestions",
                    json={"conversation": [{"role": "customer", "text": f"My card has not arrived, case {i}"}]},
                    headers={**AGENT, "X-Request-ID": f"http-{i}"},
                )
                for i in range(REQUESTS)
            ])

    started = time.perf_counter()
    responses = asyncio.run(run())
    elapsed = time.perf_counter() - started

    assert [r.status_code for r in responses] == [200] * REQUESTS
    ids = {r.json()["id"] for r in responses}
    with served.store.engine.connect() as connection:
        stored = dict(connection.execute(
            text("SELECT id, request_id FROM interactions WHERE request_id LIKE 'http-%'")).all())
    assert set(stored) == ids and len(ids) == REQUESTS
    assert elapsed < 60


def test_sse_deltas_arrive_before_the_result(served: Served) -> None:
    arrivals: list[tuple[str, float]] = []
    started = time.perf_counter()
    body = {"conversation": [{"role": "customer", "text": "When will my new debit card arrive?"}]}
    with httpx.stream("POST", f"{served.url}/v1/suggestions?stream=true", json=body, headers=AGENT,
                      timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event: "):
                arrivals.append((line.removeprefix("event: "), time.perf_counter() - started))
    names = [name for name, _ in arrivals]
    assert names[-1] == "result" and names.count("delta") > 5
    first_delta = next(t for name, t in arrivals if name == "delta")
    assert arrivals[-1][1] - first_delta > 0.1  # streamed as produced, not buffered to the end


def test_customer_search_of_the_sample_kb_is_public_only(served: Served) -> None:
    for q in ("fraud escalation procedure", "what do agents do for a bereavement", "card delivery"):
        response = httpx.get(f"{served.url}/v1/kb/search", params={"q": q, "k": 10}, headers=CUSTOMER)
        results = response.json()["results"]
        assert results and all(r["audience"] == "public" and r["kind"] == "article" for r in results)
    agent = httpx.get(f"{served.url}/v1/kb/search", params={"q": "fraud escalation procedure", "k": 10},
                      headers=AGENT).json()["results"]
    assert any(r["audience"] == "internal" for r in agent)


def test_customer_answer_cites_public_help_articles(served: Served) -> None:
    response = httpx.post(f"{served.url}/v1/answers", json={"question": "How long does a new card take to arrive?"},
                          headers=CUSTOMER, timeout=60)
    assert response.status_code == 200
    result = response.json()
    assert all(not c["doc_id"].startswith(("proc-", "res-")) for c in result["citations"])
    assert json.dumps(result).count("proc-") == 0
