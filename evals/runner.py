"""``copilot eval run``: run a labelled case set through a pipeline, score it, write the run folder.

:func:`run_eval` is the whole run: load and select the cases, open the knowledge base and the
system under test, draft each case (a thread pool of ``concurrency`` workers, a progress bar on
stderr, outputs cached), optionally ask an LLM judge, score every case, aggregate with bootstrap
intervals, and write ``cases.jsonl``, ``summary.json``, ``report.md`` and ``report.html``.

Providers (``--provider``): ``extractive`` (no LLM), ``fake`` (the scripted grounded drafter of
:mod:`evals.fakes`, which takes the pipelines' real LLM path), or any provider the registry builds
(``openai``, ``vertex``, ``local``, ...). When a provider is named, the configured fallbacks are
not used, so the run measures that provider alone. Without ``--provider`` the settings decide.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import weakref
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

import copilot
import knowledge_base
from copilot.llm.gateway import LLMGateway
from copilot.llm.policy import GatewayPolicy
from copilot.llm.pricing import PriceTable
from copilot.llm.registry import build_chain, build_provider
from copilot.prompts import PROMPTS_DIR, PromptLibrary, PromptTemplate
from copilot.service import Copilot
from copilot.settings import Settings
from evals.cache import OutputCache, cache_key, source_fingerprint
from evals.cases import EvalCase, Task, file_sha256, load_cases, select_cases
from evals.fakes import FAKE_JUDGE_MODEL, grounded_fake_model, scripted_judge_model
from evals.kb import KBTexts, index_fingerprint, kb_texts, open_kb
from evals.safety import SafetyChecker
from evals.scoring import CaseScore, add_semantic_similarity, score_case, summarise
from evals.targets import ApiTarget, CaseOutput, InProcessTarget, Target, task_surface
from evals.trace import CaseTrace, RecordingGateway, RecordingRetriever, SearchMemo, tracing
from knowledge_base.embeddings import Embedder, build_embedder_for
from knowledge_base.service import KnowledgeBase

if TYPE_CHECKING:
    from evals.judge import Judge

PROMPT_FOR_TASK: dict[str, str] = {"reply": "suggest_reply", "answer": "answer", "summary": "summarize"}
HARNESS_VERSION = 1
_REPO = Path(__file__).resolve().parents[1]

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class EvalConfig:
    """One ``copilot eval run``."""

    task: Task
    cases: Path
    kb: tuple[Path, ...] = ()
    provider: str | None = None
    judge: str | None = None
    out: Path | None = None
    limit: int | None = None
    concurrency: int = 2
    all_surfaces: bool = False
    use_cache: bool = True
    progress: bool = True
    api_url: str | None = None
    api_key: str | None = None
    plant_canaries: bool = True
    worst: int = 10
    n_resamples: int = 1000
    runs_dir: Path = Path("runs")
    write_reports: bool = True
    #: Run only the cases that carry every one of these tags (``--tag split:valid``).
    tags: tuple[str, ...] = ()


@dataclass
class RunResult:
    """A finished run: where it was written, its summary and its per-case records."""

    out_dir: Path
    summary: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def metrics(self) -> dict[str, float]:
        return dict(self.summary.get("metrics", {}))


def git_sha(root: Path = _REPO) -> str | None:
    """The checked-out commit, read from ``.git`` (no git process), or ``$GIT_SHA`` / ``$GITHUB_SHA``."""
    for name in ("GIT_SHA", "GITHUB_SHA", "CI_COMMIT_SHA"):
        if os.environ.get(name):
            return os.environ[name]
    git = root / ".git"
    try:
        if git.is_file():  # a worktree: "gitdir: <path>", relative to the work tree or absolute
            git = (root / git.read_text().split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(":", 1)[1].strip()
        # A worktree keeps its HEAD; branches live in the main repository's directory ("commondir").
        common = (git / (git / "commondir").read_text().strip()).resolve() if (git / "commondir").exists() else git
        for base in dict.fromkeys((git, common)):
            ref_file = base / ref
            if ref_file.exists():
                return ref_file.read_text().strip()
            packed = base / "packed-refs"
            if packed.exists():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return line.split(" ", 1)[0]
    except (OSError, IndexError):
        return None
    return None


_MEMOS: weakref.WeakKeyDictionary[KnowledgeBase, SearchMemo] = weakref.WeakKeyDictionary()


def search_memo(kb: KnowledgeBase) -> SearchMemo:
    """The search memo shared by every run on this opened knowledge base."""
    memo = _MEMOS.get(kb)
    if memo is None:
        memo = SearchMemo()
        _MEMOS[kb] = memo
    return memo


def build_eval_gateway(settings: Settings, provider: str | None) -> tuple[LLMGateway, str, str]:
    """The recording gateway for ``provider`` and the (provider, model) names the run reports."""
    if provider is not None:
        settings = settings.model_copy(update={"llm_provider": provider, "llm_fallbacks": []})
    policy = GatewayPolicy.from_settings(settings)
    prices = PriceTable(settings.llm_prices)
    if provider == "fake":
        fake = grounded_fake_model()
        return RecordingGateway([fake], policy, prices=prices), "fake", fake.model_name
    chain = build_chain(settings)
    gateway = RecordingGateway(chain, policy, prices=prices)
    if not chain:
        return gateway, "extractive", "extractive"
    first = gateway.providers[0]
    return gateway, first.provider_name, first.model_name


def build_judge_gateway(settings: Settings, name: str) -> tuple[LLMGateway, str]:
    """A gateway over the judge provider alone, and the judge model's name."""
    policy = GatewayPolicy.from_settings(settings.model_copy(update={"llm_provider": name, "llm_fallbacks": []}))
    if name == "fake":
        return LLMGateway([scripted_judge_model()], policy), FAKE_JUDGE_MODEL
    provider = build_provider(name, settings)
    return LLMGateway([provider], policy, prices=PriceTable(settings.llm_prices)), provider.model_name


def _code_fingerprint() -> str:
    root = Path(copilot.__file__).resolve().parent
    return source_fingerprint(
        [
            root / "pipelines",
            root / "guardrails",
            # Triage decides handoffs: its code, its data and its model file are all in here.
            root / "triage",
            root / "curated",
            root / "service.py",
            root / "prompts.py",
            # Retrieval code decides what the pipelines see: a change to it must not reuse old outputs.
            Path(knowledge_base.__file__).resolve().parent,
            Path(__file__).resolve().parent / "fakes.py",
        ]
    )


def _prompt_ref(template: PromptTemplate | None) -> dict[str, str] | None:
    return {"id": template.id, "version": template.version} if template is not None else None


def _system_prompts(library: PromptLibrary) -> list[str]:
    out: list[str] = []
    for name in ("suggest_reply", "answer", "summarize"):
        try:
            out.append(library.get(name).system)
        except ValueError:
            continue
    return out


@dataclass
class _Context:
    """What a run opened, closed at the end."""

    kb: KnowledgeBase | None = None
    owns_kb: bool = False
    api: ApiTarget | None = None
    cache: OutputCache | None = None

    def close(self) -> None:
        if self.api is not None:
            self.api.close()
        if self.cache is not None:
            self.cache.close()
        if self.kb is not None and self.owns_kb:
            self.kb.close()


def run_eval(
    config: EvalConfig,
    *,
    settings: Settings | None = None,
    kb: KnowledgeBase | None = None,
    log: Log = _stderr,
) -> RunResult:
    """Run, score and write one evaluation (see the module docstring).

    ``settings`` defaults to ``Settings()`` (the environment); ``kb`` is an already opened knowledge
    base to use instead of opening one (tests, and ``copilot eval gate`` across its suites).

    Raises:
        evals.cases.CaseError: the cases file is invalid.
        FileNotFoundError, ValueError: the knowledge base cannot be opened or built.
    """
    started = time.perf_counter()
    settings = settings or Settings()
    cases = load_cases(config.cases)
    selection = select_cases(
        cases, config.task, all_surfaces=config.all_surfaces, limit=config.limit, tags=config.tags
    )
    ctx = _Context(kb=kb)
    try:
        if ctx.kb is None and (config.api_url is None or config.kb):
            ctx.kb = open_kb(settings.retrieval_config(), config.kb)
            ctx.owns_kb = True
        texts = kb_texts(ctx.kb) if ctx.kb is not None else KBTexts()
        canaries = list(settings.canaries) + (texts.canaries if config.plant_canaries else [])
        library = PromptLibrary(PROMPTS_DIR)
        template = library.get(PROMPT_FOR_TASK[config.task]) if config.task in PROMPT_FOR_TASK else None

        target: Target
        pipeline: Copilot | None = None
        if config.api_url is not None:
            ctx.api = ApiTarget(config.api_url, config.api_key, config.task)
            target = ctx.api
            provider_name, model_name, llm_configured = "api", config.api_url, True
        else:
            assert ctx.kb is not None
            gateway, provider_name, model_name = build_eval_gateway(settings, config.provider)
            run_settings = settings.model_copy(update={"canaries": sorted(set(canaries))})
            pipeline = Copilot.from_settings(run_settings, kb=ctx.kb, gateway=gateway)
            retriever = RecordingRetriever(ctx.kb.retriever, memo=search_memo(ctx.kb))
            pipeline.reply.retriever = retriever
            target = InProcessTarget(pipeline, config.task, retriever=retriever)
            llm_configured = gateway.available
            if config.task == "retrieval":
                provider_name, model_name = "retrieval", ctx.kb.embedder.name

        embedder: Embedder = (
            ctx.kb.embedder
            if ctx.kb is not None
            else build_embedder_for(settings.retrieval_config())
        )
        approved = [a.answer for a in pipeline.curated.answers] if pipeline is not None and pipeline.curated else []
        safety = SafetyChecker(
            texts, canaries=canaries, system_prompts=_system_prompts(library), approved_texts=approved
        )
        if config.use_cache:
            ctx.cache = OutputCache(settings.data_dir / "eval-cache" / "outputs.sqlite")
        kb_fp = index_fingerprint(ctx.kb) if ctx.kb is not None else "none"
        base_key: dict[str, Any] = {
            "task": config.task,
            "all_surfaces": config.all_surfaces,
            "prompt": _prompt_ref(template),
            "prompt_file": file_sha256([template.path])[:16] if template is not None else None,
            "provider": provider_name,
            "model": model_name,
            "target": target.kind if config.api_url is None else config.api_url,
            "kb": kb_fp,
            "code": _code_fingerprint(),
            "canaries": sorted(set(canaries)),
        }

        # Built before drafting, so that a judge that is not configured fails fast.
        judge = _build_judge(config, settings, embedder, log)
        outputs, errors, cached_flags, keys = _draft_all(config, selection.cases, target, ctx.cache, base_key, log)
        judge_scores, judge_errors, judge_info = _judge_all(
            config, judge, selection.cases, outputs, keys, ctx.cache, log
        )

        scores: list[CaseScore] = []
        for i, case in enumerate(selection.cases):
            scores.append(
                score_case(
                    case,
                    config.task,
                    outputs[i],
                    safety=safety,
                    llm_configured=llm_configured,
                    error=errors[i],
                )
            )
        add_semantic_similarity(scores, embedder.embed)
        for i, extra in judge_scores.items():
            scores[i].metrics.update(extra)
        run_metrics = summarise(scores, n_resamples=config.n_resamples)

        records = [
            _record(config.task, case, outputs[i], scores[i], errors[i], cached_flags[i], judge_errors.get(i, []))
            for i, case in enumerate(selection.cases)
        ]
        prompt = _prompt_ref(template) or _first_prompt(outputs)
        summary: dict[str, Any] = {
            "task": config.task,
            "cases": len(selection.cases),
            "provider": provider_name,
            "model": model_name,
            "prompt": prompt,
            "git_sha": git_sha(),
            "metrics": {k: _finite(v) for k, v in run_metrics.metrics.items()},
            "latency_ms": run_metrics.latency_ms,
            "ci": run_metrics.ci,
            "confidence": 0.95,
            "handoff": run_metrics.handoff,
            "counts": {
                "selected": len(selection.cases),
                "skipped": selection.skipped,
                "errors": sum(1 for e in errors if e is not None),
                "cached": sum(cached_flags),
                "providers": dict(Counter(o.provider for o in outputs if o is not None)),
            },
            "cases_file": _display(config.cases),
            "cases_sha256": file_sha256([config.cases]),
            "kb": {
                "source": [_display(p) for p in config.kb] if config.kb else "configured index",
                "fingerprint": kb_fp,
                "documents": texts.doc_count,
                "canaries": len(canaries),
            },
            "embedding_model": embedder.name,
            "judge": judge_info,
            "target": "in-process" if config.api_url is None else config.api_url,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_s": round(time.perf_counter() - started, 1),
            "harness_version": HARNESS_VERSION,
        }
        out_dir = config.out or config.runs_dir / f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{config.task}"
        result = RunResult(out_dir=out_dir, summary=summary, records=records)
        write_run(result, worst=config.worst, reports=config.write_reports)
        return result
    finally:
        ctx.close()


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies under it (stable across machines)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def _first_prompt(outputs: list[CaseOutput | None]) -> dict[str, str] | None:
    return next((o.prompt for o in outputs if o is not None and o.prompt), None)


def _draft_all(
    config: EvalConfig,
    cases: list[EvalCase],
    target: Target,
    cache: OutputCache | None,
    base_key: dict[str, Any],
    log: Log,
) -> tuple[list[CaseOutput | None], list[str | None], list[bool], list[str]]:
    n = len(cases)
    outputs: list[CaseOutput | None] = [None] * n
    errors: list[str | None] = [None] * n
    cached = [False] * n
    keys = [cache_key({**base_key, "case": c.id, "case_hash": c.content_hash()}) for c in cases]
    todo: list[int] = []
    for i in range(n):
        hit = cache.get(keys[i]) if cache is not None else None
        if hit is not None:
            outputs[i] = CaseOutput.model_validate(hit)
            cached[i] = True
        else:
            todo.append(i)
    log(f"{config.task}: {n} cases, {n - len(todo)} cached, {len(todo)} to run")

    def run_one(i: int) -> None:
        trace = CaseTrace()
        with tracing(trace):
            try:
                output = target.run(cases[i], trace)
            except Exception as exc:  # one bad case is a recorded error, not a lost run
                errors[i] = f"{type(exc).__name__}: {exc}"[:500]
                return
        outputs[i] = output
        if cache is not None:
            cache.put(keys[i], output.model_dump())

    with (
        tqdm(total=n, initial=n - len(todo), desc=config.task, unit="case", file=sys.stderr,
             disable=not config.progress, dynamic_ncols=True) as bar,
        ThreadPoolExecutor(max_workers=max(1, config.concurrency), thread_name_prefix="eval") as pool,
    ):
        futures = [pool.submit(run_one, i) for i in todo]
        for future in as_completed(futures):
            future.result()
            bar.update(1)
    return outputs, errors, cached, keys


def _build_judge(config: EvalConfig, settings: Settings, embedder: Embedder, log: Log) -> Judge | None:
    if config.judge is None:
        return None
    if config.task not in ("reply", "answer"):
        log(f"--judge applies to the reply and answer tasks; ignored for {config.task}")
        return None
    from evals.judge import Judge

    gateway, judge_model = build_judge_gateway(settings, config.judge)
    return Judge(gateway, embedder, name=config.judge, model=judge_model)


def _judge_all(
    config: EvalConfig,
    judge: Judge | None,
    cases: list[EvalCase],
    outputs: list[CaseOutput | None],
    keys: list[str],
    cache: OutputCache | None,
    log: Log,
) -> tuple[dict[int, dict[str, float | None]], dict[int, list[str]], dict[str, Any] | None]:
    if judge is None:
        return {}, {}, None
    from evals.judge import JudgeInput

    judge_model = judge.model
    results: dict[int, dict[str, float | None]] = {}
    problems: dict[int, list[str]] = {}
    todo: list[int] = []
    judge_keys: dict[int, str] = {}
    for i, output in enumerate(outputs):
        if output is None or not output.text.strip():
            continue
        judge_keys[i] = cache_key({"output": keys[i], "judge": judge.name, "judge_model": judge_model})
        hit = cache.get(judge_keys[i]) if cache is not None else None
        if hit is not None:
            results[i] = dict(hit.get("scores", {}))
        else:
            todo.append(i)
    log(f"judge {judge.name} ({judge_model}): {len(judge_keys)} outputs, {len(judge_keys) - len(todo)} cached")

    def judge_one(i: int) -> None:
        output = outputs[i]
        assert output is not None
        case = cases[i]
        item = JudgeInput(
            question=case.last_customer_text,
            response=output.text,
            contexts=[c["text"] for c in output.contexts],
            reference=case.reference_answer,
        )
        scores, errs = judge.score(item)
        results[i] = scores
        if errs:
            problems[i] = errs
        elif cache is not None:
            cache.put(judge_keys[i], {"scores": scores}, kind="judge")

    with (
        tqdm(total=len(todo), desc="judge", unit="case", file=sys.stderr, disable=not config.progress) as bar,
        ThreadPoolExecutor(max_workers=max(1, config.concurrency), thread_name_prefix="judge") as pool,
    ):
        for future in as_completed([pool.submit(judge_one, i) for i in todo]):
            future.result()
            bar.update(1)
    info = {
        "name": judge.name,
        "model": judge_model,
        "calls": judge.llm.calls,
        "prompt_tokens": judge.llm.prompt_tokens,
        "completion_tokens": judge.llm.completion_tokens,
        "cost_usd": round(judge.llm.cost, 6),
        "errors": sum(len(v) for v in problems.values()),
    }
    return results, problems, info


def _record(
    task: Task,
    case: EvalCase,
    output: CaseOutput | None,
    score: CaseScore,
    error: str | None,
    cached: bool,
    judge_errors: list[str],
) -> dict[str, Any]:
    out: dict[str, Any] | None = None
    if output is not None:
        out = output.model_dump(exclude={"requests", "contexts"})
        out["provider_requests"] = len(output.requests)
    return {
        "id": case.id,
        "task": task,
        "surface": task_surface(task) or case.surface,
        "input": case.input(),
        "labels": case.labels(),
        "output": out,
        "retrieved": output.retrieved if output is not None else None,
        "metrics": {k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
                    for k, v in score.metrics.items()},
        "handoff_pair": list(score.handoff_pair) if score.handoff_pair is not None else None,
        "findings": score.findings,
        "error": error,
        "cached": cached,
        "judge_errors": judge_errors,
    }


def write_run(result: RunResult, *, worst: int = 10, reports: bool = True) -> None:
    """Write ``cases.jsonl`` and ``summary.json`` (and the reports) into the run folder."""
    out = result.out_dir
    out.mkdir(parents=True, exist_ok=True)
    with (out / "cases.jsonl").open("w", encoding="utf-8") as fh:
        for record in result.records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n")
    if reports:
        from evals.report import write_reports

        write_reports(out, result.summary, result.records, worst=worst)
