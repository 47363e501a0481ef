"""Engine construction for the two supported back ends: a SQLite file and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, exc, make_url
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, PoolProxiedConnection

__all__ = ["EngineOptions", "build_engine", "normalise_url", "redacted"]


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """The connection knobs: pool sizes and timeouts. The defaults suit one API worker process.

    Attributes:
        pool_size: connections kept open (PostgreSQL).
        max_overflow: extra connections opened under load, closed when returned (PostgreSQL).
        pool_timeout_s: how long a caller waits for a free connection before failing.
        pool_recycle_s: connections older than this are replaced (servers and proxies drop idle ones).
        connect_timeout_s: how long opening a PostgreSQL connection may take.
        sqlite_busy_timeout_s: how long a SQLite writer waits for the write lock before failing.
        ping_idle_s: a pooled PostgreSQL connection that has been idle longer than this is pinged before it
            is handed out (one the server dropped is replaced); one returned a moment ago is not, which
            saves a round trip per transaction under load. 0 pings every checkout.
    """

    pool_size: int = 10
    max_overflow: int = 20
    pool_timeout_s: float = 30.0
    pool_recycle_s: int = 1800
    connect_timeout_s: float = 10.0
    sqlite_busy_timeout_s: float = 30.0
    ping_idle_s: float = 1.0


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL; ``postgres://`` and ``postgresql://`` get the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def redacted(url: str | URL) -> str:
    """The URL with its password hidden, for messages and ``repr``."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        raise ValueError(
            "an in-memory SQLite database cannot be shared by the store's connections and its migrations; "
            "use a file, e.g. copilot.store.sqlite_url(tmp_path)"
        )
    return Path(database)


def build_engine(url: str | URL, options: EngineOptions | None = None, *, single_connection: bool = False) -> Engine:
    """Create an engine configured for the store.

    SQLite: ``check_same_thread=False`` (sessions move between threads), WAL journal (readers do not
    block the writer), a busy timeout (writers queue for the lock instead of failing with
    "database is locked"), foreign keys on (for ``ON DELETE CASCADE``). The parent folder is created.

    PostgreSQL: a pooled connection idle for more than ``ping_idle_s`` is pinged before use (one the server
    dropped is replaced, not handed out), a bounded pool, a connect timeout.

    Bound parameters are hidden from SQLAlchemy's error messages and logs: they hold customer text.
    ``single_connection`` uses no pool (for one-off tools such as migrations).
    """
    opts = options or EngineOptions()
    parsed = normalise_url(url)
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if single_connection:
        kwargs["poolclass"] = NullPool
    if parsed.get_backend_name() == "sqlite":
        _sqlite_file(parsed).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": opts.sqlite_busy_timeout_s}
        if not single_connection:
            kwargs.update(pool_size=opts.pool_size, max_overflow=opts.max_overflow, pool_timeout=opts.pool_timeout_s)
        engine = create_engine(parsed, **kwargs)
        busy_ms = int(opts.sqlite_busy_timeout_s * 1000)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            cursor = dbapi_connection.cursor()
            try:
                # busy_timeout first: switching to WAL itself needs the lock on a fresh file.
                cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("PRAGMA foreign_keys = ON")
            finally:
                cursor.close()

        return engine

    if not single_connection:
        kwargs.update(
            pool_size=opts.pool_size,
            max_overflow=opts.max_overflow,
            pool_timeout=opts.pool_timeout_s,
            pool_recycle=opts.pool_recycle_s,
        )
    if parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": max(1, round(opts.connect_timeout_s))}
    engine = create_engine(parsed, **kwargs)
    _ping_when_idle(engine, opts.ping_idle_s)
    return engine


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Ping a pooled connection before it is handed out when it has been idle longer than ``idle_s``.

    A connection the server closed (a restart, a proxy's idle timeout) fails the ping and the pool replaces
    it (``DisconnectionError``: the pool retries with a fresh connection). A connection that went back to
    the pool a moment ago is handed out unpinged.
    """

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned <= idle_s:
            return  # new, or busy a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure means the connection is not usable
            raise exc.DisconnectionError("a pooled connection failed its ping") from error
