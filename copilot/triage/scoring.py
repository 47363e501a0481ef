"""``copilot triage score``: triage's own figures on a labelled triage file (``evals/datasets/triage_test.jsonl``).

Each case is classified as a request would be (its surface's retrieval evidence from the knowledge base),
and compared with its labels: per-risk precision and recall, the recall of sensitive cases, the handoff
decision (expected from the labels by the product's rule: any risk hands over as ``sensitive_topic``; on
the customer surface a person, advice, internal information, someone else's data, an action, an unclear
message or an unanswerable question hand over too), request accuracy, and the calibration of the
sensitive head (expected calibration error over ten bins).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from copilot.triage.classifier import REQUEST_HANDOFFS, Triage
from copilot.triage.data import Example
from copilot.triage.result import REQUESTS, RISKS
from knowledge_base.config import RetrievalConfig
from knowledge_base.documents import Audience, DocumentKind
from knowledge_base.embeddings import Embedder
from knowledge_base.search import CallerAudience
from knowledge_base.service import KnowledgeBase

EvidenceFn = Callable[[Example], Sequence[float]]


def expected_handoff(example: Example) -> str | None:
    if example.risks:
        return "sensitive_topic"
    if example.surface == "agent":
        return None
    if example.request in REQUEST_HANDOFFS:
        return REQUEST_HANDOFFS[example.request]
    if example.request == "question" and example.answerable is False:
        return "missing_knowledge"
    return None


def expected_calibration_error(probability: Sequence[float], outcome: Sequence[bool], bins: int = 10) -> float:
    p = np.asarray(probability, dtype=float)
    y = np.asarray(outcome, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return round(float(total), 4)


@dataclass
class Score:
    cases: int
    figures: dict[str, float] = field(default_factory=dict)
    per_risk: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: dict[str, int] = field(default_factory=dict)
    #: Request type, expected (rows) against predicted (columns), in ``REQUESTS`` order.
    request_matrix: list[list[int]] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"cases": self.cases, **self.figures, "per_risk": self.per_risk, "confusion": self.confusion,
                "request_matrix": self.request_matrix}


@contextmanager
def kb_evidence(embedder: Embedder, content: Path) -> Iterator[EvidenceFn]:
    """Retrieval evidence from ``content`` indexed in memory: what each case's surface may read."""
    with tempfile.TemporaryDirectory() as tmp, KnowledgeBase(
        RetrievalConfig(data_dir=Path(tmp), qdrant_url=":memory:", embedding_model=embedder.name), embedder=embedder
    ) as kb:
        kb.ingest([content])
        retriever = kb.retriever

        def evidence(example: Example) -> list[float]:
            customer = example.surface == "customer"
            audience = CallerAudience.CUSTOMER if customer else CallerAudience.AGENT
            hits = retriever.search(list(example.turns), audience=audience, k=4 if customer else 5)
            return [h.similarity for h in hits
                    if not customer or (h.audience is Audience.PUBLIC and h.kind is DocumentKind.ARTICLE)]

        yield evidence


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return round(p, 4), round(r, 4), round(2 * p * r / (p + r), 4) if p + r else 0.0


def score(triage: Triage, examples: Sequence[Example], evidence: EvidenceFn) -> Score:
    counts: dict[str, Counter[str]] = {s: Counter() for s in ("customer", "agent")}
    risk_counts = {r: Counter[str]() for r in RISKS}
    confusion: Counter[str] = Counter()
    sensitive_p: list[float] = []
    sensitive_y: list[bool] = []
    requests_right = 0
    request_index = {r: i for i, r in enumerate(REQUESTS)}
    request_matrix = [[0] * len(REQUESTS) for _ in REQUESTS]
    rows: list[dict[str, object]] = []
    answerable_asked = answerable_handed = 0
    sensitive: dict[str, Counter[str]] = {s: Counter() for s in ("customer", "agent")}
    for example in examples:
        result = triage.classify(list(example.turns), surface=example.surface,  # type: ignore[arg-type]
                                 evidence=evidence(example))
        expected = expected_handoff(example)
        got = result.handoff.reason if result.handoff.needed else None
        c = counts[example.surface]
        c["tp" if expected and got else "fp" if got else "fn" if expected else "tn"] += 1
        confusion[f"{expected or 'none'} -> {got or 'none'}"] += 1
        if example.risks:
            sensitive[example.surface]["total"] += 1
            sensitive[example.surface]["caught"] += got == "sensitive_topic"
        if example.surface == "customer" and expected is None and example.request == "question":
            answerable_asked += 1
            answerable_handed += got is not None
        requests_right += result.request == example.request
        if example.request in request_index:
            request_matrix[request_index[example.request]][request_index[result.request]] += 1
        rows.append({
            "id": example.id, "surface": example.surface, "expected": expected, "got": got,
            "request": example.request, "predicted_request": result.request,
            "risks": {r.risk: [r.probability, r.risk in example.risks, r.detected] for r in result.risks},
        })
        detected = set(result.detected_risks)
        for risk in RISKS:
            truth, said = risk in example.risks, risk in detected
            key = {(True, True): "tp", (True, False): "fn", (False, True): "fp", (False, False): "tn"}[(truth, said)]
            risk_counts[risk][key] += 1
        sensitive_p.append(max(r.probability for r in result.risks))
        sensitive_y.append(bool(example.risks))
    figures: dict[str, float] = {}
    for surface, c in counts.items():
        p, r, f1 = _prf(c["tp"], c["fp"], c["fn"])
        figures |= {f"{surface}_handoff_precision": p, f"{surface}_handoff_recall": r, f"{surface}_handoff_f1": f1}
    for surface, c in sensitive.items():
        figures[f"{surface}_sensitive_recall"] = round(c["caught"] / c["total"], 4) if c["total"] else 0.0
    figures["answerable_handed_over"] = round(answerable_handed / answerable_asked, 4) if answerable_asked else 0.0
    figures["request_accuracy"] = round(requests_right / len(examples), 4) if examples else 0.0
    figures["risk_ece"] = expected_calibration_error(sensitive_p, sensitive_y)
    per_risk: dict[str, dict[str, float]] = {}
    for risk, c in risk_counts.items():
        p, r, f1 = _prf(c["tp"], c["fp"], c["fn"])
        per_risk[risk] = {"precision": p, "recall": r, "f1": f1, "support": c["tp"] + c["fn"]}
    return Score(len(examples), figures, per_risk, dict(confusion.most_common()), request_matrix, rows)
