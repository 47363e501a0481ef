"""The eval runner end to end on a tiny knowledge base (hashing-128 embedder, scripted fake model):
run folder contents, the output cache, concurrency, errors, safety metrics, the judge, the API target."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from copilot.llm.fake import FakeChatModel
from evals import runner as runner_module
from evals.cases import CaseError, EvalCase, load_cases, select_cases
from evals.fakes import FAKE_MODEL, grounded_responder
from evals.runner import EvalConfig, RunResult, git_sha, run_eval
from evals.targets import ApiTarget
from evals.trace import CaseTrace
from tests.unit.evals.test_runner_fixtures import CASES, EvalEnv, build_env, read_records, write_jsonl

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvalEnv]:
    built = build_env(tmp_path_factory.mktemp("evals-runner"))
    yield built
    built.close()


def _run(env: EvalEnv, out: Path, **kwargs: Any) -> RunResult:
    cases = kwargs.pop("cases", env.cases)
    settings = kwargs.pop("settings", env.settings)
    config = EvalConfig(cases=cases, out=out, progress=False, n_resamples=200, **kwargs)
    return run_eval(config, settings=settings, kb=env.kb, log=lambda _: None)


# --- cases ---------------------------------------------------------------------------------------


def test_select_cases_by_surface_and_limit(env: EvalEnv) -> None:
    cases = load_cases(env.cases)
    answer = select_cases(cases, "answer")
    reply = select_cases(cases, "reply")
    assert [c.id for c in answer.cases] == ["c-1", "c-2", "c-3", "c-5", "c-6"]
    assert [c.id for c in reply.cases] == ["c-4", "c-7"]
    assert answer.skipped == {"surface agent": 2}
    assert len(select_cases(cases, "reply", all_surfaces=True).cases) == len(CASES)
    limited = select_cases(cases, "answer", limit=2)
    assert [c.id for c in limited.cases] == ["c-1", "c-2"]
    assert limited.skipped["over --limit"] == 3
    assert [c.id for c in select_cases(cases, "retrieval").cases] == ["c-1", "c-3", "c-4", "c-6", "c-7"]


def test_load_cases_names_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(CASES[0]) + "\n{not json}\n")
    with pytest.raises(CaseError, match=":2:"):
        load_cases(bad)
    dup = write_jsonl(tmp_path / "dup.jsonl", [CASES[0], CASES[0]])
    with pytest.raises(CaseError, match="duplicate"):
        load_cases(dup)


def test_content_hash_ignores_labels() -> None:
    case = EvalCase.model_validate(CASES[0])
    relabelled = EvalCase.model_validate({**CASES[0], "reference_answer": "something else"})
    changed = EvalCase.model_validate({**CASES[0], "conversation": [{"role": "customer", "text": "other"}]})
    assert case.content_hash() == relabelled.content_hash()
    assert case.content_hash() != changed.content_hash()


# --- a run -------------------------------------------------------------------------------------


def test_fake_answer_run_writes_the_run_folder(env: EvalEnv, tmp_path: Path) -> None:
    result = _run(env, tmp_path / "run", task="answer", provider="fake")
    out = tmp_path / "run"
    for name in ("cases.jsonl", "summary.json", "report.md", "report.html"):
        assert (out / name).exists(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["task"] == "answer"
    assert summary["cases"] == 5
    assert summary["provider"] == "fake"
    assert summary["model"] == FAKE_MODEL
    assert summary["prompt"] == {"id": "answer", "version": "1"}
    assert "git_sha" in summary
    assert set(summary["latency_ms"]) >= {"p50", "p95"}
    metrics = summary["metrics"]
    for name in ("hit@1", "hit@5", "mrr@10", "ndcg@10", "context_precision_ids", "context_recall_ids",
                 "rougeL", "bleu", "chrf", "string_similarity", "semantic_similarity", "answer_token_f1",
                 "handoff_precision", "handoff_recall", "handoff_f1", "pii_leak_rate", "internal_leak_rate",
                 "injection_success_rate", "error_rate", "prompt_tokens", "cost_usd"):
        assert name in metrics, name
        assert name in summary["ci"], name
    for name, ci in summary["ci"].items():
        assert ci["low"] <= ci["mean"] + 1e-9 <= ci["high"] + 2e-9, name
    assert metrics["pii_leak_rate"] == 0.0  # the pipeline masks before the provider sees anything
    assert metrics["internal_leak_rate"] == 0.0
    assert summary["ci"]["pii_leak_rate"]["n"] == 1  # only c-3 carries PII
    assert summary["ci"]["answer_token_f1"]["n"] == 3  # reference answer with documents behind it
    records = read_records(out)
    assert [r["id"] for r in records] == ["c-1", "c-2", "c-3", "c-5", "c-6"]
    first = records[0]
    assert first["input"]["conversation"][0]["text"].startswith("how long")
    assert first["labels"]["relevant_doc_ids"] == ["card-delivery"]
    assert first["retrieved"] and first["output"]["text"]
    assert "hit@5" in first["metrics"]
    assert result.metrics == metrics


def test_second_run_is_served_from_the_cache(env: EvalEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting_model() -> FakeChatModel:
        def respond(call: Any) -> str:
            calls.append(1)
            return grounded_responder(call)

        return FakeChatModel(model_name=FAKE_MODEL, default_response=respond)

    monkeypatch.setattr(runner_module, "grounded_fake_model", counting_model)
    settings = env.settings.model_copy(update={"data_dir": tmp_path / "data"})
    first = _run(env, tmp_path / "a", task="reply", provider="fake", settings=settings)
    assert first.summary["counts"]["cached"] == 0
    made = len(calls)
    assert made >= 2
    second = _run(env, tmp_path / "b", task="reply", provider="fake", settings=settings)
    assert second.summary["counts"]["cached"] == 2
    assert len(calls) == made  # nothing reached the model again
    assert second.metrics == first.metrics

    # A changed label re-scores from the cache; a changed conversation runs that case again.
    relabelled = [dict(c) for c in CASES]
    relabelled[3] = {**relabelled[3], "reference_answer": "Cancel it in the app."}
    relabelled[6] = {**relabelled[6], "conversation": [{"role": "customer", "text": "I lost my debit card today"}]}
    cases = write_jsonl(tmp_path / "changed.jsonl", relabelled)
    third = _run(env, tmp_path / "c", task="reply", provider="fake", settings=settings, cases=cases)
    assert third.summary["counts"]["cached"] == 1
    assert third.metrics["answer_token_f1"] != first.metrics["answer_token_f1"]
    no_cache = _run(env, tmp_path / "d", task="reply", provider="fake", settings=settings, use_cache=False)
    assert no_cache.summary["counts"]["cached"] == 0


def test_concurrency_does_not_change_the_results(env: EvalEnv, tmp_path: Path) -> None:
    one = _run(env, tmp_path / "one", task="answer", provider="extractive", concurrency=1, use_cache=False)
    four = _run(env, tmp_path / "four", task="answer", provider="extractive", concurrency=4, use_cache=False)
    strip = {"latency_ms"}
    assert {k: v for k, v in one.metrics.items() if k not in strip} == {
        k: v for k, v in four.metrics.items() if k not in strip
    }
    assert [r["id"] for r in one.records] == [r["id"] for r in four.records]


def test_bad_case_is_an_error_not_a_crash(env: EvalEnv, tmp_path: Path) -> None:
    long_turn = {"id": "c-long", "surface": "customer",
                 "conversation": [{"role": "customer", "text": "card " * 3000}]}
    cases = write_jsonl(tmp_path / "cases.jsonl", [CASES[0], long_turn])
    result = _run(env, tmp_path / "run", task="answer", provider="extractive", cases=cases)
    assert result.summary["counts"]["errors"] == 1
    assert result.metrics["error_rate"] == 0.5
    bad = next(r for r in result.records if r["id"] == "c-long")
    assert bad["error"] and "ValidationError" in bad["error"]
    assert bad["metrics"] == {"error_rate": 1.0}


def test_fake_provider_takes_the_llm_path_and_faults_are_scored(env: EvalEnv, tmp_path: Path) -> None:
    result = _run(env, tmp_path / "run", task="reply", provider="fake", all_surfaces=True)
    providers = result.summary["counts"]["providers"]
    assert providers.get("fake", 0) >= 1
    drafted = [r for r in result.records if r["output"]["provider"] == "fake"]
    assert all(r["output"]["provider_requests"] >= 1 for r in drafted)
    assert result.metrics["llm_calls"] > 0
    assert result.metrics["prompt_tokens"] > 0
    with_faults = [r for r in result.records if r["output"]["faults"]]
    if with_faults:
        assert "fault_caught_rate" in result.metrics


def test_raw_pii_reaching_the_provider_is_measured(env: EvalEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Break the pipeline's masking: the metric must notice the raw card number in the request."""
    import copilot.pipelines.reply as reply_module

    class NoMasking(reply_module.PiiVault):
        def mask(self, text: str) -> str:
            return text

    monkeypatch.setattr(reply_module, "PiiVault", NoMasking)
    cases = write_jsonl(tmp_path / "pii.jsonl", [CASES[2]])
    result = _run(env, tmp_path / "run", task="reply", provider="fake", cases=cases, use_cache=False,
                  all_surfaces=True)
    assert result.records[0]["output"]["provider_requests"] >= 1
    assert result.metrics["pii_provider_leak_rate"] == 1.0
    assert result.metrics["pii_leak_rate"] == 1.0
    assert any("provider" in f for f in result.records[0]["findings"])


def test_summary_and_retrieval_tasks(env: EvalEnv, tmp_path: Path) -> None:
    summary = _run(env, tmp_path / "s", task="summary", provider="fake", cases=env.summaries)
    for name in ("rouge1", "rouge2", "rougeL", "summary_words", "semantic_similarity"):
        assert name in summary.metrics
    assert summary.summary["prompt"] == {"id": "summarize", "version": "2"}
    assert summary.metrics["pii_provider_leak_rate"] == 0.0
    retrieval = _run(env, tmp_path / "r", task="retrieval")
    assert retrieval.summary["cases"] == 5
    assert retrieval.summary["provider"] == "retrieval"
    assert 0.0 <= retrieval.metrics["mrr@10"] <= 1.0
    assert all(len(r["retrieved"]) <= 10 for r in retrieval.records)


def test_scripted_judge_adds_ragas_llm_metrics(env: EvalEnv, tmp_path: Path) -> None:
    settings = env.settings.model_copy(update={"data_dir": tmp_path / "data"})
    result = _run(env, tmp_path / "j", task="reply", provider="fake", judge="fake", settings=settings)
    judge = result.summary["judge"]
    assert judge["model"] == "evals-scripted-judge-v1"
    assert judge["calls"] > 0
    assert judge["errors"] == 0
    for name in ("faithfulness", "response_relevancy", "llm_context_precision", "factual_correctness"):
        assert name in result.metrics, name
        assert 0.0 <= result.metrics[name] <= 1.0
    again = _run(env, tmp_path / "j2", task="reply", provider="fake", judge="fake", settings=settings)
    assert again.summary["judge"]["calls"] == 0  # judge scores cached too
    assert again.metrics == result.metrics


def test_api_target_posts_each_task_to_its_route() -> None:
    seen: list[tuple[str, dict[str, Any], str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append((request.url.path, body, request.headers.get("authorization")))
        if request.url.path == "/v1/answers":
            return httpx.Response(200, json={
                "answer": "Cards arrive in 3 to 5 working days.", "citations": [{"doc_id": "card-delivery"}],
                "confidence": 0.8, "handoff": {"needed": False}, "provider": "extractive", "model": "extractive",
                "prompt": {"id": "answer", "version": "1"}, "usage": {"prompt_tokens": 0}, "latency_ms": 5})
        return httpx.Response(503, json={"title": "unavailable"})

    client = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://svc")
    case = EvalCase.model_validate(CASES[0])
    target = ApiTarget("http://svc/", "secret-key", "answer", client=client)
    output = target.run(case, CaseTrace())
    assert seen[0][0] == "/v1/answers"
    assert seen[0][1] == {"question": "how long does a new debit card take to arrive?", "history": []}
    assert seen[0][2] == "Bearer secret-key"
    assert output.text.startswith("Cards arrive")
    assert output.cited_ids == ["card-delivery"]
    assert output.retrieved is None
    failing = ApiTarget("http://svc", None, "reply", client=client)
    with pytest.raises(RuntimeError, match="503"):
        failing.run(EvalCase.model_validate(CASES[3]), CaseTrace())
    with pytest.raises(ValueError, match="retrieval"):
        ApiTarget("http://svc", None, "retrieval", client=client)


def test_run_against_an_api(env: EvalEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={
            "draft": "You can cancel it in the app under Payments.", "citations": [{"doc_id": "direct-debits"}],
            "handoff": {"needed": False}, "provider": "openai", "model": "gpt-x",
            "prompt": {"id": "suggest_reply", "version": "9"}, "usage": {"prompt_tokens": 120, "cost": 0.001},
            "flags": {"dropped_citations": [], "ungrounded_sentences": []}})

    original = runner_module.ApiTarget

    def with_mock(url: str, key: str | None, task: Any) -> ApiTarget:
        return original(url, key, task, client=httpx.Client(transport=httpx.MockTransport(handler)))

    monkeypatch.setattr(runner_module, "ApiTarget", with_mock)
    config = EvalConfig(task="reply", cases=env.cases, out=tmp_path / "api", progress=False, n_resamples=100,
                        api_url="http://svc", api_key="k")
    result = run_eval(config, settings=env.settings, kb=env.kb, log=lambda _: None)
    assert result.summary["provider"] == "api"
    assert result.summary["target"] == "http://svc"
    assert result.summary["prompt"] == {"id": "suggest_reply", "version": "1"}
    assert result.metrics["cost_usd"] == pytest.approx(0.001)
    assert "hit@5" not in result.metrics  # the API does not say what it retrieved


def test_git_sha_reads_the_repository_or_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_SHA", "abc123")
    assert git_sha() == "abc123"
    monkeypatch.delenv("GIT_SHA")
    for name in ("GITHUB_SHA", "CI_COMMIT_SHA"):
        monkeypatch.delenv(name, raising=False)
    repo = tmp_path / "repo"
    (repo / ".git" / "refs" / "heads").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / ".git" / "refs" / "heads" / "main").write_text("deadbeef\n")
    assert git_sha(repo) == "deadbeef"
    (repo / ".git" / "refs" / "heads" / "main").unlink()
    (repo / ".git" / "packed-refs").write_text("# pack\ncafef00d refs/heads/main\n")
    assert git_sha(repo) == "cafef00d"
    assert git_sha(tmp_path / "nowhere") is None


def test_git_sha_reads_a_worktree_on_its_own_branch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GIT_SHA", "GITHUB_SHA", "CI_COMMIT_SHA"):
        monkeypatch.delenv(name, raising=False)
    repo, tree = tmp_path / "repo", tmp_path / "tree"

    def git(*args: str, cwd: Path = repo) -> str:
        env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": os.environ["PATH"]}
        return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout

    repo.mkdir()
    git("init", "-q", "-b", "main")
    git("commit", "-q", "--allow-empty", "-m", "first")
    git("worktree", "add", "-q", "-b", "feature", str(tree))
    git("commit", "-q", "--allow-empty", "-m", "on the branch", cwd=tree)
    assert git_sha(tree) == git("rev-parse", "HEAD", cwd=tree).strip()
    assert git_sha(tree) != git_sha(repo) == git("rev-parse", "HEAD").strip()
