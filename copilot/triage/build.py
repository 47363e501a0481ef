"""Training the packaged triage model with one command (``copilot triage train``).

Inputs: the team's labelled conversations (``copilot/triage/data``), BANKING77's training queries for the
intent head when the file is given (read at run time, never copied), and the sample knowledge base,
indexed in memory with the same embedder, so ``answerable`` learns from the retrieval evidence the
service will show it. Same inputs and seed, same model.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from copilot.triage.data import DATA_DIR, TRAINING_FILES, Example, content_hash, load_examples, training_examples
from copilot.triage.model import TriageModel, packaged_model_path
from copilot.triage.training import METHOD, TrainConfig, TrainReport, train_model
from knowledge_base.config import RetrievalConfig
from knowledge_base.documents import Audience, DocumentKind
from knowledge_base.embeddings import Embedder
from knowledge_base.search import CallerAudience
from knowledge_base.service import KnowledgeBase

CONTENT_DIR = Path(__file__).resolve().parents[2] / "knowledge_base" / "content"
DEFAULT_BANKING77 = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "banking77" / "train.jsonl"
CUSTOMER_K = 4


def train(
    embedder: Embedder,
    *,
    data_dir: Path = DATA_DIR,
    banking77: Path | None = None,
    content: Path = CONTENT_DIR,
    config: TrainConfig | None = None,
    examples: Sequence[Example] | None = None,
) -> tuple[TriageModel, TrainReport]:
    """Train every head for ``embedder``; ``banking77`` adds BANKING77's queries to the intent head."""
    examples = list(examples) if examples is not None else training_examples(data_dir)
    intent_only = load_examples(banking77, full=False) if banking77 is not None else []
    sources = [data_dir / name for name in TRAINING_FILES] + ([banking77] if banking77 is not None else [])
    digest = content_hash([p for p in sources if p.is_file()])
    # The version names the data and the method: the same files trained another way are another model.
    method = hashlib.sha256(f"{digest}/{METHOD}".encode()).hexdigest()
    version = f"triage-{embedder.name.split('/')[-1].lower()}-{method[:10]}"
    with tempfile.TemporaryDirectory() as tmp:
        kb_config = RetrievalConfig(data_dir=Path(tmp), qdrant_url=":memory:", embedding_model=embedder.name)
        with KnowledgeBase(kb_config, embedder=embedder) as kb:
            kb.ingest([content])
            retriever = kb.retriever

            def evidence(example: Example) -> list[float]:
                hits = retriever.search(list(example.turns), audience=CallerAudience.CUSTOMER, k=CUSTOMER_K)
                return [h.similarity for h in hits if h.audience is Audience.PUBLIC and h.kind is DocumentKind.ARTICLE]

            return train_model(
                examples,
                embedder.embed,
                embedding_model=embedder.name,
                dim=embedder.dim,
                evidence=evidence,
                intent_examples=intent_only,
                config=config,
                version=version,
                meta={"data": digest, "banking77": banking77 is not None},
            )


def default_output(embedder: Embedder) -> Path:
    return packaged_model_path(embedder.name)


_FAKE_MODELS: dict[str, TriageModel] = {}
_FAKE_LOCK = threading.Lock()


def model_for_fake(embedder: Embedder) -> TriageModel:
    """A model for the hashing fake embedder, trained once per process from the packaged data (no BANKING77)."""
    with _FAKE_LOCK:
        if embedder.name not in _FAKE_MODELS:
            model, _ = train(embedder, config=TrainConfig(folds=3, intent_folds=2))
            _FAKE_MODELS[embedder.name] = model
        return _FAKE_MODELS[embedder.name]
