"""Prometheus metrics of one app, in its own ``CollectorRegistry`` (two apps in one process never collide).

HTTP (recorded by :class:`api.middleware.ApiMiddleware`, labelled by route *template*, never the raw path):
``copilot_http_requests_total{method,route,status}``, ``copilot_http_request_duration_seconds{method,route}``,
``copilot_http_requests_in_progress{method,route}``, ``copilot_rate_limited_total{principal}``.

LLM (from the gateway's observer events): ``copilot_llm_call_duration_seconds{provider,model}``,
``copilot_llm_tokens_total{provider,model,type}``, ``copilot_llm_cost_usd_total{provider,model}``,
``copilot_llm_call_failures_total{provider,kind}``, ``copilot_llm_fallbacks_total{from_provider,to_provider}``,
``copilot_llm_breaker_state{provider,state}`` (1 for the current state, 0 for the others).

Product: ``copilot_interactions_total{surface,provider}``, ``copilot_handoffs_total{surface,reason}``,
``copilot_feedback_total{verdict,reason}``, ``copilot_stream_errors_total{surface,type}``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from copilot.llm.base import Usage
from copilot.llm.breaker import BreakerState
from copilot.triage.result import TriageResult
from routing.metrics import QueueCollector
from routing.service import RoutingService

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

log = logging.getLogger(__name__)

_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_LLM_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


class Metrics:
    """The app's metrics; also a :class:`copilot.llm.gateway.GatewayObserver` (fast, never raises)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        r = self.registry
        self.http_requests = Counter(
            "copilot_http_requests", "HTTP requests by route template and status.", ["method", "route", "status"],
            registry=r,
        )
        self.http_latency = Histogram(
            "copilot_http_request_duration_seconds", "HTTP request latency (streams: until the last byte).",
            ["method", "route"], buckets=_HTTP_BUCKETS, registry=r,
        )
        self.http_in_progress = Gauge(
            "copilot_http_requests_in_progress", "HTTP requests being served.", ["method", "route"], registry=r
        )
        self.rate_limited = Counter(
            "copilot_rate_limited", "Requests refused by the per-key rate limit.", ["principal"], registry=r
        )
        self.llm_latency = Histogram(
            "copilot_llm_call_duration_seconds", "Latency of one successful LLM provider call.",
            ["provider", "model"], buckets=_LLM_BUCKETS, registry=r,
        )
        self.llm_tokens = Counter(
            "copilot_llm_tokens", "LLM tokens by provider, model and type (prompt, completion).",
            ["provider", "model", "type"], registry=r,
        )
        self.llm_cost = Counter(
            "copilot_llm_cost_usd", "Estimated LLM cost in US dollars.", ["provider", "model"], registry=r
        )
        self.llm_failures = Counter(
            "copilot_llm_call_failures", "Failed or skipped LLM calls by error kind.", ["provider", "kind"], registry=r
        )
        self.llm_fallbacks = Counter(
            "copilot_llm_fallbacks", "Times the gateway moved on to the next provider.",
            ["from_provider", "to_provider"], registry=r,
        )
        self.llm_breaker = Gauge(
            "copilot_llm_breaker_state", "Circuit breaker state per provider (1 = current state).",
            ["provider", "state"], registry=r,
        )
        self.interactions = Counter(
            "copilot_interactions", "Stored interactions by surface and provider.", ["surface", "provider"], registry=r
        )
        self.handoffs = Counter(
            "copilot_handoffs", "Responses that hand the case to a person, by reason.", ["surface", "reason"],
            registry=r,
        )
        self.triage = Counter(
            "copilot_triage_contacts", "Triaged contacts by surface, contact area, risk and handoff reason.",
            ["surface", "area", "risk", "reason"], registry=r,
        )
        self.feedback = Counter(
            "copilot_feedback", "Agent verdicts by verdict and reason.", ["verdict", "reason"], registry=r
        )
        self.stream_errors = Counter(
            "copilot_stream_errors", "SSE streams that ended with an error event.", ["surface", "type"], registry=r
        )

    def render(self) -> bytes:
        """The exposition text."""
        return generate_latest(self.registry)

    # -- product events ---------------------------------------------------------------------------

    def observe_result(self, surface: str, provider: str, handoff_reason: str | None) -> None:
        """One interaction stored (and its handoff, if any)."""
        self.interactions.labels(surface, provider).inc()
        if handoff_reason is not None:
            self.handoffs.labels(surface, handoff_reason).inc()

    def observe_triage(self, result: TriageResult) -> None:
        """One triaged contact: counted once per detected risk (``none`` when there is none)."""
        reason = result.handoff.reason if result.handoff.needed else "none"
        risks: list[str] = list(result.detected_risks) or ["none"]
        for risk in risks:
            self.triage.labels(result.surface, result.area, risk, reason or "none").inc()

    def watch_routing(self, service: RoutingService) -> None:
        """Expose the routing queues' live gauges (read from the store at each scrape)."""
        if not getattr(self, "_routing_watched", False):
            self.registry.register(QueueCollector(service))
            self._routing_watched = True

    def set_breakers(self, states: Mapping[str, BreakerState]) -> None:
        """Initialise the breaker gauges (at start-up)."""
        for provider, state in states.items():
            self.breaker_state(provider, state)

    # -- GatewayObserver --------------------------------------------------------------------------

    def call_succeeded(self, provider: str, model: str, latency_ms: float, usage: Usage, cost: float) -> None:
        """Record a successful call."""
        try:
            self.llm_latency.labels(provider, model).observe(latency_ms / 1000.0)
            self.llm_tokens.labels(provider, model, "prompt").inc(usage.prompt_tokens)
            self.llm_tokens.labels(provider, model, "completion").inc(usage.completion_tokens)
            self.llm_cost.labels(provider, model).inc(max(0.0, cost))
        except Exception:  # an observer must never break a request
            log.exception("metrics: call_succeeded failed")

    def call_failed(self, provider: str, error_kind: str) -> None:
        """Record a failed call."""
        try:
            self.llm_failures.labels(provider, error_kind).inc()
        except Exception:
            log.exception("metrics: call_failed failed")

    def fallback_taken(self, from_provider: str, to_provider: str) -> None:
        """Record a fallback."""
        try:
            self.llm_fallbacks.labels(from_provider, to_provider).inc()
        except Exception:
            log.exception("metrics: fallback_taken failed")

    def breaker_state(self, provider: str, state: BreakerState) -> None:
        """Record a breaker transition."""
        try:
            for candidate in BreakerState:
                self.llm_breaker.labels(provider, candidate.value).set(1.0 if candidate == state else 0.0)
        except Exception:
            log.exception("metrics: breaker_state failed")
