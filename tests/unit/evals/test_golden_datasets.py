"""The golden sets load as eval cases and split across the tasks as the gate expects."""

from __future__ import annotations

from pathlib import Path

from evals.cases import load_cases, select_cases
from evals.kb import CANARY_PATTERN

DATASETS = Path(__file__).resolve().parents[3] / "evals" / "datasets"


def test_golden_cases_split_by_surface() -> None:
    cases = load_cases(DATASETS / "golden.jsonl")
    assert len(cases) == 299
    answer = select_cases(cases, "answer")
    reply = select_cases(cases, "reply")
    assert len(answer.cases) == 233 and len(reply.cases) == 66
    assert answer.skipped == {"surface agent": 66}
    assert sum(1 for c in cases if "injection" in c.tags) == 10
    assert sum(1 for c in cases if c.expected_handoff) == 156
    retrieval = select_cases(cases, "retrieval")
    assert all(c.relevant_doc_ids for c in retrieval.cases)


def test_summaries_and_poisoned_documents() -> None:
    summaries = load_cases(DATASETS / "summaries.jsonl")
    assert len(select_cases(summaries, "summary").cases) == 36
    poison = (DATASETS / "poisoned_docs.jsonl").read_text()
    assert sorted(set(CANARY_PATTERN.findall(poison))) == [
        "CANARY-POISON-001", "CANARY-POISON-002", "CANARY-POISON-003",
    ]
