"""The store's contract, run on SQLite here and on PostgreSQL in tests/integration/store.

``StoreContract`` is the one test class every back end passes: a subclass only supplies the
``backend`` fixture, a context manager that yields the URL of an empty, isolated database.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from copilot.store import (
    NotFound,
    Store,
    StoreError,
    export_feedback_candidates,
    sqlite_url,
)
from copilot.store._engine import normalise_url
from copilot.store.export import candidate_document
from copilot.store.migrate import alembic_config, current, head, upgrade
from copilot.store.models import Base, Feedback, Interaction
from copilot.store.repository import FeedbackCandidate
from knowledge_base.loaders import load_jsonl
from knowledge_base.query import Turn

#: A back end: given a scratch folder, a context manager yielding an empty database's URL.
Backend = Callable[[Path], AbstractContextManager[str]]

T0 = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)

CONVERSATION = [
    {"role": "customer", "text": "My card has not arrived"},
    {"role": "agent", "text": "When did you order it?"},
    {"role": "customer", "text": "Ten days ago, sent to [POSTCODE_1]"},
]


def interaction_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "surface": "suggestion",
        "principal": "agent-desk",
        "channel": "agent",
        "masked_input": CONVERSATION,
        "masked_output": {"reply": "I have ordered a replacement card to [POSTCODE_1].", "confidence": 0.82},
        "citations": ["card-delivery", "proc-card-reissue"],
        "provider": "fake",
        "model": "fake-1",
        "prompt_id": "suggest_reply",
        "prompt_version": "3",
        "handoff_needed": False,
        "handoff_reason": None,
        "prompt_tokens": 812,
        "completion_tokens": 64,
        "cost": 0.00042,
        "latency_ms": 734.5,
        "request_id": "req-1",
    }
    fields.update(overrides)
    return fields


@contextmanager
def sqlite_backend(tmp_path: Path) -> Iterator[str]:
    yield sqlite_url(tmp_path / "data")


class StoreContract:
    """What every back end of :class:`copilot.store.Store` must do."""

    @pytest.fixture
    def url(self, backend: Backend, tmp_path: Path) -> Iterator[str]:
        with backend(tmp_path) as url:
            yield url

    @pytest.fixture
    def store(self, url: str) -> Iterator[Store]:
        store = Store(url)
        store.migrate()
        yield store
        store.close()

    def count(self, store: Store, table: Any) -> int:
        with store.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

    # --- migrations --------------------------------------------------------------------------

    def test_migrate_reaches_head_and_is_idempotent(self, url: str) -> None:
        assert current(url) is None
        with Store(url) as store:
            assert store.revision() is None
            store.migrate()
            store.migrate()
            assert store.revision() == head() == "0001"
        assert current(url) == head()

    def test_upgrade_by_url_then_downgrade_and_upgrade_again(self, url: str) -> None:
        upgrade(url)
        assert current(url) == "0001"
        with Store(url) as store:
            with store.engine.begin() as connection:
                command.downgrade(alembic_config(connection=connection), "base")
            assert store.revision() is None
            upgrade(url)
            assert store.revision() == "0001"
            assert store.get_interaction(store.record_interaction(**interaction_fields())) is not None

    def test_migrations_match_the_models(self, store: Store) -> None:
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []

    def test_a_store_without_its_schema_raises_instead_of_dropping(self, url: str) -> None:
        with Store(url) as store:
            assert store.ping()
            with pytest.raises(StoreError) as info:
                store.record_interaction(**interaction_fields())
            assert info.value.operation == "record_interaction"
            assert "record_interaction failed" in str(info.value)

    # --- interactions ------------------------------------------------------------------------

    def test_record_and_get_round_trip(self, store: Store) -> None:
        iid = store.record_interaction(**interaction_fields(created_at=T0))
        got = store.get_interaction(iid)
        assert got is not None
        expected = interaction_fields()
        for name, value in expected.items():
            assert getattr(got, name) == value, name
        assert got.id == iid
        assert got.created_at == T0
        assert got.created_at.tzinfo is not None
        assert got.total_tokens == 876
        assert got.feedback == ()

    def test_generated_ids_are_uuids_and_timestamps_utc(self, store: Store) -> None:
        before = datetime.now(UTC)
        iid = store.record_interaction(**interaction_fields())
        got = store.get_interaction(iid)
        assert got is not None
        assert len(iid) == 36 and iid.count("-") == 4
        assert before - timedelta(seconds=1) <= got.created_at <= datetime.now(UTC) + timedelta(seconds=1)
        assert got.created_at.utcoffset() == timedelta(0)

    def test_caller_id_is_canonical_and_other_zones_become_utc(self, store: Store) -> None:
        chosen = "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
        plus_two = datetime(2026, 11, 1, 11, 30, tzinfo=timezone(timedelta(hours=2)))
        iid = store.record_interaction(**interaction_fields(id=chosen, created_at=plus_two))
        assert iid == chosen.lower()
        got = store.get_interaction(chosen)
        assert got is not None and got.id == iid
        assert got.created_at == T0 and got.created_at.tzinfo == UTC

    def test_turn_objects_are_accepted(self, store: Store) -> None:
        iid = store.record_interaction(
            **interaction_fields(masked_input=[Turn("customer", "hi"), {"role": "agent", "text": "hello", "ts": 3}])
        )
        got = store.get_interaction(iid)
        assert got is not None
        assert got.masked_input == [{"role": "customer", "text": "hi"}, {"role": "agent", "text": "hello", "ts": 3}]

    def test_unknown_and_malformed_ids_are_not_found(self, store: Store) -> None:
        assert store.get_interaction("5b0c7d1e-0000-4000-8000-000000000000") is None
        assert store.get_interaction("not-a-uuid") is None

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"surface": "email"}, "surface must be one of suggestion, answer, summary"),
            ({"principal": ""}, "principal is required"),
            ({"channel": None}, "channel is required"),
            ({"prompt_tokens": -1}, "prompt_tokens must be a non-negative integer"),
            ({"completion_tokens": 1.5}, "completion_tokens must be a non-negative integer"),
            ({"cost": math.nan}, "cost must be a finite, non-negative number"),
            ({"latency_ms": -3.0}, "latency_ms must be a finite, non-negative number"),
            ({"handoff_needed": "yes"}, "handoff_needed must be a bool"),
            ({"citations": "card-delivery"}, "citations must be a sequence of document ids"),
            ({"masked_input": [{"role": "customer"}]}, "masked_input[0] needs string 'role' and 'text'"),
            ({"masked_output": {"reply": object()}}, "masked_output is not JSON-serialisable"),
            ({"masked_output": "just text"}, "masked_output must be a mapping"),
            ({"id": "abc"}, "id must be a UUID string"),
            ({"created_at": datetime(2026, 1, 1)}, "created_at must be a timezone-aware datetime"),
            ({"model": "m" * 201}, "model is too long"),
        ],
    )
    def test_bad_fields_raise_value_error_and_store_nothing(
        self, store: Store, overrides: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
            store.record_interaction(**interaction_fields(**overrides))
        assert self.count(store, Interaction) == 0

    def test_duplicate_id_raises_store_error(self, store: Store) -> None:
        iid = store.record_interaction(**interaction_fields())
        with pytest.raises(StoreError) as info:
            store.record_interaction(**interaction_fields(id=iid, request_id="req-2"))
        assert "req-2" not in str(info.value)  # no bound parameters in messages
        assert self.count(store, Interaction) == 1

    # --- feedback ----------------------------------------------------------------------------

    def test_feedback_of_each_verdict_is_stored_and_listed_oldest_first(self, store: Store) -> None:
        iid = store.record_interaction(**interaction_fields())
        accepted = store.add_feedback(iid, "accepted", principal="agent-7")
        edited = store.add_feedback(
            iid, "edited", reason="incomplete", edited_text="New card on its way.", comment="added ETA", principal="a"
        )
        rejected = store.add_feedback(iid.upper(), "rejected", reason="incorrect", principal="agent-9")
        assert accepted.verdict == "accepted" and accepted.reason is None and accepted.edited_text is None
        assert edited.edited_text == "New card on its way." and edited.comment == "added ETA"
        assert rejected.interaction_id == iid and rejected.reason == "incorrect"
        assert accepted.created_at.tzinfo is not None
        got = store.get_interaction(iid)
        assert got is not None
        assert [f.verdict for f in got.feedback] == ["accepted", "edited", "rejected"]
        assert got.feedback[1] == edited

    @pytest.mark.parametrize(
        ("verdict", "kwargs", "message"),
        [
            ("edited", {}, "edited_text is required when the verdict is 'edited'"),
            ("edited", {"edited_text": "   "}, "edited_text is required when the verdict is 'edited'"),
            ("accepted", {"edited_text": "x"}, "edited_text must be omitted when the verdict is 'accepted'"),
            ("rejected", {"edited_text": ""}, "edited_text must be omitted when the verdict is 'rejected'"),
            ("liked", {}, "verdict must be one of accepted, edited, rejected; got 'liked'"),
            ("rejected", {"reason": "rude"}, "reason must be one of incorrect, incomplete, outdated"),
            ("accepted", {"principal": ""}, "principal is required"),
            ("rejected", {"comment": "c" * 4001}, "comment is too long"),
        ],
    )
    def test_invalid_feedback_raises_value_error(
        self, store: Store, verdict: Any, kwargs: dict[str, Any], message: str
    ) -> None:
        iid = store.record_interaction(**interaction_fields())
        kwargs.setdefault("principal", "agent-7")
        with pytest.raises(ValueError, match=message):
            store.add_feedback(iid, verdict, **kwargs)
        assert self.count(store, Feedback) == 0

    @pytest.mark.parametrize("interaction_id", ["7d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6", "nope"])
    def test_feedback_on_an_unknown_interaction_raises_not_found(self, store: Store, interaction_id: str) -> None:
        with pytest.raises(NotFound, match="no interaction with id") as info:
            store.add_feedback(interaction_id, "accepted", principal="agent-7")
        assert isinstance(info.value, StoreError) and isinstance(info.value, LookupError)
        assert self.count(store, Feedback) == 0

    def test_feedback_free_text_is_masked(self, store: Store) -> None:
        iid = store.record_interaction(**interaction_fields())
        view = store.add_feedback(
            iid,
            "edited",
            edited_text="I've emailed jo.bloggs@example.com about [CARD_1].",
            comment="customer card 4111 1111 1111 1111",
            principal="agent-7",
        )
        assert view.edited_text == "I've emailed [EMAIL_1] about [CARD_1]."
        assert view.comment == "customer card [CARD_1]"
        got = store.get_interaction(iid)
        assert got is not None and got.feedback[0].edited_text == view.edited_text

    def test_check_constraint_guards_edited_text_in_the_database(self, store: Store) -> None:
        iid = store.record_interaction(**interaction_fields())

        def raw(fid: str, verdict: str, edited_text: str | None) -> None:
            with store.engine.begin() as connection:
                connection.execute(
                    insert(Feedback).values(
                        id=fid,
                        interaction_id=iid,
                        created_at=T0,
                        verdict=verdict,
                        reason=None,
                        edited_text=edited_text,
                        comment=None,
                        principal="sql",
                    )
                )

        with pytest.raises(IntegrityError, match="ck_feedback_edited_text"):
            raw("00000000-0000-4000-8000-000000000001", "edited", None)
        with pytest.raises(IntegrityError, match="ck_feedback_edited_text"):
            raw("00000000-0000-4000-8000-000000000002", "edited", "")
        with pytest.raises(IntegrityError, match="ck_feedback_edited_text"):
            raw("00000000-0000-4000-8000-000000000003", "accepted", "sneaky")
        with pytest.raises(IntegrityError, match="ck_feedback_verdict"):
            raw("00000000-0000-4000-8000-000000000004", "liked", None)
        raw("00000000-0000-4000-8000-000000000005", "edited", "fine")
        assert self.count(store, Feedback) == 1

    def test_deleting_an_interaction_cascades_to_its_feedback(self, store: Store) -> None:
        kept = store.record_interaction(**interaction_fields())
        gone = store.record_interaction(**interaction_fields())
        store.add_feedback(kept, "accepted", principal="a")
        store.add_feedback(gone, "accepted", principal="a")
        store.add_feedback(gone, "rejected", reason="outdated", principal="b")
        with store.engine.begin() as connection:
            connection.execute(delete(Interaction).where(Interaction.id == gone))
        assert self.count(store, Feedback) == 1
        assert store.get_interaction(gone) is None
        got = store.get_interaction(kept)
        assert got is not None and len(got.feedback) == 1

    def test_feedback_counts(self, store: Store) -> None:
        assert store.feedback_counts() == {"accepted": 0, "edited": 0, "rejected": 0}
        iid = store.record_interaction(**interaction_fields())
        store.add_feedback(iid, "accepted", principal="a")
        store.add_feedback(iid, "accepted", principal="b")
        store.add_feedback(iid, "rejected", principal="c")
        assert store.feedback_counts() == {"accepted": 2, "edited": 0, "rejected": 1}

    # --- candidates and export ---------------------------------------------------------------

    def test_candidates_are_newest_verdicts_that_sent_a_reply_newest_first(self, store: Store) -> None:
        a = store.record_interaction(**interaction_fields())
        b = store.record_interaction(**interaction_fields())
        c = store.record_interaction(**interaction_fields())
        d = store.record_interaction(**interaction_fields(surface="summary", masked_output={"summary": "s"}))
        e = store.record_interaction(**interaction_fields())
        store.add_feedback(a, "accepted", principal="x")
        store.add_feedback(b, "rejected", reason="incorrect", principal="x")
        store.add_feedback(c, "accepted", principal="x")
        store.add_feedback(c, "rejected", reason="outdated", principal="y")  # the newest verdict wins
        store.add_feedback(d, "accepted", principal="x")
        store.add_feedback(e, "rejected", principal="x")
        store.add_feedback(e, "edited", edited_text="Better reply.", principal="y")

        every = list(store.iter_feedback_candidates())
        assert [(x.interaction.id, x.feedback.verdict) for x in every] == [
            (e, "edited"),
            (d, "accepted"),
            (a, "accepted"),
        ]
        assert every[0].feedback.edited_text == "Better reply."
        assert len(every[0].interaction.feedback) == 2
        paged = list(store.iter_feedback_candidates(batch_size=1))
        assert paged == every
        replies = list(store.iter_feedback_candidates(surfaces=["suggestion", "answer"]))
        assert [x.interaction.id for x in replies] == [e, a]
        with pytest.raises(ValueError, match="surface must be one of"):
            list(store.iter_feedback_candidates(surfaces=["email"]))  # type: ignore[list-item]

    def test_export_writes_knowledge_base_documents(self, store: Store, tmp_path: Path) -> None:
        accepted = store.record_interaction(**interaction_fields(citations=["card-delivery", "card-lost"]))
        edited = store.record_interaction(
            **interaction_fields(surface="answer", channel="customer", masked_output={"answer": "Draft answer."})
        )
        summary = store.record_interaction(**interaction_fields(surface="summary", masked_output={"summary": "s"}))
        rejected = store.record_interaction(**interaction_fields())
        store.add_feedback(accepted, "accepted", principal="x")
        store.add_feedback(edited, "edited", edited_text="Sent reply with  [EMAIL_1].\nThanks", principal="x")
        store.add_feedback(summary, "accepted", principal="x")
        store.add_feedback(rejected, "rejected", principal="x")

        out = io.StringIO()
        tags = {"card-delivery": ["cards", "delivery"], "card-lost": ["cards", "security"]}
        assert export_feedback_candidates(store, out, doc_tags=tags) == 2
        path = tmp_path / "candidates.jsonl"
        path.write_text(out.getvalue(), encoding="utf-8")
        loaded = load_jsonl(path)
        assert loaded.errors == []
        assert [d.document.id for d in loaded.documents] == [
            "fb-" + edited.replace("-", "")[:12],
            "fb-" + accepted.replace("-", "")[:12],
        ]
        for sourced in loaded.documents:
            doc = sourced.document
            assert (doc.kind, doc.audience, doc.url, doc.locale) == ("resolution", "internal", None, "en-GB")
            assert doc.title == "My card has not arrived"
            got = store.get_interaction(edited if sourced.line == 1 else accepted)
            assert got is not None
            assert doc.updated_at == got.feedback[-1].created_at.date()

        first, second = (json.loads(line) for line in out.getvalue().splitlines())
        assert first["text"] == (
            "## Conversation\n"
            "Customer: My card has not arrived\n"
            "Agent: When did you order it?\n"
            "Customer: Ten days ago, sent to [POSTCODE_1]\n"
            "\n## Resolution\n"
            "Sent reply with  [EMAIL_1].\nThanks"
        )
        assert first["tags"] == ["cards", "delivery"]  # proc-card-reissue has no known tags
        assert second["text"].endswith("## Resolution\nI have ordered a replacement card to [POSTCODE_1].")
        assert second["tags"] == ["cards", "delivery", "security"]
        assert set(first) == {"id", "title", "text", "kind", "audience", "url", "locale", "tags", "updated_at"}

    def test_concurrent_writers_all_land(self, store: Store) -> None:
        def write(i: int) -> str:
            return store.record_interaction(**interaction_fields(request_id=f"req-{i}"))

        with ThreadPoolExecutor(max_workers=32) as pool:
            ids = list(pool.map(write, range(200)))
        assert len(set(ids)) == 200
        assert self.count(store, Interaction) == 200
        with store.engine.connect() as connection:
            requests = set(connection.execute(select(Interaction.request_id)).scalars())
        assert requests == {f"req-{i}" for i in range(200)}


class TestSqliteStore(StoreContract):
    """The contract on a SQLite file (the embedded default)."""

    @pytest.fixture(params=[sqlite_backend], ids=["sqlite"])
    def backend(self, request: pytest.FixtureRequest) -> Backend:
        return request.param  # type: ignore[no-any-return]


# --- SQLite-only and helper behaviour ------------------------------------------------------------


def test_sqlite_url_is_under_the_data_dir_and_creates_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    url = sqlite_url(data_dir)
    assert url == f"sqlite:///{data_dir}/copilot.db"
    assert data_dir.is_dir()


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    with Store(sqlite_url(tmp_path)) as store:
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 30_000
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_in_memory_sqlite_is_refused() -> None:
    with pytest.raises(ValueError, match="in-memory SQLite"):
        Store("sqlite://")


def test_ping_is_false_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "copilot.db").mkdir()  # a folder where the file should be
    with Store(sqlite_url(tmp_path)) as store:
        assert store.ping() is False
        with pytest.raises(StoreError):
            store.feedback_counts()


def test_postgres_urls_get_psycopg_and_repr_hides_the_password() -> None:
    assert normalise_url("postgres://u:secret@db/x").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql://u@db/x").drivername == "postgresql+psycopg"
    store = Store("postgresql://u:secret@db.invalid/x")
    try:
        assert "secret" not in repr(store)
        assert "***" in repr(store)
    finally:
        store.close()


def test_long_titles_are_shortened_at_a_word(tmp_path: Path) -> None:
    with Store(sqlite_url(tmp_path)) as store:
        store.migrate()
        long_turn = "My card has not arrived " + "and I am getting rather worried about it " * 5
        iid = store.record_interaction(
            **interaction_fields(
                masked_input=[{"role": "agent", "text": "Hi!"}, {"role": "customer", "text": long_turn}]
            )
        )
        store.add_feedback(iid, "accepted", principal="x")
        (candidate,) = store.iter_feedback_candidates()
        doc = candidate_document(candidate)
        assert doc is not None
        assert len(doc["title"]) <= 80 and doc["title"].endswith("…")
        assert doc["title"].startswith("My card has not arrived and I am")
        assert " …" not in doc["title"]


def test_candidates_without_a_draft_or_a_conversation_are_skipped(tmp_path: Path) -> None:
    with Store(sqlite_url(tmp_path)) as store:
        store.migrate()
        no_draft = store.record_interaction(**interaction_fields(masked_output={"confidence": 0.2}))
        no_turns = store.record_interaction(**interaction_fields(masked_input=[]))
        store.add_feedback(no_draft, "accepted", principal="x")
        store.add_feedback(no_turns, "edited", edited_text="ok", principal="x")
        candidates: list[FeedbackCandidate] = list(store.iter_feedback_candidates())
        assert [candidate_document(c) for c in candidates] == [None, None]
        assert export_feedback_candidates(store, io.StringIO()) == 0
