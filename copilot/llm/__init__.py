"""LLM providers and the gateway that calls them.

The public surface, re-exported here, needs only langchain-core and pydantic; each provider's SDK
(``openai``, ``google-genai``, ``llama_cpp``) is imported when that provider is first used.

* :mod:`copilot.llm.base`: :class:`ChatRequest`, :class:`ChatResult`, :class:`Usage`, the
  :class:`ChatProvider` protocol and the provider base class.
* :mod:`copilot.llm.errors`: the error hierarchy.
* :mod:`copilot.llm.gateway`: :class:`LLMGateway` (timeouts, retry, breakers, fallback) and observers.
* :mod:`copilot.llm.policy`: :class:`GatewayPolicy`.
* :mod:`copilot.llm.registry`: providers by name from settings.
* Providers: :mod:`~copilot.llm.fake`, :mod:`~copilot.llm.openai_provider`,
  :mod:`~copilot.llm.vertex_provider`, :mod:`~copilot.llm.local_provider`.
"""

from copilot.llm.base import ChatProvider, ChatRequest, ChatResult, Usage
from copilot.llm.breaker import BreakerState, CircuitBreaker
from copilot.llm.errors import (
    AllProvidersFailed,
    CircuitOpen,
    DeadlineExceeded,
    ProviderBadResponse,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    StreamInterrupted,
)
from copilot.llm.fake import FailMidStream, FakeChatModel
from copilot.llm.gateway import GatewayObserver, LLMGateway, NullObserver, RecordingObserver
from copilot.llm.policy import GatewayPolicy
from copilot.llm.pricing import PriceTable, estimate_cost
from copilot.llm.registry import build_chain, build_gateway, build_provider, register_provider

__all__ = [
    "AllProvidersFailed",
    "BreakerState",
    "ChatProvider",
    "ChatRequest",
    "ChatResult",
    "CircuitBreaker",
    "CircuitOpen",
    "DeadlineExceeded",
    "FailMidStream",
    "FakeChatModel",
    "GatewayObserver",
    "GatewayPolicy",
    "LLMGateway",
    "NullObserver",
    "PriceTable",
    "ProviderBadResponse",
    "ProviderError",
    "ProviderRejected",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RecordingObserver",
    "StreamInterrupted",
    "Usage",
    "build_chain",
    "build_gateway",
    "build_provider",
    "estimate_cost",
    "register_provider",
]
