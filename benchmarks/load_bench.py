"""Load benchmark of ``POST /v1/suggestions`` against a running server (not a test).

Starts the API with uvicorn in a child process on a free 127.0.0.1 port, with the sample knowledge
base (the embedded index on disk), a SQLite store and a fake LLM of fixed latency, so the figures measure
the service's own overhead on top of the model: HTTP, auth, PII masking, retrieval (embedding the
query), prompt rendering, output checks, the store write and the access log. Then, for each
concurrency level, clients send requests back to back and the script reports requests/s and
p50/p95/p99 latency as a markdown table, and writes the figures as JSON.

    .venv/bin/python benchmarks/load_bench.py                      # hashing embeddings, 50 ms model
    .venv/bin/python benchmarks/load_bench.py --embeddings minilm  # the embedded default, MiniLM on CPU

The client runs in this process and the server in another, so they do not share an interpreter lock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
BENCH_KEY = "bench-agent-key-not-secret"
CONVERSATION = {
    "conversation": [
        {"role": "customer", "text": "Hi, I ordered a new debit card two weeks ago and it still hasn't come."},
        {"role": "agent", "text": "Sorry about that. Can you confirm the email address on your account?"},
        {"role": "customer", "text": "It's jo.bloggs@example.com, and I live at SW1A 1AA. Where is my card?"},
    ]
}
EMBEDDINGS = {"hashing": "hashing-384", "minilm": "all-MiniLM-L6-v2"}


# -- server (child process) -----------------------------------------------------------------------------


def _draft(call: Any) -> str:
    import re

    doc_ids = re.findall(r'<document id="([^"]+)"', "\n".join(call.texts))[:2]
    return json.dumps({
        "draft": "New debit cards arrive within 3 to 5 working days. If yours has not arrived after 7 working "
                 "days, order a replacement in the app.",
        "citations": [{"doc_id": d} for d in doc_ids],
        "confidence": 0.8,
    })


def serve(port: int, data_dir: Path, embeddings: str, latency_ms: float) -> None:
    import uvicorn

    from api.app import create_app
    from api.cli import ingest_sources
    from api.settings import ApiKey, ApiSettings, hash_key
    from copilot.llm.fake import FakeChatModel
    from copilot.llm.gateway import LLMGateway
    from copilot.logging_setup import configure_logging
    from copilot.service import Copilot
    from copilot.settings import Settings
    from copilot.store import Store, sqlite_url

    # Access lines are written (and PII-filtered) as in production, to a sink rather than the terminal.
    configure_logging("INFO", json=True, stream=open(os.devnull, "w"))  # noqa: SIM115
    settings = Settings(data_dir=data_dir, embedding_model=EMBEDDINGS[embeddings], environment="test",
                        _env_file=None)  # type: ignore[call-arg]
    api = ApiSettings(
        keys=[ApiKey(name="bench", sha256=hash_key(BENCH_KEY), scopes=frozenset({"agent"}))],
        rate_per_minute=10_000_000, rate_burst=1_000_000, _env_file=None,  # type: ignore[call-arg]
    )
    ingest_sources(settings, api)
    model = FakeChatModel(default_response=_draft, latency_s=latency_ms / 1000.0)
    copilot = Copilot.from_settings(settings, gateway=LLMGateway([model]))
    store = Store(sqlite_url(data_dir))
    app = create_app(settings, api_settings=api, copilot=copilot, store=store)
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


# -- client ---------------------------------------------------------------------------------------------


@dataclass
class Level:
    concurrency: int
    requests: int
    errors: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100.0 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


async def run_level(base_url: str, concurrency: int, total: int) -> Level:
    latencies: list[float] = []
    errors = 0
    remaining = total
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:

        async def worker() -> None:
            nonlocal remaining, errors
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                response = await client.post("/v1/suggestions", json=CONVERSATION, headers=headers)
                elapsed = time.perf_counter() - started
                if response.status_code == 200:
                    latencies.append(elapsed * 1000.0)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    latencies.sort()
    return Level(
        concurrency=concurrency,
        requests=total,
        errors=errors,
        seconds=round(seconds, 3),
        requests_per_s=round(total / seconds, 1),
        p50_ms=round(percentile(latencies, 50), 1),
        p95_ms=round(percentile(latencies, 95), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        mean_ms=round(sum(latencies) / len(latencies), 1) if latencies else float("nan"),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base_url: str, process: subprocess.Popen[bytes], timeout_s: float = 600.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} during start-up")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise TimeoutError("the server did not become ready")


def markdown(levels: list[Level], meta: dict[str, Any]) -> str:
    lines = [
        f"`POST /v1/suggestions`, fake model {meta['model_latency_ms']:g} ms, {meta['embeddings']} embeddings, "
        f"{meta['cpus']} CPUs, one uvicorn worker",
        "",
        "| concurrency | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in levels:
        lines.append(
            f"| {level.concurrency} | {level.requests} | {level.errors} | {level.requests_per_s} | "
            f"{level.p50_ms} | {level.p95_ms} | {level.p99_ms} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embeddings", choices=sorted(EMBEDDINGS), default="hashing")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="The fake model's fixed latency.")
    parser.add_argument("--concurrency", default="1,8,32", help="Comma-separated client counts.")
    parser.add_argument("--requests", type=int, default=300, help="Requests per concurrency level.")
    parser.add_argument("--warmup", type=int, default=20, help="Unmeasured requests before the first level.")
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "load_bench.json")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve(args.port, args.data_dir, args.embeddings, args.latency_ms)
        return

    levels_wanted = [int(x) for x in args.concurrency.split(",") if x.strip()]
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="copilot-bench-") as tmp:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        command = [sys.executable, __file__, "--serve", "--port", str(port), "--data-dir", tmp,
                   "--embeddings", args.embeddings, "--latency-ms", str(args.latency_ms)]
        process = subprocess.Popen(command, cwd=REPO, env=env)
        try:
            print(f"starting the server on {base_url} (ingesting the sample knowledge base)...", file=sys.stderr)
            wait_ready(base_url, process)
            asyncio.run(run_level(base_url, min(4, max(levels_wanted)), args.warmup))
            levels = []
            for concurrency in levels_wanted:
                level = asyncio.run(run_level(base_url, concurrency, args.requests))
                print(f"  concurrency {concurrency}: {level.requests_per_s} req/s, p50 {level.p50_ms} ms",
                      file=sys.stderr)
                levels.append(level)
        finally:
            process.terminate()
            process.wait(timeout=30)

    meta = {
        "endpoint": "POST /v1/suggestions",
        "embeddings": f"{args.embeddings} ({EMBEDDINGS[args.embeddings]})",
        "model_latency_ms": args.latency_ms,
        "requests_per_level": args.requests,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "benchmarks/load_bench.py", *sys.argv[1:]]),
    }
    table = markdown(levels, meta)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "levels": [asdict(x) for x in levels]}, indent=2) + "\n",
                        encoding="utf-8")
    print(f"\nwrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
