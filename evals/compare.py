"""``copilot eval compare RUN_A RUN_B``: per-metric deltas (B - A) with bootstrap intervals, and the
cases that changed most.

With both run folders (``cases.jsonl`` present) each metric's delta gets a 95 % bootstrap interval:
paired (per-case differences resampled) when the two runs scored the metric on the same case ids,
unpaired otherwise; run-level handoff metrics are re-computed on resampled cases. A delta is
``better`` or ``worse`` only when its interval excludes zero (in the metric's good direction),
else ``n.s.``. With only summaries, deltas have no interval. The cases that changed most are
ranked by the summed change of their directed [0, 1] metrics and shown side by side.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from evals import charts, registry
from evals.gating import GateConfigError, load_summary
from evals.metrics import HandoffPair, bootstrap_delta_ci, handoff_scores
from evals.report import reference_text
from evals.scoring import HANDOFF_RUN_METRICS
from evals.stats import bootstrap_statistic_delta


@dataclass
class LoadedRun:
    path: Path
    name: str
    summary: dict[str, Any]
    records: list[dict[str, Any]] | None = None


def load_run(path: Path) -> LoadedRun:
    """A run folder (summary and per-case records) or a bare ``summary.json``."""
    summary = load_summary(path)
    records: list[dict[str, Any]] | None = None
    cases_file = path / "cases.jsonl" if path.is_dir() else None
    if cases_file is not None and cases_file.exists():
        try:
            records = [json.loads(line) for line in cases_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise GateConfigError(f"{cases_file} is not valid JSONL: {exc}") from exc
    name = path.name if path.is_dir() else path.parent.name or path.name
    return LoadedRun(path=path, name=name, summary=summary, records=records)


@dataclass
class Comparison:
    a: LoadedRun
    b: LoadedRun
    rows: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    common_cases: int = 0


def _values(records: Sequence[Mapping[str, Any]], metric: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for record in records:
        value = (record.get("metrics") or {}).get(metric)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            out[str(record["id"])] = float(value)
    return out


def _pairs(records: Sequence[Mapping[str, Any]]) -> dict[str, HandoffPair]:
    out: dict[str, HandoffPair] = {}
    for record in records:
        pair = record.get("handoff_pair")
        if pair:
            out[str(record["id"])] = (bool(pair[0]), bool(pair[1]), pair[2], pair[3])
    return out


def _verdict(metric: str, delta: float, low: float | None, high: float | None) -> str:
    way = registry.direction(metric)
    if way is None or math.isnan(delta):
        return ""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        if abs(delta) < 1e-12:
            return "same"
        up = delta > 0
    elif low > 0:
        up = True
    elif high < 0:
        up = False
    else:
        return "same" if abs(delta) < 1e-12 else "n.s."
    return "better" if up == (way == "higher") else "worse"


def _delta_ci(metric: str, a: LoadedRun, b: LoadedRun, n_resamples: int) -> tuple[float, float, float, bool, int]:
    assert a.records is not None
    assert b.records is not None
    if metric in HANDOFF_RUN_METRICS:
        pa, pb = _pairs(a.records), _pairs(b.records)

        def stat(pairs: Sequence[HandoffPair]) -> float:
            return float(handoff_scores(pairs)[metric])  # type: ignore[literal-required]

        paired = bool(pa) and set(pa) == set(pb)
        ids = sorted(pa)
        xs = [pa[i] for i in ids] if paired else list(pa.values())
        ys = [pb[i] for i in ids] if paired else list(pb.values())
        delta, low, high = bootstrap_statistic_delta(xs, ys, stat, paired=paired, n_resamples=n_resamples)
        return delta, low, high, paired, len(ys)
    va, vb = _values(a.records, metric), _values(b.records, metric)
    paired = bool(va) and set(va) == set(vb)
    if paired:
        ids = sorted(va)
        delta, low, high = bootstrap_delta_ci([va[i] for i in ids], [vb[i] for i in ids], True, n_resamples=n_resamples)
    else:
        delta, low, high = bootstrap_delta_ci(list(va.values()), list(vb.values()), False, n_resamples=n_resamples)
    return delta, low, high, paired, len(vb)


def compare_runs(a: LoadedRun, b: LoadedRun, *, top: int = 10, n_resamples: int = 1000) -> Comparison:
    """Compare run ``b`` (candidate) with run ``a`` (baseline)."""
    comparison = Comparison(a=a, b=b)
    ma: Mapping[str, Any] = a.summary.get("metrics", {})
    mb: Mapping[str, Any] = b.summary.get("metrics", {})
    with_records = a.records is not None and b.records is not None
    for metric in registry.ordered(sorted(set(ma) | set(mb))):
        va, vb = ma.get(metric), mb.get(metric)
        row: dict[str, Any] = {"metric": metric, "a": va, "b": vb, "delta": None, "low": None, "high": None,
                               "paired": False, "n": None, "verdict": ""}
        if va is not None and vb is not None:
            if with_records:
                delta, low, high, paired, n = _delta_ci(metric, a, b, n_resamples)
                if math.isnan(delta):
                    delta = float(vb) - float(va)
                row.update(delta=delta, low=low, high=high, paired=paired, n=n)
            else:
                row["delta"] = float(vb) - float(va)
            row["verdict"] = _verdict(metric, row["delta"], row["low"], row["high"])
        comparison.rows.append(row)
    if with_records:
        comparison.changed, comparison.common_cases = _changed_cases(a, b, top)
    return comparison


def _changed_cases(a: LoadedRun, b: LoadedRun, top: int) -> tuple[list[dict[str, Any]], int]:
    assert a.records is not None
    assert b.records is not None
    by_id_a = {str(r["id"]): r for r in a.records}
    by_id_b = {str(r["id"]): r for r in b.records}
    common = [i for i in by_id_a if i in by_id_b]
    changes = []
    for case_id in common:
        ra, rb = by_id_a[case_id], by_id_b[case_id]
        ma, mb = ra.get("metrics") or {}, rb.get("metrics") or {}
        deltas: dict[str, float] = {}
        score = 0.0
        for metric in set(ma) & set(mb):
            info = registry.info(metric)
            if info.direction is None or not info.unit or ma[metric] is None or mb[metric] is None:
                continue
            delta = float(mb[metric]) - float(ma[metric])
            if abs(delta) > 1e-9:
                deltas[metric] = delta
                score += delta if info.direction == "higher" else -delta
        if deltas:
            changes.append(
                {
                    "id": case_id,
                    "score": score,
                    "deltas": dict(sorted(deltas.items(), key=lambda kv: -abs(kv[1]))),
                    "a_output": (ra.get("output") or {}).get("text", ""),
                    "b_output": (rb.get("output") or {}).get("text", ""),
                    "reference": reference_text(rb),
                    "question": _last_customer(rb),
                }
            )
    changes.sort(key=lambda c: (-abs(c["score"]), c["id"]))
    return changes[:top], len(common)


def _last_customer(record: Mapping[str, Any]) -> str:
    turns = (record.get("input") or {}).get("conversation") or []
    return next((t.get("text", "") for t in reversed(turns) if t.get("role") == "customer"), "")


def _fmt(value: Any, signed: bool = False) -> str:
    if value is None:
        return "-"
    number = float(value)
    if math.isnan(number):
        return "-"
    return f"{number:+.4f}" if signed else f"{number:.4f}"


def format_comparison(comparison: Comparison) -> str:
    """The comparison as terminal text."""
    a, b = comparison.a, comparison.b
    lines = [f"A: {a.path}  ({a.summary.get('provider')}/{a.summary.get('model')}, {a.summary.get('cases')} cases)",
             f"B: {b.path}  ({b.summary.get('provider')}/{b.summary.get('model')}, {b.summary.get('cases')} cases)"]
    header = ["metric", "A", "B", "B - A", "95% CI", "paired", "verdict"]
    body = []
    for row in comparison.rows:
        ci = f"[{_fmt(row['low'], True)}, {_fmt(row['high'], True)}]" if row["low"] is not None else ""
        body.append([row["metric"], _fmt(row["a"]), _fmt(row["b"]), _fmt(row["delta"], True), ci,
                     "yes" if row["paired"] else "", row["verdict"]])
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    lines.append("")
    lines.append("  ".join(h.ljust(widths[i]) for i, h in enumerate(header)))
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) for r in body]
    if comparison.changed:
        lines += ["", f"Cases that changed most ({comparison.common_cases} in common):"]
        for change in comparison.changed:
            top = ", ".join(f"{k} {v:+.3f}" for k, v in list(change["deltas"].items())[:4])
            lines.append(f"  {change['id']}  {'better' if change['score'] > 0 else 'worse'}  {top}")
    return "\n".join(lines)


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Compare {{ a.name }} vs {{ b.name }}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1150px;color:#1a202c}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #e2e8f0}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #e2e8f0;padding:.25rem .5rem;vertical-align:top;
text-align:left}th{background:#f7fafc}td.num{text-align:right;font-variant-numeric:tabular-nums}
.better{color:#2f855a;font-weight:600}.worse{color:#c53030;font-weight:600}.muted{color:#718096;font-size:.8rem}
.side td{width:33%}pre{white-space:pre-wrap;margin:0;font-family:inherit}img{max-width:100%}
</style></head><body>
<h1>A: {{ a.name }} &rarr; B: {{ b.name }}</h1>
<p class="muted">A: {{ a.summary.provider }}/{{ a.summary.model }}, {{ a.summary.cases }} cases ·
B: {{ b.summary.provider }}/{{ b.summary.model }}, {{ b.summary.cases }} cases</p>
<table><tr><th>metric</th><th>A</th><th>B</th><th>B - A</th><th>95% CI</th><th>paired</th><th>verdict</th></tr>
{% for r in rows %}<tr><td>{{ r.metric }}</td><td class="num">{{ r.a_s }}</td><td class="num">{{ r.b_s }}</td>
<td class="num">{{ r.delta_s }}</td><td>{{ r.ci_s }}</td><td>{{ "yes" if r.paired else "" }}</td>
<td class="{{ r.verdict }}">{{ r.verdict }}</td></tr>{% endfor %}</table>
{% if image %}<h2>Per-metric change</h2><img alt="deltas" src="data:image/png;base64,{{ image }}">{% endif %}
{% if changed %}<h2>Cases that changed most ({{ common }} in common)</h2>
{% for c in changed %}<h3>{{ c.id }} <span class="{{ 'better' if c.score > 0 else 'worse' }}">
{{ "better" if c.score > 0 else "worse" }}</span> <span class="muted">{{ c.deltas_s }}</span></h3>
<p class="muted">{{ c.question }}</p>
<table class="side"><tr><th>A</th><th>B</th><th>reference</th></tr>
<tr><td><pre>{{ c.a_output }}</pre></td><td><pre>{{ c.b_output }}</pre></td>
<td><pre>{{ c.reference }}</pre></td></tr></table>
{% endfor %}{% endif %}
</body></html>
"""


def render_comparison_html(comparison: Comparison) -> str:
    import base64

    rows = []
    for row in comparison.rows:
        ci = f"[{_fmt(row['low'], True)}, {_fmt(row['high'], True)}]" if row["low"] is not None else ""
        rows.append({**row, "a_s": _fmt(row["a"]), "b_s": _fmt(row["b"]), "delta_s": _fmt(row["delta"], True),
                     "ci_s": ci})
    changed = [
        {**c, "deltas_s": ", ".join(f"{k} {v:+.3f}" for k, v in list(c["deltas"].items())[:5])}
        for c in comparison.changed
    ]
    png = charts.delta_bars(comparison.rows)
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_HTML).render(
        a=comparison.a,
        b=comparison.b,
        rows=rows,
        changed=changed,
        common=comparison.common_cases,
        image=base64.b64encode(png).decode("ascii") if png else None,
    )


def write_comparison(comparison: Comparison, out_dir: Path) -> Path:
    """Write ``compare.html`` and ``compare.json`` into ``out_dir``; returns the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html = out_dir / "compare.html"
    html.write_text(render_comparison_html(comparison), encoding="utf-8")
    payload = {
        "a": str(comparison.a.path),
        "b": str(comparison.b.path),
        "rows": comparison.rows,
        "changed": comparison.changed,
        "common_cases": comparison.common_cases,
    }
    text = json.dumps(_json_safe(payload), indent=2, default=str)
    (out_dir / "compare.json").write_text(text + "\n", encoding="utf-8")
    return html


def _json_safe(value: Any) -> Any:
    """NaN and infinities as ``null`` (strict JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value
