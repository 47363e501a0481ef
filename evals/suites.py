"""Gate suites: the committed golden runs, their thresholds and baselines (``evals/thresholds.yaml``).

A suite is one ``copilot eval run`` (task, provider, cases, knowledge base) with the bounds it must
meet (``fail_under`` / ``fail_over``) and the committed baseline summary it must not fall behind by
more than ``max_drop``. ``copilot eval gate`` and the golden-gate test run every suite; suites that
share a knowledge base share one opened index (and one search memo). Paths in the file are relative
to its ``root`` (itself relative to the file's folder).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from copilot.settings import Settings
from evals.cases import TASKS, Task
from evals.gating import GateConfigError, GateFailure, check_baseline, check_bounds, load_summary
from evals.kb import open_kb
from evals.runner import EvalConfig, RunResult, run_eval
from knowledge_base.service import KnowledgeBase

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.yaml"


@dataclass(frozen=True)
class Suite:
    name: str
    task: Task
    provider: str
    cases: Path
    kb: tuple[Path, ...]
    baseline: Path | None
    fail_under: dict[str, float] = field(default_factory=dict)
    fail_over: dict[str, float] = field(default_factory=dict)
    max_drop: float = 0.02
    settings: dict[str, Any] = field(default_factory=dict)
    limit: int | None = None


@dataclass
class SuiteOutcome:
    suite: Suite
    result: RunResult
    failures: list[GateFailure]
    not_compared: list[str]
    baseline_found: bool

    @property
    def passed(self) -> bool:
        return not self.failures


def _floats(raw: Any, where: str) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise GateConfigError(f"{where} must be a mapping of metric: value")
    try:
        return {str(k): float(v) for k, v in raw.items()}
    except (TypeError, ValueError) as exc:
        raise GateConfigError(f"{where}: {exc}") from exc


def load_suites(path: Path = DEFAULT_THRESHOLDS) -> list[Suite]:
    """The suites of a thresholds file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GateConfigError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("suites"), dict):
        raise GateConfigError(f"{path} needs a 'suites' mapping")
    root = (path.parent / str(raw.get("root", "."))).resolve()
    defaults: dict[str, Any] = dict(raw.get("defaults") or {})
    max_drop = float(raw.get("max_drop", 0.02))
    suites = []
    for name, body in raw["suites"].items():
        spec = {**defaults, **(body or {})}
        task = spec.get("task")
        if task not in TASKS:
            raise GateConfigError(f"suite {name}: task must be one of {', '.join(TASKS)}")
        kb = spec.get("kb") or []
        kb_paths = tuple(root / str(p) for p in ([kb] if isinstance(kb, str) else kb))
        suites.append(
            Suite(
                name=str(name),
                task=cast(Task, task),
                provider=str(spec.get("provider", "extractive")),
                cases=root / str(spec["cases"]),
                kb=kb_paths,
                baseline=root / str(spec["baseline"]) if spec.get("baseline") else None,
                fail_under=_floats(spec.get("fail_under"), f"suite {name}: fail_under"),
                fail_over=_floats(spec.get("fail_over"), f"suite {name}: fail_over"),
                max_drop=float(spec.get("max_drop", max_drop)),
                settings=dict(spec.get("settings") or {}),
                limit=spec.get("limit"),
            )
        )
    return suites


def gate_run(suite: Suite, result: RunResult) -> tuple[list[GateFailure], list[str], bool]:
    """The suite's bounds and baseline checked against a finished run."""
    failures = check_bounds(result.metrics, suite.fail_under, suite.fail_over)
    not_compared: list[str] = []
    found = suite.baseline is not None and suite.baseline.exists()
    if found:
        assert suite.baseline is not None
        baseline = load_summary(suite.baseline)
        regressions, not_compared = check_baseline(result.metrics, baseline["metrics"], suite.max_drop)
        failures.extend(regressions)
    return failures, not_compared, found


def run_suites(
    suites: Iterable[Suite],
    *,
    settings: Settings | None = None,
    out_dir: Path,
    kbs: dict[tuple[Path, ...], KnowledgeBase] | None = None,
    concurrency: int = 2,
    use_cache: bool = True,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> list[SuiteOutcome]:
    """Run and gate every suite. Knowledge bases are opened once per distinct ``kb`` list (or taken
    from ``kbs``) and closed at the end if opened here."""
    base = settings or Settings()
    opened: dict[tuple[Path, ...], KnowledgeBase] = {}
    shared = dict(kbs or {})
    outcomes = []
    try:
        for suite in suites:
            suite_settings = base.model_copy(update=suite.settings) if suite.settings else base
            kb = shared.get(suite.kb)
            if kb is None:
                kb = open_kb(suite_settings.retrieval_config(), suite.kb)
                shared[suite.kb] = opened[suite.kb] = kb
            config = EvalConfig(
                task=suite.task,
                cases=suite.cases,
                kb=suite.kb,
                provider=suite.provider,
                out=out_dir / suite.name,
                limit=suite.limit,
                concurrency=concurrency,
                use_cache=use_cache,
                progress=progress,
            )
            kwargs: dict[str, Any] = {"settings": suite_settings, "kb": kb}
            if log is not None:
                kwargs["log"] = log
            result = run_eval(config, **kwargs)
            failures, not_compared, found = gate_run(suite, result)
            outcomes.append(SuiteOutcome(suite, result, failures, not_compared, found))
    finally:
        for kb in opened.values():
            kb.close()
    return outcomes


def write_baseline(outcome: SuiteOutcome) -> Path | None:
    """Replace the suite's committed baseline with this run's summary."""
    if outcome.suite.baseline is None:
        return None
    outcome.suite.baseline.parent.mkdir(parents=True, exist_ok=True)
    outcome.suite.baseline.write_text(json.dumps(outcome.result.summary, indent=2, ensure_ascii=False) + "\n")
    return outcome.suite.baseline
