"""What one case did inside the pipeline: the provider requests, the retrieved hits, injected faults.

The runner opens a :class:`CaseTrace` around each case (:func:`tracing`, a context variable, so it
works with the thread pool: each worker sets its own). Two thin wrappers fill it:

* :class:`RecordingGateway`, an :class:`~copilot.llm.gateway.LLMGateway` that records the text of
  every message sent to a provider, for the ``pii_leak_rate`` check ("no raw card number reaches
  a provider"). It records in the caller's thread, before the gateway's own worker thread starts,
  so it works for every provider, not just the fake.
* :class:`RecordingRetriever`, which records the hits the pipeline retrieved (their passages are the
  judge's contexts) and memoises searches: the same query on the same index gives the same ranking,
  so running one case set with two providers searches once. A memoised search still counts in the
  case's latency with its original duration (``CaseTrace.saved_ms``).

The scripted fake model (:mod:`evals.fakes`) notes the faults it injects on the trace too; the
gateway copies the context into its worker thread, so the fake sees the case's trace.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from copilot.llm.base import ChatRequest, ChatResult, message_text
from copilot.llm.gateway import LLMGateway
from knowledge_base.query import Turn
from knowledge_base.search import CallerAudience, Retriever, SearchFilters, SearchHit


@dataclass
class CaseTrace:
    """Everything observed while one case ran."""

    requests: list[list[str]] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    hits: list[SearchHit] = field(default_factory=list)
    #: Search time saved by the memo (the memoised searches' original durations), added back to latency.
    saved_ms: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_request(self, texts: list[str]) -> None:
        with self._lock:
            self.requests.append(texts)

    def add_fault(self, fault: str) -> None:
        with self._lock:
            self.faults.append(fault)


_CURRENT: ContextVar[CaseTrace | None] = ContextVar("evals_case_trace", default=None)


def current_trace() -> CaseTrace | None:
    """The trace of the case running in this context, if any."""
    return _CURRENT.get()


@contextmanager
def tracing(trace: CaseTrace) -> Iterator[CaseTrace]:
    """Make ``trace`` the current case's trace for the duration of the block."""
    token = _CURRENT.set(trace)
    try:
        yield trace
    finally:
        _CURRENT.reset(token)


class RecordingGateway(LLMGateway):
    """An LLM gateway that records every request's message texts on the current :class:`CaseTrace`."""

    def complete(self, request: ChatRequest, *, deadline: float | None = None) -> ChatResult:
        _record(request)
        return super().complete(request, deadline=deadline)

    def stream(self, request: ChatRequest, *, deadline: float | None = None) -> Generator[str | ChatResult, None, None]:
        _record(request)
        return super().stream(request, deadline=deadline)


def _record(request: ChatRequest) -> None:
    trace = _CURRENT.get()
    if trace is not None:
        trace.add_request([message_text(m) for m in request.messages])


class RecordingRetriever(Retriever):
    """Delegates to a real retriever; records the hits and memoises identical searches."""

    def __init__(self, inner: Retriever, *, memo: SearchMemo | None = None) -> None:
        # Not calling Retriever.__init__: every search goes to ``inner``; the attributes are mirrored
        # so that code reading them (``retriever.embedder``) still works.
        self.inner = inner
        self.index = inner.index
        self.embedder = inner.embedder
        self.sparse = inner.sparse
        self.candidates = inner.candidates
        self.query_tuning = inner.query_tuning
        self.fusion = inner.fusion
        self.memo = memo if memo is not None else SearchMemo()

    def search(
        self,
        query: str | Sequence[Turn],
        *,
        audience: CallerAudience,
        k: int = 5,
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        key = self.memo.key(query, audience, k, filters)
        found = self.memo.get(key)
        trace = _CURRENT.get()
        if found is None:
            started = time.perf_counter()
            hits = self.inner.search(query, audience=audience, k=k, filters=filters)
            self.memo.put(key, hits, (time.perf_counter() - started) * 1000)
        else:
            hits, elapsed_ms = found
            if trace is not None:
                trace.saved_ms += elapsed_ms
        if trace is not None:
            trace.hits = list(hits)
        return list(hits)


class SearchMemo:
    """A bounded, thread-safe memo of search results, keyed by the query, caller, k and filters."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self._entries: dict[Any, tuple[list[SearchHit], float]] = {}
        self._lock = threading.Lock()
        self._max = max_entries
        self.hits = 0

    @staticmethod
    def key(query: str | Sequence[Turn], audience: CallerAudience, k: int, filters: SearchFilters | None) -> Any:
        turns: Any = query if isinstance(query, str) else tuple((t.role, t.text) for t in query)
        return (turns, str(audience), k, filters)

    def get(self, key: Any) -> tuple[list[SearchHit], float] | None:
        """The memoised hits and how long the original search took (ms), or ``None``."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self.hits += 1
            return found

    def put(self, key: Any, hits: list[SearchHit], elapsed_ms: float = 0.0) -> None:
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (list(hits), elapsed_ms)
