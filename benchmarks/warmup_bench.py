"""What warming the embedding cache at start-up saves the first agent suggestions.

The extractive drafter (no model configured) compares an agent's message with the lines of the best
article and the turns of the past resolutions the search ranked. On a cold cache that embeds 20-60 texts
inside the request; the service's start-up now embeds every article's sentences and every resolution's
turns once (``Copilot.warm``). This runs
the golden agent cases once each, from an empty embedding cache, with and without the warm-up, and reports
the p50/p95 of the whole suggestion and what the warm-up itself cost.

    .venv/bin/python benchmarks/warmup_bench.py [--data-dir .copilot-bench]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from copilot.llm.gateway import LLMGateway
from copilot.schemas import ReplyInput
from copilot.service import Copilot
from copilot.settings import Settings
from knowledge_base.embeddings import CachedEmbedder
from knowledge_base.metrics import percentile
from knowledge_base.service import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=REPO / ".copilot-bench")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "warmup_bench.json")
    args = parser.parse_args()

    settings = Settings(data_dir=args.data_dir, llm_provider="extractive", llm_fallbacks=[])
    kb = KnowledgeBase(settings.retrieval_config())
    kb.ingest([REPO / "knowledge_base" / "content"])
    copilot = Copilot.from_settings(settings, kb=kb, gateway=LLMGateway([]))
    cases = [json.loads(line) for line in (REPO / "evals" / "datasets" / "golden.jsonl").read_text().splitlines()]
    agent = [c for c in cases if c["surface"] == "agent"]
    requests = [ReplyInput.model_validate({"conversation": c["conversation"]}) for c in agent]
    inner = getattr(kb.embedder, "_inner", kb.embedder)
    copilot.suggest(requests[0])  # loads the model and the index

    rows: dict[str, dict[str, float]] = {}
    for mode in ("cold", "warmed", "cold", "warmed"):
        # A new, empty cache: every text is embedded by the model, as on a first start.
        fresh = CachedEmbedder(inner, Path(tempfile.mkdtemp()) / "e.sqlite")
        copilot.reply.retriever.embedder = fresh
        copilot.reply.embed = fresh.embed
        warm_ms, texts = 0.0, 0
        if mode == "warmed":
            t0 = time.perf_counter()
            texts = copilot.warm()
            warm_ms = (time.perf_counter() - t0) * 1000
        latencies: list[float] = []
        for request in requests:
            t0 = time.perf_counter()
            copilot.suggest(request)
            latencies.append((time.perf_counter() - t0) * 1000)
        row = rows.setdefault(mode, {"runs": 0, "p50_ms": 0.0, "p95_ms": 0.0, "warm_up_ms": 0.0, "texts": texts})
        # Two runs of each, interleaved, so a noisy moment does not fall on one side only; the mean of the
        # two (their median) is reported.
        row["runs"] += 1
        for key, value in (("p50_ms", percentile(latencies, 50)), ("p95_ms", percentile(latencies, 95)),
                           ("warm_up_ms", warm_ms)):
            row[key] += value / 2
    print("| start | requests | p50_ms | p95_ms | warm-up (ms) | texts warmed |")
    print("|---|---|---|---|---|---|")
    for mode, row in rows.items():
        print(f"| {mode} | {len(requests)} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['warm_up_ms']:.0f} | "
              f"{int(row['texts'])} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"requests": len(requests), "starts": rows}, indent=2))
    copilot.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
