"""The CLI beside a running service: where the service is, and a small client for its API.

An embedded index (Qdrant Edge, or qdrant-client's local mode) opens in one process at a time. While
``copilot serve`` holds it, commands that need the index go through the service instead: its search,
its pipelines and its knowledge-base administration. Commands that need no index never open it.

Finding the service: ``copilot serve`` writes ``<data_dir>/service.json`` (:class:`ServiceRecord`: its
URL, its pid, the index it holds, the sources it re-indexes from) before it starts serving and removes
it when it stops. A record counts only while its process is alive and its ``/healthz`` answers, so a
record left behind by a killed service is ignored. ``--api-url`` (or ``COPILOT_CLI_API_URL``) names a
service explicitly.

Keys: ``--api-key`` (or ``COPILOT_CLI_API_KEY``) is used for every call; without it, the development
key of the scope a call needs is read from ``<data_dir>/dev-keys.json`` (written by ``copilot serve``
in development).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

import httpx
import typer
from pydantic import BaseModel, Field, ValidationError

from copilot.settings import Settings
from knowledge_base.locks import IndexInUse, index_in_use

__all__ = [
    "SERVICE_FILE",
    "ApiKeyOpt",
    "ApiUrlOpt",
    "ServiceClient",
    "ServiceError",
    "ServiceRecord",
    "dev_key",
    "ensure_index_free",
    "fail",
    "in_use_message",
    "new_record",
    "read_service_record",
    "remove_service_record",
    "running_service",
    "service_for",
    "write_service_record",
]

SERVICE_FILE = "service.json"
DEV_KEYS_FILE = "dev-keys.json"

Scope = Literal["agent", "customer", "admin"]

ApiUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--api-url",
        envvar="COPILOT_CLI_API_URL",
        help="Use this running service instead of opening the index here (default: the service of this data dir).",
    ),
]
ApiKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="COPILOT_CLI_API_KEY",
        help="API key for the service (default: the development keys in the data dir).",
    ),
]


class ServiceError(RuntimeError):
    """A call to the service failed; the message is one sentence for the person at the terminal.

    ``status`` is the HTTP status the service answered with, ``None`` when it could not be reached.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ServiceRecord(BaseModel):
    """What ``copilot serve`` leaves in the data dir while it runs."""

    url: str
    pid: int = Field(gt=0)
    #: The embedded index folder the service holds (absolute), or ``None`` when it uses a Qdrant server.
    index: str | None
    #: The sources a re-index rebuilds from (absolute paths).
    kb_sources: list[str]
    started_at: str


# -- the record ---------------------------------------------------------------------------------------


def record_path(data_dir: Path) -> Path:
    return data_dir / SERVICE_FILE


def new_record(url: str, settings: Settings, kb_sources: list[Path]) -> ServiceRecord:
    """The record of this process serving ``url`` with ``settings``."""
    config = settings.retrieval_config()
    return ServiceRecord(
        url=url,
        pid=os.getpid(),
        index=None if config.qdrant_url else str(config.qdrant_path.resolve()),
        kb_sources=[str(p.resolve()) for p in kb_sources],
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def write_service_record(data_dir: Path, record: ServiceRecord) -> Path:
    """Write the record atomically (readers never see half a file)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = record_path(data_dir)
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".service-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(record.model_dump_json(indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_service_record(data_dir: Path, pid: int) -> None:
    """Remove the record if it is the one process ``pid`` wrote (another service may have replaced it)."""
    record = read_service_record(data_dir)
    if record is not None and record.pid == pid:
        record_path(data_dir).unlink(missing_ok=True)


def read_service_record(data_dir: Path) -> ServiceRecord | None:
    """The record in ``data_dir``, or ``None`` when there is none or it cannot be read."""
    try:
        return ServiceRecord.model_validate_json(record_path(data_dir).read_bytes())
    except (OSError, ValidationError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive all the same
        pass
    return True


def _http_client(timeout_s: float) -> httpx.Client:
    """The HTTP client every call to the service uses (a seam: tests hand in the app's own transport)."""
    return httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)))


def _healthy(url: str, timeout_s: float) -> bool:
    try:
        with _http_client(timeout_s) as client:
            return client.get(url.rstrip("/") + "/healthz").status_code == 200
    except httpx.HTTPError:
        return False


def running_service(data_dir: Path, *, timeout_s: float = 2.0) -> ServiceRecord | None:
    """The record of a service that is serving from ``data_dir`` now (alive and answering), else ``None``."""
    record = read_service_record(data_dir)
    if record is None or not _alive(record.pid) or not _healthy(record.url, timeout_s):
        return None
    return record


def _holds_index(record: ServiceRecord, settings: Settings) -> bool:
    config = settings.retrieval_config()
    return not config.qdrant_url and record.index is not None and Path(record.index) == config.qdrant_path.resolve()


def service_for(settings: Settings, api_url: str | None, api_key: str | None) -> ServiceClient | None:
    """Where an index-needing command runs: the service it should call, or ``None`` to open the index here.

    ``api_url`` wins; otherwise the service that holds this data dir's embedded index, if one runs. A
    Qdrant server is shared, so with one configured the command opens it itself.
    """
    if api_url:
        record = read_service_record(settings.data_dir)
        sources = record.kb_sources if record is not None and record.url.rstrip("/") == api_url.rstrip("/") else []
        return ServiceClient(api_url, data_dir=settings.data_dir, api_key=api_key, kb_sources=sources)
    if settings.retrieval_config().qdrant_url:
        return None
    record = running_service(settings.data_dir)
    if record is None or not _holds_index(record, settings):
        return None
    typer.echo(f"Using the running service at {record.url} (it holds the index in {settings.data_dir}).", err=True)
    return ServiceClient(record.url, data_dir=settings.data_dir, api_key=api_key, kb_sources=record.kb_sources)


def in_use_message(settings: Settings, exc: IndexInUse) -> str:
    """One sentence (without the ``error:`` prefix): who holds the index and what to do about it."""
    record = read_service_record(settings.data_dir)
    if record is not None and _alive(record.pid) and _holds_index(record, settings):
        if _healthy(record.url, 2.0):
            return (
                f"the index in {exc.path} is held by the copilot service (pid {record.pid}, {record.url}) and "
                "this command cannot go through it: stop the service first, or use a Qdrant server "
                "(COPILOT_QDRANT_URL) that both can share."
            )
        return (
            f"the index in {exc.path} is held by the copilot service (pid {record.pid}, {record.url}), "
            f"which is not answering yet: wait for it to finish starting, or stop it, then run this again."
        )
    return (
        f"the index in {exc.path} is in use by another process (an embedded index opens in one process "
        "at a time): wait for that command to finish or stop it, point this command at a running service with "
        "--api-url, or use a Qdrant server (COPILOT_QDRANT_URL)."
    )


def dev_key(data_dir: Path, scope: Scope) -> str | None:
    """The development key of ``scope`` that ``copilot serve`` wrote into ``data_dir``, if any."""
    try:
        keys = json.loads((data_dir / DEV_KEYS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = keys.get(scope) if isinstance(keys, dict) else None
    return key if isinstance(key, str) and key else None


# -- the client ---------------------------------------------------------------------------------------


class ServiceClient:
    """The service's API as the CLI uses it, with the key of the scope each call needs."""

    def __init__(
        self,
        base_url: str,
        *,
        data_dir: Path,
        api_key: str | None = None,
        kb_sources: list[str] | None = None,
        client: httpx.Client | None = None,
        timeout_s: float = 120.0,
    ) -> None:
        self.url = base_url.rstrip("/")
        self.data_dir = data_dir
        self.api_key = api_key
        self.kb_sources = [Path(s) for s in kb_sources or ()]
        self._client = client or _http_client(timeout_s)

    def key(self, scope: Scope) -> str:
        """The explicit key, else the development key of ``scope``.

        Raises:
            ServiceError: neither is there.
        """
        key = self.api_key or dev_key(self.data_dir, scope)
        if key is None:
            raise ServiceError(
                f"no API key with the {scope!r} scope for the service at {self.url}: pass one with "
                f"--api-key (or COPILOT_CLI_API_KEY); {self.data_dir / DEV_KEYS_FILE} has none."
            )
        return key

    def _request(self, method: str, path: str, scope: Scope, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.key(scope)}", "Accept": "application/json"}
        try:
            response = self._client.request(method, self.url + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceError(f"cannot reach the service at {self.url}: {exc}") from exc
        if response.status_code >= 400:
            raise ServiceError(self._problem(response, scope), response.status_code)
        return response

    def _problem(self, response: httpx.Response, scope: Scope) -> str:
        try:
            body = response.json()
        except ValueError:
            body = {}
        detail = (body.get("detail") or body.get("title")) if isinstance(body, dict) else None
        text = f"the service at {self.url} answered {response.status_code}: {detail or response.reason_phrase}"
        if response.status_code in (401, 403):
            return f"{text} (this call needs a key with the {scope!r} scope: pass one with --api-key)"
        return text

    def get(self, path: str, scope: Scope, params: Any = None) -> Any:
        return self._request("GET", path, scope, params=params).json()

    def post(self, path: str, scope: Scope, body: Any = None) -> Any:
        return self._request("POST", path, scope, json=body).json()

    def put(self, path: str, scope: Scope, body: Any) -> Any:
        return self._request("PUT", path, scope, json=body).json()

    def document_path(self, doc_id: str) -> str:
        return f"/v1/kb/documents/{quote(doc_id, safe='')}"

    def stream(self, path: str, scope: Scope, body: Any) -> Iterator[tuple[str, Any]]:
        """The server-sent events of ``POST path?stream=true``, as (event, data) pairs.

        Raises:
            ServiceError: the service refused the request, or sent an ``error`` event.
        """
        headers = {"Authorization": f"Bearer {self.key(scope)}", "Accept": "text/event-stream"}
        try:
            with self._client.stream(
                "POST", self.url + path, params={"stream": "true"}, json=body, headers=headers
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise ServiceError(self._problem(response, scope), response.status_code)
                event, data = "message", list[str]()
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif not line and data:
                        payload = json.loads("\n".join(data))
                        if event == "error":
                            detail = payload.get("detail") if isinstance(payload, dict) else payload
                            raise ServiceError(f"the service at {self.url} failed mid-stream: {detail}")
                        yield event, payload
                        event, data = "message", []
        except httpx.HTTPError as exc:
            raise ServiceError(f"cannot reach the service at {self.url}: {exc}") from exc

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` on stderr; the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def ensure_index_free(settings: Settings) -> None:
    """Stop with one sentence when another process holds the embedded index (before loading a model for it)."""
    config = settings.retrieval_config()
    if index_in_use(config):
        raise fail(in_use_message(settings, IndexInUse(config.qdrant_path)))
