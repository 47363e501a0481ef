"""Per-case retrieval metrics over ranked document ids."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from evals.metrics._ragas import id_context_scores
from knowledge_base.metrics import hit_at, ndcg_at, reciprocal_rank

#: How many of the top-ranked ids the ragas ID-based context metrics look at.
CONTEXT_K = 5

#: The keys :func:`retrieval_scores` returns, in report order.
RETRIEVAL_METRICS: tuple[str, ...] = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "context_precision_ids",
    "context_recall_ids",
)


def retrieval_scores(ranked_ids: Sequence[str], relevant_ids: Collection[str]) -> dict[str, float]:
    """Score one case's ranking of document ids against its relevant ids.

    ``ranked_ids`` is de-duplicated first (first occurrence kept), so a retriever that returns several
    chunks of one document is scored on distinct documents.

    Returns, all in [0, 1]:

    * ``hit@1``, ``hit@5``: 1.0 if a relevant id is in the top 1 / top 5.
    * ``mrr@10``: reciprocal rank of the first relevant id within the top 10, else 0.
    * ``ndcg@10``: binary-relevance nDCG@10.
    * ``context_precision_ids``: ragas ``IDBasedContextPrecision`` on the top 5 ids, i.e. the share of
      those ids that are relevant (set-based, not rank-aware).
    * ``context_recall_ids``: ragas ``IDBasedContextRecall`` on the top 5 ids, i.e. the share of the
      relevant ids found there.

    An empty ranking scores 0.0 everywhere (ragas would return NaN for precision).

    Raises:
        ValueError: ``relevant_ids`` is empty; such a case carries no retrieval label and should be
            left out of retrieval metrics, not scored.
        TypeError: either argument is a plain string rather than a collection of ids.
    """
    if isinstance(ranked_ids, str) or isinstance(relevant_ids, str):
        raise TypeError("ranked_ids and relevant_ids must be collections of ids, not a string")
    relevant = set(relevant_ids)
    if not relevant:
        raise ValueError("relevant_ids is empty: leave cases without a retrieval label out")
    ranked = list(dict.fromkeys(ranked_ids))
    top = ranked[:CONTEXT_K]
    if top:
        precision, recall = id_context_scores(top, sorted(relevant))
    else:
        precision, recall = 0.0, 0.0
    return {
        "hit@1": hit_at(ranked, relevant, 1),
        "hit@5": hit_at(ranked, relevant, 5),
        "mrr@10": reciprocal_rank(ranked, relevant, 10),
        "ndcg@10": ndcg_at(ranked, relevant, 10),
        "context_precision_ids": precision,
        "context_recall_ids": recall,
    }
