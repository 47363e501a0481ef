"""Gemini on Vertex AI through ``google-genai`` (provider name ``vertex``).

``genai.Client(vertexai=True, project=..., location=...)`` with application-default credentials in
production; tests pass explicit credentials and a loopback ``base_url``. With google-genai 2.x the
calls go to ``POST {base}/v1beta1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent``
and ``...:streamGenerateContent?alt=sse``.

Behaviour:

* SDK retries are off (``retry_options=None`` stops after one attempt): the gateway owns retries.
  Each call passes its own timeout in ``http_options`` (milliseconds; the SDK also sends it as
  ``X-Server-Timeout``).
* System messages become ``system_instruction``; human and AI messages become ``user`` and
  ``model`` contents.
* Structured output sets ``response_mime_type="application/json"`` and ``response_json_schema``
  (a plain JSON Schema; set ``schema_field="response_schema"`` for models that only take the
  OpenAPI subset).
* Usage comes from ``usage_metadata``: prompt tokens, and candidate plus thinking tokens (both are
  billed as output).
* Errors: ``ServerError`` (5xx) and 429 -> ``ProviderUnavailable``; 408 and transport timeouts ->
  ``ProviderTimeout``; other ``ClientError`` (4xx) and safety blocks -> ``ProviderRejected``; an
  unparseable body or an answer without text -> ``ProviderBadResponse``; credential failures ->
  ``ProviderUnavailable``.

``google.genai`` is imported when the first call builds the client, not at import time.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from langchain_core.messages import BaseMessage
from pydantic import PrivateAttr, ValidationError

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
    from google import genai
    from google.genai import types

__all__ = ["VertexChatModel"]

_BLOCKED = frozenset({"SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "RECITATION", "IMAGE_SAFETY"})


class VertexChatModel(ProviderChatModel):
    """A Gemini chat model on Vertex AI.

    Args:
        model_name: the Gemini model, e.g. ``gemini-2.5-flash``.
        project: the Google Cloud project.
        location: the Vertex region, e.g. ``europe-west2``.
        base_url: another endpoint (a proxy, or a loopback server in tests).
        credentials: ``google.auth`` credentials; ``None`` means application-default credentials.
        schema_field: how a JSON Schema is sent: ``response_json_schema`` (any JSON Schema) or
            ``response_schema`` (the OpenAPI subset older models accept).
        thinking_budget: thinking tokens for 2.5 models (``0`` turns thinking off on Flash and
            keeps ``max_tokens`` for the answer); ``None`` leaves the model default.
        timeout_s, temperature, max_tokens: defaults for calls that do not pass them.
    """

    provider_name: ClassVar[str] = "vertex"

    model_name: str = "gemini-2.5-flash"
    project: str | None = None
    location: str = "europe-west2"
    base_url: str | None = None
    credentials: Any = None
    schema_field: Literal["response_json_schema", "response_schema"] = "response_json_schema"
    thinking_budget: int | None = None

    _client: Any = PrivateAttr(default=None)
    _client_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _get_client(self) -> genai.Client:
        with self._client_lock:
            if self._client is None:
                from google import genai
                from google.genai import types

                if not self.project:
                    raise ProviderUnavailable("no Vertex AI project configured")
                self._client = genai.Client(
                    vertexai=True,
                    project=self.project,
                    location=self.location,
                    credentials=self.credentials,
                    http_options=types.HttpOptions(
                        base_url=self.base_url, timeout=_millis(self.timeout_s), retry_options=None
                    ),
                )
            return cast("genai.Client", self._client)

    def close(self) -> None:
        """Close the HTTP client (a new one is built on the next call)."""
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _request(
        self, messages: list[BaseMessage], options: CallOptions
    ) -> tuple[list[types.Content], types.GenerateContentConfig]:
        from google.genai import types

        system: list[str] = []
        contents: list[types.Content] = []
        for message in messages:
            role = message_role(message)
            if role == "system":
                system.append(message_text(message))
            else:
                role_name = "model" if role == "assistant" else "user"
                contents.append(types.Content(role=role_name, parts=[types.Part(text=message_text(message))]))
        if not contents:
            raise ProviderRejected("a Gemini request needs at least one user message")
        config: dict[str, Any] = {
            "temperature": options.temperature,
            "max_output_tokens": options.max_tokens,
            "http_options": types.HttpOptions(timeout=_millis(options.timeout_s)),
        }
        if system:
            config["system_instruction"] = "\n\n".join(system)
        if options.stop:
            config["stop_sequences"] = list(options.stop)
        if options.json_schema is not None:
            config["response_mime_type"] = "application/json"
            config[self.schema_field] = options.json_schema
        if self.thinking_budget is not None:
            config["thinking_config"] = types.ThinkingConfig(thinking_budget=self.thinking_budget)
        return contents, types.GenerateContentConfig(**config)

    def _complete(self, messages: list[BaseMessage], options: CallOptions) -> ProviderReply:
        contents, config = self._request(messages, options)
        response = self._get_client().models.generate_content(
            model=self.model_name, contents=cast("Any", contents), config=config
        )
        text, finish_reason = _read_candidate(response)
        if not text:
            raise ProviderBadResponse(f"answer has no text (finish reason {finish_reason})")
        usage = _usage(response.usage_metadata) or _estimated_usage(messages, text)
        return ProviderReply(
            text=text, usage=usage, model=response.model_version or self.model_name, finish_reason=finish_reason
        )

    def _complete_stream(
        self, messages: list[BaseMessage], options: CallOptions
    ) -> Generator[str | StreamEnd, None, None]:
        contents, config = self._request(messages, options)
        stream = self._get_client().models.generate_content_stream(
            model=self.model_name, contents=cast("Any", contents), config=config
        )
        model = self.model_name
        usage: Usage | None = None
        finish_reason: str | None = None
        parts: list[str] = []
        events = 0
        try:
            for chunk in stream:
                events += 1
                model = chunk.model_version or model
                usage = _usage(chunk.usage_metadata) or usage
                text, reason = _read_candidate(chunk, allow_empty=True)
                finish_reason = reason or finish_reason
                if text:
                    parts.append(text)
                    yield text
        finally:
            close = getattr(stream, "close", None)
            if callable(close):
                close()
        if events == 0:
            raise ProviderBadResponse("stream carried no events")
        yield StreamEnd(
            usage=usage or _estimated_usage(messages, "".join(parts)), model=model, finish_reason=finish_reason
        )

    def map_error(self, exc: BaseException) -> ProviderError:
        """Map ``google.genai`` / ``google.auth`` / ``httpx`` exceptions onto our hierarchy."""
        from google.auth import exceptions as auth_errors
        from google.genai import errors

        timeouts, transport = _httpx_errors()
        if isinstance(exc, timeouts):
            return ProviderTimeout(f"no answer in time: {exc}")
        if isinstance(exc, transport):
            return ProviderUnavailable(f"connection failed: {exc}")
        if isinstance(exc, errors.APIError):
            code = int(exc.code) if isinstance(exc.code, int) else 0
            message = str(exc.message or exc.status or exc)[:500]
            if code == 408:
                return ProviderTimeout(message, status_code=code)
            if code == 429 or code >= 500 or isinstance(exc, errors.ServerError):
                return ProviderUnavailable(message, status_code=code or None)
            if 400 <= code < 500:
                return ProviderRejected(message, status_code=code)
            return ProviderBadResponse(message, status_code=code or None)
        if isinstance(exc, auth_errors.GoogleAuthError):
            return ProviderUnavailable(f"credentials: {exc}")
        if isinstance(exc, json.JSONDecodeError | ValidationError | ValueError):
            return ProviderBadResponse(f"unparseable answer: {str(exc)[:300]}")
        return ProviderError(f"{type(exc).__name__}: {exc}")


def _millis(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _httpx_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """Timeout and transport exception types of whichever httpx flavours are installed."""
    import httpx

    timeouts: list[type[BaseException]] = [httpx.TimeoutException]
    transport: list[type[BaseException]] = [httpx.TransportError]
    try:
        import httpx2  # google-genai uses it when GOOGLE_GENAI_HTTP_CLIENT=httpx2
    except ImportError:
        pass
    else:
        timeouts.append(httpx2.TimeoutException)
        transport.append(httpx2.TransportError)
    return tuple(timeouts), tuple(transport)


def _read_candidate(response: types.GenerateContentResponse, *, allow_empty: bool = False) -> tuple[str, str | None]:
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason:
        raise ProviderRejected(f"prompt blocked: {_enum_name(feedback.block_reason)}")
    if not response.candidates:
        if allow_empty:
            return "", None
        raise ProviderBadResponse("answer has no candidates")
    candidate = response.candidates[0]
    finish_reason = _enum_name(candidate.finish_reason) if candidate.finish_reason else None
    if finish_reason in _BLOCKED:
        raise ProviderRejected(f"answer blocked: {finish_reason}")
    parts = candidate.content.parts if candidate.content is not None and candidate.content.parts else []
    text = "".join(part.text for part in parts if part.text and not part.thought)
    return text, finish_reason


def _enum_name(value: Any) -> str:
    return str(getattr(value, "value", value))


def _usage(metadata: types.GenerateContentResponseUsageMetadata | None) -> Usage | None:
    if metadata is None or metadata.prompt_token_count is None:
        return None
    completion = (metadata.candidates_token_count or 0) + (metadata.thoughts_token_count or 0)
    return Usage(prompt_tokens=metadata.prompt_token_count, completion_tokens=completion)


def _estimated_usage(messages: list[BaseMessage], text: str) -> Usage:
    prompt = sum(estimate_tokens(message_text(message)) for message in messages)
    return Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(text), estimated=True)
