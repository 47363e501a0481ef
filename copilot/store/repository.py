"""The interaction and feedback store: one class, :class:`Store`, over SQLite or PostgreSQL.

Contract (the same on both back ends; ``tests/unit/store`` and ``tests/integration/store`` run one
test class against each):

- A write either commits or raises: ``record_interaction`` and ``add_feedback`` return only after
  the commit, and any database failure raises :class:`~copilot.store.errors.StoreError`. Nothing
  is dropped silently, nothing is half-written.
- Bad arguments raise ``ValueError`` with a message naming the field, before the database is
  touched; a verdict on an unknown interaction raises :class:`~copilot.store.errors.NotFound`.
- Reads return frozen views (:class:`InteractionView`, :class:`FeedbackView`), detached from any
  session, with timezone-aware UTC timestamps.
- No raw PII is written: interactions hold the masked conversation and the masked response (the
  caller's duty: the fields are named ``masked_*``), and the free text of feedback (``edited_text``,
  ``comment``), which an agent typed after placeholders were restored, is masked here.
- Safe to share between threads: each call uses its own session and a pooled connection.

The schema comes from the migrations: call :meth:`Store.migrate` (or ``copilot.store.migrate.upgrade``)
once at start-up or deploy time.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self, TypeVar, cast

from sqlalchemy import URL, Engine, and_, exists, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased, selectinload, sessionmaker

from copilot.guardrails.pii import mask_text
from copilot.store import migrate as _migrate
from copilot.store._engine import EngineOptions, build_engine, redacted
from copilot.store.errors import NotFound, StoreError
from copilot.store.models import (
    FEEDBACK_REASONS,
    SURFACES,
    VERDICTS,
    Feedback,
    FeedbackReason,
    Interaction,
    Surface,
    Verdict,
    utcnow,
)
from knowledge_base.query import Turn

__all__ = [
    "EngineOptions",
    "FeedbackCandidate",
    "FeedbackView",
    "InteractionView",
    "Store",
    "sqlite_url",
]

_SHORT: Final = 200
_MAX_EDITED_TEXT: Final = 20_000
_MAX_COMMENT: Final = 4_000
#: Verdicts whose reply was sent, hence candidates for past resolutions.
CANDIDATE_VERDICTS: Final[tuple[Verdict, ...]] = ("accepted", "edited")


def sqlite_url(data_dir: Path) -> str:
    """The default store URL, ``sqlite:///<data_dir>/copilot.db`` (absolute); creates ``data_dir``."""
    folder = data_dir.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / 'copilot.db').as_posix()}"


@dataclass(frozen=True, slots=True)
class FeedbackView:
    """One verdict on an interaction, as stored (free text masked)."""

    id: str
    interaction_id: str
    created_at: datetime
    verdict: Verdict
    reason: FeedbackReason | None
    edited_text: str | None
    comment: str | None
    principal: str


@dataclass(frozen=True, slots=True)
class InteractionView:
    """One recorded interaction with its feedback, oldest first.

    ``masked_input`` is the list of turns (``{"role": "customer" | "agent", "text": ...}``, extra keys
    kept), ``masked_output`` the structured response before placeholders were restored.
    """

    id: str
    created_at: datetime
    surface: Surface
    principal: str
    channel: str
    masked_input: list[dict[str, Any]]
    masked_output: dict[str, Any]
    citations: list[str]
    provider: str
    model: str
    prompt_id: str
    prompt_version: str
    handoff_needed: bool
    handoff_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    cost: float
    latency_ms: float
    request_id: str | None
    feedback: tuple[FeedbackView, ...]

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class FeedbackCandidate:
    """A reply that was sent with the interaction that drafted it.

    The text sent is ``feedback.edited_text`` for ``edited``, the draft in ``interaction.masked_output``
    for ``accepted`` (see ``copilot.store.export.DRAFT_KEYS``).
    """

    interaction: InteractionView
    feedback: FeedbackView


class Store:
    """The interaction and feedback store over one database (see the module docstring for the contract).

    Args:
        url: a SQLAlchemy URL: ``sqlite:///path/copilot.db`` (see :func:`sqlite_url`) or
            ``postgresql+psycopg://user:pass@host/db`` (``postgresql://`` gets psycopg 3 too).
            In-memory SQLite is refused: the migrations and the pool would each see a different database.
        options: pool sizes and timeouts (:class:`EngineOptions`); the defaults are pool size 10,
            overflow 20, 30 s pool and SQLite busy timeouts, 10 s connect timeout.

    Creating a store opens no connection; :meth:`ping` checks one.
    """

    def __init__(self, url: str | URL, options: EngineOptions | None = None) -> None:
        self._engine = build_engine(url, options)
        self._sessions: sessionmaker[Session] = sessionmaker(self._engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for migrations, tests and diagnostics)."""
        return self._engine

    def __repr__(self) -> str:
        return f"Store({redacted(self._engine.url)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- lifecycle ---------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema up to the newest migration; a no-op when it is already there."""
        with _store_errors("migrate"):
            _migrate.upgrade(self._engine)

    def revision(self) -> str | None:
        """The schema revision the database is at (``None``: never migrated)."""
        with _store_errors("revision"):
            return _migrate.current(self._engine)

    def ping(self) -> bool:
        """Whether the database answers a trivial query now (for readiness probes); never raises."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return False
        return True

    def close(self) -> None:
        """Close every pooled connection. The store may not be used afterwards."""
        self._engine.dispose()

    # --- interactions ------------------------------------------------------------------------

    def record_interaction(
        self,
        *,
        surface: Surface,
        principal: str,
        channel: str,
        masked_input: Sequence[Mapping[str, Any] | Turn],
        masked_output: Mapping[str, Any],
        provider: str,
        model: str,
        prompt_id: str,
        prompt_version: str,
        citations: Sequence[str] = (),
        handoff_needed: bool = False,
        handoff_reason: str | None = None,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        cost: float = 0.0,
        latency_ms: float = 0.0,
        request_id: str | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> str:
        """Store one interaction and commit; return its id.

        Args:
            surface: ``suggestion``, ``answer`` or ``summary``.
            principal: the API key's *name* (never the key itself).
            channel: who the output was for, e.g. ``agent`` or ``customer``.
            masked_input: the PII-masked conversation, as turns (``{"role", "text"}`` mappings or
                :class:`knowledge_base.query.Turn`).
            masked_output: the structured response, PII placeholders still in place; the reply's
                text under ``reply``, ``answer``, ``draft`` or ``text`` (see ``copilot.store.export``).
            citations: the cited document ids.
            id: a UUID string chosen by the caller (e.g. returned to the client before storing);
                one is generated when omitted. Stored and returned in canonical lower-case form.
            created_at: timezone-aware; defaults to now.

        Raises:
            ValueError: a field is missing, of the wrong type, out of range or not JSON-serialisable.
            StoreError: the database failed (including a duplicate ``id``); nothing was stored.
        """
        row = Interaction(
            id=_uuid_arg("id", id) if id is not None else str(uuid.uuid4()),
            created_at=_when(created_at),
            surface=_choice("surface", surface, SURFACES),
            principal=_required("principal", principal, _SHORT),
            channel=_required("channel", channel, 64),
            masked_input=_turns(masked_input),
            masked_output=_json_object("masked_output", masked_output),
            citations=_citations(citations),
            provider=_required("provider", provider, 64),
            model=_required("model", model, _SHORT),
            prompt_id=_required("prompt_id", prompt_id, _SHORT),
            prompt_version=_required("prompt_version", prompt_version, 64),
            handoff_needed=_bool("handoff_needed", handoff_needed),
            handoff_reason=_optional("handoff_reason", handoff_reason, 500),
            prompt_tokens=_count("prompt_tokens", prompt_tokens),
            completion_tokens=_count("completion_tokens", completion_tokens),
            cost=_amount("cost", cost),
            latency_ms=_amount("latency_ms", latency_ms),
            request_id=_optional("request_id", request_id, _SHORT),
        )
        with _store_errors("record_interaction"), self._sessions() as session, session.begin():
            session.add(row)
        return row.id

    def get_interaction(self, id: str) -> InteractionView | None:
        """The interaction with this id and its feedback, or ``None`` (also for a malformed id)."""
        key = _uuid_or_none(id)
        if key is None:
            return None
        with _store_errors("get_interaction"), self._sessions() as session:
            stmt = select(Interaction).where(Interaction.id == key).options(selectinload(Interaction.feedback))
            row = session.scalars(stmt).one_or_none()
            return None if row is None else _interaction_view(row)

    # --- feedback ----------------------------------------------------------------------------

    def add_feedback(
        self,
        interaction_id: str,
        verdict: Verdict,
        *,
        reason: FeedbackReason | None = None,
        edited_text: str | None = None,
        comment: str | None = None,
        principal: str,
    ) -> FeedbackView:
        """Store an agent's verdict on an interaction and commit.

        Rules: ``edited_text`` is required (non-blank) when ``verdict`` is ``edited`` and must be
        ``None`` otherwise; ``reason`` is optional with any verdict. ``edited_text`` and ``comment``
        are PII-masked before they are stored (the agent typed them after placeholders were
        restored). An interaction may have several verdicts; the newest one counts for the export.

        Raises:
            ValueError: an unknown verdict or reason, or an invalid ``edited_text`` combination.
            NotFound: no interaction has this id.
            StoreError: the database failed; nothing was stored.
        """
        verdict = _choice("verdict", verdict, VERDICTS)
        if reason is not None:
            reason = _choice("reason", reason, FEEDBACK_REASONS)
        if verdict == "edited":
            if edited_text is None or not str(edited_text).strip():
                raise ValueError("edited_text is required when the verdict is 'edited': send the text that was sent")
        elif edited_text is not None:
            raise ValueError(f"edited_text must be omitted when the verdict is {verdict!r}: it is only for 'edited'")
        edited = _optional("edited_text", edited_text, _MAX_EDITED_TEXT)
        note = _optional("comment", comment, _MAX_COMMENT)
        row = Feedback(
            id=str(uuid.uuid4()),
            created_at=utcnow(),
            verdict=verdict,
            reason=reason,
            edited_text=_no_nul(mask_text(edited)) if edited is not None else None,
            comment=_no_nul(mask_text(note)) if note is not None else None,
            principal=_required("principal", principal, _SHORT),
        )
        key = _uuid_or_none(interaction_id)
        with _store_errors("add_feedback"), self._sessions() as session, session.begin():
            if key is None or session.get(Interaction, key) is None:
                raise NotFound(f"no interaction with id {interaction_id!r}", operation="add_feedback")
            row.interaction_id = key
            session.add(row)
        return _feedback_view(row)

    def feedback_counts(self) -> dict[Verdict, int]:
        """How many verdicts of each kind are stored (every verdict is a key, zero included)."""
        counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
        with _store_errors("feedback_counts"), self._sessions() as session:
            for verdict, n in session.execute(select(Feedback.verdict, func.count()).group_by(Feedback.verdict)):
                if verdict in counts:
                    counts[verdict] = int(n)
        return counts

    def iter_feedback_candidates(
        self, *, surfaces: Collection[Surface] | None = None, batch_size: int = 200
    ) -> Iterator[FeedbackCandidate]:
        """Sent replies, newest first: interactions whose newest verdict is ``accepted`` or ``edited``.

        One candidate per interaction (its newest verdict; an interaction accepted and later
        rejected is not a candidate). ``surfaces`` restricts the interactions' surfaces.

        Reads in pages of ``batch_size`` (keyset pagination), each in its own short session, so a
        long export holds no connection or transaction between pages.

        Raises:
            StoreError: the database failed while reading a page.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        newer = aliased(Feedback)
        superseded = exists().where(
            newer.interaction_id == Feedback.interaction_id,
            or_(
                newer.created_at > Feedback.created_at,
                and_(newer.created_at == Feedback.created_at, newer.id > Feedback.id),
            ),
        )
        base = (
            select(Feedback, Interaction)
            .join(Feedback.interaction)
            .where(Feedback.verdict.in_(CANDIDATE_VERDICTS), ~superseded)
            .options(selectinload(Interaction.feedback))
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(batch_size)
        )
        if surfaces is not None:
            base = base.where(Interaction.surface.in_([_choice("surface", s, SURFACES) for s in surfaces]))
        after: FeedbackView | None = None
        while True:
            stmt = base
            if after is not None:
                stmt = base.where(
                    or_(
                        Feedback.created_at < after.created_at,
                        and_(Feedback.created_at == after.created_at, Feedback.id < after.id),
                    )
                )
            with _store_errors("iter_feedback_candidates"), self._sessions() as session:
                page = [
                    FeedbackCandidate(_interaction_view(interaction), _feedback_view(feedback))
                    for feedback, interaction in session.execute(stmt)
                ]
            yield from page
            if len(page) < batch_size:
                return
            after = page[-1].feedback


# --- helpers -----------------------------------------------------------------------------------


@contextmanager
def _store_errors(operation: str) -> Iterator[None]:
    """Turn any SQLAlchemy error into a StoreError naming the operation (and no parameters)."""
    try:
        yield
    except SQLAlchemyError as exc:
        cause: BaseException = getattr(exc, "orig", None) or exc
        first_line = (str(cause).strip().splitlines() or [""])[0][:300]
        raise StoreError(f"{operation} failed: {type(cause).__name__}: {first_line}", operation=operation) from exc


def _feedback_view(row: Feedback) -> FeedbackView:
    return FeedbackView(
        id=row.id,
        interaction_id=row.interaction_id,
        created_at=row.created_at,
        verdict=cast(Verdict, row.verdict),
        reason=cast(FeedbackReason | None, row.reason),
        edited_text=row.edited_text,
        comment=row.comment,
        principal=row.principal,
    )


def _interaction_view(row: Interaction) -> InteractionView:
    return InteractionView(
        id=row.id,
        created_at=row.created_at,
        surface=cast(Surface, row.surface),
        principal=row.principal,
        channel=row.channel,
        masked_input=list(row.masked_input),
        masked_output=dict(row.masked_output),
        citations=list(row.citations),
        provider=row.provider,
        model=row.model,
        prompt_id=row.prompt_id,
        prompt_version=row.prompt_version,
        handoff_needed=bool(row.handoff_needed),
        handoff_reason=row.handoff_reason,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        cost=row.cost,
        latency_ms=row.latency_ms,
        request_id=row.request_id,
        feedback=tuple(_feedback_view(f) for f in sorted(row.feedback, key=lambda f: (f.created_at, f.id))),
    )


def _uuid_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _uuid_arg(name: str, value: object) -> str:
    parsed = _uuid_or_none(value)
    if parsed is None:
        raise ValueError(f"{name} must be a UUID string, got {value!r}")
    return parsed


_Choice = TypeVar("_Choice", bound=str)


def _choice(name: str, value: object, allowed: tuple[_Choice, ...]) -> _Choice:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _required(name: str, value: object, max_len: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} is required (a non-empty string)")
    if len(value) > max_len:
        raise ValueError(f"{name} is too long ({len(value)} characters, at most {max_len})")
    return value


def _optional(name: str, value: object, max_len: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string or None, got {type(value).__name__}")
    if len(value) > max_len:
        raise ValueError(f"{name} is too long ({len(value)} characters, at most {max_len})")
    return value


def _bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def _amount(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite, non-negative number, got {value!r}")
    return float(value)


def _when(value: datetime | None) -> datetime:
    if value is None:
        return utcnow()
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("created_at must be a timezone-aware datetime")
    return value.astimezone(UTC)


def _json_checked(name: str, value: object) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not JSON-serialisable: {exc}") from None


def _no_nul(value: Any) -> Any:
    """PostgreSQL text and JSONB refuse NUL characters; a customer can type one, so it becomes U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, Mapping):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nul(v) for v in value]
    return value


def _json_object(name: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a mapping (a JSON object), got {type(value).__name__}")
    result: dict[str, Any] = _no_nul(dict(value))
    _json_checked(name, result)
    return result


def _turns(value: object) -> list[dict[str, Any]]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValueError("masked_input must be a sequence of turns")
    turns: list[dict[str, Any]] = []
    for i, turn in enumerate(value):
        item = {"role": turn.role, "text": turn.text} if isinstance(turn, Turn) else turn
        if not isinstance(item, Mapping):
            raise ValueError(f"masked_input[{i}] must be a mapping with 'role' and 'text', got {type(item).__name__}")
        if not isinstance(item.get("role"), str) or not isinstance(item.get("text"), str):
            raise ValueError(f"masked_input[{i}] needs string 'role' and 'text' fields")
        turns.append(_no_nul(dict(item)))
    _json_checked("masked_input", turns)
    return turns


def _citations(value: object) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValueError("citations must be a sequence of document ids (not a single string)")
    if not all(isinstance(doc_id, str) and doc_id for doc_id in value):
        raise ValueError("citations must be non-empty strings (document ids)")
    return list(value)
