"""MiniLM on ONNX Runtime against PyTorch: query-embedding latency, agreement and a process's start.

For each golden conversation, the texts one request embeds (the customer's message, the latest turn with
the agent's question, the whole conversation) are embedded in one call, uncached, by each backend in
turn (alternating passes, so both see the same machine); the script reports per-request p50/p95, the
lowest cosine between the two backends' vectors, and, each in a fresh process with the sample knowledge
base already indexed, the time to the first answer, the peak RSS and whether PyTorch was imported.

    .venv/bin/python benchmarks/embedding_bench.py [--passes 2]

The ONNX export is made on first use (into the model cache) and is not part of the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from knowledge_base.embeddings import build_embedder
from knowledge_base.metrics import percentile
from knowledge_base.query import Turn, plan_query

REPO = Path(__file__).resolve().parents[1]
BACKENDS = ("onnx", "torch")

FIRST_ANSWER = r"""
import re, sys, time
started = time.perf_counter()
from copilot.schemas import AnswerInput
from copilot.service import Copilot
from copilot.settings import Settings
from knowledge_base.service import KnowledgeBase
settings = Settings(data_dir=sys.argv[1], llm_provider="extractive", embedding_backend=sys.argv[2])
with KnowledgeBase(settings.retrieval_config()) as kb:
    Copilot.from_settings(settings, kb=kb).answer(AnswerInput(question="my new card has not arrived yet"))
    # VmHWM, not getrusage: a child's ru_maxrss starts at its parent's high-water mark on Linux.
    peak_kb = re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)
    print(time.perf_counter() - started, int(peak_kb) // 1024, "torch" in sys.modules)
"""


def request_texts() -> list[list[str]]:
    groups = []
    for line in (REPO / "evals" / "datasets" / "golden.jsonl").read_text().splitlines():
        turns = [Turn(t["role"], t["text"]) for t in json.loads(line)["conversation"]]
        texts = [turns[-1].text.strip()] + [text for text, _ in plan_query(turns).dense]
        groups.append(list(dict.fromkeys(texts)))
    return groups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "embedding_bench.json")
    args = parser.parse_args()

    groups = request_texts()
    embedders = {b: build_embedder("all-MiniLM-L6-v2", backend=b) for b in BACKENDS}
    for embedder in embedders.values():
        embedder.embed(["warm up"])
    timings: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for _ in range(args.passes):
        for backend, embedder in embedders.items():
            for texts in groups:
                t0 = time.perf_counter()
                embedder.embed(texts)
                timings[backend].append((time.perf_counter() - t0) * 1000)
    cosines = [
        float(c)
        for texts in groups
        for c in (embedders["onnx"].embed(texts) * embedders["torch"].embed(texts)).sum(axis=1)
    ]

    data_dir = Path(tempfile.mkdtemp(prefix="embedding-bench-"))
    copilot = Path(sys.executable).parent / "copilot"
    subprocess.run([str(copilot), "kb", "ingest", str(REPO / "knowledge_base" / "content")],
                   env={**os.environ, "COPILOT_DATA_DIR": str(data_dir)}, check=True, capture_output=True)
    rows = {}
    for backend in BACKENDS:
        out = subprocess.run([sys.executable, "-c", FIRST_ANSWER, str(data_dir), backend],
                             capture_output=True, text=True, check=True)
        seconds, rss, torch_loaded = out.stdout.split()
        rows[backend] = {
            "requests": len(timings[backend]),
            "embed_p50_ms": round(percentile(timings[backend], 50), 1),
            "embed_p95_ms": round(percentile(timings[backend], 95), 1),
            "first_answer_s": round(float(seconds), 2),
            "peak_rss_mb": int(rss),
            "torch_imported": torch_loaded == "True",
        }
    keys = list(rows["onnx"])
    print("| backend | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for backend, row in rows.items():
        print(f"| {backend} | " + " | ".join(str(row[k]) for k in keys) + " |")
    print(f"lowest cosine between the backends over {len(cosines)} texts: {min(cosines):.7f}; "
          f"texts per request: mean {np.mean([len(g) for g in groups]):.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"backends": rows, "min_cosine": min(cosines), "texts": len(cosines)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
