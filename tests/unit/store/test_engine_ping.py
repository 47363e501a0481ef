"""A pooled PostgreSQL connection the server dropped while it was idle is replaced, not handed out."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from copilot.store import EngineOptions
from copilot.store._engine import build_engine

PG_URL = os.environ.get("COPILOT_TEST_DATABASE_URL")

pytestmark = pytest.mark.postgres


def _drop_idle_connection(ping_idle_s: float) -> tuple[int, object]:
    """Open a pooled connection, return it, let the server terminate it; then use the pool again."""
    if PG_URL is None:
        pytest.skip("COPILOT_TEST_DATABASE_URL is not set")
    engine = build_engine(PG_URL, EngineOptions(pool_size=1, max_overflow=0, ping_idle_s=ping_idle_s))
    admin = build_engine(PG_URL, single_connection=True)
    try:
        with engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the backend exits a moment after it is told to
            with admin.connect() as connection:
                alive = connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                           {"pid": pid}).scalar_one()
            if not alive:
                break
            time.sleep(0.05)
        try:
            with engine.connect() as connection:
                return pid, connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        except OperationalError as error:
            return pid, error
    finally:
        engine.dispose()
        admin.dispose()


def test_a_connection_idle_past_the_threshold_is_pinged_and_replaced() -> None:
    before, after = _drop_idle_connection(ping_idle_s=0.0)
    assert isinstance(after, int) and after != before


def test_a_connection_returned_a_moment_ago_is_handed_out_unpinged() -> None:
    # Without the ping the dropped connection reaches the caller, which is what the threshold trades for a
    # round trip per transaction; the pool then replaces it for the next caller.
    _, after = _drop_idle_connection(ping_idle_s=60.0)
    assert isinstance(after, OperationalError)
