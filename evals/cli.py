"""``copilot eval run | compare | gate``: the eval harness's command line (a Typer app).

Registered under the ``copilot.commands`` entry-point group as ``eval = "evals.cli:eval_app"``.

Exit codes: 0 success; 1 a gate failed (``--baseline``/``--max-drop``, ``--fail-under``,
``--fail-over``, or a suite of ``copilot eval gate``); 2 bad usage or unreadable input.
"""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from copilot.cli.remote import dev_key, in_use_message, running_service
from copilot.settings import Settings
from evals.cases import CaseError
from evals.gating import (
    GateConfigError,
    GateFailure,
    check_baseline,
    check_bounds,
    format_failures,
    load_summary,
    parse_bounds,
)
from knowledge_base.locks import IndexInUse, index_in_use

eval_app = typer.Typer(
    name="eval",
    help="Evaluate the pipelines on labelled case sets, compare runs and gate releases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class TaskName(StrEnum):
    reply = "reply"
    answer = "answer"
    summary = "summary"
    retrieval = "retrieval"
    triage = "triage"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@eval_app.command("run")
def run_command(
    task: Annotated[
        TaskName, typer.Option("--task", help="reply (agent), answer (customer), summary, retrieval, triage.")
    ],
    cases: Annotated[Path, typer.Option("--cases", help="Labelled cases (JSONL).")],
    kb: Annotated[
        list[Path] | None,
        typer.Option("--kb", help="KB file or folder for a throwaway index (repeatable); default: configured index."),
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="extractive, fake (scripted), openai, vertex, local, ...")
    ] = None,
    judge: Annotated[str | None, typer.Option("--judge", help="Provider for the ragas LLM-judge metrics.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Run folder (default runs/<timestamp>-<task>).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="Run at most N cases.")] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Only cases carrying this tag, e.g. split:valid (repeatable: all of them)."),
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Cases in flight.")] = 2,
    all_surfaces: Annotated[
        bool, typer.Option("--all-surfaces", help="Run every case on the task's surface, whatever its own.")
    ] = False,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Run folder or summary.json to compare with.")
    ] = None,
    max_drop: Annotated[float, typer.Option("--max-drop", min=0.0, help="Allowed fall against --baseline.")] = 0.02,
    fail_under: Annotated[
        list[str] | None, typer.Option("--fail-under", help="metric=value: fail when the metric is below (repeatable).")
    ] = None,
    fail_over: Annotated[
        list[str] | None,
        typer.Option("--fail-over", help="metric=value: fail when the metric is above, e.g. pii_leak_rate=0."),
    ] = None,
    api_url: Annotated[str | None, typer.Option("--api-url", help="Evaluate a running service instead.")] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", envvar="COPILOT_EVAL_API_KEY", help="API key for --api-url.")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore and do not fill the output cache.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")] = True,
    worst: Annotated[int, typer.Option("--worst", min=0, help="Worst cases shown in the report.")] = 10,
    plant_canaries: Annotated[
        bool,
        typer.Option("--kb-canaries/--no-kb-canaries", help="Configure the KB's CANARY-... tokens in the pipeline."),
    ] = True,
) -> None:
    """Run a case set through a pipeline, score it and write the run folder."""
    from evals.report import format_metrics_table, headline
    from evals.runner import EvalConfig, run_eval

    if task is TaskName.triage:
        _run_triage(cases, out, fail_under or [], fail_over or [])
        return
    if not kb and api_url is None:
        kb = _beside_service(task)
    if api_url is not None and not api_key:
        api_key = dev_key(Settings().data_dir, "customer" if task is TaskName.answer else "agent")

    try:
        under = parse_bounds(fail_under or [])
        over = parse_bounds(fail_over or [])
        baseline_summary = load_summary(baseline) if baseline is not None else None
    except GateConfigError as exc:
        raise _fail(str(exc)) from exc
    config = EvalConfig(
        task=task.value,  # type: ignore[arg-type]  # triage returned above
        cases=cases,
        kb=tuple(kb or ()),
        provider=provider,
        judge=judge,
        out=out,
        limit=limit,
        tags=tuple(tag or ()),
        concurrency=concurrency,
        all_surfaces=all_surfaces,
        use_cache=not no_cache,
        progress=progress,
        api_url=api_url,
        api_key=api_key,
        plant_canaries=plant_canaries,
        worst=worst,
    )
    try:
        result = run_eval(config)
    except (CaseError, FileNotFoundError, ValueError, KeyError) as exc:
        raise _fail(str(exc)) from exc
    except IndexInUse as exc:
        raise _fail(in_use_message(Settings(), exc)) from exc
    typer.echo(headline(result.summary))
    typer.echo(format_metrics_table(result.summary))
    typer.echo(f"\nrun folder: {result.out_dir}  (report.html, report.md, summary.json, cases.jsonl)")
    failures: list[GateFailure] = check_bounds(result.metrics, under, over)
    if baseline_summary is not None:
        regressions, _ = check_baseline(result.metrics, baseline_summary["metrics"], max_drop)
        failures.extend(regressions)
    if failures:
        typer.echo(format_failures(failures), err=True)
        raise typer.Exit(1)
    if baseline_summary is not None or under or over:
        typer.echo("gate: passed")


def _beside_service(task: TaskName) -> list[Path] | None:
    """``--kb`` for a run on the configured index when another process holds that (embedded) index.

    Summaries read the index only for their triage's retrieval evidence, so beside a running service
    they take it from a throwaway index of the service's own sources. The other tasks evaluate the
    index itself: they stop and say how to evaluate the service, or a throwaway index, instead.
    """
    settings = Settings()
    config = settings.retrieval_config()
    if not index_in_use(config):
        return None
    record = running_service(settings.data_dir)
    holder = f"the running service at {record.url}" if record is not None else "another process"
    if task is TaskName.summary and record is not None and record.kb_sources:
        sources = ", ".join(record.kb_sources)
        typer.echo(f"note: the configured index is held by {holder}; the summaries' triage evidence comes from a "
                   f"throwaway index of its sources ({sources}), as with --kb.", err=True)
        return [Path(s) for s in record.kb_sources]
    via = f"evaluate that service with --api-url {record.url}, or " if record is not None and task in (
        TaskName.reply, TaskName.answer, TaskName.summary) else ""
    raise _fail(f"the configured index ({config.qdrant_path}) is held by {holder}: {via}evaluate a throwaway index "
                "of the same documents with --kb knowledge_base/content, or stop it first.")


def _run_triage(cases: Path, out: Path | None, fail_under: list[str], fail_over: list[str]) -> None:
    """``--task triage``: triage's own figures on a labelled triage file (see evals/triage_task.py)."""
    from copilot.triage.data import TriageDataError
    from copilot.triage.model import TriageModelError
    from evals.triage_task import run_triage_eval

    try:
        under, over = parse_bounds(fail_under), parse_bounds(fail_over)
        run = run_triage_eval(cases, out)
    except (GateConfigError, TriageDataError, TriageModelError) as exc:
        raise _fail(str(exc)) from exc
    metrics = run.summary["metrics"]
    typer.echo(f"triage: {run.summary['cases']} cases, model {run.summary['model']}")
    for key, value in metrics.items():
        typer.echo(f"  {key:<28} {value:.4f}")
    typer.echo(f"\nrun folder: {run.out_dir}  (report.html, summary.json, cases.jsonl)")
    failures = check_bounds(metrics, under, over)
    if failures:
        typer.echo(format_failures(failures), err=True)
        raise typer.Exit(1)


@eval_app.command("compare")
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="Baseline run folder (or summary.json).")],
    run_b: Annotated[Path, typer.Argument(help="Candidate run folder (or summary.json).")],
    out: Annotated[Path | None, typer.Option("--out", help="Where to write compare.html (default: RUN_B's folder).")]
    = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Cases that changed most to show.")] = 10,
) -> None:
    """Per-metric deltas (B - A) with bootstrap intervals, and the cases that changed most."""
    from evals.compare import compare_runs, format_comparison, load_run, write_comparison

    try:
        a, b = load_run(run_a), load_run(run_b)
    except GateConfigError as exc:
        raise _fail(str(exc)) from exc
    comparison = compare_runs(a, b, top=top)
    typer.echo(format_comparison(comparison))
    target = out or (run_b if run_b.is_dir() else Path.cwd())
    html = write_comparison(comparison, target)
    typer.echo(f"\nwritten: {html}")


@eval_app.command("calibrate")
def calibrate_command(
    runs: Annotated[list[Path], typer.Argument(help="Reply/answer run folders to fit the confidence on.")],
    check: Annotated[
        list[Path] | None, typer.Option("--check", help="Run folders held out from the fit, to check it on.")
    ] = None,
    c: Annotated[float, typer.Option("--c", min=1e-6, help="Inverse L2 strength of the logistic fit.")] = 1.0,
) -> None:
    """Refit the confidence (``copilot/pipelines/confidence.py``) and report its calibration error."""
    from evals.calibration import CalibrationError, fit, load_examples

    try:
        examples = load_examples(runs)
        held_out = load_examples(check or [])
        result = fit(examples, held_out, c=c)
    except CalibrationError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"fitted on {result.n} drafts ({result.supported_rate:.3f} supported)")
    typer.echo(f"ECE in sample: current weights {result.ece_current:.4f}, refitted {result.ece_fitted:.4f}")
    if result.check_n:
        typer.echo(f"ECE on {result.check_n} held-out drafts: current {result.check_ece_current:.4f}, "
                   f"refitted {result.check_ece_fitted:.4f}")
    typer.echo(f"WEIGHTS = {result.weights!r}")


@eval_app.command("reply-selection")
def reply_selection_command(
    cases: Annotated[Path, typer.Option("--cases", help="Conversations (TweetSumm's cases format).")],
    kb_share: Annotated[
        float, typer.Option("--kb-share", min=0.05, max=0.95, help="Share of conversations that form the KB.")
    ] = 0.5,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N held-out replies.")] = None,
    skip: Annotated[int, typer.Option("--skip", min=0, help="Leave out the first N held-out replies (a second, "
                                      "disjoint sample: --skip 400 --limit 400).")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Run folder (default runs/reply-selection).")] = None,
) -> None:
    """Predict agents' next replies from past conversations: resolutions vs article quote vs template."""
    from evals.cases import CaseError
    from evals.reply_selection import format_table, run_reply_selection

    try:
        result = run_reply_selection(cases, kb_share=kb_share, limit=limit, skip=skip, out=out)
    except (CaseError, ValueError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(format_table(result.summary))
    typer.echo(f"run folder: {result.out_dir}")


@eval_app.command("gate")
def gate_command(
    thresholds: Annotated[Path | None, typer.Option("--thresholds", help="Suites file (evals/thresholds.yaml).")] = (
        None
    ),
    suite: Annotated[list[str] | None, typer.Option("--suite", help="Only these suites (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the suites' runs.")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 2,
    no_cache: Annotated[bool, typer.Option("--no-cache")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    update_baselines: Annotated[
        bool, typer.Option("--update-baselines", help="Write each run's summary as the suite's new baseline.")
    ] = False,
) -> None:
    """Run the golden suites of the thresholds file and fail on any bound or baseline regression."""
    from evals.report import headline
    from evals.suites import DEFAULT_THRESHOLDS, load_suites, run_suites, write_baseline

    try:
        suites = load_suites(thresholds or DEFAULT_THRESHOLDS)
    except GateConfigError as exc:
        raise _fail(str(exc)) from exc
    if suite:
        unknown = sorted(set(suite) - {s.name for s in suites})
        if unknown:
            raise _fail(f"unknown suite(s): {', '.join(unknown)}")
        suites = [s for s in suites if s.name in suite]
    out_dir = out or Path("runs") / f"gate-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    try:
        outcomes = run_suites(
            suites, out_dir=out_dir, concurrency=concurrency, use_cache=not no_cache, progress=progress
        )
    except IndexInUse as exc:  # a suite without its own ``kb`` runs on the configured index
        raise _fail(in_use_message(Settings(), exc)) from exc
    failed = 0
    for outcome in outcomes:
        status = "PASS" if outcome.passed else "FAIL"
        typer.echo(f"{status} {outcome.suite.name}: {headline(outcome.result.summary)}")
        if not outcome.baseline_found:
            typer.echo(f"     no baseline at {outcome.suite.baseline}")
        for failure in outcome.failures:
            typer.echo(f"     {failure.message}")
        failed += not outcome.passed
        if update_baselines:
            written = write_baseline(outcome)
            if written is not None:
                typer.echo(f"     baseline written: {written}")
    typer.echo(f"runs in {out_dir}")
    if failed and not update_baselines:
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> Any:
    """Run the eval app on its own (``python -m evals.cli run ...``)."""
    return eval_app(args=argv if argv is not None else sys.argv[1:], prog_name="copilot eval")


if __name__ == "__main__":  # pragma: no cover
    main()
