"""Warming the embedding cache with articles' sentences and past resolutions' turns, so a first suggestion
does not embed them."""

from __future__ import annotations

from pathlib import Path

from copilot.llm.gateway import LLMGateway
from copilot.schemas import ConversationTurn, ReplyInput
from copilot.service import Copilot
from knowledge_base.config import RetrievalConfig
from knowledge_base.documents import Document, DocumentKind
from knowledge_base.embeddings import CachedEmbedder
from knowledge_base.search import CallerAudience
from knowledge_base.service import KnowledgeBase
from tests.conftest import FIXTURE_DOCS, CountingEmbedder, as_loaded
from tests.unit.pipelines.conftest import FAKE_CONFIG

RESOLUTION = Document(
    id="res-0100", title="Card not arrived after twelve days: replacement ordered", kind="resolution",
    audience="internal", tags=("cards",),
    text="## Conversation\n\nCustomer: my card has not arrived and it has been twelve days\n\n"
         "Agent: Sorry about that. As it has been more than 7 working days, I have cancelled it and ordered a free "
         "replacement to your address.\n\nCustomer: ok thanks, when will the new one come\n\n"
         "Agent: It should arrive within 3 to 5 working days.\n\n## Resolution\n\nCancelled and reissued the card.",
)
REQUEST = ReplyInput(conversation=[ConversationTurn(role="customer", text="my card never arrived, its been 12 days")])


def _copilot(tmp_path: Path) -> tuple[Copilot, CountingEmbedder]:
    inner = CountingEmbedder()
    embedder = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    config = RetrievalConfig(data_dir=tmp_path, qdrant_url=":memory:", embedding_model="hashing-128")
    kb = KnowledgeBase(config, embedder=embedder)
    kb.ingestor.ingest(as_loaded([*FIXTURE_DOCS, RESOLUTION]))
    return Copilot(kb, LLMGateway([]), reply_config=FAKE_CONFIG), inner


def test_the_agent_lists_resolutions_and_the_customer_none(tmp_path: Path) -> None:
    copilot, _ = _copilot(tmp_path)
    with copilot:
        retriever = copilot.kb.retriever
        agent = dict(retriever.documents(audience=CallerAudience.AGENT, kinds=(DocumentKind.RESOLUTION,)))
        assert set(agent) == {"res-0001", "res-0100"} and agent["res-0100"].startswith("Card not arrived")
        assert retriever.documents(audience=CallerAudience.CUSTOMER, kinds=(DocumentKind.RESOLUTION,)) == []
        customer = dict(retriever.documents(audience=CallerAudience.CUSTOMER))
        assert "international-transfers" in customer
        assert "proc-fraud-escalation" not in customer and "res-0100" not in customer


def test_warming_embeds_each_turn_once_and_spares_the_first_suggestion(tmp_path: Path) -> None:
    cold, cold_inner = _copilot(tmp_path / "cold")
    warm, warm_inner = _copilot(tmp_path / "warm")
    with cold, warm:
        before = warm_inner.embedded
        warmed = warm.warm()
        turns = 4  # two exchanges of res-0100; res-0001 is written on one line, so it has none
        sentences = warmed - turns
        assert sentences >= len([d for d in FIXTURE_DOCS if d.kind == "article"])
        assert warm_inner.embedded - before == warmed
        assert warm.warm() == warmed and warm_inner.embedded - before == warmed  # the second time, all cached
        cold_start, warm_start = cold_inner.embedded, warm_inner.embedded
        cold_suggestion, warm_suggestion = cold.suggest(REQUEST), warm.suggest(REQUEST)
        assert cold_suggestion.draft == warm_suggestion.draft
        assert any(c.doc_id == "res-0100" for c in warm_suggestion.citations)
        assert warm_inner.embedded - warm_start < cold_inner.embedded - cold_start
