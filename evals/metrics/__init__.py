"""Metric functions of the eval harness: retrieval, text, summary and handoff scores, bootstrap CIs.

Per-case functions return ``dict[str, float]`` rows that :func:`aggregate` turns into means with
bootstrap intervals. Only non-LLM metrics live here: ragas is used for its ID-based context metrics
and its string-overlap metrics, with telemetry off (``RAGAS_DO_NOT_TRACK=true`` is set on import),
and is imported lazily, the first time such a metric is computed.
"""

from evals.metrics.aggregate import MetricSummary, aggregate
from evals.metrics.bootstrap import bootstrap_ci, bootstrap_delta_ci
from evals.metrics.handoff import (
    NO_HANDOFF,
    UNSPECIFIED,
    HandoffConfusion,
    HandoffPair,
    HandoffScores,
    handoff_confusion,
    handoff_scores,
)
from evals.metrics.retrieval import CONTEXT_K, RETRIEVAL_METRICS, retrieval_scores
from evals.metrics.summary import SUMMARY_METRICS, summary_scores
from evals.metrics.text import (
    TEXT_METRICS,
    EmbedFn,
    answer_token_f1,
    semantic_similarity,
    squad_normalize,
    text_scores,
)

__all__ = [
    "CONTEXT_K",
    "NO_HANDOFF",
    "RETRIEVAL_METRICS",
    "SUMMARY_METRICS",
    "TEXT_METRICS",
    "UNSPECIFIED",
    "EmbedFn",
    "HandoffConfusion",
    "HandoffPair",
    "HandoffScores",
    "MetricSummary",
    "aggregate",
    "answer_token_f1",
    "bootstrap_ci",
    "bootstrap_delta_ci",
    "handoff_confusion",
    "handoff_scores",
    "retrieval_scores",
    "semantic_similarity",
    "squad_normalize",
    "summary_scores",
    "text_scores",
]
