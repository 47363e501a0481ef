"""The store's contract (tests/unit/store/test_store.py) on a real PostgreSQL server.

Runs when ``COPILOT_TEST_DATABASE_URL`` names a database the tests may create schemas in, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; skipped otherwise. Each test gets its own
schema (``copilot_store_test_<random>``, reached through the connection's ``search_path``), dropped
afterwards, so runs are isolated, repeatable and can share a server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from copilot.store import Store
from copilot.store._engine import normalise_url
from copilot.store.migrate import current, head, upgrade
from tests.unit.store.test_store import Backend, StoreContract, interaction_fields

ENV = "COPILOT_TEST_DATABASE_URL"

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@contextmanager
def postgres_backend(_tmp_path: Path) -> Iterator[str]:
    server = os.environ.get(ENV)
    if not server:
        pytest.skip(f"{ENV} is not set: set it to a PostgreSQL URL to run the store's contract on PostgreSQL")
    base = normalise_url(server)
    schema = f"copilot_store_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


class TestPostgresStore(StoreContract):
    """The contract on PostgreSQL (psycopg 3)."""

    @pytest.fixture(params=[postgres_backend], ids=["postgres"])
    def backend(self, request: pytest.FixtureRequest) -> Backend:
        return request.param  # type: ignore[no-any-return]

    def test_tables_live_in_the_test_schema_only(self, store: Store) -> None:
        with store.engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            tables = set(
                connection.execute(
                    text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"), {"s": schema}
                ).scalars()
            )
        assert schema.startswith("copilot_store_test_")
        assert tables == {"alembic_version", "interactions", "feedback"}

    def test_json_columns_are_jsonb(self, store: Store) -> None:
        store.record_interaction(**interaction_fields())
        with store.engine.connect() as connection:
            kinds = connection.execute(
                text("SELECT jsonb_typeof(masked_input), jsonb_typeof(masked_output) FROM interactions")
            ).one()
        assert tuple(kinds) == ("array", "object")

    def test_concurrent_upgrades_serialise(self, url: str) -> None:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: upgrade(url), range(4)))
        assert current(url) == head()
