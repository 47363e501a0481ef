"""Command groups the API package adds to ``copilot`` (entry-point group ``copilot.commands``):

- ``copilot serve [--host H] [--port P] [--reload] [--workers N] [--no-ingest]``: set up, ingest the
  knowledge base if it is missing or stale, print the URL, the docs URL and (in development) an API key
  per scope, then run uvicorn;
- ``copilot feedback export --out FILE``: sent replies as candidate past resolutions (KB JSONL);
- ``copilot keys new --name NAME --scope SCOPE``: a new API key, shown once, with its settings entry.

While it runs, ``serve`` keeps ``<data_dir>/service.json`` (its URL, pid, the index it holds and its
sources; removed when it stops), so that CLI commands that need the embedded index, which opens in one
process at a time, go through the service instead (:mod:`copilot.cli.remote`). A second ``serve`` on
the same embedded index refuses to start, and so does ``--workers N`` without a Qdrant server.

Development keys: when ``COPILOT_ENVIRONMENT=development`` and no key is configured, ``serve`` creates
``<data_dir>/dev-keys.json`` (mode 600, random keys from :func:`secrets.token_urlsafe`) on first run and
reuses it afterwards; the app itself only ever gets the keys' hashes. In production, ``serve`` refuses
to start without configured keys.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, get_args

import typer

from api.kb_admin import ManagedDocuments
from api.settings import ApiKey, ApiSettings, Scope, hash_key
from copilot.cli.remote import (
    in_use_message,
    new_record,
    remove_service_record,
    running_service,
    write_service_record,
)
from copilot.logging_setup import configure_logging
from copilot.settings import Settings
from copilot.store import StoreError, export_feedback_candidates
from knowledge_base.ingest import IngestReport
from knowledge_base.loaders import load_paths
from knowledge_base.locks import IndexInUse, index_in_use
from knowledge_base.service import KnowledgeBase

__all__ = ["ensure_dev_keys", "feedback_app", "ingest_sources", "keys_app", "serve_app"]

SCOPES: tuple[Scope, ...] = get_args(Scope)
DEV_KEYS_FILE = "dev-keys.json"

serve_app = typer.Typer(
    help="Run the API service.", invoke_without_command=True, no_args_is_help=False, add_completion=False
)
feedback_app = typer.Typer(help="Agents' feedback: export sent replies for review.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: create one; only its hash goes into the settings.", no_args_is_help=True)


def _err(message: str) -> None:
    typer.echo(message, err=True)


# -- development keys ---------------------------------------------------------------------------------


def ensure_dev_keys(data_dir: Path) -> dict[Scope, str]:
    """The development keys in ``<data_dir>/dev-keys.json``, created (mode 600) if the file is missing."""
    path = data_dir / DEV_KEYS_FILE
    if path.exists():
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or not all(isinstance(v, str) and v for v in raw.values()):
            raise ValueError(f"{path} is not a development key file; delete it to get new keys")
        missing = [s for s in SCOPES if s not in raw]
        if missing:  # a scope added since the file was written gets its key; the others stay as they were
            raw.update({scope: secrets.token_urlsafe(32) for scope in missing})
            path.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
        return {s: raw[s] for s in SCOPES}
    data_dir.mkdir(parents=True, exist_ok=True)
    keys: dict[Scope, str] = {scope: secrets.token_urlsafe(32) for scope in SCOPES}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(keys, handle, indent=2)
        handle.write("\n")
    return keys


def _with_dev_keys(api: ApiSettings, keys: dict[Scope, str]) -> ApiSettings:
    configured = [ApiKey(name=f"dev-{scope}", sha256=hash_key(key), scopes=frozenset({scope}))
                  for scope, key in keys.items()]
    return api.model_copy(update={"keys": configured})


# -- ingest -------------------------------------------------------------------------------------------


def ingest_sources(settings: Settings, api: ApiSettings) -> tuple[IngestReport, int]:
    """Incrementally ingest the configured sources (with the API's own document changes); (report, chunks)."""
    managed = ManagedDocuments(settings.data_dir / "kb-managed")
    with KnowledgeBase(settings.retrieval_config()) as kb:
        report = kb.ingestor.ingest(managed.load(api.kb_sources))
        return report, kb.index.count()


def _describe(report: IngestReport, chunks: int) -> str:
    if not report.changed:
        return f"Knowledge base up to date: {report.documents_unchanged} documents, {chunks} chunks."
    return (
        f"Knowledge base updated: {report.documents_added} added, {report.documents_updated} updated, "
        f"{report.documents_deleted} deleted, {report.documents_unchanged} unchanged; {chunks} chunks "
        f"({report.seconds:.1f} s)."
    )


# -- serve --------------------------------------------------------------------------------------------


def _run_uvicorn(app: Any, **options: Any) -> None:
    """Start uvicorn (a seam: tests replace it)."""
    import uvicorn

    uvicorn.run(app, **options)


def _browser_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - only shown, never bound here
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _service_record(settings: Settings, url: str, kb_sources: list[Path]) -> Iterator[None]:
    """Keep ``<data_dir>/service.json`` while the block runs.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again under the handler it
    found: with this one that is an exit the ``finally`` sees, so the record goes with the service.
    """
    write_service_record(settings.data_dir, new_record(url, settings, kb_sources))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm) if in_main else None
    try:
        yield
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        remove_service_record(settings.data_dir, os.getpid())


@serve_app.callback()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to bind.")] = 8000,
    reload: Annotated[bool, typer.Option("--reload", help="Restart on code changes (development).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (needs a Qdrant server).")] = 1,
    ingest: Annotated[bool, typer.Option("--ingest/--no-ingest", help="Ingest the sources first.")] = True,
) -> None:
    """Set up, ingest the knowledge base if it is missing or stale, and run the API with uvicorn."""
    settings = Settings()
    api = ApiSettings()
    config = settings.retrieval_config()
    if workers > 1 and not settings.qdrant_url:
        _err(
            f"error: --workers {workers} needs a Qdrant server: the embedded index in {config.qdrant_path} opens in "
            "one process at a time, so set COPILOT_QDRANT_URL to a Qdrant server or run with --workers 1."
        )
        raise typer.Exit(2)
    if not settings.qdrant_url:  # checked before logging is set up, which would log the probe's request
        running = running_service(settings.data_dir)
        if running is not None and running.pid != os.getpid():
            _err(
                f"error: a copilot service is already running on {settings.data_dir} (pid {running.pid}, "
                f"{running.url}): use it, stop it first, or give this one its own COPILOT_DATA_DIR."
            )
            raise typer.Exit(2)
        if index_in_use(config):
            _err(f"error: {in_use_message(settings, IndexInUse(config.qdrant_path))}")
            raise typer.Exit(2)
    configure_logging(api.log_level, json=api.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    dev_keys: dict[Scope, str] | None = None
    if not api.keys:
        if settings.environment == "development":
            dev_keys = ensure_dev_keys(settings.data_dir)
            api = _with_dev_keys(api, dev_keys)
        elif settings.environment == "production":
            _err("error: no API keys configured: set COPILOT_API_KEYS (see `copilot keys new`)")
            raise typer.Exit(2)
        else:
            _err("warning: no API keys configured: every /v1 request will be refused")

    if ingest:
        try:
            report, chunks = ingest_sources(settings, api)
        except IndexInUse as exc:
            _err(f"error: {in_use_message(settings, exc)}")
            raise typer.Exit(2) from exc
        for error in report.errors:
            _err(f"warning: document rejected: {error}")
        typer.echo(_describe(report, chunks))

    base = f"http://{_browser_host(host)}:{port}"
    typer.echo(f"Support copilot API: {base}")
    typer.echo(f"Docs:                {base}/docs")
    if dev_keys is not None:
        typer.echo(f"Development API keys (stored in {settings.data_dir / DEV_KEYS_FILE}):")
        for scope, key in dev_keys.items():
            typer.echo(f"  {scope:<9} {key}")
        typer.echo(
            f"Try: curl -s {base}/v1/suggestions -H 'Authorization: Bearer {dev_keys['agent']}' "
            "-H 'Content-Type: application/json' "
            "-d '{\"conversation\": [{\"role\": \"customer\", \"text\": \"My new card has not arrived\"}]}'"
        )
    sys.stdout.flush()

    options: dict[str, Any] = {"host": host, "port": port, "log_config": None, "access_log": False}
    with _service_record(settings, base, api.kb_sources):
        if reload or workers > 1:
            # Fresh processes read the settings from the environment: hand them the keys' hashes only.
            os.environ["COPILOT_API_KEYS"] = json.dumps([k.model_dump(mode="json") for k in api.keys])
            _run_uvicorn("api.app:app_from_env", factory=True, reload=reload, workers=workers, **options)
            return
        from api.app import create_app

        _run_uvicorn(create_app(settings, api_settings=api), **options)


# -- feedback -----------------------------------------------------------------------------------------


@feedback_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write ('-' for standard output).")],
) -> None:
    """Write accepted and edited replies as candidate past resolutions (KB JSONL), newest first.

    The file is for a person to review before `copilot kb ingest`; nothing is ingested automatically.
    """
    from api.app import open_store

    settings = Settings()
    api = ApiSettings()
    loaded = load_paths(api.kb_sources)
    doc_tags = {s.document.id: list(s.document.tags) for s in loaded.documents}
    store = open_store(settings)
    try:
        if str(out) == "-":
            written = export_feedback_candidates(store, sys.stdout, doc_tags=doc_tags)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_name(f".{out.name}.partial")
            with partial.open("w", encoding="utf-8") as handle:
                written = export_feedback_candidates(store, handle, doc_tags=doc_tags)
            partial.replace(out)
    except StoreError as exc:
        _err(f"error: the store failed: {exc} (has `copilot serve` run its migrations?)")
        raise typer.Exit(1) from exc
    finally:
        store.close()
    _err(f"Wrote {written} candidate resolution(s){'' if str(out) == '-' else f' to {out}'}; review before ingesting.")


# -- keys ---------------------------------------------------------------------------------------------


@keys_app.command("new")
def new_key(
    name: Annotated[str, typer.Option(help="The key's name (logged and stored as the principal).")],
    scope: Annotated[list[str], typer.Option(help="agent, customer or admin; repeat for several.")],
) -> None:
    """Print a new random key (once) and the entry to add to COPILOT_API_KEYS (its hash)."""
    unknown = sorted(set(scope) - set(SCOPES))
    if unknown:
        _err(f"error: unknown scope(s) {', '.join(unknown)}; use {', '.join(SCOPES)}")
        raise typer.Exit(2)
    key = secrets.token_urlsafe(32)
    entry = ApiKey(name=name, sha256=hash_key(key), scopes=frozenset(scope))  # type: ignore[arg-type]
    typer.echo(f"key (shown once, give it to the client): {key}")
    typer.echo(f"settings entry (add to COPILOT_API_KEYS): {entry.model_dump_json()}")
