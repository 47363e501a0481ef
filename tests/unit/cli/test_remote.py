"""The service record, how a command decides where it runs, and the keys it calls with."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from copilot.cli.remote import (
    ServiceClient,
    ServiceError,
    dev_key,
    read_service_record,
    remove_service_record,
    running_service,
    service_for,
)
from copilot.settings import Settings
from tests.unit.cli.conftest import SERVICE_URL, route_http_to, write_record


def _answers(status: int) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json={"status": "ok"}))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_record_is_written_read_and_removed_only_by_its_own_process(data_dir: Path) -> None:
    write_record(data_dir, [data_dir.parent / "sources"])
    record = read_service_record(data_dir)
    assert record is not None and record.pid == os.getpid() and record.url == SERVICE_URL
    assert record.index == str((data_dir / "qdrant-edge").resolve())
    remove_service_record(data_dir, os.getpid() + 1)  # someone else's record stays
    assert read_service_record(data_dir) is not None
    remove_service_record(data_dir, os.getpid())
    assert read_service_record(data_dir) is None and not (data_dir / "service.json").exists()
    (data_dir / "service.json").write_text("{not json")
    assert read_service_record(data_dir) is None


def test_a_record_counts_only_while_its_process_lives_and_answers(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    route_http_to(monkeypatch, _answers(200))
    write_record(data_dir, [])
    assert running_service(data_dir) is not None
    write_record(data_dir, [], pid=_dead_pid())  # killed without cleaning up
    assert running_service(data_dir) is None
    write_record(data_dir, [])
    route_http_to(monkeypatch, _answers(503))
    assert running_service(data_dir) is None


def test_commands_go_to_the_service_that_holds_their_index(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    route_http_to(monkeypatch, _answers(200))
    assert service_for(Settings(), None, None) is None  # no service: open the index here
    write_record(data_dir, [data_dir.parent / "sources"])
    found = service_for(Settings(), None, None)
    assert found is not None and found.url == SERVICE_URL
    assert found.kb_sources == [(data_dir.parent / "sources").resolve()]
    assert "Using the running service at http://testserver" in capsys.readouterr().err
    # A service on another data dir's index, or an index on a Qdrant server, is none of this command's business.
    monkeypatch.setenv("COPILOT_QDRANT_ENGINE", "local")
    assert service_for(Settings(), None, None) is None
    monkeypatch.delenv("COPILOT_QDRANT_ENGINE")
    monkeypatch.setenv("COPILOT_QDRANT_URL", "http://qdrant:6333")
    assert service_for(Settings(), None, None) is None
    explicit = service_for(Settings(), "http://elsewhere:8000/", "k")
    assert explicit is not None and explicit.url == "http://elsewhere:8000" and explicit.key("admin") == "k"
    assert explicit.kb_sources == []  # its sources are unknown: not the record's service


def test_keys_come_from_the_option_or_the_development_key_file(data_dir: Path) -> None:
    client = ServiceClient(SERVICE_URL, data_dir=data_dir)
    with pytest.raises(ServiceError, match=r"no API key with the 'admin' scope .* --api-key"):
        client.key("admin")
    (data_dir / "dev-keys.json").write_text('{"admin": "a-key", "agent": ""}')
    assert client.key("admin") == "a-key" and dev_key(data_dir, "admin") == "a-key"
    assert dev_key(data_dir, "agent") is None and dev_key(data_dir, "customer") is None
    assert ServiceClient(SERVICE_URL, data_dir=data_dir, api_key="mine").key("agent") == "mine"


def test_failures_become_one_sentence(data_dir: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    unreachable = ServiceClient(SERVICE_URL, data_dir=data_dir, api_key="k", client=httpx.Client(transport=httpx.MockTransport(refuse)))
    with pytest.raises(ServiceError, match="cannot reach the service at http://testserver") as raised:
        unreachable.get("/v1/kb/search", "agent")
    assert raised.value.status is None
    problem = {"type": "x", "title": "Authentication required", "status": 401, "detail": "The API key is not valid."}
    refused = ServiceClient(SERVICE_URL, data_dir=data_dir, api_key="k",
                            client=httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(401, json=problem))))
    with pytest.raises(ServiceError, match=r"answered 401: The API key is not valid\. .*'agent' scope") as raised:
        refused.post("/v1/summaries", "agent", {})
    assert raised.value.status == 401
