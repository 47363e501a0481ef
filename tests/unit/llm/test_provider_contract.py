"""The chat provider contract: one test class that every provider passes.

:class:`ProviderContract` holds the tests; a provider's test class subclasses it and supplies two
fixtures: ``provider`` (a working provider) and ``failing_providers`` (providers set up to fail,
each with the error class it must raise). The fake runs here, in the unit tier; the OpenAI
(llama.cpp server), local (in-process llama.cpp) and Vertex (loopback Gemini server) variants run in
``tests/integration/llm``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict, Field

from copilot.llm import (
    ChatProvider,
    ChatRequest,
    ChatResult,
    FakeChatModel,
    GatewayPolicy,
    LLMGateway,
    ProviderBadResponse,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from copilot.llm.base import extract_json
from copilot.llm.fake import FakeCall


class Verdict(BaseModel):
    """The small schema the structured-output test asks for."""

    model_config = ConfigDict(extra="forbid")

    answer: Literal["yes", "no"]
    reason: str = Field(max_length=40)


VERDICT_SCHEMA = Verdict.model_json_schema()

CHAT = [
    SystemMessage("You are a helpful assistant for a bank. Reply in one short sentence."),
    HumanMessage("Say hello to a customer."),
]
STRUCTURED = [
    SystemMessage('Answer in JSON with the keys "answer" ("yes" or "no") and "reason".'),
    HumanMessage("Can I freeze my debit card in the app?"),
]

FailingCases = list[tuple[ChatProvider, type[ProviderError]]]


class ProviderContract:
    """Tests every chat provider must pass. Subclass and provide ``provider`` and ``failing_providers``."""

    max_tokens: ClassVar[int] = 24
    structured_max_tokens: ClassVar[int] = 64
    timeout_s: ClassVar[float] = 30.0

    @pytest.fixture
    def provider(self) -> ChatProvider:
        raise NotImplementedError

    @pytest.fixture
    def failing_providers(self) -> FailingCases:
        raise NotImplementedError

    def options(self, **overrides: Any) -> dict[str, Any]:
        return {"max_tokens": self.max_tokens, "temperature": 0.0, "timeout": self.timeout_s, **overrides}

    def gateway(self, provider: ChatProvider) -> LLMGateway:
        policy = GatewayPolicy(call_timeout_s=self.timeout_s, request_deadline_s=2 * self.timeout_s, max_retries=0)
        return LLMGateway([provider], policy)

    def test_is_a_langchain_chat_model_with_a_name(self, provider: ChatProvider) -> None:
        assert isinstance(provider, BaseChatModel)
        assert isinstance(provider, ChatProvider)
        assert provider.provider_name in {"fake", "openai", "vertex", "local"}
        assert provider.model_name

    def test_complete_returns_text_and_usage(self, provider: ChatProvider) -> None:
        message = provider.invoke(CHAT, **self.options())

        assert isinstance(message, AIMessage)
        assert isinstance(message.content, str)
        assert message.content.strip()
        assert message.usage_metadata is not None
        assert message.usage_metadata["input_tokens"] > 0
        assert message.usage_metadata["output_tokens"] > 0
        assert message.response_metadata["model_name"]
        assert message.response_metadata["provider"] == provider.provider_name

    def test_structured_output_parses_against_the_schema(self, provider: ChatProvider) -> None:
        message = provider.invoke(
            STRUCTURED,
            **self.options(json_schema=VERDICT_SCHEMA, schema_name="verdict", max_tokens=self.structured_max_tokens),
        )

        verdict = Verdict.model_validate(extract_json(str(message.content)))
        assert verdict.answer in {"yes", "no"}

    def test_stream_deltas_concatenate_to_the_final_message(self, provider: ChatProvider) -> None:
        chunks = list(provider.stream(CHAT, **self.options()))

        deltas = [str(chunk.content) for chunk in chunks if chunk.content]
        assert deltas
        final: AIMessageChunk = chunks[0]
        for chunk in chunks[1:]:
            final = final + chunk
        assert final.content == "".join(deltas)
        assert final.usage_metadata is not None
        assert final.usage_metadata["output_tokens"] > 0
        assert final.response_metadata.get("model_name")

    def test_gateway_stream_yields_deltas_then_a_matching_result(self, provider: ChatProvider) -> None:
        request = ChatRequest(messages=CHAT, max_tokens=self.max_tokens, temperature=0.0)

        items = list(self.gateway(provider).stream(request))

        *deltas, result = items
        assert isinstance(result, ChatResult)
        assert deltas
        assert all(isinstance(delta, str) for delta in deltas)
        assert "".join(str(delta) for delta in deltas) == result.text
        assert result.provider == provider.provider_name
        assert result.usage.completion_tokens > 0

    def test_gateway_complete_records_usage_cost_and_model(self, provider: ChatProvider) -> None:
        request = ChatRequest(
            messages=STRUCTURED,
            json_schema=VERDICT_SCHEMA,
            schema_name="verdict",
            max_tokens=self.structured_max_tokens,
            temperature=0.0,
        )

        result = self.gateway(provider).complete(request)

        Verdict.model_validate(result.json_value())
        assert result.provider == provider.provider_name
        assert result.model
        assert result.usage.prompt_tokens > 0
        assert result.usage.completion_tokens > 0
        assert result.cost >= 0.0
        assert result.attempts == 1
        assert result.fallbacks == ()
        assert result.latency_ms > 0

    def test_failures_map_to_our_errors(self, failing_providers: FailingCases) -> None:
        assert failing_providers
        for provider, expected in failing_providers:
            with pytest.raises(expected) as raised:
                provider.invoke(CHAT, max_tokens=8)
            assert raised.value.provider == provider.provider_name

            with pytest.raises(expected):
                list(provider.stream(CHAT, max_tokens=8))


def _fake_reply(call: FakeCall) -> str:
    if call.options.json_schema is not None:
        return '{"answer": "yes", "reason": "the app has a card freeze switch"}'
    return "Hello, and thank you for getting in touch with us today."


class TestFakeProvider(ProviderContract):
    @pytest.fixture
    def provider(self) -> ChatProvider:
        return FakeChatModel(default_response=_fake_reply)

    @pytest.fixture
    def failing_providers(self) -> FailingCases:
        def failing(error: BaseException) -> FakeChatModel:
            return FakeChatModel(responses=[error], cycle=True)

        return [
            (failing(TimeoutError("read timed out")), ProviderTimeout),
            (failing(ConnectionError("connection refused")), ProviderUnavailable),
            (failing(ValueError("garbage")), ProviderBadResponse),
            (failing(ProviderRejected("bad request", status_code=400)), ProviderRejected),
            (FakeChatModel(), ProviderUnavailable),
        ]

    def test_records_what_it_was_sent(self, provider: ChatProvider) -> None:
        assert isinstance(provider, FakeChatModel)
        provider.invoke(CHAT, json_schema=VERDICT_SCHEMA, max_tokens=10)
        list(provider.stream(STRUCTURED))

        assert provider.requests == [[str(m.content) for m in CHAT], [str(m.content) for m in STRUCTURED]]
        first, second = provider.calls
        assert first.options.json_schema == VERDICT_SCHEMA
        assert first.options.max_tokens == 10
        assert not first.streamed
        assert second.streamed
        assert all(isinstance(m, BaseMessage) for m in second.messages)
