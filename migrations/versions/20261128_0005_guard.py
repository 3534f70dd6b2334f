"""Revocable moderator sessions, and attempts counted in the database.

Revision ID: 0005_guard
Revises: 0004_spam
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_guard"
down_revision: str | None = "0004_spam"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `downgrade` destroys, so that `flask db downgrade` can say so and refuse unless forced.
DOWNGRADE_DROPS: tuple[str, ...] = ("moderator_sessions", "attempts")


def upgrade() -> None:
    op.create_table(
        "moderator_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["moderators.id"],
            name=op.f("fk_moderator_sessions_moderator_id_moderators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_moderator_sessions_token_digest")),
    )
    op.create_index(
        op.f("ix_moderator_sessions_moderator_id"),
        "moderator_sessions",
        ["moderator_id"],
        unique=False,
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
    )
    op.create_index(
        "ix_attempts_action_key_created_at",
        "attempts",
        ["action", "key", "created_at"],
        unique=False,
    )
    op.create_index(op.f("ix_attempts_created_at"), "attempts", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_attempts_created_at"), table_name="attempts")
    op.drop_index("ix_attempts_action_key_created_at", table_name="attempts")
    op.drop_table("attempts")
    op.drop_index(op.f("ix_moderator_sessions_moderator_id"), table_name="moderator_sessions")
    op.drop_table("moderator_sessions")
