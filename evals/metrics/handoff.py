"""Run-level handoff metrics: did the copilot hand over when it should, and for the right reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

#: One case: (expected handoff, predicted handoff, expected reason, predicted reason).
HandoffPair = tuple[bool, bool, str | None, str | None]

#: Reason label for "no handoff" in the per-reason confusion.
NO_HANDOFF = "no_handoff"
#: Reason label for a handoff that carries no reason.
UNSPECIFIED = "unspecified"


class HandoffScores(TypedDict):
    """Handoff metrics over a run; rates are in [0, 1] and never NaN."""

    handoff_precision: float
    handoff_recall: float
    handoff_f1: float
    handoff_reason_accuracy: float
    n: int
    support: int
    predicted: int
    reason_support: int


class HandoffConfusion(TypedDict):
    """Confusion counts for the report's charts (JSON-serialisable as is)."""

    labels: list[str]
    matrix: list[list[int]]
    reason_labels: list[str]
    reasons: dict[str, dict[str, int]]


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def handoff_scores(pairs: Sequence[HandoffPair]) -> HandoffScores:
    """Precision, recall and F1 of the handoff decision, and accuracy of the handoff reason.

    ``handoff`` is the positive class. ``handoff_reason_accuracy`` is the share of cases with a
    predicted reason equal to the expected one, over the cases where handoff was both expected and
    predicted and an expected reason is given.

    Undefined rates are 0.0, never NaN: precision when nothing was predicted as a handoff, recall
    when no handoff was expected, F1 when precision + recall is 0, reason accuracy when no case
    qualifies. Read them with the counts: ``n`` cases, ``support`` expected handoffs, ``predicted``
    predicted handoffs, ``reason_support`` cases behind the reason accuracy.
    """
    confusion = handoff_confusion(pairs)
    (_, false_positives), (false_negatives, true_positives) = confusion["matrix"]
    precision = _ratio(true_positives, true_positives + false_positives)
    recall = _ratio(true_positives, true_positives + false_negatives)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    reason_cases = [
        (expected_reason, predicted_reason)
        for expected, predicted, expected_reason, predicted_reason in pairs
        if expected and predicted and expected_reason is not None
    ]
    reason_correct = sum(1 for expected_reason, predicted_reason in reason_cases if expected_reason == predicted_reason)
    return {
        "handoff_precision": precision,
        "handoff_recall": recall,
        "handoff_f1": f1,
        "handoff_reason_accuracy": _ratio(reason_correct, len(reason_cases)),
        "n": len(pairs),
        "support": true_positives + false_negatives,
        "predicted": true_positives + false_positives,
        "reason_support": len(reason_cases),
    }


def _reason_label(handoff: bool, reason: str | None) -> str:
    if not handoff:
        return NO_HANDOFF
    return reason if reason is not None else UNSPECIFIED


def handoff_confusion(pairs: Sequence[HandoffPair]) -> HandoffConfusion:
    """Count the handoff decisions and reasons.

    * ``labels`` is ``["no_handoff", "handoff"]`` and ``matrix`` the 2x2 counts, rows the expected
      label and columns the predicted one: ``[[tn, fp], [fn, tp]]``.
    * ``reasons[expected][predicted]`` counts every case by reason label: the reason when a handoff
      is expected / predicted (``"unspecified"`` when it has none), ``"no_handoff"`` otherwise.
      It is a full square over ``reason_labels`` (``"no_handoff"`` first, then the reasons sorted,
      ``"unspecified"`` last), zeros included, so it plots as a heat map directly.
    """
    matrix = [[0, 0], [0, 0]]
    observed: list[tuple[str, str]] = []
    for expected, predicted, expected_reason, predicted_reason in pairs:
        matrix[int(bool(expected))][int(bool(predicted))] += 1
        observed.append((_reason_label(expected, expected_reason), _reason_label(predicted, predicted_reason)))
    seen = {label for pair in observed for label in pair} | {NO_HANDOFF}
    middle = sorted(seen - {NO_HANDOFF, UNSPECIFIED})
    reason_labels = [NO_HANDOFF, *middle, *([UNSPECIFIED] if UNSPECIFIED in seen else [])]
    reasons = {row: dict.fromkeys(reason_labels, 0) for row in reason_labels}
    for expected_label, predicted_label in observed:
        reasons[expected_label][predicted_label] += 1
    return {
        "labels": [NO_HANDOFF, "handoff"],
        "matrix": matrix,
        "reason_labels": reason_labels,
        "reasons": reasons,
    }
