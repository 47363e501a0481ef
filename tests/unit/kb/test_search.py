from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge_base.documents import DocumentKind
from knowledge_base.query import QueryTuning, Turn, plan_query
from knowledge_base.search import CallerAudience, Retriever, SearchFilters, access_filter, allowed
from tests.conftest import CANARY


def test_ranks_the_matching_article_first(fixture_retriever: Retriever) -> None:
    hits = fixture_retriever.search("cancel a direct debit", audience=CallerAudience.CUSTOMER, k=3)
    assert hits[0].doc_id == "direct-debits"
    assert hits[0].passages and "Direct Debit" in hits[0].passages[0].text


def test_one_result_per_document(fixture_retriever: Retriever) -> None:
    hits = fixture_retriever.search("card", audience=CallerAudience.AGENT, k=10)
    ids = [h.doc_id for h in hits]
    assert len(ids) == len(set(ids))
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_customer_never_sees_internal_documents(fixture_retriever: Retriever) -> None:
    hits = fixture_retriever.search(f"fraud escalation {CANARY} FRAUD-P1 threshold", audience="customer", k=10)
    assert hits, "public articles should still match"
    for hit in hits:
        assert hit.audience.value == "public" and hit.kind is DocumentKind.ARTICLE
        assert all(CANARY not in p.text for p in hit.passages)


def test_agent_sees_internal_and_resolutions(fixture_retriever: Retriever) -> None:
    hits = fixture_retriever.search(f"fraud escalation threshold {CANARY}", audience="agent", k=10)
    assert {"proc-fraud-escalation", "res-0001"} <= {h.doc_id for h in hits}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_canary_never_reaches_a_customer_search(fixture_retriever: Retriever, query: str) -> None:
    for hit in fixture_retriever.search(query + " " + CANARY, audience="customer", k=10):
        assert hit.audience.value == "public"
        assert all(CANARY not in p.text for p in hit.passages)


def test_post_check_fails_closed() -> None:
    assert not allowed(CallerAudience.CUSTOMER, {"audience": "internal", "kind": "article"})
    assert not allowed(CallerAudience.CUSTOMER, {"audience": "public", "kind": "resolution"})
    assert not allowed(CallerAudience.CUSTOMER, {"kind": "article"})
    assert allowed(CallerAudience.CUSTOMER, {"audience": "public", "kind": "article"})
    flt = access_filter(CallerAudience.CUSTOMER, SearchFilters(kinds=(DocumentKind.RESOLUTION,)))
    keys = [c.key for c in flt.must]  # type: ignore[union-attr]
    assert keys.count("audience") == 1 and keys.count("kind") == 2


def test_bypassed_filter_is_caught_on_every_hit(fixture_retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge_base.search as search

    monkeypatch.setattr(search, "access_filter", lambda audience, filters=None: search.qm.Filter(must=[]))
    hits = fixture_retriever.search(f"fraud {CANARY}", audience="customer", k=10)
    assert all(h.audience.value == "public" and h.kind is DocumentKind.ARTICLE for h in hits)


def test_filters_by_kind_and_tag(fixture_retriever: Retriever) -> None:
    hits = fixture_retriever.search("card", audience="agent", k=10, filters=SearchFilters(kinds=(DocumentKind.RESOLUTION,)))
    assert [h.doc_id for h in hits] == ["res-0001"]
    hits = fixture_retriever.search("money", audience="customer", k=10, filters=SearchFilters(tags=("international",)))
    assert [h.doc_id for h in hits] == ["international-transfers"]


def test_conversation_carries_the_topic(fixture_retriever: Retriever) -> None:
    conversation = [
        Turn("customer", "I ordered a new debit card and it still hasn't arrived"),
        Turn("agent", "Sorry to hear that. When did you order it?"),
        Turn("customer", "about ten days ago"),
    ]
    last_only = fixture_retriever.search("about ten days ago", audience="customer", k=3)
    with_context = fixture_retriever.search(conversation, audience="customer", k=3)
    assert with_context[0].doc_id == "card-delivery"
    assert not last_only or last_only[0].doc_id != "card-delivery" or with_context[0].score >= last_only[0].score


def test_query_plan_uses_the_whole_conversation_and_the_latest_turn() -> None:
    turns = [Turn("customer", "first topic"), Turn("agent", "question?"), Turn("customer", "latest")]
    plan = plan_query(turns)
    latest, whole = plan.dense
    assert latest[0] == "question?\nlatest"
    assert whole[0] == "first topic\nquestion?\nlatest"
    assert whole[1] > latest[1] > 0
    assert {text for text, _ in plan.sparse} == {"first topic", "question?", "latest"}
    single = plan_query("just one question")
    assert [t for t, _ in single.dense] == ["just one question"]
    bare = plan_query(turns, QueryTuning(latest_with_agent_turn=False))
    assert bare.dense[0][0] == "latest"


def test_chunk_level_fusion_mode_also_works(fixture_retriever: Retriever) -> None:
    from knowledge_base.search import FusionTuning

    chunky = Retriever(fixture_retriever.index, fixture_retriever.embedder, fusion=FusionTuning(mode="chunk"))
    hits = chunky.search("cancel a direct debit", audience="customer", k=3)
    assert hits[0].doc_id == "direct-debits"
    assert all(h.audience.value == "public" for h in hits)


def test_empty_query_is_rejected(fixture_retriever: Retriever) -> None:
    with pytest.raises(ValueError, match="empty"):
        fixture_retriever.search("   ", audience="customer")
    with pytest.raises(ValueError):
        fixture_retriever.search("x", audience="customer", k=0)
    with pytest.raises(ValueError):
        fixture_retriever.search("x", audience="robot")  # type: ignore[arg-type]


def test_document_passages_returns_every_passage_in_order(fixture_retriever: Retriever) -> None:
    passages = fixture_retriever.document_passages("direct-debits", audience=CallerAudience.CUSTOMER)
    assert passages and [p.chunk_index for p in passages] == sorted(p.chunk_index for p in passages)
    assert "cancel a direct debit" in passages[0].text
    assert fixture_retriever.document_passages("no-such-document", audience=CallerAudience.AGENT) == []


def test_document_passages_keep_the_access_filter(fixture_retriever: Retriever) -> None:
    assert fixture_retriever.document_passages("proc-fraud-escalation", audience=CallerAudience.CUSTOMER) == []
    internal = fixture_retriever.document_passages("proc-fraud-escalation", audience=CallerAudience.AGENT)
    assert internal and CANARY in internal[0].text
