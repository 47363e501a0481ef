"""The ORM models of the interaction and feedback store (SQLAlchemy 2, typed ``Mapped`` columns).

Two tables:

- ``interactions``: one row per response the copilot produced (a suggested reply, a customer answer
  or a handover summary), with its masked input and output, citations, model, prompt version, usage
  and latency. Nothing in it is raw PII: the text columns hold the PII-masked conversation and the
  structured response before placeholders were restored.
- ``feedback``: an agent's verdict on an interaction (``accepted`` / ``edited`` / ``rejected``), with a
  reason and, for ``edited``, the text that was really sent. Deleting an interaction deletes its
  feedback (``ON DELETE CASCADE``).

The rules that matter are CHECK constraints as well as code (verdict, reason and surface values;
``edited_text`` present exactly when the verdict is ``edited``), so rows written by other tools obey
them too. The schema is created and changed by the migrations in ``copilot/store/migrations``, never
by ``metadata.create_all``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, Literal, get_args

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "FEEDBACK_REASONS",
    "SURFACES",
    "VERDICTS",
    "Base",
    "Feedback",
    "FeedbackReason",
    "Interaction",
    "Surface",
    "UtcDateTime",
    "Verdict",
]

Surface = Literal["suggestion", "answer", "summary"]
Verdict = Literal["accepted", "edited", "rejected"]
FeedbackReason = Literal["incorrect", "incomplete", "outdated", "inappropriate", "other"]

SURFACES: Final[tuple[Surface, ...]] = get_args(Surface)
VERDICTS: Final[tuple[Verdict, ...]] = get_args(Verdict)
FEEDBACK_REASONS: Final[tuple[FeedbackReason, ...]] = get_args(FeedbackReason)

# Every constraint and index gets a predictable name: SQLite batch migrations need names to drop or
# alter a constraint, and the migrations spell the same names out.
NAMING_CONVENTION: Final[dict[str, str]] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_JSON = JSON().with_variant(JSONB(), "postgresql")


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps the zone (``timestamptz``); SQLite keeps none, so values are converted to UTC on
    the way in and tagged UTC on the way out. Naive datetimes are refused: their zone is a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware datetime (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the store's tables, with the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Interaction(Base):
    """One response the copilot produced, as it was produced (PII masked)."""

    __tablename__ = "interactions"
    __table_args__ = (
        CheckConstraint(_in_list("surface", SURFACES), name="surface"),
        CheckConstraint(
            "prompt_tokens >= 0 AND completion_tokens >= 0 AND cost >= 0 AND latency_ms >= 0",
            name="non_negative",
        ),
        Index("ix_interactions_created_at", "created_at"),
        Index("ix_interactions_surface", "surface"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    surface: Mapped[str] = mapped_column(String(16))
    principal: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(64))
    masked_input: Mapped[Any] = mapped_column(_JSON)
    masked_output: Mapped[Any] = mapped_column(_JSON)
    citations: Mapped[Any] = mapped_column(_JSON)
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(200))
    prompt_id: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str] = mapped_column(String(64))
    handoff_needed: Mapped[bool] = mapped_column(Boolean)
    handoff_reason: Mapped[str | None] = mapped_column(String(500))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    cost: Mapped[float] = mapped_column(Float)
    latency_ms: Mapped[float] = mapped_column(Float)
    request_id: Mapped[str | None] = mapped_column(String(200))

    feedback: Mapped[list[Feedback]] = relationship(
        back_populates="interaction",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Feedback.created_at",
    )


class Feedback(Base):
    """An agent's verdict on one interaction."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in_list("verdict", VERDICTS), name="verdict"),
        CheckConstraint(f"reason IS NULL OR {_in_list('reason', FEEDBACK_REASONS)}", name="reason"),
        CheckConstraint(
            "(verdict = 'edited' AND edited_text IS NOT NULL AND edited_text <> '')"
            " OR (verdict <> 'edited' AND edited_text IS NULL)",
            name="edited_text",
        ),
        Index("ix_feedback_interaction_id", "interaction_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    interaction_id: Mapped[str] = mapped_column(String(36), ForeignKey("interactions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    edited_text: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    principal: Mapped[str] = mapped_column(String(200))

    interaction: Mapped[Interaction] = relationship(back_populates="feedback")
