"""Run the store's Alembic migrations from code: no ``alembic.ini`` anywhere.

The migration scripts live in the package (``copilot/store/migrations``), so an installed service
can bring its own database up to date: ``upgrade(url)`` at start-up or from the CLI, ``current(url)``
for readiness and diagnostics. On PostgreSQL an advisory lock makes concurrent upgrades (several
replicas starting at once) run one after the other; the second finds nothing to do.

Developers write a new revision with :func:`alembic_config` and ``alembic.command.revision``
(``autogenerate=True`` compares the models with a database at head).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, text

from copilot.store._engine import build_engine, normalise_url

__all__ = ["SCRIPT_LOCATION", "alembic_config", "current", "head", "upgrade"]

#: The folder holding ``env.py``, ``script.py.mako`` and ``versions/``.
SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"

# pg_advisory_xact_lock key: an arbitrary constant shared by every process migrating this schema.
_PG_MIGRATION_LOCK = 0x636F70696C6F74  # "copilot"


def alembic_config(url: str | URL | None = None, *, connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the package's migrations (and at ``url``, if given).

    ``connection``, when given, is used by ``env.py`` instead of opening its own (the caller commits).
    """
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        rendered = normalise_url(url).render_as_string(hide_password=False)
        # Config values go through ConfigParser interpolation: a literal % must be doubled.
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision shipped with this code."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:
        raise RuntimeError(f"no migrations found in {SCRIPT_LOCATION}")
    return revision


def upgrade(url: str | URL | Engine, revision: str = "head") -> None:
    """Bring the database at ``url`` (or behind ``engine``) up to ``revision``; a no-op when already there."""
    engine = url if isinstance(url, Engine) else build_engine(url, single_connection=True)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            command.upgrade(alembic_config(connection=connection), revision)
    finally:
        if engine is not url:
            engine.dispose()


def current(url: str | URL | Engine) -> str | None:
    """The revision the database is at, or ``None`` when it was never migrated."""
    engine = url if isinstance(url, Engine) else build_engine(url, single_connection=True)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if engine is not url:
            engine.dispose()
