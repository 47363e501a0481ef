"""Every router test runs on each repository: in memory, SQLite, and PostgreSQL when one is configured."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from routing.memory import MemoryRepository
from routing.model import Agent
from routing.router import Router
from routing.rules import load_rules
from routing.store import SqlRepository, metadata

PG_URL = os.environ.get("COPILOT_TEST_DATABASE_URL")


def _fresh_pg() -> SqlRepository:
    assert PG_URL is not None
    repo = SqlRepository(PG_URL)
    repo.migrate()
    with repo.engine.begin() as connection:
        tables = ", ".join(t.name for t in metadata.sorted_tables if t.name != "routing_schema")
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY"))
    return repo


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    if request.param == "memory":
        yield MemoryRepository()
        return
    if request.param == "sqlite":
        sqlite = SqlRepository(f"sqlite:///{tmp_path / 'routing.db'}")
        sqlite.migrate()
        yield sqlite
        sqlite.close()
        return
    if PG_URL is None:
        pytest.skip("COPILOT_TEST_DATABASE_URL is not set")
    pg = _fresh_pg()
    yield pg
    pg.close()


class Clock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def router(repo: object, clock: Clock) -> Router:
    return Router(repo, load_rules(), clock=clock)  # type: ignore[arg-type]


def agent(name: str | None = None, *, skills: dict[str, int] | None = None, capacity: int = 2,
          languages: tuple[str, ...] = ("en",)) -> Agent:
    return Agent(id=name or f"a-{uuid.uuid4().hex[:6]}", name=name or "agent", skills=skills or {"cards": 2},
                 languages=languages, capacity=capacity)
