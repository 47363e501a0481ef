"""How the metrics drive ragas: no telemetry, lazy import, sync calls with or without an event loop."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.metrics import retrieval_scores, text_scores
from evals.metrics._ragas import run_sync

REPO = Path(__file__).resolve().parents[3]


async def _immediate() -> int:
    return 41


async def _suspending() -> int:
    await asyncio.sleep(0)
    return 42


def test_run_sync_without_and_with_suspension() -> None:
    assert run_sync(_immediate) == 41
    assert run_sync(_suspending) == 42


def test_run_sync_inside_a_running_loop() -> None:
    async def main() -> tuple[int, int]:
        return run_sync(_immediate), run_sync(_suspending)

    assert asyncio.run(main()) == (41, 42)


def test_retrieval_inside_a_running_loop() -> None:
    async def main() -> dict[str, float]:
        return retrieval_scores(["a", "x"], ["a"])

    assert asyncio.run(main())["context_precision_ids"] == pytest.approx(0.5)


def test_no_usage_events_are_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    import ragas._analytics

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a ragas usage event was recorded")

    monkeypatch.setattr(ragas._analytics._analytics_batcher, "add_evaluation", refuse)
    retrieval_scores(["a", "b"], ["a"])
    text_scores("a reply", "a reference")
    assert os.environ["RAGAS_DO_NOT_TRACK"] == "true"


def test_importing_the_package_does_not_import_ragas() -> None:
    code = (
        "import os, sys, evals.metrics; "
        "assert 'ragas' not in sys.modules and 'nltk' not in sys.modules, 'eager import'; "
        "assert os.environ['RAGAS_DO_NOT_TRACK'] == 'true'"
    )
    env = {k: v for k, v in os.environ.items() if k != "RAGAS_DO_NOT_TRACK"}
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, timeout=120)
