"""The LLM layer's errors, drawn once.

::

    ProviderError                  base: any failure of the LLM layer (``.provider``, ``.kind``)
    ├── ProviderTimeout            no answer within the call timeout                  retried once
    ├── ProviderUnavailable        5xx, 429, connection refused or reset, auth outage  retried once
    │   └── CircuitOpen            our breaker for that provider is open: no call made
    ├── ProviderBadResponse        an answer arrived but is unusable (not JSON, empty, malformed)
    ├── ProviderRejected           4xx: the provider refused this request (bad request, content filter)
    ├── StreamInterrupted          a stream failed after text was already yielded (``.partial_text``)
    ├── DeadlineExceeded           the request deadline passed before any provider answered (``.errors``)
    └── AllProvidersFailed         every provider in the chain failed (``.errors``)

Each provider maps its SDK's exceptions onto these (see ``map_error`` in each provider module), so
the gateway and the pipelines never see an ``openai``, ``google.genai`` or ``llama_cpp`` exception.

Who sees them: nobody outside the service. Agents and customers never see these messages; a
pipeline that catches :class:`ProviderError` falls back to its extractive drafter or hands over,
and the API logs ``kind`` and exports it as a metric label. Messages may contain provider error
text but never request content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

__all__ = [
    "AllProvidersFailed",
    "CircuitOpen",
    "DeadlineExceeded",
    "ProviderBadResponse",
    "ProviderError",
    "ProviderRejected",
    "ProviderTimeout",
    "ProviderUnavailable",
    "StreamInterrupted",
]


class ProviderError(Exception):
    """Base of every LLM-layer error.

    Attributes:
        provider: the provider name (``openai``, ``vertex``, ``local``, ``fake``) or ``None`` for
            errors raised by the gateway itself.
        status_code: the HTTP status the provider answered with, when there was one.
        kind: a short, stable label for metrics and logs (class attribute).
        retryable: whether the gateway's single retry applies (class attribute).
    """

    kind: ClassVar[str] = "error"
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, provider: str | None = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code

    def __str__(self) -> str:
        prefix = f"[{self.provider}] " if self.provider else ""
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        return f"{prefix}{self.message}{status}"


class ProviderTimeout(ProviderError):
    """The provider did not answer within the call timeout (ours or the SDK's)."""

    kind = "timeout"
    retryable = True


class ProviderUnavailable(ProviderError):
    """The provider cannot serve now: 5xx, 429, connection refused or reset, model not loadable."""

    kind = "unavailable"
    retryable = True


class CircuitOpen(ProviderUnavailable):
    """The gateway's circuit breaker for this provider is open; the provider was skipped untouched."""

    kind = "circuit_open"
    retryable = False


class ProviderBadResponse(ProviderError):
    """The provider answered, but the answer is unusable: not JSON, no text, malformed payload."""

    kind = "bad_response"


class ProviderRejected(ProviderError):
    """The provider refused this request (4xx other than 408/429, or a content filter block)."""

    kind = "rejected"


class StreamInterrupted(ProviderError):
    """A stream failed after some text had already been yielded to the caller.

    The gateway cannot fall back transparently at that point, so it hands the decision to the
    pipeline: ``partial_text`` is everything yielded so far, ``cause`` the underlying error.
    """

    kind = "stream_interrupted"

    def __init__(self, message: str, *, partial_text: str, cause: ProviderError, provider: str | None = None) -> None:
        super().__init__(message, provider=provider, status_code=cause.status_code)
        self.partial_text = partial_text
        self.cause = cause


class _ChainError(ProviderError):
    """Shared shape of the gateway-level errors: the (provider, error) pairs collected on the way."""

    def __init__(self, message: str, errors: Sequence[tuple[str, ProviderError]] = ()) -> None:
        self.errors: list[tuple[str, ProviderError]] = list(errors)
        detail = "; ".join(f"{name}: {err.kind}" for name, err in self.errors)
        super().__init__(f"{message} [{detail}]" if detail else message)


class DeadlineExceeded(_ChainError):
    """The request deadline passed before any provider produced an answer."""

    kind = "deadline"


class AllProvidersFailed(_ChainError):
    """Every provider in the chain failed (or the chain is empty); ``errors`` says how."""

    kind = "all_failed"
