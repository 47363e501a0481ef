"""A queue-fed fake chat model for tests and offline runs (provider name ``fake``).

Script it with a list of responses, consumed one per call, in order:

* a ``str``: the reply (streamed word by word);
* an exception instance: raised by that call. Our own errors are raised as they are; built-in
  ones are mapped like an SDK's would be (``TimeoutError`` -> ``ProviderTimeout``,
  ``ConnectionError`` -> ``ProviderUnavailable``, ``ValueError`` -> ``ProviderBadResponse``);
* :class:`FailMidStream`: a stream yields ``partial_text`` and then raises ``error``; a plain
  completion raises ``error`` straight away;
* a callable ``f(call: FakeCall)``: computes one of the above from the request, or raises.

Every call is recorded before it is answered: ``.requests`` holds the message texts of each call,
``.calls`` the full :class:`FakeCall` (messages and options), so tests can prove what was sent,
for instance that no raw card number reached a provider.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeAlias

from langchain_core.messages import BaseMessage
from pydantic import Field, PrivateAttr

from copilot.llm.base import (
    CallOptions,
    ProviderChatModel,
    ProviderReply,
    StreamEnd,
    Usage,
    estimate_tokens,
    message_text,
)
from copilot.llm.errors import (
    ProviderBadResponse,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
)

__all__ = ["FailMidStream", "FakeCall", "FakeChatModel", "FakeResponse"]

_PIECES = re.compile(r"\s*\S+\s*|\s+")


def _connection_reset() -> ProviderError:
    return ProviderUnavailable("fake: connection reset mid-stream")


@dataclass(frozen=True)
class FailMidStream:
    """A scripted response that breaks off: ``partial_text`` is streamed, then ``error`` is raised."""

    partial_text: str
    error: BaseException = field(default_factory=_connection_reset)


@dataclass(frozen=True)
class FakeCall:
    """One request the fake received."""

    messages: list[BaseMessage]
    options: CallOptions
    streamed: bool

    @property
    def texts(self) -> list[str]:
        """The text of each message, in order."""
        return [message_text(message) for message in self.messages]


FakeResponse: TypeAlias = "str | BaseException | FailMidStream | Callable[[FakeCall], Any]"


class FakeChatModel(ProviderChatModel):
    """A langchain-core chat model that answers from a script and records what it was asked.

    Args:
        responses: the script, consumed one item per call (see the module docstring).
        default_response: answers calls once the script is exhausted (same forms); when ``None``
            such calls raise ``ProviderUnavailable``.
        cycle: put each consumed item back at the end of the script.
        latency_s: sleep before answering (or before the first delta).
        chunk_delay_s: sleep between streamed deltas.
        sleep: the sleep function (``time.sleep``), injectable for tests.
    """

    provider_name: ClassVar[str] = "fake"

    model_name: str = "fake-model"
    responses: list[Any] = Field(default_factory=list)
    default_response: Any = None
    cycle: bool = False
    latency_s: float = Field(default=0.0, ge=0)
    chunk_delay_s: float = Field(default=0.0, ge=0)
    sleep: Callable[[float], None] = time.sleep

    _queue: deque[Any] = PrivateAttr(default_factory=deque)
    _calls: list[FakeCall] = PrivateAttr(default_factory=list)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def model_post_init(self, context: Any, /) -> None:
        """Load the script into the queue."""
        super().model_post_init(context)
        self._queue.extend(self.responses)

    @property
    def requests(self) -> list[list[str]]:
        """The message texts of every call received, in order."""
        with self._lock:
            return [call.texts for call in self._calls]

    @property
    def calls(self) -> list[FakeCall]:
        """Every call received, with its messages and options."""
        with self._lock:
            return list(self._calls)

    @property
    def pending(self) -> int:
        """Scripted responses not consumed yet."""
        with self._lock:
            return len(self._queue)

    def push(self, *responses: Any) -> None:
        """Append responses to the script."""
        with self._lock:
            self._queue.extend(responses)

    def map_error(self, exc: BaseException) -> ProviderError:
        """Map built-in exceptions the way a provider maps its SDK's."""
        if isinstance(exc, ProviderError):
            return exc
        if isinstance(exc, TimeoutError):
            return ProviderTimeout(f"fake: {str(exc) or 'timed out'}")
        if isinstance(exc, ConnectionError):
            return ProviderUnavailable(f"fake: {str(exc) or 'connection failed'}")
        if isinstance(exc, ValueError):
            return ProviderBadResponse(f"fake: {str(exc) or 'bad response'}")
        return ProviderError(f"fake: {type(exc).__name__}: {exc}")

    def _next(self, messages: list[BaseMessage], options: CallOptions, *, streamed: bool) -> str | FailMidStream:
        call = FakeCall(messages=list(messages), options=options, streamed=streamed)
        with self._lock:
            self._calls.append(call)
            if self._queue:
                item = self._queue.popleft()
                if self.cycle:
                    self._queue.append(item)
            else:
                item = self.default_response
        if item is None:
            raise ProviderUnavailable("fake: no scripted response left")
        if callable(item) and not isinstance(item, BaseException | FailMidStream):
            item = item(call)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, str | FailMidStream):
            return item
        raise TypeError(f"fake: unsupported scripted response {item!r}")

    def _usage(self, messages: list[BaseMessage], text: str) -> Usage:
        prompt = sum(estimate_tokens(message_text(message)) for message in messages)
        return Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(text))

    def _complete(self, messages: list[BaseMessage], options: CallOptions) -> ProviderReply:
        item = self._next(messages, options, streamed=False)
        if self.latency_s:
            self.sleep(self.latency_s)
        if isinstance(item, FailMidStream):
            raise item.error
        return ProviderReply(text=item, usage=self._usage(messages, item), model=self.model_name, finish_reason="stop")

    def _complete_stream(
        self, messages: list[BaseMessage], options: CallOptions
    ) -> Generator[str | StreamEnd, None, None]:
        item = self._next(messages, options, streamed=True)
        if self.latency_s:
            self.sleep(self.latency_s)
        text = item.partial_text if isinstance(item, FailMidStream) else item
        for index, piece in enumerate(_PIECES.findall(text)):
            if index and self.chunk_delay_s:
                self.sleep(self.chunk_delay_s)
            yield piece
        if isinstance(item, FailMidStream):
            raise item.error
        yield StreamEnd(usage=self._usage(messages, text), model=self.model_name, finish_reason="stop")
