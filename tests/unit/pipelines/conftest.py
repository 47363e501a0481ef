from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from copilot.llm.fake import FakeCall, FakeChatModel
from copilot.llm.gateway import LLMGateway
from copilot.llm.policy import GatewayPolicy
from copilot.pipelines.reply import ReplyConfig
from copilot.service import Copilot
from knowledge_base.config import RetrievalConfig
from knowledge_base.service import KnowledgeBase
from tests.conftest import CANARY, FIXTURE_DOCS, CountingEmbedder, as_loaded


@pytest.fixture
def kb(tmp_path) -> Iterator[KnowledgeBase]:  # type: ignore[no-untyped-def]
    config = RetrievalConfig(data_dir=tmp_path, qdrant_url=":memory:", embedding_model="hashing-128")
    knowledge = KnowledgeBase(config, embedder=CountingEmbedder())
    knowledge.ingestor.ingest(as_loaded(FIXTURE_DOCS))
    yield knowledge
    knowledge.close()


# The hashing fake's similarities are lower than MiniLM's; these thresholds suit it.
FAKE_CONFIG = ReplyConfig(min_similarity=0.05, confident_similarity=0.4, canaries=(CANARY,))


def make_copilot(kb: KnowledgeBase, *responses: Any, default: Any = None) -> tuple[Copilot, FakeChatModel | None]:
    if not responses and default is None:
        return Copilot(kb, LLMGateway([]), reply_config=FAKE_CONFIG), None
    fake = FakeChatModel(responses=list(responses), default_response=default)
    gateway = LLMGateway([fake], GatewayPolicy(max_retries=0, retry_backoff_s=0.0))
    return Copilot(kb, gateway, reply_config=FAKE_CONFIG), fake


def quoting_reply(field: str = "draft", extra: str = "") -> Callable[[FakeCall], str]:
    """A fake model that quotes the first source it was given and cites it."""

    def reply(call: FakeCall) -> str:
        user = next(t for t in reversed(call.texts) if "<document id=\"" in t)
        start = user.index('<document id="') + len('<document id="')
        doc_id = user[start : user.index('"', start)]
        body_start = user.index(">", start) + 1
        body = user[body_start : user.index("</document>", body_start)].strip()
        sentence = body.split(". ")[0].strip().rstrip(".") + "."
        return json.dumps(
            {field: f"{sentence}{extra}", "citations": [{"doc_id": doc_id, "quote": sentence}], "confidence": 0.9,
             "handoff": {"needed": False, "reason": None}}
        )

    return reply
