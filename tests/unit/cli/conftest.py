"""The CLI beside a service: the API app on the unit tier's fakes, reached through its own transport."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import copilot.cli.remote as remote
from copilot.cli.remote import ServiceRecord, write_service_record

# The API tier's app fixtures (fakes, SQLite in tmp_path).
from tests.unit.api.conftest import (  # noqa: F401
    ADMIN_KEY,
    AGENT_KEY,
    CUSTOMER_KEY,
    AppFactory,
    api_settings,
    copilot,
    embedder,
    fake_model,
    kb,
    kb_sources,
    make_app,
    settings,
    store,
)

SERVICE_URL = "http://testserver"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment for the CLI: its data dir (the app's too), hashing embeddings, no LLM."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("COPILOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COPILOT_EMBEDDING_MODEL", "hashing-128")
    monkeypatch.setenv("COPILOT_LLM_PROVIDER", "extractive")
    (tmp_path / "data").mkdir(exist_ok=True)
    return tmp_path / "data"


def write_record(data_dir: Path, sources: list[Path], *, pid: int | None = None, url: str = SERVICE_URL) -> None:
    write_service_record(data_dir, ServiceRecord(
        url=url, pid=os.getpid() if pid is None else pid, index=str((data_dir / "qdrant-edge").resolve()),
        kb_sources=[str(s.resolve()) for s in sources], started_at="2026-01-01T00:00:00+00:00",
    ))


class AppTransport(httpx.BaseTransport):
    """httpx requests answered by the app through its TestClient (which speaks httpx2, not httpx)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.client.request(
            request.method, str(request.url), headers=list(request.headers.multi_items()), content=request.read()
        )
        return httpx.Response(answer.status_code, headers=list(answer.headers.multi_items()), content=answer.content)


def route_http_to(monkeypatch: pytest.MonkeyPatch, transport: httpx.BaseTransport) -> None:
    """Every HTTP call the CLI makes goes to ``transport`` (no sockets in the unit tier)."""
    monkeypatch.setattr(remote, "_http_client", lambda timeout_s: httpx.Client(transport=transport))


@pytest.fixture
def service(
    data_dir: Path, make_app: AppFactory, kb_sources: list[Path], monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> Iterator[TestClient]:
    """The app running "beside" the CLI: its record and dev keys in the data dir, its transport for HTTP."""
    with TestClient(make_app()) as client:
        keys = {"agent": AGENT_KEY, "customer": CUSTOMER_KEY, "admin": ADMIN_KEY}
        (data_dir / "dev-keys.json").write_text(json.dumps(keys), encoding="utf-8")
        write_record(data_dir, kb_sources)
        route_http_to(monkeypatch, AppTransport(client))
        yield client
