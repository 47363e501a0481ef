"""CLI commands that need the index, beside a service that holds it: they go through its API, or stop
with one sentence that says what to do."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import copilot.cli.kb
from copilot.cli import app, main
from evals.cli import eval_app
from knowledge_base.config import RetrievalConfig
from knowledge_base.index import QdrantIndex, open_client
from knowledge_base.service import KnowledgeBase
from tests.unit.api.conftest import ROOT_KEY
from tests.unit.cli.conftest import route_http_to, write_record

CONVERSATION = {"conversation": [{"role": "customer", "text": "My new debit card has not arrived"},
                                 {"role": "agent", "text": "I have ordered a replacement card."}]}
REPO = Path(__file__).resolve().parents[3]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_search_goes_through_the_service_with_the_audience_key(service: TestClient) -> None:
    code, out, err = run("kb", "search", "fraud escalation card", "--json", "--k", "10")
    assert code == 0, err
    assert "Using the running service at http://testserver" in err
    customer = json.loads(out)
    assert customer and {h["audience"] for h in customer} == {"public"}
    assert set(customer[0]) == {"doc_id", "title", "url", "kind", "audience", "tags", "score", "similarity", "passages"}
    code, out, err = run("kb", "search", "fraud escalation card", "--audience", "agent", "--json", "--k", "10")
    assert code == 0, err
    assert "proc-fraud-escalation" in {h["doc_id"] for h in json.loads(out)}
    code, out, _ = run("kb", "search", "when will my card arrive", "--kind", "article", "--k", "1")
    assert code == 0 and out.startswith("1. When will my card arrive?  [card-delivery]")


def test_search_never_shows_one_audience_results_as_another(service: TestClient) -> None:
    code, out, err = run("kb", "search", "card", "--api-key", ROOT_KEY)  # the root key searches as an agent
    assert code == 1 and not out
    assert "the service searched as agent, not customer" in err


def test_ingesting_the_service_sources_starts_its_reindex(service: TestClient, kb_sources: list[Path]) -> None:
    code, out, err = run("kb", "ingest", str(kb_sources[0]))
    assert code == 0, err
    assert "started by the service at http://testserver" in out
    assert "Rebuilt kb_v" in out and "Index holds 7 chunks." in out
    code, out, err = run("kb", "ingest", str(kb_sources[0] / "docs.jsonl"), "--json")  # a file inside a source
    assert code == 0, err
    report = json.loads(out)
    assert report["rebuilt"] is True and report["chunks_in_index"] == 7 and report["errors"] == []


def test_other_documents_are_upserted_and_rejected_ones_reported(service: TestClient, tmp_path: Path) -> None:
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "cheques", "title": "Paying in cheques", "kind": "article",
                                 "audience": "public", "text": "We do not accept cheques at all."}) + "\n"
                     + json.dumps({"id": "broken"}) + "\n", encoding="utf-8")
    code, out, err = run("kb", "ingest", str(extra))
    assert code == 1
    assert "1 created, 0 updated, 0 unchanged; kept as API-managed documents" in out
    assert "extra.jsonl:2" in err and "1 document(s) rejected" in out
    code, out, _ = run("kb", "search", "paying in cheques", "--json", "--k", "1")
    assert code == 0 and json.loads(out)[0]["doc_id"] == "cheques"
    code, out, err = run("kb", "ingest", str(extra), "--rebuild")
    assert code == 1 and "rebuilds its own sources only" in err and "without --rebuild" in err


def test_pipelines_and_triage_go_through_the_service(service: TestClient, tmp_path: Path) -> None:
    conversation = tmp_path / "conversation.json"
    conversation.write_text(json.dumps(CONVERSATION), encoding="utf-8")
    code, out, err = run("summarize", str(conversation), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["id"] and summary["issue"] and summary["triage"]["intent"]  # stored, and triaged by the service

    ask = tmp_path / "ask.json"
    ask.write_text(json.dumps({"conversation": CONVERSATION["conversation"][:1]}), encoding="utf-8")
    code, out, err = run("suggest", str(ask), "--stream")
    assert code == 0, err
    assert "[card-delivery]" in out and "Confidence:" in out

    code, out, err = run("answer", "How long does a new card take?", "--json")
    assert code == 0, err
    assert json.loads(out)["answer"]

    code, out, err = run("triage", "a man from your fraud team says to move my savings", "--json")
    assert code == 0, err
    assert json.loads(out)["handoff"]["needed"] is True


def test_a_missing_key_is_one_sentence(service: TestClient, data_dir: Path) -> None:
    (data_dir / "dev-keys.json").unlink()
    code, out, err = run("kb", "search", "card")
    assert code == 1 and not out
    assert err.strip().splitlines()[-1].startswith("error: no API key with the 'customer' scope")


def _hold_index(data_dir: Path) -> KnowledgeBase:
    """Another opener of the data dir's embedded index (the lock is per open, so one process will do)."""
    config = RetrievalConfig(data_dir=data_dir, embedding_model="hashing-128")
    kb = KnowledgeBase(config, client=open_client(config))
    QdrantIndex(kb.client, "kb", kb.embedder.dim).ensure()
    return kb


@pytest.mark.parametrize("command", [
    ["kb", "search", "card"],
    ["kb", "ingest", "docs.jsonl"],
    ["summarize", "conversation.json"],
    ["triage", "my card has not arrived"],
])
def test_a_held_index_without_a_service_stops_with_what_to_do(data_dir: Path, command: list[str]) -> None:
    (data_dir.parent / "conversation.json").write_text(json.dumps(CONVERSATION), encoding="utf-8")
    holder = _hold_index(data_dir)
    try:
        code, out, err = run(*command)
    finally:
        holder.close()
    assert code == 1 and not out
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: the index in {data_dir / 'qdrant-edge'} is in use by another process")
    assert "--api-url" in line and "COPILOT_QDRANT_URL" in line


def test_a_service_still_starting_is_named(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    route_http_to(monkeypatch, httpx.MockTransport(lambda request: httpx.Response(503)))
    write_record(data_dir, [], pid=os.getppid())  # alive, holding the index, not answering yet
    holder = _hold_index(data_dir)
    try:
        code, _, err = run("kb", "search", "card")
    finally:
        holder.close()
    assert code == 1
    assert f"held by the copilot service (pid {os.getppid()}, http://testserver), which is not answering yet" in err


def test_any_command_that_meets_a_held_index_says_so_in_one_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(copilot.cli.kb, "ensure_index_free", lambda settings: None)  # the index taken just after
    monkeypatch.setattr(sys, "argv", ["copilot", "kb", "search", "card"])
    holder = _hold_index(data_dir)
    try:
        with pytest.raises(SystemExit) as raised:
            main()
    finally:
        holder.close()
    assert raised.value.code == 1
    assert capsys.readouterr().err.startswith(f"error: the index in {data_dir / 'qdrant-edge'} is in use")


def test_evals_beside_the_service(service: TestClient, kb_sources: list[Path], tmp_path: Path) -> None:
    holder = _hold_index(service.app.state.services.settings.data_dir)  # type: ignore[attr-defined]
    try:
        reply = CliRunner().invoke(eval_app, ["run", "--task", "reply", "--cases", str(REPO / "evals/datasets/golden.jsonl")])
        assert reply.exit_code == 2
        assert "held by the running service at http://testserver: evaluate that service with --api-url" in reply.stderr
        retrieval = CliRunner().invoke(eval_app, ["run", "--task", "retrieval", "--cases", "x.jsonl"])
        assert retrieval.exit_code == 2 and "--api-url" not in retrieval.stderr and "--kb" in retrieval.stderr
        out = tmp_path / "run"
        summary = CliRunner().invoke(eval_app, [
            "run", "--task", "summary", "--cases", str(REPO / "evals/datasets/summaries.jsonl"), "--limit", "2",
            "--no-progress", "--out", str(out), "--provider", "extractive",
        ])
    finally:
        holder.close()
    assert summary.exit_code == 0, summary.output
    assert "throwaway index of its sources" in summary.stderr
    written = json.loads((out / "summary.json").read_text())
    assert written["cases"] == 2 and written["kb"]["source"] == ["sources"]  # the service's, shown from the cwd
