"""Triage: one call that says what a contact is about, what it risks, what it asks for, and who must see it.

Usage::

    triage = Triage.for_embedder(kb.embedder, search=...)
    result = triage.classify(turns, surface="customer")

Inside a request the reply pipeline splits the call in two around its search, so the search's hits are
the evidence for ``answerable`` and nothing is embedded twice: :meth:`Triage.read` (the heads, on the
embeddings the search will reuse) before retrieval, :meth:`Triage.decide` after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from copilot.triage.failsafe import RuleHit, rule_hits
from copilot.triage.features import (
    Array,
    EmbedFn,
    TriageTexts,
    evidence_features,
    feature_row,
    lexical_rows,
    texts_of,
)
from copilot.triage.language import detect_language
from copilot.triage.model import TriageModel, TriageModelError, packaged_model_path
from copilot.triage.result import (
    RISKS,
    Decision,
    IntentScore,
    RequestType,
    RiskName,
    RiskScore,
    TriageHandoff,
    TriageHandoffReason,
    TriageResult,
    Urgency,
)
from copilot.triage.taxonomy import REQUEST_PROCEDURES, RISK_PRIORITY, RISK_ROUTES, area_of
from knowledge_base.embeddings import Embedder
from knowledge_base.query import QueryTuning, Turn

Surface = Literal["agent", "customer"]
#: Retrieval evidence for a conversation on a surface: the similarities of the documents that caller may read.
SearchFn = Callable[[Sequence[Turn], Surface], Sequence[float]]

#: Requests the customer surface hands over, and the reason each is handed over with.
REQUEST_HANDOFFS: dict[str, TriageHandoffReason] = {
    "human": "customer_request",
    "advice": "policy_restriction",
    "internal_info": "policy_restriction",
    "third_party_data": "policy_restriction",
    "action": "unsupported_request",
    "unclear": "pending_clarification",
}
_URGENCY_ORDER: dict[str, int] = {"now": 0, "today": 1, "routine": 2}
ANSWERABLE_THRESHOLD = 0.5


@dataclass(frozen=True)
class Reading:
    """The heads' output for one conversation, before retrieval evidence."""

    turns: tuple[Turn, ...]
    row: Array
    intent: list[IntentScore]
    risks: list[RiskScore]
    scam: tuple[str, float]
    vulnerability: tuple[str, float]
    urgency: tuple[str, float]
    request: tuple[RequestType, float]
    request_source: str
    language: tuple[str, float]
    rules: tuple[RuleHit, ...]
    started: float
    sensitive: float = 0.0
    sensitive_threshold: float = 1.0


class Triage:
    """Classifies PII-masked conversations with a :class:`TriageModel`. Thread-safe (read-only arrays)."""

    def __init__(
        self,
        model: TriageModel,
        embed: EmbedFn,
        *,
        search: SearchFn | None = None,
        tuning: QueryTuning | None = None,
        failsafe: bool = True,
    ) -> None:
        self.model = model
        self.embed = embed
        self.search = search
        self.tuning = tuning
        self.failsafe = failsafe

    @classmethod
    def for_embedder(
        cls,
        embedder: Embedder,
        *,
        path: Path | None = None,
        search: SearchFn | None = None,
        tuning: QueryTuning | None = None,
    ) -> Triage:
        """The triage for the service's embedder: the model at ``path`` or the packaged one for its model.

        Raises :class:`TriageModelError` when there is none, it is unreadable, or it was trained on
        another embedding model: a service must not start without triage.
        """
        name, dim = embedder.name, embedder.dim
        if path is None and name.startswith("hashing-"):
            # The deterministic fake embedder (tests, offline demos) gets a model trained for it on the spot.
            from copilot.triage.build import model_for_fake

            model = model_for_fake(embedder)
            return cls(model, embedder.embed, search=search, tuning=tuning)
        model = TriageModel.load(path or packaged_model_path(name))
        model.check_embedder(name, dim)
        return cls(model, embedder.embed, search=search, tuning=tuning)

    @property
    def version(self) -> str:
        return self.model.version

    def texts(self, conversation: Sequence[Turn]) -> TriageTexts:
        """The texts :meth:`read` embeds (so a caller can embed them in its own batch first)."""
        return texts_of(conversation, self.tuning)

    # -- the two halves ----------------------------------------------------------------------------

    def read(self, conversation: Sequence[Turn]) -> Reading:
        started = time.perf_counter()
        turns = tuple(Turn(t.role, t.text) for t in conversation)
        texts = texts_of(turns, self.tuning)
        dense = feature_row(texts, self.embed)
        row = np.concatenate([dense, lexical_rows([texts]).toarray()], axis=1)
        heads = self.model.heads

        intent_p = heads["intent"].proba(dense)[0]
        top = np.argsort(-intent_p)[:3]
        labels = heads["intent"].labels
        intent = [IntentScore(intent=labels[i], area=area_of(labels[i]), probability=round(float(intent_p[i]), 4))
                  for i in top]

        risk_p = heads["risks"].proba(row)[0]
        sensitive = float(self.model.sensitive(row)[0])
        gate = sensitive >= self.model.thresholds["sensitive"]
        scam = _best(heads["scam_type"].labels, heads["scam_type"].proba(row)[0])
        vulnerability = _best(heads["vulnerability_type"].labels, heads["vulnerability_type"].proba(row)[0])
        risks: list[RiskScore] = []
        for j, name in enumerate(heads["risks"].labels):
            p = float(risk_p[j])
            threshold = self.model.thresholds[name]
            subtype = scam if name == "scam_in_progress" else vulnerability if name == "vulnerability" else None
            risks.append(RiskScore(
                risk=name,  # type: ignore[arg-type]
                probability=round(p, 4),
                threshold=threshold,
                # The sensitive head decides that something is wrong; a risk's own head says what.
                detected=_named(p, threshold, gate),
                subtype=subtype[0] if subtype else None,
                subtype_probability=round(subtype[1], 4) if subtype else None,
            ))
        request = _best(heads["request"].labels, heads["request"].proba(row)[0])
        urgency = _best(heads["urgency"].labels, heads["urgency"].proba(row)[0])

        customer = [t.text for t in turns if t.role == "customer"]
        rules = tuple(rule_hits(customer)) if self.failsafe else ()
        request_source = "model"
        for hit in rules:
            if hit.request is not None and request[0] == "question":
                # A rule can only add a handoff: it may turn a question into a handoff request, never back.
                request, request_source = (hit.request, request[1]), f"rule:{hit.rule}"
        if gate and not any(r.detected for r in risks):
            # Something is wrong, though no single risk head is sure which: name the likeliest one.
            likeliest = max(risks, key=lambda r: r.probability / max(r.threshold, 1e-6))
            risks = [r.model_copy(update={"detected": True, "source": "head:sensitive"}) if r is likeliest else r
                     for r in risks]
        risks = _apply_rules(risks, rules)
        return Reading(
            turns=turns, row=row, intent=intent, risks=risks, scam=scam, vulnerability=vulnerability,
            urgency=urgency, request=request, request_source=request_source,  # type: ignore[arg-type]
            language=detect_language(customer[-1]), rules=rules, started=started,
            sensitive=round(sensitive, 4), sensitive_threshold=self.model.thresholds["sensitive"],
        )

    def decide(self, reading: Reading, *, surface: Surface, evidence: Sequence[float] | None = None) -> TriageResult:
        if evidence is None:
            evidence = self.search(reading.turns, surface) if self.search is not None else ()
        x = np.concatenate([reading.row, evidence_features(evidence)], axis=1)
        answerable_p = float(self.model.heads["answerable"].proba(x)[0, 0])
        request, request_p = reading.request
        answerable = request == "question" and answerable_p >= ANSWERABLE_THRESHOLD
        detected = [r.risk for r in reading.risks if r.detected]
        named = next((r for r in RISK_PRIORITY if r in detected), None)
        cause_risk = named
        if surface == "agent" and not _agent_specialist(reading, self.model.thresholds["sensitive_agent"]):
            # The agent sees every risk score and the procedure; a specialist handoff needs the agent bar.
            cause_risk = None

        urgency, urgency_p = reading.urgency
        if named is not None and _URGENCY_ORDER[RISK_ROUTES[named].urgency] < _URGENCY_ORDER[urgency]:
            urgency = RISK_ROUTES[named].urgency

        handoff = _handoff(reading, surface, cause_risk, answerable, answerable_p)
        procedure = team = None
        if named is not None:
            procedure, team = RISK_ROUTES[named].procedure, RISK_ROUTES[named].team
        elif request in REQUEST_PROCEDURES:
            procedure = REQUEST_PROCEDURES[request]
        area = RISK_ROUTES[named].area if named is not None else reading.intent[0].area
        return TriageResult(
            surface=surface,
            intent=reading.intent,
            area=area,
            risks=reading.risks,
            urgency=urgency,  # type: ignore[arg-type]
            urgency_probability=round(urgency_p, 4),
            request=request,
            request_probability=round(request_p, 4),
            answerable=answerable,
            answerable_probability=round(answerable_p, 4),
            language=reading.language[0],
            language_confidence=reading.language[1],
            handoff=handoff,
            procedure=procedure,
            team=team,
            model_version=self.model.version,
            latency_ms=round((time.perf_counter() - reading.started) * 1000, 3),
        )

    def classify(
        self, conversation: Sequence[Turn], *, surface: Surface = "customer", evidence: Sequence[float] | None = None
    ) -> TriageResult:
        """Triage one conversation (oldest turn first, PII already masked)."""
        if not any(t.role == "customer" and t.text.strip() for t in conversation):
            raise ValueError("a conversation needs at least one customer turn with text")
        return self.decide(self.read(conversation), surface=surface, evidence=evidence)


def _agent_specialist(reading: Reading, threshold: float) -> bool:
    """Whether an agent's contact needs a specialist team: the sensitive head over the agent bar, a risk
    head that is sure on its own, or a fail-safe rule."""
    return (reading.sensitive >= threshold or any(r.probability >= SURE for r in reading.risks)
            or any(r.source.startswith("rule:") for r in reading.risks if r.detected))


#: A risk head this sure names its risk even when the sensitive head did not fire.
SURE = 0.85


def _named(probability: float, threshold: float, gate: bool) -> bool:
    return probability >= SURE or (gate and probability >= threshold)


def _best(labels: Sequence[str], proba: Array) -> tuple[str, float]:
    i = int(np.argmax(proba))
    return labels[i], float(proba[i])


def _apply_rules(risks: list[RiskScore], rules: Sequence[RuleHit]) -> list[RiskScore]:
    """Mark a risk detected when a rule names it and no head did; a rule's fraud hit goes to the likelier
    of the two fraud risks."""
    by_name = {r.risk: r for r in risks}
    for hit in rules:
        if not hit.risks or any(by_name[name].detected for name in hit.risks):
            continue
        name: RiskName = max(hit.risks, key=lambda n: by_name[n].probability / max(by_name[n].threshold, 1e-6))
        by_name[name] = by_name[name].model_copy(update={"detected": True, "source": f"rule:{hit.rule}"})
    return [by_name[name] for name in RISKS if name in by_name]


def _handoff(
    reading: Reading, surface: Surface, cause_risk: RiskName | None, answerable: bool, answerable_p: float
) -> TriageHandoff:
    decided: list[Decision] = []
    if cause_risk is not None:
        score = next(r for r in reading.risks if r.risk == cause_risk)
        if reading.sensitive >= reading.sensitive_threshold:
            decided.append(Decision(by="head:sensitive",
                                    detail=f"p={reading.sensitive:.2f} >= {reading.sensitive_threshold:.2f}"))
        for r in reading.risks:
            if r.detected:
                by = r.source if r.source != "model" else "head:risks"
                decided.append(Decision(by=by, detail=f"{r.risk} p={r.probability:.2f} >= {r.threshold:.2f}"
                                        if r.source == "model" else f"{r.risk} (p={r.probability:.2f})"))
        return TriageHandoff(needed=True, reason="sensitive_topic", cause=score.risk, decided_by=decided)
    if surface == "agent":
        return TriageHandoff(needed=False, decided_by=[Decision(by="head:risks", detail="no risk detected")])
    request, request_p = reading.request
    if request in REQUEST_HANDOFFS:
        by = "head:request" if reading.request_source == "model" else reading.request_source
        return TriageHandoff(needed=True, reason=REQUEST_HANDOFFS[request], cause=request,
                             decided_by=[Decision(by=by, detail=f"request={request} p={request_p:.2f}")])
    if not answerable:
        return TriageHandoff(needed=True, reason="missing_knowledge", cause="not_answerable",
                             decided_by=[Decision(by="head:answerable",
                                                  detail=f"p={answerable_p:.2f} < {ANSWERABLE_THRESHOLD:.2f}")])
    return TriageHandoff(needed=False, decided_by=[Decision(by="head:answerable", detail=f"p={answerable_p:.2f}")])


__all__ = ["Reading", "Triage", "TriageModelError", "Urgency"]
