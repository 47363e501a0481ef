"""The system under test: the pipelines in-process, or a running service over HTTP.

Each target turns one :class:`~evals.cases.EvalCase` into a :class:`CaseOutput`: the text shown to its
reader and everything the metrics need (citations, handoff, retrieved ids, flags, usage, latency,
the provider requests and retrieved passages recorded by :mod:`evals.trace`). A ``CaseOutput`` is
what the output cache stores, so metrics can be recomputed without calling the model again.

In-process, ``reply`` runs :meth:`Copilot.suggest_outcome` (agent surface), ``answer`` runs
:meth:`Copilot.answer_outcome` (customer surface, the question being the last customer turn and the
history the turns before it), ``summary`` runs :meth:`Copilot.summarize`, and ``retrieval`` runs the
knowledge base's search for the case's surface (top 10).

Over HTTP (``--api-url``, ``--api-key``), the same tasks call ``POST /v1/suggestions``,
``/v1/answers`` and ``/v1/summaries`` with the key as ``Authorization: Bearer`` and ``X-API-Key``.
Those responses carry no retrieved ids and no provider requests, so retrieval metrics, citation
validity and the provider side of the PII check are computed only when the response offers them
(a ``retrieved`` list, ``flags``).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, Field

from copilot.pipelines.reply import ReplyOutcome
from copilot.schemas import AnswerInput, ConversationInput, ConversationTurn, ReplyInput, Summary
from copilot.service import Copilot
from evals.cases import TASK_SURFACE, EvalCase, Task
from evals.trace import CaseTrace
from knowledge_base.query import Turn as KBTurn
from knowledge_base.search import CallerAudience, Retriever, SearchHit

#: How many characters of each retrieved document's passages are kept (judge contexts, reports).
CONTEXT_CHARS = 2000


class CaseOutput(BaseModel):
    """What the system produced for one case (JSON-serialisable; cached)."""

    text: str = ""
    citations: list[dict[str, Any]] = Field(default_factory=list)
    confidence: float | None = None
    handoff: dict[str, Any] | None = None
    provider: str = ""
    model: str = ""
    prompt: dict[str, str] | None = None
    usage: dict[str, float] = Field(default_factory=dict)
    latency_ms: float = 0.0
    flags: dict[str, Any] | None = None
    retrieved: list[str] | None = None
    llm_calls: int = 0
    summary_fields: dict[str, Any] | None = None
    curated_answer_id: str | None = None
    requests: list[list[str]] = Field(default_factory=list)
    faults: list[str] = Field(default_factory=list)
    contexts: list[dict[str, str]] = Field(default_factory=list)
    next_best_action: dict[str, Any] | None = None
    #: The inputs of the calibrated confidence (``copilot eval calibrate`` refits on them).
    confidence_features: dict[str, float] = Field(default_factory=dict)

    @property
    def cited_ids(self) -> list[str]:
        return [str(c.get("doc_id")) for c in self.citations if c.get("doc_id")]

    @property
    def handed_off(self) -> bool:
        return bool(self.handoff and self.handoff.get("needed"))


class Target(Protocol):
    """Runs one case. Implementations are thread-safe."""

    kind: str

    def run(self, case: EvalCase, trace: CaseTrace) -> CaseOutput: ...


def _contexts(hits: list[SearchHit]) -> list[dict[str, str]]:
    return [
        {"doc_id": h.doc_id, "text": "\n".join(p.text for p in h.passages)[:CONTEXT_CHARS]} for h in hits
    ]


def _turns(case: EvalCase) -> list[ConversationTurn]:
    return [ConversationTurn(role=t.role, text=t.text) for t in case.conversation]


def from_outcome(outcome: ReplyOutcome, trace: CaseTrace) -> CaseOutput:
    """A pipeline outcome as a :class:`CaseOutput`, with what the trace recorded."""
    return CaseOutput(
        text=outcome.text,
        citations=[c.model_dump() for c in outcome.citations],
        confidence=outcome.confidence,
        handoff=outcome.handoff.model_dump(),
        provider=outcome.provider,
        model=outcome.model,
        prompt=outcome.prompt.model_dump(),
        usage=outcome.usage.model_dump(),
        latency_ms=round(outcome.latency_ms + trace.saved_ms, 2),
        flags=outcome.flags.model_dump(),
        retrieved=list(outcome.retrieved),
        llm_calls=outcome.llm_calls,
        curated_answer_id=outcome.curated_answer_id,
        requests=[list(r) for r in trace.requests],
        faults=list(trace.faults),
        contexts=_contexts(trace.hits),
        next_best_action=outcome.next_best_action.model_dump() if outcome.next_best_action else None,
        confidence_features=dict(outcome.confidence_features),
    )


def from_summary(summary: Summary, trace: CaseTrace) -> CaseOutput:
    return CaseOutput(
        text=summary.summary,
        provider=summary.provider,
        model=summary.model,
        prompt=summary.prompt.model_dump(),
        usage=summary.usage.model_dump(),
        latency_ms=summary.latency_ms,
        llm_calls=len(trace.requests),
        summary_fields={
            "issue": summary.issue,
            "actions_taken": summary.actions_taken,
            "status": summary.status,
            "next_steps": summary.next_steps,
            "customer_sentiment": summary.customer_sentiment,
        },
        requests=[list(r) for r in trace.requests],
        faults=list(trace.faults),
    )


class InProcessTarget:
    """The pipelines of an opened :class:`Copilot`, called directly (as the API would call them)."""

    kind = "in-process"

    def __init__(self, copilot: Copilot, task: Task, *, retriever: Retriever | None = None, k: int = 10) -> None:
        self.copilot = copilot
        self.task = task
        self.retriever = retriever or copilot.reply.retriever
        self.k = k

    def run(self, case: EvalCase, trace: CaseTrace) -> CaseOutput:
        if self.task == "reply":
            request = ReplyInput(conversation=_turns(case), customer_context=case.customer_context)
            return from_outcome(self.copilot.suggest_outcome(request), trace)
        if self.task == "answer":
            turns = _turns(case)
            question = AnswerInput(question=turns[-1].text, history=turns[:-1])
            return from_outcome(self.copilot.answer_outcome(question), trace)
        if self.task == "summary":
            request_summary = ConversationInput(conversation=_turns(case), customer_context=case.customer_context)
            return from_summary(self.copilot.summarize(request_summary), trace)
        return self._retrieve(case, trace)

    def _retrieve(self, case: EvalCase, trace: CaseTrace) -> CaseOutput:
        started = time.perf_counter()
        audience = CallerAudience.CUSTOMER if case.surface == "customer" else CallerAudience.AGENT
        query = [KBTurn(t.role, t.text) for t in case.conversation]
        hits = self.retriever.search(query, audience=audience, k=self.k)
        latency = (time.perf_counter() - started) * 1000 + trace.saved_ms
        return CaseOutput(
            provider="retrieval",
            model=self.copilot.kb.embedder.name,
            latency_ms=round(latency, 2),
            retrieved=[h.doc_id for h in hits],
            contexts=_contexts(hits),
        )


class ApiError(RuntimeError):
    """The service answered a case with an error."""


_ROUTES = {"reply": "/v1/suggestions", "answer": "/v1/answers", "summary": "/v1/summaries"}


class ApiTarget:
    """A running service (``--api-url``), called over HTTP with an API key."""

    kind = "api"

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        task: Task,
        *,
        timeout_s: float = 120.0,
        client: httpx.Client | None = None,
    ) -> None:
        if task not in _ROUTES:
            raise ValueError(f"--api-url supports the reply, answer and summary tasks, not {task!r}")
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
            headers["X-API-Key"] = api_key
        self.task = task
        self.url = base_url.rstrip("/") + _ROUTES[task]
        self.client = client or httpx.Client(timeout=timeout_s)
        self.headers = headers

    def _body(self, case: EvalCase) -> dict[str, Any]:
        turns = [{"role": t.role, "text": t.text} for t in case.conversation]
        if self.task == "answer":
            return {"question": turns[-1]["text"], "history": turns[:-1]}
        body: dict[str, Any] = {"conversation": turns}
        if case.customer_context:
            body["customer_context"] = case.customer_context
        return body

    def run(self, case: EvalCase, trace: CaseTrace) -> CaseOutput:
        started = time.perf_counter()
        response = self.client.post(self.url, json=self._body(case), headers=self.headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code >= 400:
            detail = response.text[:300]
            raise ApiError(f"{self.url} answered {response.status_code}: {detail}")
        data: dict[str, Any] = response.json()
        text_field = {"reply": "draft", "answer": "answer", "summary": "summary"}[self.task]
        retrieved = data.get("retrieved")
        output = CaseOutput(
            text=str(data.get(text_field, "")),
            citations=list(data.get("citations") or []),
            confidence=data.get("confidence"),
            handoff=data.get("handoff"),
            provider=str(data.get("provider", "")),
            model=str(data.get("model", "")),
            prompt=data.get("prompt"),
            usage=dict(data.get("usage") or {}),
            latency_ms=round(elapsed, 2),
            flags=data.get("flags"),
            retrieved=[str(r) for r in retrieved] if isinstance(retrieved, list) else None,
            curated_answer_id=data.get("curated_answer_id"),
        )
        if self.task == "summary":
            output.summary_fields = {
                k: data.get(k) for k in ("issue", "actions_taken", "status", "next_steps", "customer_sentiment")
            }
        return output

    def close(self) -> None:
        self.client.close()


def task_surface(task: Task) -> str | None:
    """The surface a task's outputs are read on (``None`` for summaries and retrieval)."""
    return TASK_SURFACE.get(task)
