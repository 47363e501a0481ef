"""``GET /v1/evals/runs``: the latest offline evaluation runs' headline figures (scope ``admin``).

The eval harness writes each run to a folder with a ``summary.json`` (``runs/<timestamp>-<task>`` under
the working directory unless told otherwise); the recorded baselines live in ``evals/baselines``. This
endpoint reads both, so the ops view can show what the last runs scored next to the release baselines.
It reads files the harness wrote and nothing else; an unreadable summary is skipped, never a 500.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import AdminPrincipal
from api.openapi import problems

__all__ = ["EvalRun", "EvalRuns", "EvalSources", "eval_sources", "read_runs", "router"]

router = APIRouter(prefix="/v1/evals", tags=["operations"])

_REPO = Path(__file__).resolve().parents[2]
MAX_SUMMARY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class EvalSources:
    """Where run folders and baseline summaries are read from."""

    runs: Path
    baselines: Path


def eval_sources() -> EvalSources:
    """``runs/`` under the working directory (where ``copilot eval run`` writes) and ``evals/baselines``."""
    return EvalSources(runs=Path("runs"), baselines=_REPO / "evals" / "baselines")


class EvalRun(BaseModel):
    """One run's summary: what was evaluated, with what, and its scalar metrics."""

    name: str = Field(description="The run folder's name (or the baseline file's stem).")
    source: Literal["run", "baseline"]
    task: str
    created_at: datetime | None
    cases: int | None
    provider: str | None
    model: str | None
    metrics: dict[str, float] = Field(description="Every finite scalar metric of the run.")


class EvalRuns(BaseModel):
    runs: list[EvalRun] = Field(description="Newest first: the runs, then the baselines.")


def _created(summary: dict[str, Any], fallback: Path) -> datetime | None:
    for key in ("created_at", "created"):
        value = summary.get(key)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        return datetime.fromtimestamp(fallback.stat().st_mtime, UTC)
    except OSError:
        return None


def _run(path: Path, name: str, source: Literal["run", "baseline"]) -> EvalRun | None:
    try:
        if path.stat().st_size > MAX_SUMMARY_BYTES:
            return None
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or not isinstance(summary.get("task"), str):
        return None
    raw = summary.get("metrics")
    metrics = {
        str(k): float(v)
        for k, v in (raw.items() if isinstance(raw, dict) else [])
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    }
    cases = summary.get("cases")
    provider, model = summary.get("provider"), summary.get("model")
    return EvalRun(
        name=name,
        source=source,
        task=summary["task"],
        created_at=_created(summary, path),
        cases=cases if isinstance(cases, int) else None,
        provider=provider if isinstance(provider, str) else None,
        model=model if isinstance(model, str) else None,
        metrics=metrics,
    )


def read_runs(sources: EvalSources, limit: int) -> list[EvalRun]:
    """The newest ``limit`` runs, then every baseline, each newest first."""
    found: list[EvalRun] = []
    if sources.runs.is_dir():
        for folder in sources.runs.iterdir():
            summary = folder / "summary.json"
            if folder.is_dir() and summary.is_file():
                run = _run(summary, folder.name, "run")
                if run is not None:
                    found.append(run)
    baselines: list[EvalRun] = []
    if sources.baselines.is_dir():
        for file in sources.baselines.glob("*.json"):
            run = _run(file, file.stem, "baseline")
            if run is not None:
                baselines.append(run)
    oldest = datetime.min.replace(tzinfo=UTC)

    def newest_first(runs: list[EvalRun]) -> list[EvalRun]:
        return sorted(runs, key=lambda r: (r.created_at or oldest, r.name), reverse=True)

    return newest_first(found)[:limit] + newest_first(baselines)


SourcesDep = Annotated[EvalSources, Depends(eval_sources)]


@router.get(
    "/runs",
    operation_id="listEvalRuns",
    summary="The latest evaluation runs and the recorded baselines",
    response_model=EvalRuns,
    responses=problems(401, 403, 422, 429),
)
async def list_runs(
    principal: AdminPrincipal,
    sources: SourcesDep,
    limit: Annotated[int, Query(ge=1, le=100, description="How many runs (baselines come on top).")] = 20,
) -> EvalRuns:
    """Each run's task, provider, model, case count and scalar metrics, newest first."""
    return EvalRuns(runs=await run_in_threadpool(read_runs, sources, limit))
