"""The harness on the real public sets (../shared/datasets), a few cases each: the formats load and
every metric the docs report is produced. Skipped when the folder is absent (a fresh clone).
The figures themselves (full runs, MiniLM) are in docs/evals.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.settings import Settings
from evals.runner import EvalConfig, run_eval

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
DOC2DIAL = SHARED / "doc2dial"
TWEETSUMM = SHARED / "tweetsumm"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets is not available"),
]


def _settings(tmp_path: Path) -> Settings:
    # The hashing embedder keeps the 273-page doc2dial index quick to build; figures use MiniLM.
    return Settings(
        data_dir=tmp_path / "data", embedding_model="hashing-128", llm_provider="extractive", llm_fallbacks=[],
        _env_file=None,  # type: ignore[call-arg]
    )


def test_doc2dial_reply_with_its_knowledge_base(tmp_path: Path) -> None:
    config = EvalConfig(task="reply", cases=DOC2DIAL / "cases-dev.jsonl", kb=(DOC2DIAL / "kb.jsonl",),
                        provider="extractive", out=tmp_path / "d2d", limit=4, progress=False, n_resamples=100)
    result = run_eval(config, settings=_settings(tmp_path), log=lambda _: None)
    assert result.summary["cases"] == 4
    assert result.summary["kb"]["documents"] == 273
    for name in ("hit@5", "mrr@10", "answer_token_f1", "rougeL", "semantic_similarity", "citation_validity"):
        assert name in result.metrics, name
    assert result.summary["counts"]["errors"] == 0


def test_tweetsumm_summaries(tmp_path: Path) -> None:
    config = EvalConfig(task="summary", cases=TWEETSUMM / "cases-train.jsonl", provider="extractive",
                        out=tmp_path / "ts", limit=4, progress=False, n_resamples=100)
    result = run_eval(config, settings=_settings(tmp_path), log=lambda _: None)
    assert result.summary["cases"] == 4
    for name in ("rouge1", "rouge2", "rougeL", "semantic_similarity", "summary_words"):
        assert name in result.metrics, name
