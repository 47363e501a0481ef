"""``copilot triage`` and ``copilot eval run --task triage`` end to end on the hashing embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from copilot.cli.triage import triage_app
from evals.cli import eval_app

DATASETS = Path(__file__).resolve().parents[3] / "evals" / "datasets"
app = typer.Typer()
app.add_typer(triage_app, name="triage")
app.add_typer(eval_app, name="eval")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_EMBEDDING_MODEL", "hashing-128")
    monkeypatch.setenv("COPILOT_LLM_PROVIDER", "extractive")
    monkeypatch.chdir(tmp_path)


def _intent_file(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"conversation": [{"role": "customer", "text": t}], "intent": i}) + "\n"
                            for t, i in rows), encoding="utf-8")
    return path


def test_intent_eval_prints_exactly_one_json_object_and_caches(tmp_path: Path) -> None:
    train = _intent_file(tmp_path / "train.jsonl", [
        ("my card has not arrived yet", "card_arrival"), ("still waiting for my new card", "card_arrival"),
        ("where is my card, ordered it last week", "card_arrival"), ("what is the exchange rate", "exchange_rate"),
        ("how much is a euro in pounds", "exchange_rate"), ("which rate do you use for dollars", "exchange_rate"),
    ])
    cases = _intent_file(tmp_path / "cases.jsonl", [
        ("my new card hasn't come", "card_arrival"), ("what exchange rate do you give", "exchange_rate")])
    first = runner.invoke(app, ["triage", "eval", "--train", str(train), "--cases", str(cases), "--json"])
    assert first.exit_code == 0, first.output
    result = json.loads(first.stdout)
    assert set(result) == {"accuracy", "macro_f1", "latency_ms_p50", "latency_ms_p95", "cases"}
    assert result["cases"] == 2 and 0.0 <= result["accuracy"] <= 1.0
    assert list((tmp_path / "data" / "triage-eval").glob("*.npz"))
    again = runner.invoke(app, ["triage", "eval", "--train", str(train), "--cases", str(cases)])
    assert again.exit_code == 0 and "(model from cache)" in again.stdout


def test_intent_eval_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"conversation": [{"role": "customer", "text": "hi"}], "intent": "no_such_intent"}\n')
    result = runner.invoke(app, ["triage", "eval", "--train", str(bad), "--cases", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:1: unknown intent" in result.stderr
    missing = runner.invoke(app, ["triage", "eval", "--train", str(tmp_path / "nope.jsonl"), "--cases", str(bad)])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_classify_is_the_default_command() -> None:
    result = runner.invoke(app, ["triage", "Can I speak to a real person please", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["handoff"]["needed"] and body["model_version"]
    plain = runner.invoke(app, ["triage", "how do I freeze my card?"])
    assert plain.exit_code == 0 and "intent:" in plain.stdout and "handoff:" in plain.stdout


def test_eval_task_triage_writes_a_run_folder(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join((DATASETS / "triage_test.jsonl").read_text().splitlines(keepends=True)[:40]))
    out = tmp_path / "run"
    result = runner.invoke(app, ["eval", "run", "--task", "triage", "--cases", str(cases), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["cases"] == 40 and summary["task"] == "triage"
    assert all(0.0 <= v <= 1.0 for v in summary["metrics"].values())
    assert set(summary["calibration"]) == set(summary["per_risk"])
    assert len((out / "cases.jsonl").read_text().splitlines()) == 40
    report = (out / "report.html").read_text()
    assert "reliability diagram" in report and "data:image/png;base64," in report
    bounded = runner.invoke(app, ["eval", "run", "--task", "triage", "--cases", str(cases), "--out", str(out),
                                  "--fail-under", "customer_handoff_recall=1.01"])
    assert bounded.exit_code == 1
