"""What each metric means for gating: which direction is good, and whether it is a [0, 1] score.

``--max-drop`` and ``copilot eval compare`` read a metric's direction from here: for ``higher``
metrics a fall is a regression, for ``lower`` metrics (leak and injection rates, errors) a rise is.
Metrics with no direction (latency, tokens, cost, summary length, how often the copilot hands over)
are reported but never gated by ``--max-drop``; bound them with ``--fail-over`` / ``--fail-under``
when that matters. A metric this registry does not know is treated the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class MetricInfo:
    name: str
    group: str
    direction: Direction | None
    description: str
    unit: bool = True  # a score or rate in [0, 1]


def _m(name: str, group: str, direction: Direction | None, description: str, unit: bool = True) -> MetricInfo:
    return MetricInfo(name, group, direction, description, unit)


_ALL: tuple[MetricInfo, ...] = (
    _m("hit@1", "retrieval", "higher", "a relevant document ranked first"),
    _m("hit@5", "retrieval", "higher", "a relevant document in the top 5"),
    _m("mrr@10", "retrieval", "higher", "reciprocal rank of the first relevant document (top 10)"),
    _m("ndcg@10", "retrieval", "higher", "binary-relevance nDCG@10"),
    _m("context_precision_ids", "retrieval", "higher", "ragas ID-based context precision (top 5)"),
    _m("context_recall_ids", "retrieval", "higher", "ragas ID-based context recall (top 5)"),
    _m("answer_token_f1", "text", "higher", "SQuAD token F1 against reference_answer"),
    _m("rougeL", "text", "higher", "ROUGE-L F against the reference (reply, or best summary)"),
    _m("bleu", "text", "higher", "sentence BLEU against reference_reply (ragas)"),
    _m("chrf", "text", "higher", "chrF against reference_reply (ragas)"),
    _m("string_similarity", "text", "higher", "1 - normalised Levenshtein distance to reference_reply (ragas)"),
    _m("semantic_similarity", "text", "higher", "cosine similarity of embeddings to the reference"),
    _m("rouge1", "summary", "higher", "ROUGE-1 F, best over the reference summaries"),
    _m("rouge2", "summary", "higher", "ROUGE-2 F, best over the reference summaries"),
    _m("summary_words", "summary", None, "summary length in words", unit=False),
    # The lead baseline depends on the cases alone, so it is reported, never gated.
    _m("lead_rouge1", "summary", None, "ROUGE-1 F of the lead baseline (first customer + last agent turn)"),
    _m("lead_rouge2", "summary", None, "ROUGE-2 F of the lead baseline"),
    _m("lead_rougeL", "summary", None, "ROUGE-L F of the lead baseline"),
    _m("citation_precision", "citations", "higher", "cited documents that are relevant"),
    _m("citation_validity", "citations", "higher", "documents the drafter cited that were really retrieved"),
    _m("grounded_rate", "citations", "higher", "drafts with no unsupported sentence flagged"),
    _m("handoff_precision", "handoff", "higher", "handoffs made that were expected"),
    _m("handoff_recall", "handoff", "higher", "expected handoffs that were made"),
    _m("handoff_f1", "handoff", "higher", "F1 of the handoff decision"),
    _m("handoff_reason_accuracy", "handoff", "higher", "right reason, over expected and made handoffs"),
    _m("handoff_accuracy", "handoff", "higher", "handoff decision matches the label"),
    _m("handoff_rate", "handoff", None, "share of cases handed over"),
    _m("pii_leak_rate", "safety", "lower", "cases whose raw PII reached a provider or an output"),
    _m("pii_provider_leak_rate", "safety", "lower", "cases whose raw PII reached a provider request"),
    _m("pii_output_rate", "safety", "lower", "cases whose raw PII was echoed in the output"),
    _m("internal_leak_rate", "safety", "lower", "customer answers with internal text, a canary or an internal cite"),
    _m("injection_success_rate", "safety", "lower", "injection cases that leaked or broke an output rule"),
    _m("supported", "calibration", "higher", "drafts that cite a relevant document and answer (token F1 >= 0.25)"),
    _m("confidence", "calibration", None, "mean confidence of the drafts scored for calibration"),
    _m("confidence_ece", "calibration", "lower", "expected calibration error of confidence against supported"),
    _m("fault_caught_rate", "llm path", "higher", "faults injected by the scripted fake that the checks caught"),
    _m("repaired_rate", "llm path", None, "outputs repaired after a malformed first reply"),
    _m("fallback_rate", "llm path", "lower", "LLM drafts that fell back to the extractive drafter"),
    _m("error_rate", "run", "lower", "cases that raised an error"),
    _m("faithfulness", "judge", "higher", "ragas faithfulness (LLM judge)"),
    _m("response_relevancy", "judge", "higher", "ragas response relevancy (LLM judge)"),
    _m("llm_context_precision", "judge", "higher", "ragas context precision with reference (LLM judge)"),
    _m("factual_correctness", "judge", "higher", "ragas factual correctness F1 (LLM judge)"),
    _m("latency_ms", "cost", None, "mean latency per case (ms)", unit=False),
    _m("prompt_tokens", "cost", None, "prompt tokens per case", unit=False),
    _m("completion_tokens", "cost", None, "completion tokens per case", unit=False),
    _m("cost_usd", "cost", None, "estimated cost per case (USD)", unit=False),
    _m("llm_calls", "cost", None, "LLM calls per case", unit=False),
)

METRICS: dict[str, MetricInfo] = {m.name: m for m in _ALL}

#: Report order of the groups.
GROUPS: tuple[str, ...] = (
    "retrieval", "text", "summary", "citations", "handoff", "calibration", "safety", "llm path", "judge", "run",
    "cost",
)  # fmt: skip


def info(name: str) -> MetricInfo:
    """The metric's info; an unknown metric has no direction and is not assumed to be in [0, 1]."""
    return METRICS.get(name) or MetricInfo(name, "other", None, "", unit=False)


def direction(name: str) -> Direction | None:
    return info(name).direction


def ordered(names: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """Metric names in report order: by group, then registry order, unknown ones last."""
    position = {m.name: i for i, m in enumerate(_ALL)}
    group_rank = {g: i for i, g in enumerate(GROUPS)}
    return sorted(names, key=lambda n: (group_rank.get(info(n).group, len(GROUPS)), position.get(n, 10_000), n))


def regression(name: str, baseline: float, current: float, max_drop: float) -> float | None:
    """How far ``current`` moved in the metric's bad direction beyond ``max_drop``; ``None`` if not a regression."""
    way = direction(name)
    if way is None:
        return None
    worse_by = baseline - current if way == "higher" else current - baseline
    return worse_by if worse_by > max_drop + 1e-12 else None
