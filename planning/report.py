"""A self-contained HTML planning report with matplotlib charts (PNG embedded as data URIs): the forecast
against actuals with its 80% and 95% intervals, the requirement against scheduled staff, and a heatmap of the
staffing gap (scheduled minus required) by day and hour."""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

from planning.errors import PlanningError

__all__ = ["render_report"]


def _png(figure: object) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")  # type: ignore[attr-defined]
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def render_report(*, forecast: pd.DataFrame | None = None, actuals: pd.DataFrame | None = None,
                  coverage: pd.DataFrame | None = None, title: str = "Workforce plan") -> str:
    """The report's HTML; each section appears when its data is given."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if forecast is None and coverage is None:
        raise PlanningError("the report needs a forecast or a coverage table")
    sections: list[str] = []
    if forecast is not None:
        f = forecast.sort_values("interval_start")
        fig, ax = plt.subplots(figsize=(12, 4))
        x = pd.DatetimeIndex(f["interval_start"])
        pos = range(len(f))
        ax.fill_between(pos, f["lo95"], f["hi95"], color="#c6dbef", label="95% interval")
        ax.fill_between(pos, f["lo80"], f["hi80"], color="#6baed6", label="80% interval")
        ax.plot(pos, f["forecast"], color="#08306b", lw=1, label="forecast")
        if actuals is not None:
            merged = f.merge(actuals[["interval_start", "calls"]], on="interval_start", how="left")
            ax.plot(pos, merged["calls"], color="#d62728", lw=0.6, label="actual")
        ticks = list(range(0, len(f), max(1, len(f) // 10)))
        ax.set_xticks(ticks, [x[i].strftime("%d %b %H:%M") for i in ticks], rotation=30, fontsize=7)
        ax.set_ylabel("contacts per interval")
        ax.legend(fontsize=8)
        sections.append(f"<h2>Forecast</h2><img src='data:image/png;base64,{_png(fig)}'>")
        plt.close(fig)
    if coverage is not None:
        c = coverage.groupby("interval_start")[["required", "scheduled"]].sum().reset_index()
        fig, ax = plt.subplots(figsize=(12, 4))
        ax.step(range(len(c)), c["required"], where="post", label="required", color="#08306b")
        ax.step(range(len(c)), c["scheduled"], where="post", label="scheduled", color="#e6550d")
        ax.set_ylabel("agents")
        ax.legend(fontsize=8)
        sections.append(f"<h2>Requirement and scheduled staff</h2><img src='data:image/png;base64,{_png(fig)}'>")
        plt.close(fig)
        stamps = pd.DatetimeIndex(c["interval_start"])
        gap = pd.DataFrame({"day": stamps.strftime("%a %d %b"), "hour": stamps.hour,
                            "gap": c["scheduled"] - c["required"]})
        table = gap.pivot_table(index="day", columns="hour", values="gap", aggfunc="mean", sort=False)
        fig, ax = plt.subplots(figsize=(10, 0.4 * len(table) + 1.5))
        limit = max(1.0, float(table.abs().max().max()))
        image = ax.imshow(table.to_numpy(), cmap="RdBu", vmin=-limit, vmax=limit, aspect="auto")
        ax.set_yticks(range(len(table)), table.index)
        ax.set_xticks(range(len(table.columns)), table.columns)
        ax.set_xlabel("hour")
        fig.colorbar(image, label="scheduled - required")
        short = float(coverage["under"].sum()) if "under" in coverage else float((-gap["gap"]).clip(lower=0).sum())
        sections.append(f"<h2>Staffing gap by day and hour</h2><p>Shortfall: {short:.0f} slot-heads.</p>"
                        f"<img src='data:image/png;base64,{_png(fig)}'>")
        plt.close(fig)
    body = "\n".join(sections)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")
