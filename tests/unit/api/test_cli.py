"""``copilot serve``, ``copilot feedback export`` and ``copilot keys new`` (mounted as the entry points will)."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import api.cli
from api.cli import ensure_dev_keys, feedback_app, keys_app, serve_app
from api.settings import hash_key
from tests.conftest import FIXTURE_DOCS

CONVERSATION = {"conversation": [{"role": "customer", "text": "My new debit card has not arrived"}]}


def copilot_cli() -> typer.Typer:
    """The ``copilot`` command as ``copilot.cli`` assembles it from the ``copilot.commands`` entry points."""
    root = typer.Typer()
    root.add_typer(serve_app, name="serve")
    root.add_typer(feedback_app, name="feedback")
    root.add_typer(keys_app, name="keys")
    return root


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A clean environment: data dir and sources in tmp_path, hashing embeddings, no LLM, no keys."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("COPILOT_"):
            monkeypatch.delenv(name)
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "docs.jsonl").write_text("\n".join(d.model_dump_json() for d in FIXTURE_DOCS) + "\n", encoding="utf-8")
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_EMBEDDING_MODEL", "hashing-128")
    monkeypatch.setenv("COPILOT_LLM_PROVIDER", "extractive")
    monkeypatch.setenv("COPILOT_API_KB_SOURCES", json.dumps([str(sources)]))
    monkeypatch.setenv("COPILOT_API_LOG_JSON", "false")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield tmp_path / "data"
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(api.cli, "_run_uvicorn", lambda app, **options: calls.append((app, options)))
    return calls


def test_dev_keys_are_created_once_with_mode_600(tmp_path: Path) -> None:
    keys = ensure_dev_keys(tmp_path / "data")
    path = tmp_path / "data" / "dev-keys.json"
    assert set(keys) == set(api.cli.SCOPES) and len(set(keys.values())) == len(api.cli.SCOPES)
    assert all(len(k) >= 40 for k in keys.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_dev_keys(tmp_path / "data") == keys
    path.chmod(0o644)
    assert ensure_dev_keys(tmp_path / "data") == keys and stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("[]")
    with pytest.raises(ValueError, match="not a development key file"):
        ensure_dev_keys(tmp_path / "data")


def test_serve_sets_up_ingests_prints_and_runs(env: Path, started: list[tuple[Any, dict[str, Any]]]) -> None:
    result = CliRunner().invoke(copilot_cli(), ["serve", "--port", "8123"])

    assert result.exit_code == 0, result.output
    assert "Knowledge base updated: 7 added" in result.output
    assert "Support copilot API: http://127.0.0.1:8123" in result.output
    assert "Docs:                http://127.0.0.1:8123/docs" in result.output
    keys = json.loads((env / "dev-keys.json").read_text())
    for scope, key in keys.items():
        assert f"{scope:<9} {key}" in result.output
    [(app, options)] = started
    assert options == {"host": "127.0.0.1", "port": 8123, "log_config": None, "access_log": False}
    with TestClient(app) as client:  # the app serves with the printed keys, holding only their hashes
        response = client.post("/v1/suggestions", json=CONVERSATION, headers={"X-API-Key": keys["agent"]})
        assert response.status_code == 200, response.text
        assert response.json()["provider"] == "extractive"
        assert client.post("/v1/answers", json={"question": "card?"}, headers={"X-API-Key": keys["agent"]}).status_code == 403
        configured = client.app.state.services.api.keys  # type: ignore[attr-defined]
        assert {k.sha256 for k in configured} == {hash_key(k) for k in keys.values()}

    again = CliRunner().invoke(copilot_cli(), ["serve", "--port", "8123"])
    assert again.exit_code == 0, again.output
    assert "Knowledge base up to date: 7 documents" in again.output
    assert json.loads((env / "dev-keys.json").read_text()) == keys


def test_serve_with_reload_hands_over_hashes_only(env: Path, started: list[tuple[Any, dict[str, Any]]],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_API_KEYS", "[]")
    result = CliRunner().invoke(copilot_cli(), ["serve", "--reload", "--no-ingest", "--host", "0.0.0.0"])

    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000" in result.output and "Knowledge base" not in result.output
    [(target, options)] = started
    assert target == "api.app:app_from_env" and options["factory"] is True and options["reload"] is True
    assert options["host"] == "0.0.0.0"
    handed = os.environ["COPILOT_API_KEYS"]
    keys = json.loads((env / "dev-keys.json").read_text())
    assert all(key not in handed for key in keys.values())
    assert {entry["sha256"] for entry in json.loads(handed)} == {hash_key(k) for k in keys.values()}


def test_serve_refuses_production_without_keys(env: Path, started: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_ENVIRONMENT", "production")
    result = CliRunner().invoke(copilot_cli(), ["serve", "--no-ingest"])
    assert result.exit_code == 2
    assert "no API keys configured" in result.output
    assert not started and not (env / "dev-keys.json").exists()


def test_serve_uses_configured_keys_and_writes_no_dev_keys(
    env: Path, started: list[tuple[Any, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = {"name": "desk", "sha256": hash_key("configured"), "scopes": ["agent"]}
    monkeypatch.setenv("COPILOT_API_KEYS", json.dumps([entry]))
    result = CliRunner().invoke(copilot_cli(), ["serve", "--no-ingest"])
    assert result.exit_code == 0, result.output
    assert "Development API keys" not in result.output and not (env / "dev-keys.json").exists()


def test_multiple_workers_need_a_qdrant_server(env: Path, started: list[Any]) -> None:
    result = CliRunner().invoke(copilot_cli(), ["serve", "--workers", "2"])
    assert result.exit_code == 2 and not started
    [line] = result.stderr.strip().splitlines()
    assert line == (
        f"error: --workers 2 needs a Qdrant server: the embedded index in {env / 'qdrant-edge'} opens in one "
        "process at a time, so set COPILOT_QDRANT_URL to a Qdrant server or run with --workers 1."
    )
    assert not (env / "qdrant-edge").exists()  # refused before anything was set up


def test_serve_keeps_a_service_record_while_it_runs(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []

    def run(app: Any, **options: Any) -> None:
        seen.append(json.loads((env / "service.json").read_text()))

    monkeypatch.setattr(api.cli, "_run_uvicorn", run)
    result = CliRunner().invoke(copilot_cli(), ["serve", "--port", "8124"])
    assert result.exit_code == 0, result.output
    [record] = seen
    assert record["url"] == "http://127.0.0.1:8124" and record["pid"] == os.getpid()
    assert record["index"] == str((env / "qdrant-edge").resolve())
    assert record["kb_sources"] == [str((env.parent / "sources").resolve())]
    assert not (env / "service.json").exists()  # gone once the server has stopped


def test_serve_refuses_a_data_dir_whose_index_is_held(env: Path, started: list[Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from copilot.cli import remote
    from knowledge_base.config import RetrievalConfig
    from knowledge_base.index import QdrantIndex, open_client

    config = RetrievalConfig(data_dir=env, embedding_model="hashing-128")
    holder = open_client(config)
    QdrantIndex(holder, "kb", 128).ensure()
    try:
        held = CliRunner().invoke(copilot_cli(), ["serve"])
        assert held.exit_code == 2 and not started
        assert held.stderr.startswith(f"error: the index in {env / 'qdrant-edge'} is in use by another process")
        # A live service on it: the second one names it instead.
        (env / "service.json").write_text(json.dumps({
            "url": "http://127.0.0.1:8000", "pid": os.getppid(), "index": str((env / "qdrant-edge").resolve()),
            "kb_sources": [], "started_at": "2026-01-01T00:00:00+00:00"}))
        monkeypatch.setattr(remote, "_healthy", lambda url, timeout_s: True)
        second = CliRunner().invoke(copilot_cli(), ["serve"])
    finally:
        holder.close()
    assert second.exit_code == 2 and not started
    assert second.stderr.strip() == (
        f"error: a copilot service is already running on {env} (pid {os.getppid()}, http://127.0.0.1:8000): "
        "use it, stop it first, or give this one its own COPILOT_DATA_DIR."
    )


def test_feedback_export_writes_sent_replies(env: Path, started: list[tuple[Any, dict[str, Any]]]) -> None:
    CliRunner().invoke(copilot_cli(), ["serve"])
    [(app, _)] = started
    keys = json.loads((env / "dev-keys.json").read_text())
    agent = {"X-API-Key": keys["agent"]}
    with TestClient(app) as client:
        ids = [client.post("/v1/suggestions", json=CONVERSATION, headers=agent).json()["id"] for _ in range(3)]
        client.post("/v1/feedback", json={"interaction_id": ids[0], "verdict": "accepted"}, headers=agent)
        client.post("/v1/feedback", json={"interaction_id": ids[1], "verdict": "edited",
                                          "edited_text": "I've ordered you a replacement card."}, headers=agent)
        client.post("/v1/feedback", json={"interaction_id": ids[2], "verdict": "rejected"}, headers=agent)

    out = env.parent / "exports" / "candidates.jsonl"
    result = CliRunner().invoke(copilot_cli(), ["feedback", "export", "--out", str(out)])

    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(documents) == 2
    assert {d["kind"] for d in documents} == {"resolution"} and {d["audience"] for d in documents} == {"internal"}
    assert any("I've ordered you a replacement card." in d["text"] for d in documents)
    assert "Wrote 2 candidate resolution(s)" in result.output


def test_keys_new_prints_a_key_and_its_hash(env: Path) -> None:
    result = CliRunner().invoke(copilot_cli(), ["keys", "new", "--name", "agent-desk", "--scope", "agent"])
    assert result.exit_code == 0, result.output
    key = result.output.split("key (shown once, give it to the client): ")[1].split()[0]
    entry = json.loads(result.output.split("settings entry (add to COPILOT_API_KEYS): ")[1])
    assert entry == {"name": "agent-desk", "sha256": hash_key(key), "scopes": ["agent"], "rate_per_minute": None,
                     "burst": None}
    bad = CliRunner().invoke(copilot_cli(), ["keys", "new", "--name", "x", "--scope", "root"])
    assert bad.exit_code == 2


def test_app_from_env_reads_everything_from_the_environment(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.app import app_from_env

    monkeypatch.setenv("COPILOT_API_KEYS", json.dumps([{"name": "desk", "sha256": hash_key("k1"), "scopes": ["agent"]}]))
    with TestClient(app_from_env()) as client:
        assert client.get("/v1/kb/search?q=card", headers={"X-API-Key": "k1"}).status_code == 200
        assert client.get("/v1/kb/search?q=card", headers={"X-API-Key": "k2"}).status_code == 401
