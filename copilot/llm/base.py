"""The chat seam: request and result types, the provider protocol and the shared provider base.

Every provider is a langchain-core chat model (:class:`ProviderChatModel`, a ``BaseChatModel``), so
it works anywhere LangChain expects one (``invoke``, ``stream``, callbacks, tracing). On top of that
the gateway relies on a small contract, :class:`ChatProvider`:

* ``provider_name`` and ``model_name`` name the provider and its configured model;
* ``invoke(messages, **options)`` returns an ``AIMessage`` whose ``usage_metadata`` holds the token
  counts and whose ``response_metadata["model_name"]`` names the model that answered;
* ``stream(messages, **options)`` yields ``AIMessageChunk`` text deltas; the last chunk carries
  ``usage_metadata``;
* the options are the keyword arguments of :meth:`ChatRequest.provider_kwargs`: ``temperature``,
  ``max_tokens``, ``timeout`` (seconds, for this call), ``json_schema`` and ``schema_name``;
* every failure is a :class:`~copilot.llm.errors.ProviderError`, never an SDK exception.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.base import LangSmithParams
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk
from langchain_core.outputs import ChatResult as LCChatResult
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, ConfigDict, Field, field_validator

from copilot.llm.errors import ProviderBadResponse, ProviderError, ProviderRejected

__all__ = [
    "CallOptions",
    "ChatProvider",
    "ChatRequest",
    "ChatResult",
    "ProviderChatModel",
    "ProviderReply",
    "StreamEnd",
    "Usage",
    "estimate_tokens",
    "extract_json",
    "message_role",
    "message_text",
]

_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_FENCE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n(?P<body>.*?)\n?```\s*$", re.DOTALL)


class Usage(BaseModel):
    """Token counts of one call. ``estimated`` is true when the provider did not report them."""

    model_config = ConfigDict(frozen=True)

    prompt_tokens: int = Field(ge=0)
    completion_tokens: int = Field(ge=0)
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    def to_metadata(self) -> UsageMetadata:
        """This usage as langchain-core ``usage_metadata``."""
        return UsageMetadata(
            input_tokens=self.prompt_tokens,
            output_tokens=self.completion_tokens,
            total_tokens=self.total_tokens,
        )

    @classmethod
    def from_metadata(cls, metadata: UsageMetadata | None, *, estimated: bool = False) -> Usage | None:
        """Read langchain-core ``usage_metadata``; ``None`` when absent."""
        if not metadata:
            return None
        return cls(
            prompt_tokens=int(metadata.get("input_tokens", 0)),
            completion_tokens=int(metadata.get("output_tokens", 0)),
            estimated=estimated,
        )


class ChatRequest(BaseModel):
    """One chat completion request, provider-neutral.

    Attributes:
        messages: the conversation, as ``SystemMessage`` / ``HumanMessage`` / ``AIMessage``
            (any sequence; stored as a tuple, so a request cannot change after it is built).
        json_schema: a JSON Schema the reply must follow (structured output); ``None`` for free text.
            The gateway checks that a structured reply parses as JSON; validating it against the
            schema is the caller's job (providers enforce it to different degrees).
        schema_name: the schema's name, sent to providers that want one (OpenAI).
        temperature: sampling temperature.
        max_tokens: cap on completion tokens.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    messages: Sequence[BaseMessage] = Field(min_length=1)
    json_schema: dict[str, Any] | None = None
    schema_name: str = "response"
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    max_tokens: int = Field(default=600, ge=1, le=32_768)

    @field_validator("messages", mode="after")
    @classmethod
    def _freeze_messages(cls, value: Sequence[BaseMessage]) -> tuple[BaseMessage, ...]:
        return tuple(value)

    @field_validator("schema_name")
    @classmethod
    def _check_schema_name(cls, value: str) -> str:
        if not _SCHEMA_NAME.match(value):
            raise ValueError("schema_name must be 1-64 characters of letters, digits, '_' or '-'")
        return value

    def provider_kwargs(self, timeout_s: float) -> dict[str, Any]:
        """The keyword arguments a :class:`ChatProvider` call takes for this request."""
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "json_schema": self.json_schema,
            "schema_name": self.schema_name,
            "timeout": timeout_s,
        }


class ChatResult(BaseModel):
    """The gateway's answer to a :class:`ChatRequest`.

    Attributes:
        text: the reply text (for structured requests, a JSON document, possibly code-fenced;
            :meth:`json_value` parses it).
        provider: the provider that answered, by its gateway label: its name, or ``name#2`` for a
            second provider of the same name in the chain.
        model: the model that answered, as the provider reported it.
        usage: token counts of the successful call.
        latency_ms: wall time of the whole gateway call, retries and fallbacks included.
        cost: estimated cost in USD of the successful call (0.0 when the model has no price).
        cost_known: false when the model was not in the price table.
        attempts: provider calls made, failed ones included (skipped open breakers excluded).
        fallbacks: providers that failed or were skipped before ``provider`` answered, in order.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    provider: str
    model: str
    usage: Usage
    latency_ms: float
    cost: float
    attempts: int
    cost_known: bool = True
    fallbacks: tuple[str, ...] = ()

    def json_value(self) -> Any:
        """The reply parsed as JSON (code fences tolerated); raises ``ValueError`` if it is not."""
        return extract_json(self.text)


@runtime_checkable
class ChatProvider(Protocol):
    """What the gateway needs from a provider; every :class:`ProviderChatModel` satisfies it."""

    @property
    def provider_name(self) -> str:
        """Registry name of the provider: ``openai``, ``vertex``, ``local``, ``fake``."""
        ...

    @property
    def model_name(self) -> str:
        """The configured model."""
        ...

    def invoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AIMessage:
        """One completion; see the module docstring for the options and the result."""
        ...

    def stream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> Iterator[AIMessageChunk]:
        """Text deltas, then a last chunk with ``usage_metadata``."""
        ...


@dataclass(frozen=True, slots=True)
class CallOptions:
    """The per-call options a provider receives, with its own defaults filled in."""

    temperature: float
    max_tokens: int
    timeout_s: float
    json_schema: dict[str, Any] | None = None
    schema_name: str = "response"
    stop: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderReply:
    """A provider's complete answer, before it becomes an ``AIMessage``."""

    text: str
    usage: Usage
    model: str
    finish_reason: str | None = None


@dataclass(frozen=True, slots=True)
class StreamEnd:
    """The last item of a provider's stream: what is known once the text is complete."""

    usage: Usage
    model: str
    finish_reason: str | None = None


def message_text(message: BaseMessage) -> str:
    """The plain text of a message (text blocks joined; other blocks ignored)."""
    content = message.content
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def message_role(message: BaseMessage) -> str:
    """``system``, ``user`` or ``assistant``; other message types are refused."""
    if isinstance(message, SystemMessage):
        return "system"
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, AIMessage):
        return "assistant"
    if isinstance(message, ChatMessage) and message.role in {"system", "user", "assistant"}:
        return message.role
    raise ProviderRejected(f"unsupported message type for chat: {type(message).__name__}")


def estimate_tokens(text: str) -> int:
    """A rough token count (four characters a token) for when a provider reports none."""
    return math.ceil(len(text) / 4) if text else 0


def extract_json(text: str) -> Any:
    """Parse a structured reply: plain JSON, or JSON inside one Markdown code fence."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group("body").strip()
    return json.loads(stripped)


class ProviderChatModel(BaseChatModel):
    """Shared base of our providers: option handling, error mapping and message assembly.

    Subclasses set ``provider_name`` and implement :meth:`_complete` (one answer),
    :meth:`_complete_stream` (text deltas, then one :class:`StreamEnd`) and :meth:`map_error`
    (an SDK exception to a :class:`~copilot.llm.errors.ProviderError`). The base turns these into
    langchain-core's ``_generate`` / ``_stream`` with ``usage_metadata`` and
    ``response_metadata["model_name"]`` filled in.
    """

    provider_name: ClassVar[str] = "base"

    model_name: str
    """The model to call."""
    temperature: float = 0.2
    """Default sampling temperature when a call does not pass one."""
    max_tokens: int = 600
    """Default completion cap when a call does not pass one."""
    timeout_s: float = 20.0
    """Default per-call timeout in seconds when a call does not pass ``timeout``."""

    @property
    def _llm_type(self) -> str:
        return f"copilot-{self.provider_name}"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"provider": self.provider_name, "model_name": self.model_name}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = self.provider_name
        params["ls_model_name"] = self.model_name
        return params

    def call_options(self, stop: Sequence[str] | None, kwargs: dict[str, Any]) -> CallOptions:
        """Merge per-call keyword arguments with this model's defaults."""
        timeout = kwargs.get("timeout")
        return CallOptions(
            temperature=float(kwargs.get("temperature", self.temperature)),
            max_tokens=int(kwargs.get("max_tokens", self.max_tokens)),
            timeout_s=float(timeout) if timeout is not None else self.timeout_s,
            json_schema=kwargs.get("json_schema"),
            schema_name=str(kwargs.get("schema_name") or "response"),
            stop=tuple(stop or ()),
        )

    def map_error(self, exc: BaseException) -> ProviderError:
        """Map an exception raised by the SDK onto our hierarchy (override per provider)."""
        return ProviderError(f"{type(exc).__name__}: {exc}")

    def _complete(self, messages: list[BaseMessage], options: CallOptions) -> ProviderReply:
        raise NotImplementedError

    def _complete_stream(
        self, messages: list[BaseMessage], options: CallOptions
    ) -> Generator[str | StreamEnd, None, None]:
        raise NotImplementedError

    def _as_provider_error(self, exc: BaseException) -> ProviderError:
        error = exc if isinstance(exc, ProviderError) else self.map_error(exc)
        if error.provider is None:
            error.provider = self.provider_name
        return error

    def _response_metadata(self, model: str, finish_reason: str | None, usage: Usage) -> dict[str, Any]:
        return {
            "model_name": model,
            "provider": self.provider_name,
            "finish_reason": finish_reason,
            "usage_estimated": usage.estimated,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> LCChatResult:
        options = self.call_options(stop, kwargs)
        try:
            reply = self._complete(messages, options)
        except Exception as exc:
            error = self._as_provider_error(exc)
            if error is exc:
                raise
            raise error from exc
        message = AIMessage(
            content=reply.text,
            usage_metadata=reply.usage.to_metadata(),
            response_metadata=self._response_metadata(reply.model, reply.finish_reason, reply.usage),
        )
        return LCChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        options = self.call_options(stop, kwargs)
        end: StreamEnd | None = None
        try:
            with contextlib.closing(self._complete_stream(messages, options)) as items:
                for item in items:
                    if isinstance(item, StreamEnd):
                        end = item
                    elif item:
                        yield ChatGenerationChunk(message=AIMessageChunk(content=item))
        except Exception as exc:
            error = self._as_provider_error(exc)
            if error is exc:
                raise
            raise error from exc
        if end is None:
            raise ProviderBadResponse("stream ended without a final message", provider=self.provider_name)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=end.usage.to_metadata(),
                response_metadata=self._response_metadata(end.model, end.finish_reason, end.usage),
                chunk_position="last",
            )
        )
