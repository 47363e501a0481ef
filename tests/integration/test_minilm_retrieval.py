"""The retrieval layer with the real MiniLM model over the sample knowledge base."""

from __future__ import annotations

import pytest

from knowledge_base.query import Turn
from knowledge_base.search import CallerAudience
from knowledge_base.service import KnowledgeBase

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def kb(minilm_settings):  # type: ignore[no-untyped-def]
    with KnowledgeBase(minilm_settings.retrieval_config()) as knowledge:
        yield knowledge


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("my new card still hasn't arrived", "card-delivery"),
        ("how do I stop a direct debit", "direct-debits"),
        ("I forgot my passcode and can't log in", "forgotten-passcode"),
        ("how much does it cost to send money to Spain in euros", "international-transfers"),
        ("is my money protected if the bank goes bust", "fscs-protection"),
    ],
)
def test_sample_questions_find_their_article(kb: KnowledgeBase, question: str, expected: str) -> None:
    hits = kb.retriever.search(question, audience=CallerAudience.CUSTOMER, k=5)
    assert expected in [h.doc_id for h in hits[:3]]
    assert hits[0].similarity > 0.3


def test_conversation_context_is_used(kb: KnowledgeBase) -> None:
    conversation = [
        Turn("customer", "I ordered a replacement debit card after mine got damaged"),
        Turn("agent", "Thanks. How long ago did you order it?"),
        Turn("customer", "about ten days ago and nothing yet"),
    ]
    hits = kb.retriever.search(conversation, audience=CallerAudience.CUSTOMER, k=5)
    assert hits[0].doc_id == "card-delivery"


def test_customer_search_stays_public_while_agents_see_procedures(kb: KnowledgeBase) -> None:
    question = "what are the fraud team referral thresholds and the FRAUD-P1 queue"
    customer = kb.retriever.search(question, audience=CallerAudience.CUSTOMER, k=10)
    agent = kb.retriever.search(question, audience=CallerAudience.AGENT, k=10)
    assert all(h.audience.value == "public" and h.kind.value == "article" for h in customer)
    assert all("FRAUD-P1" not in p.text for h in customer for p in h.passages)
    assert any(h.doc_id.startswith("proc-") for h in agent)


def test_unrelated_question_has_low_similarity(kb: KnowledgeBase) -> None:
    hits = kb.retriever.search("what is the best recipe for a lemon drizzle cake", audience="customer", k=3)
    assert not hits or hits[0].similarity < 0.3
