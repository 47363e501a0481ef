"""Fixtures for the API tests: the app on fakes (hashing embeddings, in-memory Qdrant, a queue-fed fake
chat model, SQLite in tmp_path), keys for each scope, and a small SSE parser."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiKey, ApiSettings, hash_key
from copilot.llm.fake import FakeCall, FakeChatModel
from copilot.llm.gateway import LLMGateway
from copilot.pipelines.reply import ReplyConfig
from copilot.service import Copilot
from copilot.settings import Settings
from copilot.store import Store, sqlite_url
from knowledge_base.config import RetrievalConfig
from knowledge_base.embeddings import HashingEmbedder
from knowledge_base.service import KnowledgeBase
from tests.conftest import CANARY, FIXTURE_DOCS, as_loaded

AGENT_KEY = "test-agent-key-0123456789"
CUSTOMER_KEY = "test-customer-key-0123456789"
ADMIN_KEY = "test-admin-key-0123456789"
ROOT_KEY = "test-root-key-0123456789"  # every scope, for the contract fuzzing

AGENT = {"Authorization": f"Bearer {AGENT_KEY}"}
CUSTOMER = {"X-API-Key": CUSTOMER_KEY}
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
ROOT = {"Authorization": f"Bearer {ROOT_KEY}"}

CARD = "4111 1111 1111 1111"
EMAIL = "jo.bloggs@example.com"

CONVERSATION = {
    "conversation": [
        {"role": "customer", "text": "Hi, my new debit card has not arrived yet"},
        {"role": "agent", "text": "Sorry to hear that. When did you order it?"},
        {"role": "customer", "text": f"Ten days ago. My email is {EMAIL} and the old card was {CARD}."},
    ]
}

_DOC_ID = re.compile(r'<document id="([^"]+)"')


def all_keys() -> list[ApiKey]:
    return [
        ApiKey(name="agent-desk", sha256=hash_key(AGENT_KEY), scopes=frozenset({"agent"})),
        ApiKey(name="mobile-app", sha256=hash_key(CUSTOMER_KEY), scopes=frozenset({"customer"})),
        ApiKey(name="kb-admin", sha256=hash_key(ADMIN_KEY), scopes=frozenset({"admin"})),
        ApiKey(name="root", sha256=hash_key(ROOT_KEY), scopes=frozenset({"agent", "customer", "admin"})),
    ]



def scripted_reply(call: FakeCall) -> str:
    """A well-formed structured reply for whichever prompt it gets, citing the first source it was shown."""
    prompt = "\n".join(call.texts)
    if call.options.schema_name == "summarize":
        return json.dumps({
            "summary": "The customer's new debit card has not arrived after ten days.",
            "issue": "card not arrived",
            "actions_taken": ["asked when the card was ordered"],
            "status": "pending",
            "next_steps": ["order a replacement card"],
            "customer_sentiment": "neutral",
        })
    cited = _DOC_ID.findall(prompt)[:1]
    key = "draft" if call.options.schema_name == "suggest_reply" else "answer"
    return json.dumps({
        key: "New debit cards arrive within 3 to 5 working days after you order them.",
        "citations": [{"doc_id": d, "quote": "New debit cards arrive within 3 to 5 working days"} for d in cited],
        "confidence": 0.8,
    })


class SwitchableEmbedder(HashingEmbedder):
    """The hashing fake, which a test can make fail (``failure``) or wait (``gate``) after start-up."""

    def __init__(self, dim: int = 128) -> None:
        super().__init__(dim)
        self.failure: BaseException | None = None
        self.gate: threading.Event | None = None

    def embed(self, texts):  # type: ignore[no-untyped-def]
        if self.gate is not None:
            self.gate.wait(timeout=30)
        if self.failure is not None:
            raise self.failure
        return super().embed(texts)


@pytest.fixture
def embedder() -> SwitchableEmbedder:  # type: ignore[override]
    return SwitchableEmbedder()


@pytest.fixture
def kb(tmp_path: Path, embedder: SwitchableEmbedder) -> Iterator[KnowledgeBase]:
    config = RetrievalConfig(data_dir=tmp_path / "kb", qdrant_url=":memory:", embedding_model="hashing-128")
    knowledge_base = KnowledgeBase(config, embedder=embedder)
    knowledge_base.ingestor.ingest(as_loaded(FIXTURE_DOCS))
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture
def fake_model() -> FakeChatModel:
    return FakeChatModel(default_response=scripted_reply)


#: Thresholds low enough for hashing embeddings, so customer questions reach the model.
REPLY_CONFIG = ReplyConfig(canaries=(CANARY,), min_similarity=0.01, confident_similarity=0.3)


@pytest.fixture
def copilot(kb: KnowledgeBase, fake_model: FakeChatModel) -> Copilot:
    return Copilot(kb, LLMGateway([fake_model]), reply_config=REPLY_CONFIG)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", canaries=[CANARY], environment="test", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def kb_sources(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "sources"
    folder.mkdir()
    lines = [doc.model_dump_json() for doc in FIXTURE_DOCS]
    (folder / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [folder]


@pytest.fixture
def api_settings(kb_sources: list[Path]) -> ApiSettings:
    return ApiSettings(
        keys=all_keys(), rate_per_minute=100_000, rate_burst=10_000, kb_sources=kb_sources, sse_heartbeat_s=5,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    the_store = Store(sqlite_url(tmp_path / "db"))
    yield the_store
    the_store.close()


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(settings: Settings, api_settings: ApiSettings, copilot: Copilot, store: Store) -> AppFactory:
    """``make_app(**overrides)``: the app on the fixtures; keyword arguments replace any of them."""

    def factory(**overrides: Any) -> FastAPI:
        api = overrides.pop("api_settings", api_settings)
        if "api" in overrides:
            api = api.model_copy(update=overrides.pop("api"))
        return create_app(
            overrides.pop("settings", settings),
            api_settings=api,
            copilot=overrides.pop("copilot", copilot),
            store=overrides.pop("store", store),
        )

    return factory


@pytest.fixture
def client(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app()) as test_client:
        yield test_client


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """(event, decoded JSON data) for each event of an SSE body; comments are skipped."""
    events: list[tuple[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    """The response is a problem document of this status and type; returns it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://errors.kestrel.example/{slug}"
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["instance"].startswith("/")
    return body
