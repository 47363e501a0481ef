"""The simulator's report: one HTML page with the table (median and spread across seeds) and charts."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from routing.simulate import SimulationResult

__all__ = ["write_report"]

_METRICS = (
    ("service_level", "Service level (answered within target)", True),
    ("high_risk_service_level", "High-risk service level (scam, takeover)", True),
    ("asa_s", "Average speed of answer (s)", False),
    ("max_wait_s", "Longest wait answered (s)", False),
    ("abandonment", "Abandonment", True),
    ("occupancy", "Occupancy", True),
)


def _chart(result: SimulationResult) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = result.summary()
    policies = list(summary)
    figure, axes = plt.subplots(2, 3, figsize=(12, 6.5))
    for axis, (metric, title, _) in zip(axes.flat, _METRICS, strict=True):
        medians = [summary[p][metric]["median"] for p in policies]
        low = [m - summary[p][metric]["min"] for p, m in zip(policies, medians, strict=True)]
        high = [summary[p][metric]["max"] - m for p, m in zip(policies, medians, strict=True)]
        colours = ["#1f5f99", "#8c8c8c", "#c8c8c8"][:len(policies)]
        axis.bar(policies, medians, yerr=[low, high], capsize=4, color=colours)
        axis.set_title(title, fontsize=10)
        axis.tick_params(axis="x", labelsize=8)
    figure.suptitle(f"{result.scenario}: median across seeds, bars show min-max", fontsize=11)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def _fmt(value: float, share: bool) -> str:
    return f"{value:.3f}" if share else f"{value:.1f}"


def write_report(result: SimulationResult, out: Path) -> Path:
    """Write ``report.html`` and ``results.json`` into the folder ``out``; returns the HTML file."""
    out.mkdir(parents=True, exist_ok=True)
    summary = result.summary()
    rows = []
    for policy, metrics in summary.items():
        cells = "".join(
            f"<td>{_fmt(metrics[m]['median'], share)} <small>({_fmt(metrics[m]['min'], share)}-"
            f"{_fmt(metrics[m]['max'], share)})</small></td>" for m, _, share in _METRICS)
        rows.append(f"<tr><th scope='row'>{html.escape(policy)}</th>{cells}</tr>")
    queues: dict[str, dict[str, Any]] = {}
    for run in result.runs:
        for queue, figures in run.per_queue.items():
            queues.setdefault(queue, {}).setdefault(run.policy, []).append(figures["service_level"])
    queue_rows = "".join(
        f"<tr><th scope='row'>{html.escape(q)}</th>" + "".join(
            f"<td>{sorted(v)[len(v) // 2]:.3f}</td>" for v in (per.get(p, [float('nan')]) for p in summary)) + "</tr>"
        for q, per in sorted(queues.items()))
    head = "".join(f"<th scope='col'>{html.escape(t)}</th>" for _, t, _ in _METRICS)
    policies = "".join(f"<th scope='col'>{html.escape(p)}</th>" for p in summary)
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Routing simulation: {html.escape(result.scenario)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#111}}table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #bbb;padding:.3rem .6rem;text-align:right}}th[scope=row]{{text-align:left}}</style></head>
<body><h1>Routing simulation: {html.escape(result.scenario)}</h1>
<p>{len({r.seed for r in result.runs})} seeds per policy, the same arrivals per seed; median (min-max).</p>
<table><thead><tr><th scope="col">policy</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>
<img alt="Service level, high-risk service level, speed of answer, longest wait, abandonment and occupancy per policy"
 src="data:image/png;base64,{_chart(result)}">
<h2>Service level per queue (median across seeds)</h2>
<table><thead><tr><th scope="col">queue</th>{policies}</tr></thead><tbody>{queue_rows}</tbody></table>
</body></html>"""
    target = out / "report.html"
    target.write_text(page, encoding="utf-8")
    (out / "results.json").write_text(json.dumps({"scenario": result.scenario, "summary": summary, "runs": [
        {k: v for k, v in vars(r).items() if k != "waits"} for r in result.runs]}, indent=2), encoding="utf-8")
    return target
