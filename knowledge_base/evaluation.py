"""Retrieval evaluation: ranked search over labelled conversations, scored with hit@k, MRR and nDCG.

The knowledge base under test is indexed into a throwaway local index under
``<data_dir>/eval-indexes/<hash>``, keyed by the KB file's content hash, the embedding model and the
chunking settings: a second run on the same file reuses it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge_base.chunking import CHUNKING_VERSION
from knowledge_base.config import RetrievalConfig
from knowledge_base.embeddings import build_embedder_for
from knowledge_base.loaders import LoadError
from knowledge_base.metrics import hit_at, ndcg_at, percentile, reciprocal_rank
from knowledge_base.query import Turn
from knowledge_base.search import CallerAudience, Retriever
from knowledge_base.service import KnowledgeBase


@dataclass(frozen=True)
class RetrievalCase:
    id: str
    conversation: tuple[Turn, ...]
    relevant_doc_ids: tuple[str, ...]
    surface: CallerAudience = CallerAudience.AGENT


def load_retrieval_cases(path: Path) -> tuple[list[RetrievalCase], list[LoadError]]:
    """Cases with at least one relevant document; the others cannot score retrieval and are skipped."""
    cases: list[RetrievalCase] = []
    errors: list[LoadError] = []
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
            turns = tuple(Turn(t["role"], t["text"]) for t in obj["conversation"])
            if any(t.role not in ("customer", "agent") for t in turns) or not turns:
                raise ValueError("conversation needs customer/agent turns")
            relevant = tuple(obj.get("relevant_doc_ids") or ())
            if relevant:
                cases.append(RetrievalCase(str(obj["id"]), turns, relevant,
                                           CallerAudience(obj.get("surface") or "agent")))
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            errors.append(LoadError(str(path), number, f"bad case: {exc}"))
    return cases, errors


def eval_index_at(config: RetrievalConfig, digest: str) -> Path:
    """Where the throwaway index of sources with content hash ``digest`` lives: keyed on everything
    that shapes the stored passages (model, chunk budget, chunking rules)."""
    key = hashlib.sha256(
        f"{digest}|{config.embedding_model}|{config.chunk_tokens}|{config.chunk_overlap}|{CHUNKING_VERSION}".encode()
    ).hexdigest()[:16]
    return config.data_dir / "eval-indexes" / key


def eval_index_dir(config: RetrievalConfig, kb_file: Path) -> Path:
    return eval_index_at(config, hashlib.sha256(kb_file.read_bytes()).hexdigest())


def open_eval_index_at(config: RetrievalConfig, directory: Path, sources: Sequence[Path]) -> KnowledgeBase:
    """A knowledge base in ``directory`` holding exactly ``sources``, ingested on first use only."""
    eval_config = config.model_copy(update={"data_dir": directory, "qdrant_url": None, "collection": "eval"})
    marker = directory / f"complete-{config.qdrant_engine}"  # one index per embedded engine
    # The main embedding cache is shared, so a re-chunked KB only embeds passages it has not seen.
    embedder = build_embedder_for(config)
    kb = KnowledgeBase(eval_config, embedder=embedder)
    if not marker.exists():
        report = kb.ingest(list(sources), rebuild=True)
        if not report.ok:
            kb.close()
            raise ValueError(f"the knowledge base has errors: {'; '.join(str(e) for e in report.errors[:5])}")
        marker.write_text(json.dumps(report.as_dict()))
    return kb


def open_eval_kb(config: RetrievalConfig, kb_file: Path) -> KnowledgeBase:
    """A knowledge base holding exactly ``kb_file``, built once per content hash."""
    return open_eval_index_at(config, eval_index_dir(config, kb_file), [kb_file])


@dataclass
class RetrievalEvalResult:
    metrics: dict[str, float]
    per_case: list[dict[str, Any]]


def evaluate_retrieval(
    retriever: Retriever,
    cases: Iterable[RetrievalCase],
    *,
    k: int = 10,
    audience: CallerAudience | None = None,
    progress: Callable[[int], None] | None = None,
) -> RetrievalEvalResult:
    """Run every case through search and score the ranking (relevance at the document level)."""
    hits1, hits5, hits10, rr, ndcg, latencies = [], [], [], [], [], []
    per_case = []
    for i, case in enumerate(cases, start=1):
        started = time.perf_counter()
        hits = retriever.search(list(case.conversation), audience=audience or case.surface, k=max(k, 10))
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = [h.doc_id for h in hits]
        relevant = set(case.relevant_doc_ids)
        hits1.append(hit_at(ranked, relevant, 1))
        hits5.append(hit_at(ranked, relevant, 5))
        hits10.append(hit_at(ranked, relevant, 10))
        rr.append(reciprocal_rank(ranked, relevant, 10))
        ndcg.append(ndcg_at(ranked, relevant, 10))
        per_case.append({"id": case.id, "ranked": ranked[:k], "relevant": sorted(relevant), "rr": rr[-1]})
        if progress:
            progress(i)
    n = len(per_case)

    def mean(xs: list[float]) -> float:
        return round(sum(xs) / n, 4) if n else 0.0

    metrics = {
        "hit@1": mean(hits1),
        "hit@5": mean(hits5),
        "hit@10": mean(hits10),
        "mrr@10": mean(rr),
        "ndcg@10": mean(ndcg),
        "latency_ms_p50": round(percentile(latencies, 50), 2),
        "latency_ms_p95": round(percentile(latencies, 95), 2),
        "cases": n,
    }
    return RetrievalEvalResult(metrics, per_case)
