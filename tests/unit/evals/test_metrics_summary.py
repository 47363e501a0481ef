"""ROUGE of summaries against one or more references."""

from __future__ import annotations

import pytest

from evals.metrics import SUMMARY_METRICS, summary_scores


def test_hand_computed_single_reference() -> None:
    scores = summary_scores("the card arrived late", ["the card arrived"])
    assert tuple(scores) == SUMMARY_METRICS
    assert scores["rouge1"] == pytest.approx(6 / 7)  # P 3/4, R 1
    assert scores["rouge2"] == pytest.approx(4 / 5)  # P 2/3, R 1
    assert scores["rougeL"] == pytest.approx(6 / 7)  # LCS 3
    assert scores["summary_words"] == 4.0


def test_identical_summary_scores_one() -> None:
    text = "Customer's card had not arrived; the agent ordered a replacement."
    scores = summary_scores(text, [text])
    assert (scores["rouge1"], scores["rouge2"], scores["rougeL"]) == (1.0, 1.0, 1.0)


def test_best_over_references_per_metric() -> None:
    summary = "card was blocked by the bank"
    shuffled = "bank the by blocked was card"  # every unigram, no bigram, LCS 1
    partial = "card was blocked yesterday"  # rouge1 0.6, rouge2 0.5, rougeL 0.6
    for references in ([shuffled, partial], [partial, shuffled]):
        scores = summary_scores(summary, references)
        assert scores["rouge1"] == pytest.approx(1.0)
        assert scores["rouge2"] == pytest.approx(0.5)
        assert scores["rougeL"] == pytest.approx(0.6)
        assert scores["summary_words"] == 6.0


def test_unrelated_summary_scores_zero() -> None:
    scores = summary_scores("refund issued", ["card delivery delayed"])
    assert (scores["rouge1"], scores["rouge2"], scores["rougeL"]) == (0.0, 0.0, 0.0)


def test_references_are_required() -> None:
    with pytest.raises(ValueError, match="references is empty"):
        summary_scores("a summary", [])
    with pytest.raises(TypeError):
        summary_scores("a summary", "one reference as a string")
