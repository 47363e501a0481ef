"""Shared fixtures: fake deterministic embeddings, in-memory and embedded Qdrant, a small fixture knowledge base."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from knowledge_base.documents import Document
from knowledge_base.edge import EdgeClient
from knowledge_base.embeddings import HashingEmbedder
from knowledge_base.index import Client, QdrantIndex
from knowledge_base.ingest import Ingestor
from knowledge_base.loaders import LoadResult, SourcedDocument
from knowledge_base.search import Retriever

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO.parent / "shared" / "datasets"
CANARY = "CANARY-7f3a9c-INTERNAL-ONLY"

FIXTURE_DOCS = [
    Document(id="card-delivery", title="When will my card arrive?", kind="article", audience="public",
             tags=("cards",), url="https://help.example/card-delivery",
             text="## Delivery times\nNew debit cards arrive within 3 to 5 working days after you order them.\n\n"
                  "## Not arrived\nIf your card has not arrived after 7 working days, order a replacement card "
                  "in the app. Replacement cards are free."),
    Document(id="card-lost", title="Lost or stolen card", kind="article", audience="public", tags=("cards", "security"),
             text="Freeze your card straight away in the app, then report it lost or stolen. We send a new card "
                  "and cancel the old one. Call the lost card line any time."),
    Document(id="direct-debits", title="Direct debits", kind="article", audience="public", tags=("payments",),
             text="You can cancel a direct debit in the app under Payments. Direct debits are protected by the "
                  "Direct Debit Guarantee, which covers payments taken in error."),
    Document(id="international-transfers", title="Sending money abroad", kind="article", audience="public",
             tags=("payments", "international"),
             text="International transfers arrive in 1 to 2 working days. You need the IBAN and BIC of the "
                  "recipient. The fee is shown before you confirm the transfer and the exchange rate is fixed."),
    Document(id="proc-fraud-escalation", title="Fraud escalation procedure", kind="article", audience="internal",
             tags=("security",),
             text=f"Internal only. {CANARY}. Card fraud: escalate transfers over 2500 pounds to a new payee to "
                  "the FRAUD-P1 queue. Never tell the customer the threshold for a lost card or a stolen card."),
    Document(id="res-0001", title="Card not arrived after ten days", kind="resolution", audience="internal",
             tags=("cards",),
             text=f"Customer: my card has not arrived. Agent: ordered a replacement card. {CANARY}"),
    Document(id="no-audience", title="Unlabelled card note", kind="article",
             text=f"An article about card delivery with no audience field. {CANARY}"),
]


def as_loaded(docs: list[Document], root: str = "fixture") -> LoadResult:
    return LoadResult(documents=[SourcedDocument(d, root, i + 1, root) for i, d in enumerate(docs)], roots=[root])


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting the texts it embeds."""

    def __init__(self, dim: int = 128) -> None:
        super().__init__(dim)
        self.embedded = 0

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.embedded += len(texts)
        return super().embed(texts)


SAMPLE_CONTENT = REPO / "knowledge_base" / "content"


@pytest.fixture(scope="session")
def minilm_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Settings whose data dir holds the sample knowledge base indexed with the real MiniLM model.

    Built once per test session (about a minute on two cores) and shared by every test that needs
    real embeddings; tests must not write to it.
    """
    from copilot.settings import Settings
    from knowledge_base.service import KnowledgeBase

    data_dir = tmp_path_factory.mktemp("minilm-kb")
    settings = Settings(data_dir=data_dir, llm_provider="extractive", embedding_model="all-MiniLM-L6-v2")
    with KnowledgeBase(settings.retrieval_config()) as kb:
        report = kb.ingest([SAMPLE_CONTENT])
        assert report.ok, report.errors[:3]
    return settings


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture(params=["memory", "edge"])
def qdrant(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Client]:
    """Every index test runs on qdrant-client's in-memory engine and on the embedded Edge engine."""
    client: Client = QdrantClient(":memory:") if request.param == "memory" else EdgeClient(tmp_path / "edge")
    yield client
    client.close()


@pytest.fixture
def index(qdrant: Client, embedder: CountingEmbedder) -> QdrantIndex:
    return QdrantIndex(qdrant, "kb", embedder.dim)


@pytest.fixture
def ingestor(index: QdrantIndex, embedder: CountingEmbedder) -> Ingestor:
    return Ingestor(index, embedder)


@pytest.fixture
def fixture_retriever(index: QdrantIndex, embedder: CountingEmbedder, ingestor: Ingestor) -> Retriever:
    ingestor.ingest(as_loaded(FIXTURE_DOCS))
    return Retriever(index, embedder)


def answering_triage(embedder: object) -> object:
    """A triage that lets every question through (no risk, a covered question), for tests of what the
    guardrails behind triage do when a draft is made. Triage's own decisions are tested in tests/unit/triage."""
    from dataclasses import replace

    import numpy as np

    from copilot.triage.classifier import Triage

    base = Triage.for_embedder(embedder)
    heads = dict(base.model.heads)
    heads["risks"] = replace(heads["risks"], bias=np.full_like(heads["risks"].bias, -60.0))
    heads["sensitive"] = replace(heads["sensitive"], bias=np.full_like(heads["sensitive"].bias, -60.0))
    request_bias = np.full_like(heads["request"].bias, -60.0)
    request_bias[heads["request"].labels.index("question")] = 60.0
    heads["request"] = replace(heads["request"], bias=request_bias)
    heads["answerable"] = replace(heads["answerable"], bias=np.full_like(heads["answerable"].bias, 60.0))
    return Triage(replace(base.model, heads=heads, neighbours=None), base.embed, failsafe=False)
