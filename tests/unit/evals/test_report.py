"""Report rendering: the terminal/Markdown metrics table, the self-contained HTML with embedded PNG
charts, worst cases side by side with their references, and HTML escaping of model output."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from evals.report import format_metrics_table, render_markdown, worst_cases, write_reports

SUMMARY: dict[str, Any] = {
    "task": "answer", "cases": 3, "provider": "fake", "model": "m", "prompt": {"id": "answer", "version": "1"},
    "git_sha": "abc", "metrics": {"hit@5": 0.667, "answer_token_f1": 0.4, "pii_leak_rate": 0.0, "latency_ms": 12.0,
                                  "handoff_f1": 0.5},
    "ci": {"hit@5": {"mean": 0.667, "low": 0.0, "high": 1.0, "n": 3},
           "answer_token_f1": {"mean": 0.4, "low": 0.2, "high": 0.6, "n": 3},
           "pii_leak_rate": {"mean": 0.0, "low": 0.0, "high": 0.0, "n": 1},
           "latency_ms": {"mean": 12.0, "low": 10.0, "high": 14.0, "n": 3},
           "handoff_f1": {"mean": 0.5, "low": 0.0, "high": 1.0, "n": 3}},
    "latency_ms": {"p50": 11.0, "p95": 14.0, "mean": 12.0},
    "handoff": {"matrix": [[1, 1], [0, 1]], "labels": ["no_handoff", "handoff"],
                "reason_labels": ["no_handoff", "customer_request"],
                "reasons": {"no_handoff": {"no_handoff": 1, "customer_request": 1},
                            "customer_request": {"no_handoff": 0, "customer_request": 1}}},
    "counts": {"cached": 1, "errors": 0, "skipped": {}}, "kb": {"source": ["kb"], "fingerprint": "f", "documents": 3},
}


def _record(i: int, f1: float, text: str, findings: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": f"c-{i}", "task": "answer", "surface": "customer",
        "input": {"conversation": [{"role": "customer", "text": f"question {i}"}]},
        "labels": {"reference_answer": f"reference answer {i}", "reference_reply": f"reference reply {i}",
                   "relevant_doc_ids": ["doc-a"], "expected_handoff": False},
        "output": {"text": text, "provider": "fake", "citations": [{"doc_id": "doc-a"}], "handoff": {"needed": False}},
        "retrieved": ["doc-a", "doc-b"], "metrics": {"answer_token_f1": f1, "latency_ms": 10.0 + i},
        "findings": findings or [], "error": None,
    }


RECORDS = [
    _record(0, 0.9, "a good answer"),
    _record(1, 0.1, "<script>alert('x')</script> a poor answer", ["canary in output"]),
    _record(2, 0.2, "a so-so answer"),
]


def test_terminal_and_markdown_tables() -> None:
    text = format_metrics_table(SUMMARY)
    assert text.splitlines()[0].split() == ["metric", "value", "95%", "CI", "n", "better"]
    assert "hit@5" in text and "[0.000, 1.000]" in text
    assert "latency p50 / p95 (ms)" in text
    markdown = format_metrics_table(SUMMARY, markdown=True)
    lines = markdown.splitlines()
    assert lines[0] == "| metric | value | 95% CI | n | better |"
    assert lines[1].startswith("|---")
    assert any(line.startswith("| pii_leak_rate | 0.000 |") and "lower" in line for line in lines)
    # Retrieval first, then text, handoff, safety: the registry's report order.
    order = [line.split("|")[1].strip() for line in lines[2:]]
    assert order.index("hit@5") < order.index("answer_token_f1") < order.index("handoff_f1") < order.index(
        "pii_leak_rate"
    )


def test_worst_cases_by_primary_metric() -> None:
    metric, worst = worst_cases(RECORDS, "answer", 2)
    assert metric == "answer_token_f1"
    assert [r["id"] for r in worst] == ["c-1", "c-2"]


def test_reports_embed_charts_and_show_cases(tmp_path: Path) -> None:
    write_reports(tmp_path, SUMMARY, RECORDS, worst=2)
    html = (tmp_path / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 3  # metric bars, latency histogram, handoff matrices
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")
    assert "<script>alert" not in html  # model output is escaped
    assert "&lt;script&gt;" in html
    assert "reference answer 1" in html
    assert "canary in output" in html
    markdown = (tmp_path / "report.md").read_text()
    assert "| metric | value | 95% CI | n | better |" in markdown
    assert "![Metrics](charts/metrics.png)" in markdown
    assert (tmp_path / "charts" / "metrics.png").read_bytes().startswith(b"\x89PNG")
    assert "## Worst 2 cases by answer_token_f1" in markdown
    assert "### c-1" in markdown
    assert "| handoff | 0 | 1 |" in markdown


def test_markdown_without_charts_or_labels() -> None:
    summary = {**SUMMARY, "handoff": None, "ci": {}, "metrics": {"error_rate": 0.0}}
    text = render_markdown(summary, [], {}, worst=5)
    assert text.startswith("# Eval run: answer")
    assert "Worst" not in text
