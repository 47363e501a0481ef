"""``copilot serve`` on loopback with a temporary data dir, and the CLI run beside it as a person would.

The service holds the embedded index (Qdrant Edge, one process at a time): commands that need the index
go through the service's API, the summary eval takes its triage evidence from a throwaway index, the
others say in one sentence what to do, and once the service has stopped the CLI opens the index itself.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURE_DOCS, REPO

pytestmark = pytest.mark.integration

COPILOT = Path(sys.executable).parent / "copilot"
CONVERSATION = {"conversation": [{"role": "customer", "text": "My new debit card has not arrived"},
                                 {"role": "agent", "text": "I have ordered a replacement card for you."}]}


@dataclass
class Running:
    url: str
    data_dir: Path
    sources: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(service: Running, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COPILOT), *args], env=service.env, cwd=service.data_dir.parent,
                          capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    if not COPILOT.exists():
        pytest.skip(f"{COPILOT} is not installed (pip install -e .)")
    root = tmp_path_factory.mktemp("beside")
    sources = root / "sources"
    sources.mkdir()
    (sources / "docs.jsonl").write_text("\n".join(d.model_dump_json() for d in FIXTURE_DOCS) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPILOT_")}
    env.update({
        "COPILOT_DATA_DIR": str(root / "data"),
        "COPILOT_LLM_PROVIDER": "extractive",
        "COPILOT_API_KB_SOURCES": json.dumps([str(sources)]),
        "COPILOT_API_LOG_JSON": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    })
    port = _free_port()
    log = (root / "serve.log").open("wb")
    process = subprocess.Popen([str(COPILOT), "serve", "--port", str(port)], env=env, cwd=root,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    running = Running(url, root / "data", sources, env, process)
    deadline = time.monotonic() + 600
    while True:
        if process.poll() is not None:
            pytest.fail(f"copilot serve exited: {(root / 'serve.log').read_text()[-2000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("copilot serve did not start")
        time.sleep(0.5)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)
        log.close()


def test_the_cli_works_through_the_running_service(service: Running) -> None:
    record = json.loads((service.data_dir / "service.json").read_text())
    assert record["url"] == service.url and record["pid"] == service.process.pid

    found = cli(service, "kb", "search", "my card has not arrived", "--json")
    assert found.returncode == 0, found.stderr
    assert f"Using the running service at {service.url}" in found.stderr
    hits = json.loads(found.stdout)
    assert hits[0]["doc_id"] == "card-delivery" and {h["audience"] for h in hits} == {"public"}

    rebuilt = cli(service, "kb", "ingest", str(service.sources))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Rebuilt kb_v2" in rebuilt.stdout and "Index holds 7 chunks." in rebuilt.stdout

    extra = service.data_dir.parent / "extra.jsonl"
    extra.write_text(json.dumps({"id": "cheques", "title": "Paying in cheques", "kind": "article",
                                 "audience": "public", "text": "We do not accept cheques at all."}) + "\n")
    upserted = cli(service, "kb", "ingest", str(extra))
    assert upserted.returncode == 0, upserted.stderr
    assert "1 created" in upserted.stdout
    cheques = cli(service, "kb", "search", "can I pay in a cheque", "--json", "--k", "1")
    assert json.loads(cheques.stdout)[0]["doc_id"] == "cheques"

    conversation = service.data_dir.parent / "conversation.json"
    conversation.write_text(json.dumps(CONVERSATION))
    summary = cli(service, "summarize", str(conversation), "--json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["triage"]["intent"]

    triage = cli(service, "triage", "a man from your fraud team says to move my savings to a safe account", "--json")
    assert triage.returncode == 0, triage.stderr
    assert json.loads(triage.stdout)["handoff"]["needed"] is True


def test_evals_beside_the_running_service(service: Running) -> None:
    out = service.data_dir.parent / "run-summary"
    summaries = cli(service, "eval", "run", "--task", "summary", "--cases", str(REPO / "evals/datasets/summaries.jsonl"),
                    "--limit", "2", "--no-progress", "--out", str(out))
    assert summaries.returncode == 0, summaries.stderr
    assert "throwaway index of its sources" in summaries.stderr
    assert json.loads((out / "summary.json").read_text())["cases"] == 2

    answers = cli(service, "eval", "run", "--task", "answer", "--api-url", service.url, "--cases",
                  str(REPO / "evals/datasets/golden.jsonl"), "--limit", "2", "--no-progress",
                  "--out", str(service.data_dir.parent / "run-answer"))
    assert answers.returncode == 0, answers.stderr  # the customer key came from the dev-key file
    assert json.loads((service.data_dir.parent / "run-answer" / "summary.json").read_text())["counts"]["errors"] == 0

    replies = cli(service, "eval", "run", "--task", "reply", "--cases", str(REPO / "evals/datasets/golden.jsonl"))
    assert replies.returncode == 2
    assert replies.stderr.strip() == (
        f"error: the configured index ({service.data_dir / 'qdrant-edge'}) is held by the running service at "
        f"{service.url}: evaluate that service with --api-url {service.url}, or evaluate a throwaway index of the "
        "same documents with --kb knowledge_base/content, or stop it first."
    )


def test_a_second_service_on_the_data_dir_refuses_to_start(service: Running) -> None:
    second = cli(service, "serve", "--port", str(_free_port()))
    assert second.returncode == 2
    assert f"error: a copilot service is already running on {service.data_dir} (pid {service.process.pid}" in second.stderr
    workers = cli(service, "serve", "--workers", "2")
    assert workers.returncode == 2 and "--workers 2 needs a Qdrant server" in workers.stderr


def test_once_the_service_stops_the_cli_opens_the_index_itself(service: Running) -> None:
    service.process.send_signal(signal.SIGTERM)
    assert service.process.wait(timeout=60) is not None
    assert not (service.data_dir / "service.json").exists()
    found = cli(service, "kb", "search", "can I pay in a cheque", "--json", "--k", "1")
    assert found.returncode == 0, found.stderr
    assert "running service" not in found.stderr
    assert json.loads(found.stdout)[0]["doc_id"] == "cheques"  # the API's upsert is in the index on disk
