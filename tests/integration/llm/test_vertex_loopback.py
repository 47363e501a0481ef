"""The Vertex AI provider against a loopback server that speaks the Gemini REST API.

google-genai 2.x with ``vertexai=True``, a project, a location and a custom ``base_url`` posts to
``{base_url}/v1beta1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent`` and
``...:streamGenerateContent?alt=sse``. The server answers like Gemini (``candidates`` /
``content.parts[].text`` / ``usageMetadata``, SSE ``data:`` events) and records what it received,
so the tests check the request (path, model, system instruction, contents, generation config,
bearer token) as well as the reply. Its behaviour is chosen by the model name in the path.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from copilot.llm import (
    ChatProvider,
    ChatRequest,
    LLMGateway,
    ProviderBadResponse,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from copilot.llm.vertex_provider import VertexChatModel

# tests/ is not a package, so reach the shared contract through its directory.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "llm"))
from test_provider_contract import VERDICT_SCHEMA, FailingCases, ProviderContract, Verdict

pytestmark = pytest.mark.integration

PROJECT, LOCATION, TOKEN = "bank-test", "europe-west2", "fake-token"
PATH = re.compile(
    r"^/v1beta1/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)"
    r"/publishers/google/models/(?P<model>[^:/]+):(?P<method>generateContent|streamGenerateContent)(?P<query>\?.*)?$"
)
JSON_REPLY = '{"answer": "yes", "reason": "cards can be frozen in the app"}'
TEXT_REPLY = "Hello from the loopback Gemini, how can I help?"


@dataclass
class Seen:
    path: str
    model: str
    method: str
    query: str
    headers: dict[str, str]
    body: dict[str, Any]


class GeminiLoopback(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _GeminiHandler)
        self.seen: list[Seen] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def for_model(self, model: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.model == model]


def _response(text: str, *, usage: bool = True, finish: str | None = "STOP") -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    payload: dict[str, Any] = {"candidates": [candidate], "modelVersion": "gemini-2.5-flash-001"}
    if usage:
        payload["usageMetadata"] = {"promptTokenCount": 21, "candidatesTokenCount": 9, "totalTokenCount": 30}
    return payload


class _GeminiHandler(BaseHTTPRequestHandler):
    server: GeminiLoopback

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        match = PATH.match(self.path)
        if match is None:
            self._json(404, {"error": {"code": 404, "message": f"no route {self.path}", "status": "NOT_FOUND"}})
            return
        model, method = match["model"], match["method"]
        self.server.seen.append(
            Seen(self.path, model, method, match["query"] or "", {k.lower(): v for k, v in self.headers.items()}, body)
        )
        try:
            self._answer(model, method, body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self, model: str, method: str, body: dict[str, Any]) -> None:
        if model == "error-500":
            self._json(500, {"error": {"code": 500, "message": "Internal error", "status": "INTERNAL"}})
        elif model == "error-429":
            self._json(429, {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}})
        elif model == "error-400":
            self._json(400, {"error": {"code": 400, "message": "Bad schema", "status": "INVALID_ARGUMENT"}})
        elif model == "garbage":
            self._raw(200, b"<html>this is not the Gemini API</html>", "text/html")
        elif model == "blocked":
            self._json(200, {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 3}})
        elif model == "slow":
            time.sleep(2)
            self._json(200, _response("late"))
        else:
            wants_json = body.get("generationConfig", {}).get("responseMimeType") == "application/json"
            text = JSON_REPLY if wants_json else TEXT_REPLY
            if method == "streamGenerateContent":
                self._sse(text)
            else:
                self._json(200, _response(text))

    def _sse(self, text: str) -> None:
        third = len(text) // 3
        pieces = [text[:third], text[third : 2 * third], text[2 * third :]]
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            event = _response(piece, usage=last, finish="STOP" if last else None)
            self.wfile.write(b"data: " + json.dumps(event).encode() + b"\r\n\r\n")
            self.wfile.flush()

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._raw(status, json.dumps(payload).encode(), "application/json")

    def _raw(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def gemini() -> Iterator[GeminiLoopback]:
    server = GeminiLoopback()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def vertex(base_url: str, model: str = "gemini-2.5-flash", **kwargs: Any) -> VertexChatModel:
    return VertexChatModel(
        model_name=model,
        project=PROJECT,
        location=LOCATION,
        base_url=base_url,
        credentials=Credentials(token=TOKEN),
        **kwargs,
    )


class TestVertexProviderOnLoopback(ProviderContract):
    @pytest.fixture
    def provider(self, gemini: GeminiLoopback) -> Iterator[ChatProvider]:
        model = vertex(gemini.base_url, timeout_s=self.timeout_s)
        yield model
        model.close()

    @pytest.fixture
    def failing_providers(self, gemini: GeminiLoopback) -> Iterator[FailingCases]:
        url = gemini.base_url
        cases: FailingCases = [
            (vertex(url, "error-500"), ProviderUnavailable),
            (vertex(url, "error-429"), ProviderUnavailable),
            (vertex(url, "error-400"), ProviderRejected),
            (vertex(url, "garbage"), ProviderBadResponse),
            (vertex(url, "blocked"), ProviderRejected),
            (vertex(url, "slow", timeout_s=0.3), ProviderTimeout),
            (vertex(closed_port_url()), ProviderUnavailable),
        ]
        yield cases
        for provider, _ in cases:
            assert isinstance(provider, VertexChatModel)
            provider.close()


def test_the_request_is_what_vertex_expects(gemini: GeminiLoopback) -> None:
    provider = vertex(gemini.base_url, model="gemini-request-check", timeout_s=12)
    messages = [
        SystemMessage("You draft replies for bank support agents."),
        HumanMessage("My card was declined."),
        AIMessage("I'm sorry to hear that. Where were you paying?"),
        HumanMessage("In a shop in Leeds."),
    ]

    message = provider.invoke(
        messages, json_schema=VERDICT_SCHEMA, schema_name="verdict", temperature=0.3, max_tokens=77
    )

    (seen,) = gemini.for_model("gemini-request-check")
    assert seen.path == (
        f"/v1beta1/projects/{PROJECT}/locations/{LOCATION}/publishers/google/models/gemini-request-check:generateContent"
    )
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["x-server-timeout"] == "12"
    assert seen.body["systemInstruction"]["parts"] == [{"text": "You draft replies for bank support agents."}]
    assert seen.body["contents"] == [
        {"role": "user", "parts": [{"text": "My card was declined."}]},
        {"role": "model", "parts": [{"text": "I'm sorry to hear that. Where were you paying?"}]},
        {"role": "user", "parts": [{"text": "In a shop in Leeds."}]},
    ]
    assert seen.body["generationConfig"] == {
        "temperature": 0.3,
        "maxOutputTokens": 77,
        "responseMimeType": "application/json",
        "responseJsonSchema": VERDICT_SCHEMA,
    }
    Verdict.model_validate_json(str(message.content))
    assert message.usage_metadata == {"input_tokens": 21, "output_tokens": 9, "total_tokens": 30}
    assert message.response_metadata["model_name"] == "gemini-2.5-flash-001"
    provider.close()


def test_streaming_uses_sse_and_reads_usage_from_the_last_event(gemini: GeminiLoopback) -> None:
    provider = vertex(gemini.base_url, model="gemini-stream-check")

    chunks = list(provider.stream([HumanMessage("Hello")]))

    (seen,) = gemini.for_model("gemini-stream-check")
    assert seen.method == "streamGenerateContent"
    assert seen.query == "?alt=sse"
    assert "".join(str(chunk.content) for chunk in chunks) == TEXT_REPLY
    assert chunks[-1].usage_metadata == {"input_tokens": 21, "output_tokens": 9, "total_tokens": 30}
    provider.close()


def test_sdk_retries_are_off(gemini: GeminiLoopback) -> None:
    before = len(gemini.for_model("error-500"))
    provider = vertex(gemini.base_url, model="error-500")

    with pytest.raises(ProviderUnavailable) as raised:
        provider.invoke([HumanMessage("hi")])

    assert raised.value.status_code == 500
    assert len(gemini.for_model("error-500")) == before + 1
    provider.close()


def test_the_gateway_falls_back_from_a_failing_vertex_model(gemini: GeminiLoopback) -> None:
    broken, working = vertex(gemini.base_url, model="error-500"), vertex(gemini.base_url)
    before = len(gemini.for_model("error-500"))

    result = LLMGateway([broken, working]).complete(ChatRequest(messages=[HumanMessage("hi")]))

    assert result.text == TEXT_REPLY
    assert result.fallbacks == ("vertex",)
    assert result.provider == "vertex#2"
    assert len(gemini.for_model("error-500")) == before + 2
    assert result.cost == pytest.approx((21 * 0.30 + 9 * 2.50) / 1_000_000)
    broken.close()
    working.close()
