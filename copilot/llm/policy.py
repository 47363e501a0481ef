"""Every reliability knob of the LLM gateway, in one object read from settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from copilot.settings import Settings

__all__ = ["GatewayPolicy", "resolve_primary", "resolve_provider_order"]

_NO_LLM = "extractive"


class GatewayPolicy(BaseModel):
    """Timeouts, retries, circuit breaking and fallback order of the LLM gateway.

    Attributes:
        call_timeout_s: timeout of one provider call; for streams, the longest wait for the first
            delta and between deltas. The gateway enforces it itself, whatever the SDK does.
        request_deadline_s: budget of one gateway request, retries and fallbacks included; a
            caller's explicit deadline can only shorten it.
        max_retries: our retries of the same provider after a timeout or an unavailable error;
            the only retry layer (SDK retries are off).
        retry_backoff_s: base backoff before a retry, jittered to 50-150%.
        min_attempt_s: an attempt (a retry or the next provider) is only started if at least this
            much of the deadline remains.
        breaker_failure_threshold: consecutive failures that open a provider's breaker.
        breaker_reset_s: how long a breaker stays open before one trial call is allowed.
        fallback_order: provider names in the order to try them; providers not named keep their
            given order after the named ones. Empty means the given order.
    """

    model_config = ConfigDict(frozen=True)

    call_timeout_s: float = Field(default=20.0, gt=0)
    request_deadline_s: float = Field(default=45.0, gt=0)
    max_retries: int = Field(default=1, ge=0, le=3)
    retry_backoff_s: float = Field(default=0.2, ge=0)
    min_attempt_s: float = Field(default=0.25, ge=0)
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_reset_s: float = Field(default=30.0, ge=0)
    fallback_order: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> GatewayPolicy:
        if len(set(self.fallback_order)) != len(self.fallback_order):
            raise ValueError("fallback_order names a provider twice")
        return self

    @classmethod
    def from_settings(cls, settings: Settings) -> GatewayPolicy:
        """The policy configured by ``COPILOT_LLM_*`` settings."""
        return cls(
            call_timeout_s=settings.llm_call_timeout_s,
            request_deadline_s=settings.llm_request_deadline_s,
            max_retries=settings.llm_max_retries,
            retry_backoff_s=settings.llm_retry_backoff_s,
            breaker_failure_threshold=settings.llm_breaker_failure_threshold,
            breaker_reset_s=settings.llm_breaker_reset_s,
            fallback_order=resolve_provider_order(settings),
        )


def resolve_provider_order(settings: Settings) -> list[str]:
    """Provider names to try, in order: the primary, then ``llm_fallbacks``; duplicates dropped.

    ``auto`` means ``openai`` when an OpenAI key is set, else ``vertex`` when a Vertex project is
    set, else nothing; ``extractive`` means no LLM (the pipelines' extractive drafter is always
    the last resort, so it never appears in the chain).
    """
    names: list[str] = []
    for name in [settings.llm_provider, *settings.llm_fallbacks]:
        resolved = _resolve(name, settings)
        if resolved is not None and resolved not in names:
            names.append(resolved)
    return names


def resolve_primary(settings: Settings) -> str | None:
    """The provider ``llm_provider`` stands for (``auto`` resolved); ``None`` for no LLM."""
    return _resolve(settings.llm_provider, settings)


def _resolve(name: str, settings: Settings) -> str | None:
    if name == _NO_LLM:
        return None
    if name != "auto":
        return name
    if settings.openai_api_key is not None and settings.openai_api_key.get_secret_value():
        return "openai"
    if settings.vertex_project:
        return "vertex"
    return None
