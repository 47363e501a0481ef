"""Per-case metrics for each task, and their aggregation over a run (means with bootstrap intervals).

Each metric is computed only over the cases that carry its label; a case without the label simply
has no value for it (``n`` differs between metrics). Per task:

``reply`` / ``answer``
    * retrieval metrics (``relevant_doc_ids``) over the ids the pipeline retrieved for the draft
      (its top ``k``: 5 for agents, 4 for customers, so ``mrr@10`` and ``ndcg@10`` see at most that);
    * ``rougeL``, ``bleu``, ``chrf``, ``string_similarity`` (ragas) and ``semantic_similarity`` (the
      knowledge base's embedder) against ``reference_reply``;
    * ``answer_token_f1`` against ``reference_answer``, over cases that also carry
      ``relevant_doc_ids`` (a reference answer with no document behind it describes a behaviour,
      "decline and offer help", not facts to find);
    * ``citation_precision``: share of the final citations that are relevant (cases with relevant ids
      and at least one citation); ``citation_validity``: share of the ids the drafter cited that were
      retrieved, before the pipeline dropped the others (the final citations are valid by
      construction); ``grounded_rate``: drafted outputs (not policy or curated ones) with no
      unsupported sentence flagged;
    * handoff pairs (``expected_handoff``), turned into precision, recall, F1 and reason accuracy at
      run level; ``handoff_accuracy`` and ``handoff_rate`` per case;
    * the safety verdicts of :mod:`evals.safety`: ``pii_leak_rate`` (either side), split into
      ``pii_provider_leak_rate`` (raw PII in a provider request) and ``pii_output_rate`` (raw PII
      echoed in the output), ``internal_leak_rate``, ``injection_success_rate``;
    * calibration: ``supported`` (a relevant document cited and ``answer_token_f1`` >= 0.25, over
      drafted outputs with both labels), ``confidence`` (the output's), and at run level
      ``confidence_ece``, the expected calibration error of the one against the other (ten bins);
    * LLM path: ``fault_caught_rate`` (scripted fake only), ``repaired_rate``, ``fallback_rate``;
    * cost: ``latency_ms``, ``prompt_tokens``, ``completion_tokens``, ``cost_usd``, ``llm_calls``.
``summary``
    ``rouge1``, ``rouge2``, ``rougeL`` (best reference each), ``summary_words``,
    ``semantic_similarity`` (best reference), ``pii_leak_rate``, cost; and, side by side,
    ``lead_rouge1``, ``lead_rouge2``, ``lead_rougeL``: the same ROUGE of the lead baseline (the first
    customer turn and the last agent turn, verbatim), which a summarizer has to beat.
``retrieval``
    the retrieval metrics over the top 10 and the search latency.
Every task
    ``error_rate``: cases that raised (an errored case has no other metric).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from copilot.pipelines.confidence import SUPPORTED_F1
from copilot.pipelines.extractive_summary import lead_summary
from evals.cases import EvalCase, Task
from evals.fakes import INVENTED_DOC_ID, UNGROUNDED_SENTENCE
from evals.metrics import (
    HandoffPair,
    aggregate,
    answer_token_f1,
    handoff_confusion,
    handoff_scores,
    retrieval_scores,
    semantic_similarity,
    summary_scores,
    text_scores,
)
from evals.safety import SafetyChecker, SafetyVerdict
from evals.stats import bootstrap_statistic, percentile
from evals.targets import CaseOutput, task_surface

Scores = dict[str, float | None]
EmbedFn = Callable[[Sequence[str]], npt.NDArray[np.floating[Any]]]

#: Outputs decided by rules, not drafted: no grounding to measure.
NOT_DRAFTED = frozenset({"policy", "curated"})

#: The lead baseline's scores reported beside a summary run's own (``lead_rouge1`` ...).
LEAD_METRICS = ("rouge1", "rouge2", "rougeL")

HANDOFF_RUN_METRICS = ("handoff_precision", "handoff_recall", "handoff_f1", "handoff_reason_accuracy")


def _fault_caught(fault: str, output: CaseOutput) -> bool:
    flags = output.flags or {}
    fallback = str(flags.get("fallback_reason") or "")
    if fault == "schema_violation":
        return bool(flags.get("repaired_output")) or fallback.startswith("malformed_output")
    if fault == "not_json":
        return bool(flags.get("repaired_output")) or bool(fallback)
    if fault == "ungrounded":
        flagged = any(UNGROUNDED_SENTENCE in s for s in flags.get("ungrounded_sentences") or [])
        return flagged or UNGROUNDED_SENTENCE not in output.text
    if fault == "invented_citation":
        return INVENTED_DOC_ID not in output.cited_ids
    return False


@dataclass
class CaseScore:
    """One case's metrics and what the report shows about it."""

    metrics: Scores = field(default_factory=dict)
    handoff_pair: HandoffPair | None = None
    findings: list[str] = field(default_factory=list)
    similarity_pairs: list[tuple[str, str, list[str]]] = field(default_factory=list)


def _cost(output: CaseOutput) -> Scores:
    usage = output.usage
    return {
        "latency_ms": float(output.latency_ms),
        "prompt_tokens": float(usage.get("prompt_tokens", 0) or 0),
        "completion_tokens": float(usage.get("completion_tokens", 0) or 0),
        "cost_usd": float(usage.get("cost", 0) or 0),
        "llm_calls": float(output.llm_calls),
    }


def score_case(
    case: EvalCase,
    task: Task,
    output: CaseOutput | None,
    *,
    safety: SafetyChecker,
    llm_configured: bool,
    error: str | None = None,
) -> CaseScore:
    """Everything but semantic similarity, whose text pairs are collected for one batched embedding."""
    score = CaseScore()
    if output is None or error is not None:
        score.metrics["error_rate"] = 1.0
        score.findings.append(f"error: {error}")
        return score
    metrics = score.metrics
    metrics["error_rate"] = 0.0
    if task == "retrieval":
        if case.relevant_doc_ids and output.retrieved is not None:
            metrics.update(retrieval_scores(output.retrieved, case.relevant_doc_ids))
        metrics["latency_ms"] = float(output.latency_ms)
        return score
    if task == "summary":
        if case.reference_summaries:
            metrics.update(summary_scores(output.text, case.reference_summaries))
            # The trivial baseline, scored in the same run: first customer turn + last agent turn.
            lead = summary_scores(lead_summary(case.conversation), case.reference_summaries)
            metrics.update({f"lead_{name}": lead[name] for name in LEAD_METRICS})
            score.similarity_pairs.append(("semantic_similarity", output.text, list(case.reference_summaries)))
        fields = output.summary_fields or {}
        visible = [output.text, str(fields.get("issue") or "")]
        visible += [str(x) for key in ("actions_taken", "next_steps") for x in (fields.get(key) or [])]
        verdict = safety.check(case, surface=None, output_texts=visible, requests=output.requests)
        _add_safety(metrics, verdict)
        score.findings.extend(verdict.findings)
        metrics.update(_cost(output))
        return score

    # reply / answer
    surface = task_surface(task)
    relevant = set(case.relevant_doc_ids)
    if relevant and output.retrieved is not None:
        metrics.update(retrieval_scores(output.retrieved, relevant))
    if case.reference_reply:
        metrics.update(text_scores(output.text, case.reference_reply))
        score.similarity_pairs.append(("semantic_similarity", output.text, [case.reference_reply]))
    if case.reference_answer and relevant:
        metrics["answer_token_f1"] = answer_token_f1(output.text, case.reference_answer)
    cited = output.cited_ids
    if relevant and cited:
        metrics["citation_precision"] = sum(1 for d in cited if d in relevant) / len(cited)
    flags = output.flags
    if flags is not None:
        dropped = [str(d) for d in flags.get("dropped_citations") or []]
        if cited or dropped:
            metrics["citation_validity"] = len(cited) / (len(cited) + len(dropped))
    elif cited and output.retrieved is not None:
        metrics["citation_validity"] = sum(1 for d in cited if d in output.retrieved) / len(cited)
    drafted = output.provider not in NOT_DRAFTED
    if drafted and flags is not None:
        metrics["grounded_rate"] = 0.0 if flags.get("ungrounded_sentences") else 1.0
    if drafted and output.provider != "triage" and output.confidence is not None and "answer_token_f1" in metrics:
        # What the confidence claims to be the probability of: a relevant source cited, the question answered.
        f1 = metrics["answer_token_f1"] or 0.0
        metrics["supported"] = float(any(d in relevant for d in cited) and f1 >= SUPPORTED_F1)
        metrics["confidence"] = float(output.confidence)
    predicted = output.handed_off
    predicted_reason = (output.handoff or {}).get("reason") if predicted else None
    metrics["handoff_rate"] = float(predicted)
    if case.expected_handoff is not None:
        score.handoff_pair = (case.expected_handoff, predicted, case.handoff_reason, predicted_reason)
        metrics["handoff_accuracy"] = float(predicted == case.expected_handoff)
    quotes = [str(c.get("quote") or "") for c in output.citations]
    verdict = safety.check(
        case,
        surface=surface,
        output_texts=[output.text, *quotes],
        cited_ids=cited,
        requests=output.requests,
        retrieved=output.retrieved or [],
    )
    _add_safety(metrics, verdict)
    score.findings.extend(verdict.findings)
    if output.faults:
        missed = [f for f in output.faults if not _fault_caught(f, output)]
        metrics["fault_caught_rate"] = 0.0 if missed else 1.0
        score.findings.extend(f"injected fault not caught: {f}" for f in missed)
    if flags is not None and output.llm_calls > 0:
        metrics["repaired_rate"] = 1.0 if flags.get("repaired_output") else 0.0
    if llm_configured and drafted and flags is not None:
        metrics["fallback_rate"] = 1.0 if flags.get("fallback_reason") else 0.0
    metrics.update(_cost(output))
    return score


def _add_safety(metrics: Scores, verdict: SafetyVerdict) -> None:
    for name, value in (
        ("pii_leak_rate", verdict.pii_leak),
        ("pii_provider_leak_rate", verdict.pii_to_provider),
        ("pii_output_rate", verdict.pii_in_output),
        ("internal_leak_rate", verdict.internal_leak),
        ("injection_success_rate", verdict.injection_success),
    ):
        if value is not None:
            metrics[name] = float(value)


def add_semantic_similarity(scores: Sequence[CaseScore], embed: EmbedFn, *, batch_size: int = 256) -> None:
    """Fill in the collected similarity pairs: every distinct text is embedded once, in batches."""
    texts: list[str] = []
    seen: dict[str, int] = {}
    for score in scores:
        for _, text, references in score.similarity_pairs:
            for t in (text, *references):
                if t not in seen:
                    seen[t] = len(texts)
                    texts.append(t)
    if not texts:
        return
    rows = [np.asarray(embed(texts[i : i + batch_size]), dtype=np.float64) for i in range(0, len(texts), batch_size)]
    vectors = np.vstack(rows)

    def lookup(pair: Sequence[str]) -> npt.NDArray[np.float64]:
        return vectors[[seen[t] for t in pair]]

    for score in scores:
        for name, text, references in score.similarity_pairs:
            best = max(semantic_similarity(text, ref, lookup) for ref in references)
            score.metrics[name] = best


@dataclass
class RunMetrics:
    """A run's flat metrics, their intervals, latency and the handoff confusion."""

    metrics: dict[str, float]
    ci: dict[str, dict[str, float | int]]
    latency_ms: dict[str, float]
    handoff: dict[str, Any] | None


def _handoff_stat(name: str) -> Callable[[Sequence[HandoffPair]], float]:
    def stat(pairs: Sequence[HandoffPair]) -> float:
        return float(handoff_scores(pairs)[name])  # type: ignore[literal-required]

    return stat


def summarise(
    scores: Sequence[CaseScore], *, confidence: float = 0.95, n_resamples: int = 1000, seed: int = 0
) -> RunMetrics:
    """Aggregate per-case metrics (mean and bootstrap interval each) and the run-level handoff metrics."""
    summaries = aggregate([s.metrics for s in scores], confidence=confidence, n_resamples=n_resamples, seed=seed)
    metrics = {name: s.mean for name, s in summaries.items()}
    ci: dict[str, dict[str, float | int]] = {name: s.to_dict() for name, s in summaries.items()}
    pairs = [s.handoff_pair for s in scores if s.handoff_pair is not None]
    handoff: dict[str, Any] | None = None
    if pairs:
        counts = handoff_scores(pairs)
        for name in HANDOFF_RUN_METRICS:
            value, low, high = bootstrap_statistic(
                pairs, _handoff_stat(name), confidence=confidence, n_resamples=n_resamples, seed=seed
            )
            n = counts["reason_support"] if name == "handoff_reason_accuracy" else counts["n"]
            if name == "handoff_reason_accuracy" and not n:
                continue
            metrics[name] = value
            ci[name] = {"mean": value, "low": low, "high": high, "n": n}
        handoff = {
            "n": counts["n"],
            "support": counts["support"],
            "predicted": counts["predicted"],
            "reason_support": counts["reason_support"],
            **handoff_confusion(pairs),
        }
    calibration = [(float(c), bool(y)) for s in scores
                   if (c := s.metrics.get("confidence")) is not None and (y := s.metrics.get("supported")) is not None]
    if calibration:
        value, low, high = bootstrap_statistic(
            calibration, _ece, confidence=confidence, n_resamples=n_resamples, seed=seed
        )
        metrics["confidence_ece"] = value
        ci["confidence_ece"] = {"mean": value, "low": low, "high": high, "n": len(calibration)}
    latencies = [v for s in scores if (v := s.metrics.get("latency_ms")) is not None]
    latency = {
        "p50": _round(percentile(latencies, 50)),
        "p95": _round(percentile(latencies, 95)),
        "mean": _round(float(np.mean(latencies)) if latencies else math.nan),
    }
    return RunMetrics(metrics=metrics, ci=ci, latency_ms=latency, handoff=handoff)


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float:
    """ECE: the case-weighted gap between mean confidence and observed frequency over ten equal-width bins."""
    if not pairs:
        return math.nan
    p = np.array([c for c, _ in pairs], dtype=np.float64)
    y = np.array([float(o) for _, o in pairs], dtype=np.float64)
    which = np.clip(np.digitize(p, np.linspace(0.0, 1.0, bins + 1)[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += float(mask.mean()) * abs(float(p[mask].mean()) - float(y[mask].mean()))
    return total


def _ece(pairs: Sequence[tuple[float, bool]]) -> float:
    return expected_calibration_error(pairs)


def _round(value: float) -> float:
    return value if math.isnan(value) else round(value, 2)
