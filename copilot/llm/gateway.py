"""The LLM gateway: one call in, one answer out, across a chain of providers.

Semantics of :meth:`LLMGateway.complete` and :meth:`LLMGateway.stream`:

* Providers are tried in order (``policy.fallback_order`` first, then the given order).
* Each request has a deadline: the caller's (an absolute time on the gateway's clock; see
  :meth:`LLMGateway.deadline_in`) or ``policy.request_deadline_s`` from the start, whichever is
  sooner. An attempt is only started if at least ``policy.min_attempt_s`` remains.
* Each call gets ``min(call_timeout_s, time left)``, passed to the SDK *and* enforced here: the
  call runs in a worker thread that is abandoned (its late answer discarded) when time is up. For
  streams the timeout bounds the wait for the first delta and between deltas.
* A timeout or an unavailable error is retried once (``max_retries``) on the same provider after a
  jittered backoff, if time allows; other errors go straight to the next provider.
* Each provider has a circuit breaker; an open breaker skips the provider without a call
  (``CircuitOpen``). Timeouts caused by a short deadline rather than the provider, and requests
  the provider rejected (4xx), do not count against it.
* For structured requests (``json_schema`` set) a reply that does not parse as JSON is a
  ``ProviderBadResponse`` and the next provider is tried.
* Streams: a failure before any text was yielded falls back like ``complete``; a failure after
  text was yielded raises :class:`~copilot.llm.errors.StreamInterrupted` with the partial text.
* When every provider failed: ``AllProvidersFailed`` (``DeadlineExceeded`` if time ran out first),
  with the ``(provider, error)`` pairs collected.

Observers (:class:`GatewayObserver`) hear about every call, fallback and breaker transition, so
the API can export Prometheus metrics without the gateway knowing about Prometheus.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

from copilot.llm.base import ChatProvider, ChatRequest, ChatResult, Usage, estimate_tokens, extract_json, message_text
from copilot.llm.breaker import BreakerState, CircuitBreaker
from copilot.llm.errors import (
    AllProvidersFailed,
    CircuitOpen,
    DeadlineExceeded,
    ProviderBadResponse,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    StreamInterrupted,
)
from copilot.llm.policy import GatewayPolicy
from copilot.llm.pricing import PriceTable

__all__ = ["GatewayObserver", "LLMGateway", "NullObserver", "RecordingObserver"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class GatewayObserver(Protocol):
    """Receives the gateway's events; implementations must be fast and must not raise."""

    def call_succeeded(self, provider: str, model: str, latency_ms: float, usage: Usage, cost: float) -> None:
        """A provider call answered (``latency_ms`` of that call alone, ``cost`` in USD)."""

    def call_failed(self, provider: str, error_kind: str) -> None:
        """A provider call failed or was skipped; ``error_kind`` is ``ProviderError.kind``."""

    def fallback_taken(self, from_provider: str, to_provider: str) -> None:
        """The gateway moved on from one provider to the next."""

    def breaker_state(self, provider: str, state: BreakerState) -> None:
        """A provider's circuit breaker changed state."""


class NullObserver:
    """An observer that ignores everything; subclass it and override what you need."""

    def call_succeeded(self, provider: str, model: str, latency_ms: float, usage: Usage, cost: float) -> None:
        """Ignore."""

    def call_failed(self, provider: str, error_kind: str) -> None:
        """Ignore."""

    def fallback_taken(self, from_provider: str, to_provider: str) -> None:
        """Ignore."""

    def breaker_state(self, provider: str, state: BreakerState) -> None:
        """Ignore."""


class RecordingObserver(NullObserver):
    """Keeps every event as a tuple ``(event, *args)``; for tests and debugging."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()

    def _add(self, *event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def named(self, name: str) -> list[tuple[Any, ...]]:
        """The events called ``name``, without the name."""
        with self._lock:
            return [event[1:] for event in self.events if event[0] == name]

    def call_succeeded(self, provider: str, model: str, latency_ms: float, usage: Usage, cost: float) -> None:
        """Record."""
        self._add("call_succeeded", provider, model, latency_ms, usage, cost)

    def call_failed(self, provider: str, error_kind: str) -> None:
        """Record."""
        self._add("call_failed", provider, error_kind)

    def fallback_taken(self, from_provider: str, to_provider: str) -> None:
        """Record."""
        self._add("fallback_taken", from_provider, to_provider)

    def breaker_state(self, provider: str, state: BreakerState) -> None:
        """Record."""
        self._add("breaker_state", provider, state)


@dataclass(frozen=True)
class _Slot:
    label: str
    provider: ChatProvider
    breaker: CircuitBreaker


@dataclass
class _Trail:
    """What happened so far in one gateway request."""

    started: float
    deadline: float
    errors: list[tuple[str, ProviderError]] = field(default_factory=list)
    attempts: int = 0
    out_of_time: bool = False

    def failed_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(label for label, _ in self.errors))


class LLMGateway:
    """Calls a chain of chat providers with timeouts, one retry, circuit breakers and fallback.

    Args:
        providers: the chain, first choice first (see :func:`copilot.llm.registry.build_chain`).
        policy: the reliability knobs; defaults to ``GatewayPolicy()``.
        prices: the price table for cost estimates.
        observers: event receivers (metrics).
        clock: monotonic seconds; injectable for tests (deadlines, breakers, latencies).
        sleep: the backoff sleep; injectable for tests.
        rng: randomness for the backoff jitter.
    """

    def __init__(
        self,
        providers: Sequence[ChatProvider],
        policy: GatewayPolicy | None = None,
        *,
        prices: PriceTable | None = None,
        observers: Iterable[GatewayObserver] = (),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or GatewayPolicy()
        self._prices = prices or PriceTable()
        self._observers: tuple[GatewayObserver, ...] = tuple(observers)
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._slots = self._make_slots(providers)

    def _make_slots(self, providers: Sequence[ChatProvider]) -> tuple[_Slot, ...]:
        rank = {name: index for index, name in enumerate(self.policy.fallback_order)}
        ordered = sorted(enumerate(providers), key=lambda pair: (rank.get(pair[1].provider_name, len(rank)), pair[0]))
        slots: list[_Slot] = []
        seen: dict[str, int] = {}
        for _, provider in ordered:
            name = provider.provider_name
            seen[name] = seen.get(name, 0) + 1
            label = name if seen[name] == 1 else f"{name}#{seen[name]}"
            breaker = CircuitBreaker(
                label,
                failure_threshold=self.policy.breaker_failure_threshold,
                reset_s=self.policy.breaker_reset_s,
                clock=self._clock,
                on_change=self._breaker_changed,
            )
            slots.append(_Slot(label=label, provider=provider, breaker=breaker))
        return tuple(slots)

    @property
    def providers(self) -> tuple[ChatProvider, ...]:
        """The providers in the order they are tried."""
        return tuple(slot.provider for slot in self._slots)

    @property
    def provider_labels(self) -> list[str]:
        """The providers' labels (their names; ``name#2`` for a second provider of the same name)."""
        return [slot.label for slot in self._slots]

    @property
    def available(self) -> bool:
        """Whether any provider is configured (if not, callers should draft without an LLM)."""
        return bool(self._slots)

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each provider's circuit breaker state, by label (for metrics and health checks)."""
        return {slot.label: slot.breaker.state for slot in self._slots}

    def add_observer(self, observer: GatewayObserver) -> None:
        """Start sending events to ``observer``."""
        self._observers = (*self._observers, observer)

    def close(self) -> None:
        """Close the providers' HTTP clients (for the application's shutdown)."""
        for slot in self._slots:
            close = getattr(slot.provider, "close", None)
            if callable(close):
                close()

    def deadline_in(self, seconds: float) -> float:
        """The absolute deadline ``seconds`` from now, on this gateway's clock."""
        return self._clock() + seconds

    # -- complete ---------------------------------------------------------------------------------

    def complete(self, request: ChatRequest, *, deadline: float | None = None) -> ChatResult:
        """Answer ``request`` with the first provider that can.

        Args:
            request: the messages and options.
            deadline: absolute time on the gateway's clock (:meth:`deadline_in`) by which the
                answer is needed; the policy's request deadline applies if it is sooner or unset.

        Raises:
            DeadlineExceeded: time ran out before any provider answered.
            AllProvidersFailed: every provider failed, or none is configured.
        """
        trail = self._start(deadline)
        previous: str | None = None
        for slot in self._slots:
            if previous is not None:
                self._emit("fallback_taken", previous, slot.label)
            result = self._complete_with(slot, request, trail)
            if result is not None:
                return result
            previous = slot.label
            if trail.out_of_time:
                break
        raise self._final_error(trail)

    def _complete_with(self, slot: _Slot, request: ChatRequest, trail: _Trail) -> ChatResult | None:
        if not self._admit(slot, trail):
            return None
        tries = 0
        while True:
            budget = self._budget(trail)
            tries += 1
            trail.attempts += 1
            began = self._clock()
            try:
                call = functools.partial(slot.provider.invoke, request.messages, **request.provider_kwargs(budget))
                message = _call_bounded(call, budget, slot.label)
                text = message_text(message)
                if request.json_schema is not None:
                    _check_json(text, slot.label)
            except ProviderError as error:
                self._failed(slot, error, budget, trail)
                if self._should_retry(slot, error, tries, trail):
                    continue
                return None
            except BaseException:
                slot.breaker.record_neutral()
                raise
            return self._succeeded(slot, request, trail, began, text, message)

    # -- stream -----------------------------------------------------------------------------------

    def stream(self, request: ChatRequest, *, deadline: float | None = None) -> Generator[str | ChatResult, None, None]:
        """Stream the answer: text deltas (``str``), then the final :class:`ChatResult`.

        Falls back to the next provider if a stream fails before its first delta. Once text has
        been yielded a failure raises :class:`StreamInterrupted` carrying the partial text.
        ``deadline`` is as for :meth:`complete`. Close the iterator to abandon the stream.
        """
        trail = self._start(deadline)
        previous: str | None = None
        for slot in self._slots:
            if previous is not None:
                self._emit("fallback_taken", previous, slot.label)
            result = yield from self._stream_with(slot, request, trail)
            if result is not None:
                yield result
                return
            previous = slot.label
            if trail.out_of_time:
                break
        raise self._final_error(trail)

    def _stream_with(self, slot: _Slot, request: ChatRequest, trail: _Trail) -> Generator[str, None, ChatResult | None]:
        if not self._admit(slot, trail):
            return None
        tries = 0
        while True:
            budget = self._budget(trail)
            tries += 1
            trail.attempts += 1
            began = self._clock()
            parts: list[str] = []
            last: AIMessageChunk | None = None
            model: str | None = None
            # The provider gets the whole remaining time (a stream may run long while it makes
            # progress); the idle timeout between deltas is enforced here.
            remaining = max(budget, trail.deadline - self._clock())
            chunks = _BoundedStream(
                functools.partial(slot.provider.stream, request.messages, **request.provider_kwargs(remaining)),
                idle_timeout_s=budget,
                remaining_s=lambda: trail.deadline - self._clock(),
                label=slot.label,
            )
            try:
                for chunk in chunks:
                    if chunk.usage_metadata:
                        last = chunk
                    model = chunk.response_metadata.get("model_name") or model
                    text = message_text(chunk)
                    if text:
                        parts.append(text)
                        yield text
                if request.json_schema is not None:
                    _check_json("".join(parts), slot.label)
            except ProviderError as error:
                self._failed(slot, error, budget, trail)
                if parts:
                    raise StreamInterrupted(
                        f"stream from {slot.label} failed after text was sent: {error.kind}",
                        partial_text="".join(parts),
                        cause=error,
                        provider=slot.label,
                    ) from error
                if self._should_retry(slot, error, tries, trail):
                    continue
                return None
            except BaseException:
                # The caller closed the stream (GeneratorExit) or the process is stopping: no
                # verdict on the provider, but a half-open breaker must get its trial slot back.
                slot.breaker.record_neutral()
                raise
            finally:
                chunks.close()
            final = AIMessage(
                content="".join(parts),
                usage_metadata=last.usage_metadata if last is not None else None,
                response_metadata={"model_name": model} if model else {},
            )
            return self._succeeded(slot, request, trail, began, "".join(parts), final)

    # -- shared steps -----------------------------------------------------------------------------

    def _start(self, deadline: float | None) -> _Trail:
        now = self._clock()
        limit = now + self.policy.request_deadline_s
        return _Trail(started=now, deadline=limit if deadline is None else min(deadline, limit))

    def _admit(self, slot: _Slot, trail: _Trail) -> bool:
        if trail.deadline - self._clock() < max(self.policy.min_attempt_s, 1e-6):
            trail.out_of_time = True
            return False
        if not slot.breaker.allow():
            error = CircuitOpen("circuit breaker open; provider skipped", provider=slot.label)
            trail.errors.append((slot.label, error))
            self._emit("call_failed", slot.label, error.kind)
            return False
        return True

    def _budget(self, trail: _Trail) -> float:
        return max(1e-3, min(self.policy.call_timeout_s, trail.deadline - self._clock()))

    def _failed(self, slot: _Slot, error: ProviderError, budget: float, trail: _Trail) -> None:
        if error.provider is None:
            error.provider = slot.label
        trail.errors.append((slot.label, error))
        cut_short = isinstance(error, ProviderTimeout) and budget < self.policy.call_timeout_s
        if cut_short or isinstance(error, ProviderRejected):
            slot.breaker.record_neutral()
        else:
            slot.breaker.record_failure()
        self._emit("call_failed", slot.label, error.kind)
        logger.warning("llm call failed: provider=%s kind=%s error=%s", slot.label, error.kind, error)

    def _should_retry(self, slot: _Slot, error: ProviderError, tries: int, trail: _Trail) -> bool:
        if not error.retryable or tries > self.policy.max_retries:
            return False
        backoff = self.policy.retry_backoff_s * (0.5 + self._rng.random())
        if trail.deadline - self._clock() - backoff < max(self.policy.min_attempt_s, 1e-6):
            trail.out_of_time = True
            return False
        if backoff:
            self._sleep(backoff)
        return slot.breaker.allow()

    def _succeeded(
        self, slot: _Slot, request: ChatRequest, trail: _Trail, began: float, text: str, message: AIMessage
    ) -> ChatResult:
        now = self._clock()
        slot.breaker.record_success()
        usage = Usage.from_metadata(message.usage_metadata) or _estimate_usage(request.messages, text)
        model = str(message.response_metadata.get("model_name") or slot.provider.model_name)
        estimate = self._prices.estimate(model, usage, provider=slot.provider.provider_name)
        self._emit("call_succeeded", slot.label, model, (now - began) * 1000, usage, estimate.usd)
        return ChatResult(
            text=text,
            provider=slot.label,
            model=model,
            usage=usage,
            latency_ms=(now - trail.started) * 1000,
            cost=estimate.usd,
            cost_known=estimate.known,
            attempts=trail.attempts,
            fallbacks=trail.failed_labels(),
        )

    def _final_error(self, trail: _Trail) -> ProviderError:
        if not self._slots:
            return AllProvidersFailed("no LLM provider configured")
        if trail.out_of_time or self._clock() >= trail.deadline:
            return DeadlineExceeded("request deadline passed before any provider answered", trail.errors)
        return AllProvidersFailed("every LLM provider failed", trail.errors)

    def _breaker_changed(self, label: str, state: BreakerState) -> None:
        logger.info("llm circuit breaker: provider=%s state=%s", label, state.value)
        self._emit("breaker_state", label, state)

    def _emit(self, event: str, *args: Any) -> None:
        for observer in self._observers:
            try:
                getattr(observer, event)(*args)
            except Exception:
                logger.exception("gateway observer %r failed on %s", observer, event)


def _check_json(text: str, label: str) -> None:
    try:
        extract_json(text)
    except ValueError as exc:
        raise ProviderBadResponse(f"structured reply is not JSON: {exc}", provider=label) from exc


def _estimate_usage(messages: Sequence[BaseMessage], text: str) -> Usage:
    prompt = sum(estimate_tokens(message_text(message)) for message in messages)
    return Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(text), estimated=True)


def _as_provider_error(exc: BaseException, label: str) -> BaseException:
    if isinstance(exc, ProviderError):
        if exc.provider is None:
            exc.provider = label
        return exc
    if isinstance(exc, Exception):
        error = ProviderError(f"{type(exc).__name__}: {exc}", provider=label)
        error.__cause__ = exc
        return error
    return exc


def _call_bounded(call: Callable[[], T], timeout_s: float, label: str) -> T:
    """Run ``call`` in a worker thread; give up on it after ``timeout_s`` (it is not killed)."""
    done = threading.Event()
    box: dict[str, Any] = {}
    context = contextvars.copy_context()

    def run() -> None:
        try:
            box["value"] = context.run(call)
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=f"llm-call-{label}", daemon=True).start()
    if not done.wait(timeout_s):
        raise ProviderTimeout(f"no answer within {timeout_s:.2f}s", provider=label)
    if "error" in box:
        raise _as_provider_error(box["error"], label)
    value: T = box["value"]
    return value


class _BoundedStream:
    """Iterates a provider stream in a worker thread, with an idle timeout and the deadline."""

    def __init__(
        self,
        start: Callable[[], Iterator[AIMessageChunk]],
        *,
        idle_timeout_s: float,
        remaining_s: Callable[[], float],
        label: str,
    ) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._cancelled = threading.Event()
        self._idle_timeout_s = idle_timeout_s
        self._remaining_s = remaining_s
        self._label = label
        context = contextvars.copy_context()
        threading.Thread(target=context.run, args=(self._run, start), name=f"llm-stream-{label}", daemon=True).start()

    def _run(self, start: Callable[[], Iterator[AIMessageChunk]]) -> None:
        try:
            iterator = start()
            try:
                for chunk in iterator:
                    if self._cancelled.is_set():
                        break
                    self._queue.put(("chunk", chunk))
            finally:
                close = getattr(iterator, "close", None)
                if callable(close):
                    close()
            self._queue.put(("done", None))
        except BaseException as exc:
            self._queue.put(("error", exc))

    def __iter__(self) -> Iterator[AIMessageChunk]:
        return self

    def __next__(self) -> AIMessageChunk:
        wait = min(self._idle_timeout_s, self._remaining_s())
        if wait <= 0:
            self.close()
            raise ProviderTimeout("request deadline passed mid-stream", provider=self._label)
        try:
            kind, payload = self._queue.get(timeout=wait)
        except queue.Empty:
            self.close()
            raise ProviderTimeout(f"no stream data within {wait:.2f}s", provider=self._label) from None
        if kind == "chunk":
            chunk: AIMessageChunk = payload
            return chunk
        if kind == "done":
            raise StopIteration
        raise _as_provider_error(payload, self._label)

    def close(self) -> None:
        """Tell the worker to stop at its next chunk."""
        self._cancelled.set()
