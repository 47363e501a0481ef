"""The report's charts as PNG bytes (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from evals import registry

_GOOD = "#2b6cb0"
_BAD_WAY = "#c05621"
_NEUTRAL = "#718096"


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def metric_bars(ci: Mapping[str, Mapping[str, Any]], title: str = "Metrics (95% bootstrap CI)") -> bytes | None:
    """Horizontal bars of every [0, 1] metric with its confidence interval as error bars."""
    names = [n for n in registry.ordered(list(ci)) if registry.info(n).unit and _finite(ci[n].get("mean"))]
    if not names:
        return None
    means = np.array([float(ci[n]["mean"]) for n in names])
    lows = np.array([float(ci[n].get("low", ci[n]["mean"])) for n in names])
    highs = np.array([float(ci[n].get("high", ci[n]["mean"])) for n in names])
    errors = np.vstack([np.clip(means - lows, 0, None), np.clip(highs - means, 0, None)])
    colours = [
        _BAD_WAY if registry.direction(n) == "lower" else _GOOD if registry.direction(n) == "higher" else _NEUTRAL
        for n in names
    ]
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(names) + 1.2))
    y = np.arange(len(names))
    ax.barh(y, means, xerr=errors, color=colours, alpha=0.85, capsize=3, error_kw={"elinewidth": 1})
    ax.set_yticks(y, labels=[f"{n} (n={ci[n].get('n', '?')})" for n in names], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.16)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_xlabel("score (orange: lower is better)")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    for i, m in enumerate(means):
        ax.text(1.04, i, f"{m:.3f}", va="center", fontsize=7)
    return _png(fig)


def latency_histogram(latencies: Sequence[float], p50: float | None = None, p95: float | None = None) -> bytes | None:
    """Histogram of per-case latency with the p50 and p95 marked."""
    values = [v for v in latencies if _finite(v)]
    if not values:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    ax.hist(values, bins=min(40, max(5, len(values) // 4)), color=_NEUTRAL, alpha=0.85)
    for value, label, style in ((p50, "p50", "--"), (p95, "p95", ":")):
        if value is not None and _finite(value):
            ax.axvline(value, color="black", linestyle=style, linewidth=1)
            ax.text(value, ax.get_ylim()[1] * 0.9, f" {label} {value:.0f} ms", fontsize=8)
    ax.set_xlabel("latency per case (ms)")
    ax.set_ylabel("cases")
    ax.set_title("Latency", fontsize=10)
    return _png(fig)


def handoff_matrices(handoff: Mapping[str, Any]) -> bytes | None:
    """The 2x2 handoff confusion matrix and the per-reason matrix, side by side."""
    matrix = handoff.get("matrix")
    if not matrix:
        return None
    reason_labels: list[str] = list(handoff.get("reason_labels") or [])
    reasons: Mapping[str, Mapping[str, int]] = handoff.get("reasons") or {}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1, 2.2]})
    _heat(axes[0], np.array(matrix), ["no handoff", "handoff"], ["no handoff", "handoff"], "Handoff decision")
    grid = np.array([[reasons.get(r, {}).get(c, 0) for c in reason_labels] for r in reason_labels])
    short = [label.replace("_", " ") for label in reason_labels]
    _heat(axes[1], grid, short, short, "Handoff reason")
    fig.tight_layout()
    return _png(fig)


def _heat(ax: Any, grid: Any, rows: list[str], cols: list[str], title: str) -> None:
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(cols)), labels=cols, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    ax.set_title(title, fontsize=10)
    top = grid.max() if grid.size else 0
    for (i, j), value in np.ndenumerate(grid):
        ax.text(j, i, str(value), ha="center", va="center", fontsize=8, color="white" if value > top / 2 else "black")


def delta_bars(rows: Sequence[Mapping[str, Any]]) -> bytes | None:
    """Per-metric deltas (B - A) with their intervals; green when better, red when worse."""
    usable = [r for r in rows if registry.info(str(r["metric"])).unit and _finite(r.get("delta"))]
    if not usable:
        return None
    names = [str(r["metric"]) for r in usable]
    deltas = np.array([float(r["delta"]) for r in usable])
    lows = np.array([float(r["low"]) if _finite(r.get("low")) else float(r["delta"]) for r in usable])
    highs = np.array([float(r["high"]) if _finite(r.get("high")) else float(r["delta"]) for r in usable])
    colours = []
    for r in usable:
        verdict = r.get("verdict")
        colours.append("#2f855a" if verdict == "better" else "#c53030" if verdict == "worse" else _NEUTRAL)
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(names) + 1.2))
    y = np.arange(len(names))
    errors = np.vstack([np.clip(deltas - lows, 0, None), np.clip(highs - deltas, 0, None)])
    ax.barh(y, deltas, xerr=errors, color=colours, alpha=0.85, capsize=3)
    ax.set_yticks(y, labels=names, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("B - A (95% bootstrap CI)")
    ax.set_title("Per-metric change", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def reliability_diagram(probability: Sequence[float], outcome: Sequence[bool], *, bins: int = 10,
                        title: str = "Reliability") -> bytes | None:
    """Observed frequency against mean predicted probability per bin, with the diagonal and bin counts."""
    if not probability:
        return None
    p = np.asarray(probability, dtype=float)
    y = np.asarray(outcome, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    mean_p, freq, counts = [], [], []
    for b in range(bins):
        mask = which == b
        if mask.any():
            mean_p.append(p[mask].mean())
            freq.append(y[mask].mean())
            counts.append(int(mask.sum()))
    fig, ax = plt.subplots(figsize=(5, 4.2))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    ax.plot(mean_p, freq, marker="o")
    for x, f, n in zip(mean_p, freq, counts, strict=True):
        ax.annotate(str(n), (x, f), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return _png(fig)


def confusion_heatmap(grid: Sequence[Sequence[int]], labels: Sequence[str], title: str) -> bytes | None:
    """One labelled confusion matrix (expected rows, predicted columns)."""
    if not grid:
        return None
    fig, ax = plt.subplots(figsize=(6.5, 5))
    _heat(ax, np.array(grid), list(labels), list(labels), title)
    fig.tight_layout()
    return _png(fig)
