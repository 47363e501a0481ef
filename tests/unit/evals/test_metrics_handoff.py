"""Handoff precision / recall / F1, reason accuracy and confusion counts."""

from __future__ import annotations

import json

import pytest

from evals.metrics import HandoffPair, handoff_confusion, handoff_scores

PAIRS: list[HandoffPair] = [
    (True, True, "sensitive_topic", "sensitive_topic"),  # TP, right reason
    (True, True, "customer_request", "sensitive_topic"),  # TP, wrong reason
    (True, True, None, "missing_knowledge"),  # TP, no expected reason: not in reason accuracy
    (True, False, "missing_knowledge", None),  # FN
    (False, True, None, "customer_request"),  # FP
    (False, False, None, None),  # TN
    (False, False, None, None),  # TN
]


def test_hand_computed_scores() -> None:
    scores = handoff_scores(PAIRS)
    assert scores["handoff_precision"] == pytest.approx(3 / 4)
    assert scores["handoff_recall"] == pytest.approx(3 / 4)
    assert scores["handoff_f1"] == pytest.approx(3 / 4)
    assert scores["handoff_reason_accuracy"] == pytest.approx(1 / 2)
    assert (scores["n"], scores["support"], scores["predicted"], scores["reason_support"]) == (7, 4, 4, 2)


def test_asymmetric_precision_recall() -> None:
    pairs: list[HandoffPair] = [(True, True, None, None), (True, False, None, None), (True, False, None, None)]
    scores = handoff_scores(pairs)
    assert scores["handoff_precision"] == 1.0
    assert scores["handoff_recall"] == pytest.approx(1 / 3)
    assert scores["handoff_f1"] == pytest.approx(0.5)


def test_hand_computed_confusion() -> None:
    confusion = handoff_confusion(PAIRS)
    assert confusion["labels"] == ["no_handoff", "handoff"]
    assert confusion["matrix"] == [[2, 1], [1, 3]]
    assert confusion["reason_labels"] == [
        "no_handoff",
        "customer_request",
        "missing_knowledge",
        "sensitive_topic",
        "unspecified",
    ]
    reasons = confusion["reasons"]
    assert reasons["sensitive_topic"]["sensitive_topic"] == 1
    assert reasons["customer_request"]["sensitive_topic"] == 1
    assert reasons["unspecified"]["missing_knowledge"] == 1
    assert reasons["missing_knowledge"]["no_handoff"] == 1
    assert reasons["no_handoff"] == {
        "no_handoff": 2,
        "customer_request": 1,
        "missing_knowledge": 0,
        "sensitive_topic": 0,
        "unspecified": 0,
    }
    assert sum(sum(row.values()) for row in reasons.values()) == len(PAIRS)
    assert all(list(row) == confusion["reason_labels"] for row in reasons.values())
    json.dumps(confusion)


def test_perfect_predictions() -> None:
    pairs: list[HandoffPair] = [(True, True, "sensitive_topic", "sensitive_topic"), (False, False, None, None)]
    scores = handoff_scores(pairs)
    assert (scores["handoff_precision"], scores["handoff_recall"], scores["handoff_f1"]) == (1.0, 1.0, 1.0)
    assert scores["handoff_reason_accuracy"] == 1.0


def test_undefined_rates_are_zero_not_nan() -> None:
    for pairs in ([], [(False, False, None, None)]):
        scores = handoff_scores(pairs)
        assert scores["handoff_precision"] == 0.0
        assert scores["handoff_recall"] == 0.0
        assert scores["handoff_f1"] == 0.0
        assert scores["handoff_reason_accuracy"] == 0.0
        assert scores["support"] == 0
    empty = handoff_confusion([])
    assert empty["matrix"] == [[0, 0], [0, 0]]
    assert empty["reasons"] == {"no_handoff": {"no_handoff": 0}}
