"""``copilot eval run | compare | gate`` through Typer, as the ``copilot`` CLI mounts it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from evals.cli import eval_app
from tests.unit.evals.test_runner_fixtures import DOCS, POISON, build_env, write_jsonl

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

app = typer.Typer()
app.add_typer(eval_app, name="eval")
runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("evals-cli")
    env = build_env(root)  # writes the KB and cases files; the CLI opens its own index
    env.close()
    return root


@pytest.fixture(autouse=True)
def _settings_env(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPILOT_DATA_DIR", str(workspace / "data"))
    monkeypatch.setenv("COPILOT_EMBEDDING_MODEL", "hashing-128")
    monkeypatch.setenv("COPILOT_LLM_PROVIDER", "extractive")
    monkeypatch.chdir(workspace)


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["eval", *args])
    return result.exit_code, result.stdout, result.stderr


def _eval_run(workspace: Path, out: str, *extra: str) -> tuple[int, str, str]:
    return _run("run", "--task", "answer", "--cases", str(workspace / "cases.jsonl"), "--kb", str(workspace / "kb"),
                "--provider", "fake", "--out", out, "--no-progress", *extra)


def test_run_prints_the_table_and_writes_the_folder(workspace: Path) -> None:
    code, out, err = _eval_run(workspace, "runs/first")
    assert code == 0, err
    assert "metric" in out and "hit@5" in out and "95% CI" in out
    assert "answer · 5 cases · fake/" in out
    assert "cached" in err
    for name in ("summary.json", "cases.jsonl", "report.md", "report.html"):
        assert (workspace / "runs" / "first" / name).exists()
    code, out, err = _eval_run(workspace, "runs/again")
    assert code == 0
    assert "5 cached" in err


def test_default_out_dir_is_timestamped(workspace: Path) -> None:
    code, _out, _ = _run("run", "--task", "retrieval", "--cases", str(workspace / "cases.jsonl"),
                        "--kb", str(workspace / "kb"), "--no-progress")
    assert code == 0
    folders = [p.name for p in (workspace / "runs").iterdir() if p.name.endswith("-retrieval")]
    assert folders and folders[0][:8].isdigit()


def test_fail_under_and_fail_over_exit_1(workspace: Path) -> None:
    code, _, err = _eval_run(workspace, "runs/gated", "--fail-under", "hit@5=1.01")
    assert code == 1
    assert "FAIL hit@5" in err
    code, out, _ = _eval_run(workspace, "runs/gated", "--fail-under", "hit@5=0", "--fail-over", "pii_leak_rate=0")
    assert code == 0
    assert "gate: passed" in out
    code, _, err = _eval_run(workspace, "runs/gated", "--fail-under", "no_such_metric=0.5")
    assert code == 1
    assert "was not computed" in err


def test_baseline_regression_exit_1(workspace: Path) -> None:
    code, _, _ = _eval_run(workspace, "runs/base")
    assert code == 0
    summary = json.loads((workspace / "runs" / "base" / "summary.json").read_text())
    better = dict(summary)
    better["metrics"] = {**summary["metrics"], "hit@5": 1.5, "pii_leak_rate": -1.0}
    (workspace / "better.json").write_text(json.dumps(better))
    code, _, err = _eval_run(workspace, "runs/cand", "--baseline", str(workspace / "better.json"))
    assert code == 1
    assert "hit@5 fell" in err and "pii_leak_rate rose" in err
    code, _, _ = _eval_run(workspace, "runs/cand", "--baseline", str(workspace / "runs" / "base"), "--max-drop", "0.02")
    assert code == 0


def test_usage_errors_exit_2(workspace: Path) -> None:
    code, _, err = _eval_run(workspace, "runs/x", "--fail-under", "hit@5")
    assert code == 2 and "metric=value" in err
    code, _, err = _run("run", "--task", "answer", "--cases", "missing.jsonl", "--provider", "fake", "--no-progress")
    assert code == 2 and "missing.jsonl" in err
    code, _, err = _eval_run(workspace, "runs/x", "--baseline", "nowhere")
    assert code == 2
    code, _, _ = _run("run", "--task", "translate", "--cases", "x.jsonl")
    assert code == 2


def test_unconfigured_judge_fails_before_drafting(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "COPILOT_OPENAI_API_KEY", "COPILOT_OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = _eval_run(workspace, "runs/judged", "--judge", "openai")
    assert code == 2
    assert "openai" in err
    assert not (workspace / "runs" / "judged").exists()


def test_compare_writes_html(workspace: Path) -> None:
    assert _eval_run(workspace, "runs/cmp-a")[0] == 0
    code, _, _ = _run("run", "--task", "answer", "--cases", str(workspace / "cases.jsonl"), "--kb",
                      str(workspace / "kb"), "--provider", "extractive", "--out", "runs/cmp-b", "--no-progress")
    assert code == 0
    code, out, _ = _run("compare", "runs/cmp-a", "runs/cmp-b", "--top", "2")
    assert code == 0
    assert "B - A" in out and "paired" in out
    assert (workspace / "runs" / "cmp-b" / "compare.html").exists()
    code, _, _err = _run("compare", "runs/cmp-a", "runs/none")
    assert code == 2


def test_gate_runs_suites_and_updates_baselines(workspace: Path) -> None:
    write_jsonl(workspace / "gatekb" / "docs.jsonl", DOCS)
    write_jsonl(workspace / "gatekb" / "poison.jsonl", POISON)
    thresholds = {
        "root": ".",
        "max_drop": 0.02,
        "defaults": {"cases": "cases.jsonl", "kb": ["gatekb"], "settings": {"embedding_model": "hashing-128"}},
        "suites": {
            "unit-answer": {"task": "answer", "provider": "fake", "baseline": "baselines/unit-answer.json",
                            "fail_under": {"hit@5": 0.0}, "fail_over": {"error_rate": 0}},
            "unit-summary": {"task": "summary", "provider": "extractive", "cases": "summaries.jsonl",
                             "baseline": "baselines/unit-summary.json", "fail_under": {"rouge1": 0.0}},
        },
    }
    path = workspace / "thresholds.yaml"
    path.write_text(yaml.safe_dump(thresholds))
    code, out, _ = _run("gate", "--thresholds", str(path), "--out", "runs/gate", "--no-progress",
                        "--update-baselines")
    assert code == 0
    assert "baseline written" in out
    assert (workspace / "baselines" / "unit-answer.json").exists()
    code, out, _ = _run("gate", "--thresholds", str(path), "--out", "runs/gate2", "--no-progress")
    assert code == 0, out
    assert out.count("PASS") == 2
    thresholds["suites"]["unit-answer"]["fail_under"] = {"hit@5": 1.01}
    path.write_text(yaml.safe_dump(thresholds))
    code, out, _ = _run("gate", "--thresholds", str(path), "--suite", "unit-answer", "--no-progress")
    assert code == 1
    assert "FAIL unit-answer" in out
    code, _, err = _run("gate", "--thresholds", str(path), "--suite", "nope")
    assert code == 2 and "unknown suite" in err
