"""Initial schema: interactions and their feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Create ``interactions`` and ``feedback`` with their constraints and indexes."""
    op.create_table(
        "interactions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("principal", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("masked_input", _JSON, nullable=False),
        sa.Column("masked_output", _JSON, nullable=False),
        sa.Column("citations", _JSON, nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("prompt_id", sa.String(200), nullable=False),
        sa.Column("prompt_version", sa.String(64), nullable=False),
        sa.Column("handoff_needed", sa.Boolean(), nullable=False),
        sa.Column("handoff_reason", sa.String(500), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("request_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.CheckConstraint("surface IN ('suggestion', 'answer', 'summary')", name=op.f("ck_interactions_surface")),
        sa.CheckConstraint(
            "prompt_tokens >= 0 AND completion_tokens >= 0 AND cost >= 0 AND latency_ms >= 0",
            name=op.f("ck_interactions_non_negative"),
        ),
    )
    op.create_index(op.f("ix_interactions_created_at"), "interactions", ["created_at"])
    op.create_index(op.f("ix_interactions_surface"), "interactions", ["surface"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("interaction_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("edited_text", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("principal", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_feedback_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("verdict IN ('accepted', 'edited', 'rejected')", name=op.f("ck_feedback_verdict")),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('incorrect', 'incomplete', 'outdated', 'inappropriate', 'other')",
            name=op.f("ck_feedback_reason"),
        ),
        sa.CheckConstraint(
            "(verdict = 'edited' AND edited_text IS NOT NULL AND edited_text <> '')"
            " OR (verdict <> 'edited' AND edited_text IS NULL)",
            name=op.f("ck_feedback_edited_text"),
        ),
    )
    op.create_index(op.f("ix_feedback_interaction_id"), "feedback", ["interaction_id"])


def downgrade() -> None:
    """Drop both tables (and every interaction and verdict in them)."""
    op.drop_index(op.f("ix_feedback_interaction_id"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_interactions_surface"), table_name="interactions")
    op.drop_index(op.f("ix_interactions_created_at"), table_name="interactions")
    op.drop_table("interactions")
