"""Ingest throughput, search latency and peak memory of the retrieval layer at 1k, 10k and 100k chunks.

Each size runs in its own process (so peak RSS is that size's), on a synthetic corpus of bank-like
passages (one chunk per document), against the embedded engine on disk (``--engine edge``, the default:
Qdrant Edge; ``--engine local``: qdrant-client's local mode), or a server with ``--qdrant-url``. Search
latency includes embedding the query; queries are three-turn conversations.

    .venv/bin/python benchmarks/retrieval_bench.py                       # 1k, 10k, 100k with MiniLM
    .venv/bin/python benchmarks/retrieval_bench.py --sizes 1000 10000 --queries 50
    .venv/bin/python benchmarks/retrieval_bench.py --embedder hashing-384  # index cost without the model
    .venv/bin/python benchmarks/retrieval_bench.py --engine local --sizes 1000 10000
    .venv/bin/python benchmarks/retrieval_bench.py --backend torch --sizes 1000 10000  # MiniLM on PyTorch

Prints a markdown table and writes JSON to benchmarks/results/retrieval_bench.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "card payment transfer account balance overdraft savings pot interest direct debit standing order refund "
    "dispute chargeback merchant pending declined contactless pin statement verification identity passport "
    "selfie fraud scam phishing passcode app login device notification fee exchange rate currency abroad "
    "international swift iban sort code limit cash withdrawal atm replacement delivery frozen unfreeze "
    "complaint ombudsman bereavement probate support hardship vulnerable arrears salary top-up faster payee"
).split()
TEMPLATES = [
    "If your {0} is {1}, open the app and tap {2} to check the {3}.",
    "We usually process a {0} {1} within two working days, but a {2} can take longer.",
    "You can change the {0} for your {1} at any time, and the {2} applies straight away.",
    "Contact us in the app if the {0} still shows as {1} after the {2} has been {3}.",
    "A {0} {1} is free, but a second {2} in twelve months costs five pounds.",
]


def passage(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(rng.choice(TEMPLATES).format(*rng.sample(WORDS, 4)) for _ in range(sentences))


def run_size(
    size: int, queries: int, embedder_name: str, qdrant_url: str | None, engine: str, backend: str
) -> dict[str, float]:
    from knowledge_base.config import RetrievalConfig
    from knowledge_base.documents import Document
    from knowledge_base.loaders import LoadResult, SourcedDocument
    from knowledge_base.metrics import percentile
    from knowledge_base.query import Turn
    from knowledge_base.search import CallerAudience
    from knowledge_base.service import KnowledgeBase

    rng = random.Random(size)
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    config = RetrievalConfig(
        data_dir=data_dir, qdrant_url=qdrant_url, qdrant_engine=engine, embedding_model=embedder_name,
        embedding_backend=backend, collection=f"bench{size}",
    )
    docs = [
        Document(
            id=f"doc-{i}", title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} help", text=passage(rng),
            audience="public" if i % 3 else "internal", kind="article",
        )
        for i in range(size)
    ]
    loaded = LoadResult(documents=[SourcedDocument(d, "synthetic", i, "synthetic") for i, d in enumerate(docs)],
                        roots=["synthetic"])
    with KnowledgeBase(config) as kb:
        kb.embedder.embed(["warm up"])
        started = time.perf_counter()
        report = kb.ingestor.ingest(loaded)
        ingest_s = time.perf_counter() - started
        retriever = kb.retriever
        latencies = []
        for q in range(queries + 5):
            conversation = [
                Turn("customer", f"my {rng.choice(WORDS)} {rng.choice(WORDS)} is not working"),
                Turn("agent", "Sorry to hear that, what happens when you try?"),
                Turn("customer", f"it says {rng.choice(WORDS)} {rng.choice(WORDS)}"),
            ]
            t0 = time.perf_counter()
            retriever.search(conversation, audience=CallerAudience.CUSTOMER if q % 2 else CallerAudience.AGENT, k=5)
            if q >= 5:  # the first few warm caches up
                latencies.append((time.perf_counter() - t0) * 1000)
        chunks = kb.index.count()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "chunks": chunks,
        "ingest_s": round(ingest_s, 1),
        "ingest_chunks_per_s": round(report.chunks_written / ingest_s, 1),
        "search_ms_p50": round(percentile(latencies, 50), 1),
        "search_ms_p95": round(percentile(latencies, 95), 1),
        "peak_rss_mb": round(peak_mb),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--embedder", default="all-MiniLM-L6-v2")
    parser.add_argument("--qdrant-url", default=None)
    parser.add_argument("--engine", choices=["edge", "local"], default="edge", help="embedded engine (no server)")
    parser.add_argument("--backend", choices=["onnx", "torch"], default="onnx", help="where the model runs")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/retrieval_bench.json"))
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_size(args.one, args.queries, args.embedder, args.qdrant_url, args.engine, args.backend)))
        return 0
    rows = []
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--queries", str(args.queries)]
        cmd += ["--embedder", args.embedder, "--engine", args.engine, "--backend", args.backend]
        if args.qdrant_url:
            cmd += ["--qdrant-url", args.qdrant_url]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        engine = "server" if args.qdrant_url else args.engine
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        row = {"size": size, "embedder": args.embedder, "engine": engine, "backend": args.backend, **measured}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    keys = ["size", "engine", "backend", "chunks", "ingest_chunks_per_s", "search_ms_p50", "search_ms_p95"]
    keys.append("peak_rss_mb")
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    engine = rows[0]["engine"] if rows else args.engine
    suffix = f"/{args.backend}" if not args.embedder.startswith("hashing-") else ""
    existing[f"{args.embedder}/{engine}{suffix}"] = rows
    args.out.write_text(json.dumps(existing, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
