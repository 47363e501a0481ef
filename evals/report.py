"""Run reports: the terminal metrics table, ``report.md`` and a self-contained ``report.html``.

The HTML report embeds its charts as base64 PNG images (metric bars with confidence intervals, the
latency histogram, the handoff confusion matrices), so it can be attached to a pull request or a
ticket as one file. ``report.md`` has the same tables and links the PNGs written under ``charts/``.
Both list the worst cases by the task's primary metric, each output next to its references, and
every case with a safety finding or an error.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from evals import charts, registry

#: The metric the worst cases are ranked by, first one a task's records carry.
PRIMARY_METRICS: dict[str, tuple[str, ...]] = {
    "reply": ("answer_token_f1", "semantic_similarity", "rougeL", "handoff_accuracy"),
    "answer": ("answer_token_f1", "semantic_similarity", "rougeL", "handoff_accuracy"),
    "summary": ("rougeL", "semantic_similarity"),
    "retrieval": ("mrr@10", "hit@5"),
}


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "-"
    if abs(number) >= 1000 or (number != 0 and abs(number) < 0.001):
        return f"{number:.3g}" if abs(number) < 1000 else f"{number:,.0f}"
    return f"{number:.{digits}f}"


def metric_rows(summary: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per metric, in report order: value, interval, n and the good direction."""
    metrics: Mapping[str, Any] = summary.get("metrics", {})
    ci: Mapping[str, Mapping[str, Any]] = summary.get("ci", {})
    rows = []
    for name in registry.ordered(list(metrics)):
        interval = ci.get(name, {})
        way = registry.direction(name)
        rows.append(
            {
                "metric": name,
                "group": registry.info(name).group,
                "value": _fmt(metrics[name]),
                "ci": f"[{_fmt(interval.get('low'))}, {_fmt(interval.get('high'))}]" if interval else "",
                "n": str(interval.get("n", "")),
                "better": {"higher": "higher", "lower": "lower"}.get(way or "", ""),
            }
        )
    return rows


def format_metrics_table(summary: Mapping[str, Any], *, markdown: bool = False) -> str:
    """The metrics table: aligned plain text for the terminal, or a Markdown table."""
    rows = metric_rows(summary)
    header = ["metric", "value", "95% CI", "n", "better"]
    body = [[r["metric"], r["value"], r["ci"], r["n"], r["better"]] for r in rows]
    latency = summary.get("latency_ms") or {}
    if latency:
        body.append(["latency p50 / p95 (ms)", f"{_fmt(latency.get('p50'), 1)} / {_fmt(latency.get('p95'), 1)}",
                     "", str(summary.get("cases", "")), ""])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---", "---:", "---", "---:", "---"]) + "|"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) for row in body]
    return "\n".join(lines)


def headline(summary: Mapping[str, Any]) -> str:
    counts = summary.get("counts", {})
    prompt = summary.get("prompt") or {}
    prompt_text = f"{prompt.get('id')} v{prompt.get('version')}" if prompt else "-"
    return (
        f"{summary.get('task')} · {summary.get('cases')} cases · {summary.get('provider')}/{summary.get('model')} · "
        f"prompt {prompt_text} · {counts.get('cached', 0)} cached · {counts.get('errors', 0)} errors"
    )


def worst_cases(records: Sequence[Mapping[str, Any]], task: str, n: int) -> tuple[str | None, list[Mapping[str, Any]]]:
    """The ``n`` lowest-scoring cases by the task's primary metric (and that metric's name)."""
    for metric in PRIMARY_METRICS.get(task, ()):
        scored = [r for r in records if (r.get("metrics") or {}).get(metric) is not None]
        if scored:
            scored.sort(key=lambda r: (float(r["metrics"][metric]), str(r["id"])))
            return metric, scored[:n]
    return None, []


def flagged_cases(records: Sequence[Mapping[str, Any]], n: int = 50) -> list[Mapping[str, Any]]:
    """Cases with an error or a safety finding."""
    return [r for r in records if r.get("error") or r.get("findings")][:n]


def reference_text(record: Mapping[str, Any]) -> str:
    labels = record.get("labels") or {}
    if record.get("task") == "summary":
        return "\n\n".join(labels.get("reference_summaries") or [])
    parts = []
    if labels.get("reference_answer"):
        parts.append(f"reference answer: {labels['reference_answer']}")
    if labels.get("reference_reply"):
        parts.append(f"reference reply: {labels['reference_reply']}")
    return "\n\n".join(parts)


def case_view(record: Mapping[str, Any], metric: str | None) -> dict[str, Any]:
    """What the report shows of one case."""
    conversation = (record.get("input") or {}).get("conversation") or []
    output = record.get("output") or {}
    labels = record.get("labels") or {}
    handoff = output.get("handoff") or {}
    metrics = record.get("metrics") or {}
    shown = [m for m in ("answer_token_f1", "semantic_similarity", "rougeL", "hit@5", "mrr@10") if m in metrics]
    return {
        "id": record.get("id"),
        "metric": metric,
        "value": _fmt(metrics.get(metric)) if metric else "",
        "scores": ", ".join(f"{m} {_fmt(metrics[m])}" for m in shown),
        "conversation": [f"{t.get('role')}: {t.get('text')}" for t in conversation[-4:]],
        "output": output.get("text", "") if output else "",
        "reference": reference_text(record),
        "retrieved": ", ".join((record.get("retrieved") or [])[:5]),
        "relevant": ", ".join(labels.get("relevant_doc_ids") or []),
        "cited": ", ".join(str(c.get("doc_id")) for c in output.get("citations") or []),
        "handoff": (f"{handoff.get('reason')}" if handoff.get("needed") else "no")
        + f" (expected: {labels.get('handoff_reason') if labels.get('expected_handoff') else 'no'})"
        if labels.get("expected_handoff") is not None
        else "",
        "provider": output.get("provider", ""),
        "findings": list(record.get("findings") or []),
        "error": record.get("error"),
    }


def _kb_line(kb: Mapping[str, Any]) -> str:
    source = kb.get("source")
    shown = ", ".join(str(s) for s in source) if isinstance(source, list) else str(source)
    return f"{shown} (fingerprint {kb.get('fingerprint')}, {kb.get('documents')} documents)"


def build_charts(summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> dict[str, bytes]:
    """The run's charts by file stem (only those with data)."""
    out: dict[str, bytes] = {}
    bars = charts.metric_bars(summary.get("ci") or {})
    if bars:
        out["metrics"] = bars
    latencies = [
        float(r["metrics"]["latency_ms"]) for r in records if (r.get("metrics") or {}).get("latency_ms") is not None
    ]
    latency = summary.get("latency_ms") or {}
    hist = charts.latency_histogram(latencies, latency.get("p50"), latency.get("p95"))
    if hist:
        out["latency"] = hist
    pairs = [(float(m["confidence"]), bool(m["supported"])) for r in records
             if (m := r.get("metrics") or {}).get("confidence") is not None and m.get("supported") is not None]
    if pairs:
        ece = (summary.get("metrics") or {}).get("confidence_ece")
        title = "Confidence against supported drafts" + (f" (ECE {ece:.3f})" if isinstance(ece, float) else "")
        diagram = charts.reliability_diagram([c for c, _ in pairs], [y for _, y in pairs], title=title)
        if diagram:
            out["reliability"] = diagram
    if summary.get("handoff"):
        matrices = charts.handoff_matrices(summary["handoff"])
        if matrices:
            out["handoff"] = matrices
    return out


_CHART_TITLES = {"metrics": "Metrics", "latency": "Latency", "handoff": "Handoff confusion",
                 "reliability": "Reliability of the confidence"}


def render_markdown(
    summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]], chart_files: Mapping[str, str], *, worst: int
) -> str:
    lines = [f"# Eval run: {summary.get('task')}", "", headline(summary), ""]
    kb = summary.get("kb") or {}
    info = [
        ("cases file", f"`{summary.get('cases_file')}` (sha256 {str(summary.get('cases_sha256', ''))[:12]})"),
        ("knowledge base", _kb_line(kb)),
        ("embedding model", str(summary.get("embedding_model"))),
        ("git", str(summary.get("git_sha"))),
        ("judge", str((summary.get("judge") or {}).get("model", "none"))),
        ("created", f"{summary.get('created_at')} ({summary.get('duration_s')} s)"),
        ("skipped", ", ".join(f"{k}: {v}" for k, v in (summary.get("counts", {}).get("skipped") or {}).items()) or "-"),
    ]
    lines += ["| | |", "|---|---|", *[f"| {k} | {v} |" for k, v in info], ""]
    lines += ["## Metrics", "", format_metrics_table(summary, markdown=True), ""]
    for stem, name in chart_files.items():
        lines += [f"![{_CHART_TITLES.get(stem, stem)}]({name})", ""]
    handoff = summary.get("handoff")
    if handoff:
        (tn, fp), (fn, tp) = handoff["matrix"]
        lines += [
            "## Handoff",
            "",
            "| expected \\ predicted | no handoff | handoff |",
            "|---|---:|---:|",
            f"| no handoff | {tn} | {fp} |",
            f"| handoff | {fn} | {tp} |",
            "",
        ]
    flagged = flagged_cases(records)
    if flagged:
        lines += ["## Safety findings and errors", ""]
        for record in flagged:
            notes = "; ".join([*(record.get("findings") or []), *([record["error"]] if record.get("error") else [])])
            lines.append(f"- `{record.get('id')}`: {notes}")
        lines.append("")
    metric, worst_records = worst_cases(records, str(summary.get("task")), worst)
    if metric:
        lines += [f"## Worst {len(worst_records)} cases by {metric}", ""]
        for record in worst_records:
            view = case_view(record, metric)
            lines += [f"### {view['id']} ({metric} {view['value']})", ""]
            lines += [f"> {turn}" for turn in view["conversation"]]
            lines += ["", f"**Output** ({view['provider']}): {view['output']}", ""]
            if view["reference"]:
                lines += [f"**Reference**: {view['reference']}", ""]
            if view["relevant"] or view["retrieved"]:
                lines += [f"retrieved: {view['retrieved'] or '-'} · relevant: {view['relevant'] or '-'}", ""]
    return "\n".join(lines).rstrip() + "\n"


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Eval {{ summary.task }} · {{ summary.provider }}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1150px;color:#1a202c}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e2e8f0}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #e2e8f0;padding:.25rem .5rem;
vertical-align:top;text-align:left}th{background:#f7fafc}td.num{text-align:right;font-variant-numeric:tabular-nums}
.side td{width:50%}.muted{color:#718096;font-size:.8rem}.bad{color:#c53030}img{max-width:100%}
pre{white-space:pre-wrap;margin:0;font-family:inherit}
</style></head><body>
<h1>Eval run: {{ summary.task }}</h1>
<p>{{ headline }}</p>
<table>{% for k, v in info %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
<h2>Metrics</h2>
<table><tr><th>metric</th><th>value</th><th>95% CI</th><th>n</th><th>better</th></tr>
{% for r in rows %}<tr><td>{{ r.metric }}</td><td class="num">{{ r.value }}</td><td>{{ r.ci }}</td>
<td class="num">{{ r.n }}</td><td>{{ r.better }}</td></tr>{% endfor %}
{% if latency %}<tr><td>latency p50 / p95 (ms)</td><td class="num">{{ latency }}</td>
<td></td><td></td><td></td></tr>{% endif %}
</table>
{% for name, data in images %}<h2>{{ name }}</h2>
<img alt="{{ name }}" src="data:image/png;base64,{{ data }}">{% endfor %}
{% if flagged %}<h2>Safety findings and errors</h2><table><tr><th>case</th><th>finding</th><th>output</th></tr>
{% for v in flagged %}<tr><td>{{ v.id }}</td><td class="bad">{{ v.findings|join("; ") }}{{ v.error or "" }}</td>
<td><pre>{{ v.output }}</pre></td></tr>{% endfor %}</table>{% endif %}
{% if worst %}<h2>Worst {{ worst|length }} cases by {{ worst_metric }}</h2>
{% for v in worst %}<h3>{{ v.id }} <span class="muted">{{ worst_metric }} {{ v.value }} · {{ v.scores }}</span></h3>
<p class="muted">{% for t in v.conversation %}{{ t }}<br>{% endfor %}</p>
<table class="side"><tr><th>output ({{ v.provider }})</th><th>reference</th></tr>
<tr><td><pre>{{ v.output }}</pre></td><td><pre>{{ v.reference }}</pre></td></tr></table>
<p class="muted">retrieved: {{ v.retrieved or "-" }} · relevant: {{ v.relevant or "-" }} · cited: {{ v.cited or "-" }}
{% if v.handoff %} · handoff: {{ v.handoff }}{% endif %}</p>{% endfor %}{% endif %}
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def render_html(
    summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]], images: Mapping[str, bytes], *, worst: int
) -> str:
    kb = summary.get("kb") or {}
    info = [
        ("cases file", f"{summary.get('cases_file')}"),
        ("knowledge base", _kb_line(kb)),
        ("embedding model", summary.get("embedding_model")),
        ("git", summary.get("git_sha")),
        ("judge", (summary.get("judge") or {}).get("model", "none")),
        ("created", f"{summary.get('created_at')} ({summary.get('duration_s')} s)"),
    ]
    latency = summary.get("latency_ms") or {}
    metric, worst_records = worst_cases(records, str(summary.get("task")), worst)
    return _ENV.from_string(_HTML).render(
        summary=summary,
        headline=headline(summary),
        info=info,
        rows=metric_rows(summary),
        latency=f"{_fmt(latency.get('p50'), 1)} / {_fmt(latency.get('p95'), 1)}" if latency else "",
        images=[(_CHART_TITLES.get(k, k), base64.b64encode(v).decode("ascii")) for k, v in images.items()],
        flagged=[case_view(r, None) for r in flagged_cases(records)],
        worst=[case_view(r, metric) for r in worst_records],
        worst_metric=metric,
    )


def write_reports(
    out_dir: Path, summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]], *, worst: int = 10
) -> None:
    """Write ``report.md``, ``report.html`` and ``charts/*.png`` into ``out_dir``."""
    images = build_charts(summary, records)
    chart_dir = out_dir / "charts"
    chart_files: dict[str, str] = {}
    if images:
        chart_dir.mkdir(parents=True, exist_ok=True)
        for stem, data in images.items():
            (chart_dir / f"{stem}.png").write_bytes(data)
            chart_files[stem] = f"charts/{stem}.png"
    (out_dir / "report.md").write_text(render_markdown(summary, records, chart_files, worst=worst), encoding="utf-8")
    (out_dir / "report.html").write_text(render_html(summary, records, images, worst=worst), encoding="utf-8")
