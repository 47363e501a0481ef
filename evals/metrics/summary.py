"""Per-case summary metrics: ROUGE against one or more human reference summaries."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rouge_score.rouge_scorer import RougeScorer

#: The keys :func:`summary_scores` returns, in report order.
SUMMARY_METRICS: tuple[str, ...] = ("rouge1", "rouge2", "rougeL", "summary_words")

_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@cache
def _scorer() -> RougeScorer:
    # Imported on first use: rouge_score imports nltk, which takes about 2 s.
    from rouge_score.rouge_scorer import RougeScorer

    return RougeScorer(list(_ROUGE_TYPES), use_stemmer=True)


def summary_scores(summary: str, references: Sequence[str]) -> dict[str, float]:
    """Score a summary against human reference summaries.

    ``rouge1``, ``rouge2`` and ``rougeL`` are ROUGE F-measures (``rouge_score``, Porter stemming,
    its lower-casing alphanumeric tokenizer), each the best over the references, taken per metric
    (so the three maxima may come from different references). ``summary_words`` is the summary's
    whitespace word count, as a float so that it aggregates like the other metrics.

    Raises:
        ValueError: ``references`` is empty (the case carries no summary label).
        TypeError: ``references`` is a plain string rather than a sequence of summaries.
    """
    if isinstance(references, str):
        raise TypeError("references must be a sequence of reference summaries, not a string")
    if not references:
        raise ValueError("references is empty: leave cases without reference summaries out")
    scorer = _scorer()
    best = dict.fromkeys(_ROUGE_TYPES, 0.0)
    for reference in references:
        scores = scorer.score(reference, summary)
        for rouge_type in _ROUGE_TYPES:
            best[rouge_type] = max(best[rouge_type], float(scores[rouge_type].fmeasure))
    return {**best, "summary_words": float(len(summary.split()))}
