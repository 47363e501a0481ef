from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli import app
from tests.conftest import FIXTURE_DOCS

runner = CliRunner()


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_EMBEDDING_MODEL", "hashing-128")
    monkeypatch.setenv("COPILOT_LLM_PROVIDER", "extractive")
    monkeypatch.delenv("COPILOT_QDRANT_URL", raising=False)
    kb = tmp_path / "kb.jsonl"
    kb.write_text("\n".join(d.model_dump_json() for d in FIXTURE_DOCS), encoding="utf-8")
    assert runner.invoke(app, ["kb", "ingest", str(kb)]).exit_code == 0


def _conversation(tmp_path: Path, turns: list[dict[str, str]]) -> Path:
    path = tmp_path / "conversation.json"
    path.write_text(json.dumps({"id": "case-1", "conversation": turns, "surface": "agent"}), encoding="utf-8")
    return path


def test_suggest_json(tmp_path: Path) -> None:
    path = _conversation(tmp_path, [{"role": "customer", "text": "How can I cancel a direct debit?"}])
    result = runner.invoke(app, ["suggest", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["provider"] == "extractive"
    assert data["prompt"] == {"id": "suggest_reply", "version": "1"}
    assert data["citations"][0]["doc_id"] == "direct-debits"


def test_answer_readable_and_stream(tmp_path: Path) -> None:
    readable = runner.invoke(app, ["answer", "How can I cancel a direct debit?"])
    assert readable.exit_code == 0
    assert "[direct-debits]" in readable.output and "Confidence:" in readable.output
    streamed = runner.invoke(app, ["answer", "How can I cancel a direct debit?", "--stream"])
    assert streamed.exit_code == 0
    assert "Direct Debit" in streamed.output


def test_summarize(tmp_path: Path) -> None:
    path = _conversation(tmp_path, [
        {"role": "customer", "text": "My card was declined at the shop"},
        {"role": "agent", "text": "I've unfrozen your card now, please try again."},
        {"role": "customer", "text": "That worked, thanks!"},
    ])
    result = runner.invoke(app, ["summarize", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "resolved"


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"conversation": [{"role": "robot", "text": "hi"}]}', encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(path)])
    assert result.exit_code == 2
    assert "conversation.0.role" in result.output
    path.write_text("{not json", encoding="utf-8")
    assert "cannot read" in runner.invoke(app, ["suggest", str(path)]).output


def test_prompts_commands() -> None:
    listed = runner.invoke(app, ["prompts", "list"])
    assert listed.exit_code == 0 and "suggest_reply" in listed.output and "current v1" in listed.output
    shown = runner.invoke(app, ["prompts", "show", "answer"])
    assert shown.exit_code == 0 and "## system" in shown.output and '"answer"' in shown.output
    assert runner.invoke(app, ["prompts", "show", "nope"]).exit_code == 1
