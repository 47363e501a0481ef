"""Retrieval quality on doc2dial, ours and a plain LangChain retriever side by side, in one run.

The peer is what a user would reach for: RecursiveCharacterTextSplitter (1000/200 characters),
all-MiniLM-L6-v2, ``QdrantVectorStore`` in local mode, ``similarity_search``, the first 10 distinct
pages; queried with the last customer turn, and with the whole conversation joined.

    .venv/bin/python benchmarks/retrieval_quality.py \
        --kb ../shared/datasets/doc2dial/kb.jsonl --cases ../shared/datasets/doc2dial/cases-dev.jsonl

Both sides embed with the same MiniLM model (and share the on-disk embedding cache, which only
saves time on re-runs). Prints a markdown table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from knowledge_base.config import RetrievalConfig
from knowledge_base.embeddings import build_embedder_for
from knowledge_base.evaluation import RetrievalCase, evaluate_retrieval, load_retrieval_cases, open_eval_kb
from knowledge_base.metrics import hit_at, ndcg_at, percentile, reciprocal_rank


def peer_retriever(kb_file: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    from langchain_core.documents import Document as LCDocument
    from langchain_core.embeddings import Embeddings
    from langchain_qdrant import QdrantVectorStore
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embedder = build_embedder_for(RetrievalConfig(data_dir=data_dir))

    class MiniLM(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed([text])[0].tolist()

    docs = []
    for line in kb_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            docs.append(LCDocument(page_content=obj["text"], metadata={"doc_id": obj["id"]}))
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents(docs)
    started = time.perf_counter()
    store = QdrantVectorStore.from_documents(
        chunks, MiniLM(), path=str(Path(tempfile.mkdtemp()) / "peer"), collection_name="peer"
    )
    return store, len(chunks), time.perf_counter() - started


def evaluate_peer(store, cases: list[RetrievalCase], mode: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    h1, h5, h10, rr, nd, lat = [], [], [], [], [], []
    for case in cases:
        if mode == "last":
            query = next(t.text for t in reversed(case.conversation) if t.role == "customer")
        else:
            query = "\n".join(t.text for t in case.conversation)
        started = time.perf_counter()
        found = store.similarity_search(query, k=50)
        lat.append((time.perf_counter() - started) * 1000)
        ranked: list[str] = []
        for doc in found:
            if doc.metadata["doc_id"] not in ranked:
                ranked.append(doc.metadata["doc_id"])
        ranked = ranked[:10]
        rel = set(case.relevant_doc_ids)
        h1.append(hit_at(ranked, rel, 1))
        h5.append(hit_at(ranked, rel, 5))
        h10.append(hit_at(ranked, rel, 10))
        rr.append(reciprocal_rank(ranked, rel, 10))
        nd.append(ndcg_at(ranked, rel, 10))
    n = len(cases)
    return {
        "hit@1": round(sum(h1) / n, 4), "hit@5": round(sum(h5) / n, 4), "hit@10": round(sum(h10) / n, 4),
        "mrr@10": round(sum(rr) / n, 4), "ndcg@10": round(sum(nd) / n, 4),
        "latency_ms_p50": round(percentile(lat, 50), 2), "latency_ms_p95": round(percentile(lat, 95), 2), "cases": n,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--data-dir", type=Path, default=Path(".copilot"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/retrieval_quality.json"))
    args = parser.parse_args()

    cases, _ = load_retrieval_cases(args.cases)
    cases = cases[: args.limit] if args.limit else cases
    config = RetrievalConfig(data_dir=args.data_dir)
    results: dict[str, dict[str, float]] = {}

    with open_eval_kb(config, args.kb) as kb:
        ours = evaluate_retrieval(kb.retriever, cases).metrics
        results["ours: hybrid, conversation-aware, document-level RRF"] = ours
        from knowledge_base.search import FusionTuning, Retriever

        chunky = Retriever(
            kb.index, kb.embedder, candidates=config.search_candidates, fusion=FusionTuning(mode="chunk")
        )
        results["ours, Qdrant chunk-level RRF (one prefetch query)"] = evaluate_retrieval(chunky, cases).metrics
        dense_only = Retriever(kb.index, kb.embedder, candidates=config.search_candidates)
        dense_only.sparse = _NoSparse()
        results["ours, dense only (no BM25)"] = evaluate_retrieval(dense_only, cases).metrics

    store, n_chunks, seconds = peer_retriever(args.kb, args.data_dir)
    results["LangChain peer, last customer turn"] = evaluate_peer(store, cases, "last")
    results["LangChain peer, whole conversation"] = evaluate_peer(store, cases, "whole")

    keys = ["hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10", "latency_ms_p50", "latency_ms_p95", "cases"]
    print("| retriever | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, metrics in results.items():
        print(f"| {name} | " + " | ".join(str(metrics[k]) for k in keys) + " |")
    print(f"\npeer index: {n_chunks} chunks in {seconds:.0f} s", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"results": results, "peer_chunks": n_chunks}, indent=2))
    return 0


class _NoSparse:
    """A sparse encoder that yields no terms, so the search runs on dense vectors alone."""

    def encode_query(self, weighted):  # type: ignore[no-untyped-def]
        from knowledge_base.sparse import SparseVector

        return SparseVector([], [])

    def encode_document(self, text):  # type: ignore[no-untyped-def]
        raise NotImplementedError


if __name__ == "__main__":
    raise SystemExit(main())
