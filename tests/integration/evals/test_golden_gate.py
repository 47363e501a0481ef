"""The release gate on the golden sets: every suite of evals/thresholds.yaml (answer, reply and
summary tasks; extractive and scripted-fake providers) must meet its bounds and stay within
max_drop of its committed baseline in evals/baselines/.

After an intended change, refresh the baselines with `copilot eval gate --update-baselines` and
commit them with the change."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.settings import Settings
from evals.suites import DEFAULT_THRESHOLDS, Suite, load_suites, run_suites
from knowledge_base.service import KnowledgeBase

pytestmark = pytest.mark.integration

SUITES = load_suites(DEFAULT_THRESHOLDS)


def test_every_suite_has_bounds_and_a_committed_baseline() -> None:
    names = {s.name for s in SUITES}
    for task in ("answer", "reply", "summary"):
        for provider in ("extractive", "fake"):
            assert any(s.task == task and s.provider == provider for s in SUITES), (task, provider)
    for suite in SUITES:
        assert suite.fail_under or suite.fail_over, f"{suite.name} has no bounds"
        assert suite.baseline is not None and suite.baseline.exists(), f"{suite.name}: no baseline"
    assert len(names) == len(SUITES)


@pytest.mark.parametrize("suite", SUITES, ids=[s.name for s in SUITES])
def test_golden_suite_passes_its_gate(
    suite: Suite, golden_settings: Settings, golden_kb: KnowledgeBase, tmp_path: Path
) -> None:
    settings = golden_settings.model_copy(update=suite.settings)
    [outcome] = run_suites(
        [suite], settings=settings, out_dir=tmp_path, kbs={suite.kb: golden_kb}, progress=False, log=lambda _: None
    )
    summary = outcome.result.summary
    assert summary["counts"]["errors"] == 0
    assert (tmp_path / suite.name / "report.html").exists()
    assert outcome.baseline_found
    assert outcome.passed, "\n".join(f.message for f in outcome.failures)
