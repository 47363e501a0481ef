"""Per-case retrieval metrics, including ragas' ID-based context precision / recall."""

from __future__ import annotations

import math

import pytest

from evals.metrics import RETRIEVAL_METRICS, retrieval_scores


def test_hand_computed_case_with_duplicates() -> None:
    # Deduplicated ranking: x, a, b. Relevant: a, c.
    scores = retrieval_scores(["x", "a", "a", "b"], {"a", "c"})
    assert tuple(scores) == RETRIEVAL_METRICS
    assert scores["hit@1"] == 0.0
    assert scores["hit@5"] == 1.0
    assert scores["mrr@10"] == 0.5
    assert scores["ndcg@10"] == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert scores["context_precision_ids"] == pytest.approx(1 / 3)
    assert scores["context_recall_ids"] == pytest.approx(1 / 2)


def test_perfect_ranking() -> None:
    scores = retrieval_scores(["a", "c"], ["c", "a"])
    assert scores == dict.fromkeys(RETRIEVAL_METRICS, 1.0)


def test_nothing_relevant_retrieved() -> None:
    scores = retrieval_scores(["x", "y", "z"], ["a"])
    assert scores == dict.fromkeys(RETRIEVAL_METRICS, 0.0)


def test_empty_ranking_scores_zero_not_nan() -> None:
    assert retrieval_scores([], ["a"]) == dict.fromkeys(RETRIEVAL_METRICS, 0.0)


def test_context_metrics_look_at_top_five_only() -> None:
    ranked = ["a", "x1", "x2", "x3", "x4", "c"]
    scores = retrieval_scores(ranked, ["a", "c"])
    assert scores["context_precision_ids"] == pytest.approx(1 / 5)
    assert scores["context_recall_ids"] == pytest.approx(1 / 2)


def test_relevant_beyond_five_counts_for_mrr_and_ndcg_only() -> None:
    scores = retrieval_scores(["x1", "x2", "x3", "x4", "x5", "a"], ["a"])
    assert scores["hit@5"] == 0.0
    assert scores["mrr@10"] == pytest.approx(1 / 6)
    assert scores["ndcg@10"] == pytest.approx(1 / math.log2(7))
    assert scores["context_precision_ids"] == 0.0
    assert scores["context_recall_ids"] == 0.0


def test_case_without_label_is_rejected() -> None:
    with pytest.raises(ValueError, match="relevant_ids is empty"):
        retrieval_scores(["a"], [])


def test_plain_string_is_rejected() -> None:
    with pytest.raises(TypeError):
        retrieval_scores("abc", ["a"])
    with pytest.raises(TypeError):
        retrieval_scores(["a"], "a")
