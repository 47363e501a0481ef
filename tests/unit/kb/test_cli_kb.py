from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli import app
from tests.conftest import CANARY

runner = CliRunner()

DOCS = [
    {"id": "card-delivery", "title": "Card delivery", "text": "Your new card arrives in 3 to 5 working days.",
     "audience": "public"},
    {"id": "direct-debits", "title": "Direct debits", "text": "Cancel a direct debit in the app under Payments.",
     "audience": "public"},
    {"id": "proc-secret", "title": "Fraud thresholds", "text": f"Internal: {CANARY} card fraud thresholds."},
]


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_EMBEDDING_MODEL", "hashing-128")
    monkeypatch.delenv("COPILOT_QDRANT_URL", raising=False)


def _kb(tmp_path: Path, extra: list[str] | None = None) -> Path:
    path = tmp_path / "kb.jsonl"
    path.write_text("\n".join([json.dumps(d) for d in DOCS] + (extra or [])) + "\n", encoding="utf-8")
    return path


def test_ingest_then_nothing_changed(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    first = runner.invoke(app, ["kb", "ingest", str(kb)])
    assert first.exit_code == 0, first.output
    assert "3 added" in first.output
    second = runner.invoke(app, ["kb", "ingest", str(kb)])
    assert second.exit_code == 0
    assert "Nothing changed" in second.output and "nothing embedded" in second.output


def test_ingest_with_bad_lines_exits_non_zero_with_file_and_line(tmp_path: Path) -> None:
    kb = _kb(tmp_path, extra=["{oops", json.dumps({"id": "x", "text": "no title"})])
    result = runner.invoke(app, ["kb", "ingest", str(kb), "--json"])
    assert result.exit_code == 1
    assert f"{kb}:4: malformed JSON" in result.output
    assert f"{kb}:5: missing required field 'title'" in result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["documents_added"] == 3 and len(report["errors"]) == 2


def test_search_text_and_json(tmp_path: Path) -> None:
    runner.invoke(app, ["kb", "ingest", str(_kb(tmp_path))])
    text = runner.invoke(app, ["kb", "search", "cancel direct debit", "--k", "2"])
    assert text.exit_code == 0
    assert text.output.startswith("1. Direct debits  [direct-debits]")
    as_json = runner.invoke(app, ["kb", "search", f"fraud thresholds {CANARY}", "--audience", "customer", "--json"])
    hits = json.loads(as_json.stdout)
    assert hits and all(h["audience"] == "public" for h in hits)
    assert CANARY not in as_json.stdout
    agent = json.loads(runner.invoke(app, ["kb", "search", "fraud thresholds", "--audience", "agent", "--json"]).stdout)
    assert agent[0]["doc_id"] == "proc-secret"


def test_search_on_empty_index_explains(tmp_path: Path) -> None:
    result = runner.invoke(app, ["kb", "search", "anything"])
    assert result.exit_code == 1
    assert "copilot kb ingest" in result.output


def test_eval_json_has_exactly_the_keys(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(c)
            for c in [
                {"id": "1", "conversation": [{"role": "customer", "text": "when does my new card arrive"}],
                 "relevant_doc_ids": ["card-delivery"]},
                {"id": "2", "conversation": [{"role": "customer", "text": "cancel a direct debit"}],
                 "relevant_doc_ids": ["direct-debits"]},
                {"id": "3", "conversation": [{"role": "customer", "text": "no label"}]},
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["kb", "eval", "--kb", str(_kb(tmp_path)), "--cases", str(cases), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert set(metrics) == {"hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10", "latency_ms_p50", "latency_ms_p95", "cases"}
    assert metrics["cases"] == 2
    assert metrics["hit@1"] == 1.0
    # the throwaway index is cached by content hash
    assert len(list((tmp_path / "data" / "eval-indexes").iterdir())) == 1
    again = runner.invoke(app, ["kb", "eval", "--kb", str(_kb(tmp_path)), "--cases", str(cases)])
    assert again.exit_code == 0 and "mrr@10" in again.output
    assert len(list((tmp_path / "data" / "eval-indexes").iterdir())) == 1


def test_prepare_model_names_the_model_and_backend() -> None:
    result = runner.invoke(app, ["kb", "prepare-model"])
    assert result.exit_code == 0, result.output
    assert "model hashing-128: 128 dimensions, backend none (deterministic fake)" in result.output
