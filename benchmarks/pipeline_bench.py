"""Pipeline overhead with the LLM call excluded: a fake provider answers instantly with valid JSON.

Runs suggest (agent), answer (customer) and summarize over the golden cases against the sample
knowledge base (real MiniLM embeddings, the embedded Qdrant Edge index), and reports per pipeline the
p50/p95 of the whole request (retrieval, prompt rendering, parsing, guardrails, PII masking and restoring), the
share spent in retrieval, and the number of LLM calls per request (1 unless a repair was needed).

    .venv/bin/python benchmarks/pipeline_bench.py [--data-dir .copilot-bench] [--repeat 2]

The data dir is ingested on first use (incremental afterwards). Each pipeline starts with an empty
query-embedding cache, so on the first pass every question is embedded by the model (cold), as new
messages are; with ``--repeat 2`` a second pass reports the same requests with the embeddings cached
(warm).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from copilot.llm.fake import FakeCall, FakeChatModel
from copilot.llm.gateway import LLMGateway
from copilot.llm.policy import GatewayPolicy
from copilot.schemas import AnswerInput, ConversationInput, ReplyInput
from copilot.service import Copilot
from copilot.settings import Settings
from knowledge_base.embeddings import CachedEmbedder
from knowledge_base.metrics import percentile
from knowledge_base.service import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]


def instant_model() -> FakeChatModel:
    def reply(call: FakeCall) -> str:
        user = next(t for t in reversed(call.texts) if "<conversation>" in t)
        if '<document id="' in user:
            start = user.index('<document id="') + len('<document id="')
            doc_id = user[start : user.index('"', start)]
            body = user[user.index(">", start) + 1 : user.index("</document>", start)].strip()
            sentence = body.split(". ")[0].strip().rstrip(".") + "."
            field = "draft" if "draft replies" in call.texts[0] else "answer"
            return json.dumps({field: sentence, "citations": [{"doc_id": doc_id, "quote": sentence}],
                               "confidence": 0.8, "handoff": {"needed": False, "reason": None}})
        return json.dumps({"summary": "The customer asked about a card; the agent helped.", "issue": "card",
                           "actions_taken": ["helped"], "status": "resolved", "next_steps": [],
                           "customer_sentiment": "neutral"})

    return FakeChatModel(default_response=reply)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=REPO / ".copilot-bench")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "pipeline_bench.json")
    args = parser.parse_args()

    settings = Settings(data_dir=args.data_dir)
    kb = KnowledgeBase(settings.retrieval_config())
    kb.ingest([REPO / "knowledge_base" / "content"])
    fake = instant_model()
    copilot = Copilot.from_settings(settings, kb=kb, gateway=LLMGateway([fake], GatewayPolicy(max_retries=0)))

    datasets = REPO / "evals" / "datasets"
    cases = [json.loads(line) for line in (datasets / "golden.jsonl").read_text().splitlines()]
    summaries = [json.loads(line) for line in (datasets / "summaries.jsonl").read_text().splitlines()]
    retrieval_ms: list[float] = []
    original_search = kb.retriever.search.__func__  # type: ignore[attr-defined]

    def timed_search(self, *a, **kw):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return original_search(self, *a, **kw)
        finally:
            retrieval_ms.append((time.perf_counter() - t0) * 1000)

    copilot.reply.retriever.search = timed_search.__get__(copilot.reply.retriever)  # type: ignore[method-assign]
    copilot.suggest(ReplyInput.model_validate({"conversation": cases[0]["conversation"]}))  # warm-up

    rows = {}
    for name in ("suggest", "answer", "summarize"):
        # Cold: every query text is embedded by the model, as a new customer message would be.
        fresh = CachedEmbedder(getattr(kb.embedder, "_inner", kb.embedder), Path(tempfile.mkdtemp()) / "e.sqlite")
        copilot.reply.retriever.embedder = fresh
        copilot.reply.embed = fresh.embed
        if copilot.reply.curated is not None:
            copilot.reply.curated.embedder = fresh  # its variants stay embedded; messages start cold
        for phase in range(args.repeat):
            latencies: list[float] = []
            calls: list[int] = []
            retrieval_ms.clear()
            for case in summaries if name == "summarize" else cases:
                turns = case["conversation"]
                before = len(fake.requests)
                t0 = time.perf_counter()
                if name == "suggest":
                    copilot.suggest(ReplyInput.model_validate({"conversation": turns}))
                elif name == "answer":
                    *history, last = turns
                    copilot.answer(AnswerInput.model_validate({"question": last["text"], "history": history}))
                else:
                    copilot.summarize(ConversationInput.model_validate({"conversation": turns}))
                latencies.append((time.perf_counter() - t0) * 1000)
                calls.append(len(fake.requests) - before)
            with_llm = [c for c in calls if c]
            # The first pass embeds every question (cold); later passes find them cached (warm).
            rows[f"{name} ({'cold' if phase == 0 else 'warm'})"] = {
                "requests": len(latencies),
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
                "retrieval_p50_ms": round(percentile(retrieval_ms, 50), 1) if retrieval_ms else 0.0,
                "llm_calls_per_request_with_llm": round(statistics.mean(with_llm), 3) if with_llm else 0.0,
                "requests_without_llm_call": sum(1 for c in calls if c == 0),
            }
    keys = ["requests", "p50_ms", "p95_ms", "retrieval_p50_ms", "llm_calls_per_request_with_llm",
            "requests_without_llm_call"]
    print("| pipeline | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(str(row[k]) for k in keys) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"chunks": kb.index.count(), "pipelines": rows}, indent=2))
    copilot.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
