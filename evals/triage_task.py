"""``copilot eval run --task triage``: triage's figures on a labelled triage file, as a run folder.

The cases are labelled triage conversations (``evals/datasets/triage_test.jsonl``, the format of
``copilot/triage/data``). Each is classified with the configured model and its surface's retrieval evidence
from the sample knowledge base; the run folder holds ``summary.json`` (the figures), ``cases.jsonl`` (each
case's expected and predicted handoff, request and risk scores) and ``report.html`` with per-risk precision
and recall, the handoff and request confusion, and a reliability diagram with the expected calibration
error of every risk head.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from copilot.settings import Settings
from copilot.triage.build import CONTENT_DIR
from copilot.triage.classifier import Triage
from copilot.triage.data import load_examples
from copilot.triage.result import REQUESTS, RISKS
from copilot.triage.scoring import Score, expected_calibration_error, kb_evidence, score
from evals.charts import confusion_heatmap, reliability_diagram
from knowledge_base.embeddings import build_embedder_for


@dataclass(frozen=True)
class TriageRun:
    out_dir: Path
    summary: dict[str, Any]


def _img(png: bytes | None, alt: str) -> str:
    if png is None:
        return ""
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def calibration(result: Score) -> dict[str, float]:
    """Expected calibration error of each risk head over the cases (ten bins)."""
    out: dict[str, float] = {}
    for risk in RISKS:
        probs = [float(row["risks"][risk][0]) for row in result.rows]  # type: ignore[index]
        truth = [bool(row["risks"][risk][1]) for row in result.rows]  # type: ignore[index]
        out[risk] = expected_calibration_error(probs, truth)
    return out


def _report(result: Score, summary: dict[str, Any]) -> str:
    probs = [float(row["risks"][r][0]) for row in result.rows for r in RISKS]  # type: ignore[index]
    truth = [bool(row["risks"][r][1]) for row in result.rows for r in RISKS]  # type: ignore[index]
    handoff_labels = sorted({k.split(" -> ")[0] for k in result.confusion} | {k.split(" -> ")[1]
                                                                             for k in result.confusion})
    grid = [[result.confusion.get(f"{a} -> {b}", 0) for b in handoff_labels] for a in handoff_labels]
    risk_rows = "".join(
        f"<tr><td>{html.escape(risk)}</td><td>{f['precision']:.3f}</td><td>{f['recall']:.3f}</td>"
        f"<td>{f['f1']:.3f}</td><td>{f['support']:.0f}</td><td>{summary['calibration'][risk]:.3f}</td></tr>"
        for risk, f in result.per_risk.items()
    )
    figure_rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:.4f}</td></tr>" for k, v in result.figures.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Triage evaluation</title>
<style>body{{font-family:sans-serif;max-width:980px;margin:2em auto;color:#111}}td,th{{padding:2px 10px;
text-align:left}}table{{border-collapse:collapse}}tr:nth-child(even){{background:#f2f2f2}}</style></head><body>
<h1>Triage evaluation</h1>
<p>{summary['cases']} cases from {html.escape(summary['source'])}; model {html.escape(summary['model'])};
{html.escape(summary['created'])}.</p>
<h2>Headline</h2><table>{figure_rows}</table>
<h2>Risks</h2><table><tr><th>risk</th><th>precision</th><th>recall</th><th>F1</th><th>support</th>
<th>ECE</th></tr>{risk_rows}</table>
<h2>Calibration of the risk heads</h2>{_img(reliability_diagram(probs, truth, title="Risk heads, all risks"),
                                             "reliability diagram")}
<h2>Handoff: expected against decided</h2>{_img(confusion_heatmap(grid, handoff_labels, "Handoff reason"),
                                                 "handoff confusion matrix")}
<h2>Request type</h2>{_img(confusion_heatmap(result.request_matrix, list(REQUESTS), "Request type"),
                            "request confusion matrix")}
</body></html>"""


def run_triage_eval(cases: Path, out: Path | None = None, settings: Settings | None = None) -> TriageRun:
    settings = settings or Settings()
    examples = load_examples(cases)
    embedder = build_embedder_for(settings.retrieval_config())
    triage = Triage.for_embedder(embedder, path=settings.triage_model_path)
    with kb_evidence(embedder, CONTENT_DIR) as evidence:
        result = score(triage, examples, evidence)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out_dir = out or Path("runs") / f"{created.replace(':', '')}-triage"
    out_dir.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {
        "task": "triage", "source": str(cases), "model": triage.version, "created": created,
        "cases": result.cases, "metrics": result.figures, "per_risk": result.per_risk,
        "calibration": calibration(result), "confusion": result.confusion, "request_matrix": result.request_matrix,
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    with (out_dir / "cases.jsonl").open("w", encoding="utf-8") as handle:
        for row in result.rows:
            handle.write(json.dumps(row) + "\n")
    (out_dir / "report.html").write_text(_report(result, summary), encoding="utf-8")
    return TriageRun(out_dir, summary)
