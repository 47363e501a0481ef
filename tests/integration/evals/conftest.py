"""A knowledge base of the sample content plus the poisoned fixture documents, embedded once per
session with the real MiniLM model (the golden thresholds depend on it), in a throwaway data dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.settings import Settings
from evals.kb import open_eval_index
from evals.suites import DEFAULT_THRESHOLDS, load_suites
from knowledge_base.service import KnowledgeBase

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def golden_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("golden-data")
    return Settings(
        data_dir=data_dir,
        embedding_model="all-MiniLM-L6-v2",
        llm_provider="extractive",
        llm_fallbacks=[],
        canaries=[],
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="session")
def golden_kb(golden_settings: Settings) -> Iterator[KnowledgeBase]:
    suites = load_suites(DEFAULT_THRESHOLDS)
    kb_paths = {s.kb for s in suites if s.kb}
    assert len(kb_paths) == 1, "the golden suites are expected to share one knowledge base"
    kb = open_eval_index(golden_settings.retrieval_config(), list(next(iter(kb_paths))))
    yield kb
    kb.close()
