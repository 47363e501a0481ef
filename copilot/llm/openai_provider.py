"""OpenAI chat completions through the ``openai`` SDK (provider name ``openai``).

Works against OpenAI itself and any OpenAI-compatible server: set ``base_url``. That is also how
to run a local model *out of process*: start ``python -m llama_cpp.server --model PATH --host
127.0.0.1 --port N`` and point this provider at ``http://127.0.0.1:N/v1`` (settings:
``COPILOT_LLM_PROVIDER=openai``, ``COPILOT_OPENAI_BASE_URL=...``, ``COPILOT_LLM_MODEL=...``). For
the in-process variant see :mod:`copilot.llm.local_provider`.

Behaviour:

* SDK retries are off (``max_retries=0``): the gateway owns the one retry layer. Every call passes
  an explicit ``timeout``.
* Structured output asks for ``response_format={"type": "json_schema", ...}`` (``strict`` off, so
  ordinary JSON Schemas are accepted). If the server rejects that (OpenAI for older models,
  llama.cpp's server, which answers HTTP 500), the call is repeated once with
  ``{"type": "json_object", "schema": ...}``: OpenAI ignores the ``schema`` member of JSON mode,
  llama.cpp turns it into a grammar. The rejection is remembered for the life of the instance.
* Streams request ``stream_options={"include_usage": True}``; servers that ignore it (llama.cpp)
  get usage estimated (``usage_estimated`` in ``response_metadata``): one token per content delta,
  four characters a token for the prompt.
* Errors: timeouts -> ``ProviderTimeout``; connection errors, 5xx and 429 -> ``ProviderUnavailable``;
  408 -> ``ProviderTimeout``; other 4xx and refusals -> ``ProviderRejected``; an unparseable or
  empty answer -> ``ProviderBadResponse``.

The ``openai`` package is imported when the first call builds the client, not at import time.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from langchain_core.messages import BaseMessage
from pydantic import PrivateAttr, SecretStr, ValidationError

from copilot.llm.base import (
    CallOptions,
    ProviderChatModel,
    ProviderReply,
    StreamEnd,
    Usage,
    estimate_tokens,
    message_role,
    message_text,
)
from copilot.llm.errors import (
    ProviderBadResponse,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletionChunk

__all__ = ["OpenAIChatModel"]

_NO_KEY = "sk-no-key-required"


class OpenAIChatModel(ProviderChatModel):
    """A chat model on the OpenAI chat completions API (or a compatible server).

    Args:
        model_name: the model, e.g. ``gpt-4.1-mini``; for llama.cpp's server, any name.
        api_key: the API key; may be omitted only when ``base_url`` points elsewhere.
        base_url: an OpenAI-compatible endpoint, e.g. ``http://127.0.0.1:8080/v1``.
        max_tokens_param: which request field caps the completion; reasoning models want
            ``max_completion_tokens``, most compatible servers only know ``max_tokens``.
        timeout_s, temperature, max_tokens: defaults for calls that do not pass them.
    """

    provider_name: ClassVar[str] = "openai"

    model_name: str = "gpt-4.1-mini"
    api_key: SecretStr | None = None
    base_url: str | None = None
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"

    _client: Any = PrivateAttr(default=None)
    _client_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _json_schema_rejected: bool = PrivateAttr(default=False)

    def _get_client(self) -> openai.OpenAI:
        with self._client_lock:
            if self._client is None:
                import openai

                key = self.api_key.get_secret_value() if self.api_key is not None else None
                if not key:
                    if self.base_url is None:
                        raise ProviderUnavailable("no OpenAI API key configured")
                    key = _NO_KEY
                self._client = openai.OpenAI(api_key=key, base_url=self.base_url, max_retries=0, timeout=self.timeout_s)
            return cast("openai.OpenAI", self._client)

    def close(self) -> None:
        """Close the HTTP client (a new one is built on the next call)."""
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _params(self, messages: list[BaseMessage], options: CallOptions) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model_name,
            "messages": [{"role": message_role(m), "content": message_text(m)} for m in messages],
            "temperature": options.temperature,
            self.max_tokens_param: options.max_tokens,
            "timeout": options.timeout_s,
        }
        if options.stop:
            params["stop"] = list(options.stop)
        if options.json_schema is not None:
            params["response_format"] = (
                self._json_object_format(options) if self._json_schema_rejected else self._json_schema_format(options)
            )
        return params

    @staticmethod
    def _json_schema_format(options: CallOptions) -> dict[str, Any]:
        return {
            "type": "json_schema",
            "json_schema": {"name": options.schema_name, "schema": options.json_schema, "strict": False},
        }

    @staticmethod
    def _json_object_format(options: CallOptions) -> dict[str, Any]:
        return {"type": "json_object", "schema": options.json_schema}

    def _create(self, params: dict[str, Any], options: CallOptions) -> Any:
        import openai

        client = self._get_client()
        try:
            return client.chat.completions.create(**params)
        except openai.APIStatusError as exc:
            format_type = (params.get("response_format") or {}).get("type")
            if format_type != "json_schema" or not _rejects_json_schema(exc):
                raise
            self._json_schema_rejected = True
            return client.chat.completions.create(**{**params, "response_format": self._json_object_format(options)})

    def _complete(self, messages: list[BaseMessage], options: CallOptions) -> ProviderReply:
        from openai.types.chat import ChatCompletion

        completion = self._create(self._params(messages, options), options)
        if not isinstance(completion, ChatCompletion) or not completion.choices:
            raise ProviderBadResponse("answer is not a chat completion")
        choice = completion.choices[0]
        if choice.finish_reason == "content_filter":
            raise ProviderRejected("answer blocked by the content filter")
        if choice.message.refusal:
            raise ProviderRejected(f"model refused: {choice.message.refusal}")
        text = choice.message.content
        if text is None:
            raise ProviderBadResponse("answer has no text")
        model = completion.model or self.model_name
        if completion.usage is not None:
            usage = Usage(
                prompt_tokens=completion.usage.prompt_tokens, completion_tokens=completion.usage.completion_tokens
            )
        else:
            usage = _estimated_usage(messages, text, None)
        return ProviderReply(text=text, usage=usage, model=model, finish_reason=choice.finish_reason)

    def _complete_stream(
        self, messages: list[BaseMessage], options: CallOptions
    ) -> Generator[str | StreamEnd, None, None]:
        params = self._params(messages, options)
        params["stream"] = True
        params["stream_options"] = {"include_usage": True}
        stream = self._create(params, options)
        model = self.model_name
        usage: Usage | None = None
        finish_reason: str | None = None
        parts: list[str] = []
        deltas = 0
        events = 0
        try:
            for chunk in cast("Iterator[ChatCompletionChunk]", stream):
                events += 1
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = Usage(
                        prompt_tokens=chunk.usage.prompt_tokens, completion_tokens=chunk.usage.completion_tokens
                    )
                for choice in chunk.choices or ():
                    if choice.index != 0:
                        continue
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
                    if choice.delta is not None and choice.delta.content:
                        deltas += 1
                        parts.append(choice.delta.content)
                        yield choice.delta.content
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()
        if events == 0:
            raise ProviderBadResponse("stream carried no events")
        if finish_reason == "content_filter":
            raise ProviderRejected("answer blocked by the content filter")
        yield StreamEnd(
            usage=usage or _estimated_usage(messages, "".join(parts), deltas), model=model, finish_reason=finish_reason
        )

    def map_error(self, exc: BaseException) -> ProviderError:
        """Map ``openai`` / ``httpx`` exceptions onto our hierarchy."""
        import httpx
        import openai

        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
            return ProviderTimeout(f"no answer in time: {exc}")
        if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
            return ProviderUnavailable(f"connection failed: {exc}")
        if isinstance(exc, openai.APIStatusError):
            return _status_error(exc.status_code, _error_message(exc))
        if isinstance(exc, openai.APIResponseValidationError | json.JSONDecodeError | ValidationError):
            return ProviderBadResponse(f"unparseable answer: {exc}")
        if isinstance(exc, openai.APIError):
            return ProviderUnavailable(f"provider error: {exc}")
        if isinstance(exc, ValueError):
            return ProviderBadResponse(f"unparseable answer: {exc}")
        return ProviderError(f"{type(exc).__name__}: {exc}")


def _status_error(status: int, message: str) -> ProviderError:
    if status == 408:
        return ProviderTimeout(message, status_code=status)
    if status == 429 or status >= 500:
        return ProviderUnavailable(message, status_code=status)
    return ProviderRejected(message, status_code=status)


def _error_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:500]
    return str(exc.message)[:500]


def _rejects_json_schema(exc: openai.APIStatusError) -> bool:
    if exc.status_code not in (400, 422, 500):
        return False
    text = f"{exc.message} {exc.body}".lower()
    return "json_schema" in text or "response_format" in text


def _estimated_usage(messages: list[BaseMessage], text: str, deltas: int | None) -> Usage:
    prompt = sum(estimate_tokens(message_text(message)) for message in messages)
    completion = deltas if deltas is not None else estimate_tokens(text)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, estimated=True)
