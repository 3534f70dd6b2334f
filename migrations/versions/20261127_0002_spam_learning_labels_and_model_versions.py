"""Spam learning: labels from decisions and imports, and the site's model versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 09:31:12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `downgrade` destroys, so that `flask db downgrade` can say so and refuse unless forced.
DOWNGRADE_DROPS: tuple[str, ...] = ("spam_labels", "spam_model_versions")


def upgrade() -> None:
    op.create_table(
        "spam_model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("base_version", sa.String(length=64), nullable=False),
        sa.Column("site_weights", sa.JSON(), nullable=False),
        sa.Column("last_label_id", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("promoted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_model_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_spam_model_versions_version")),
    )
    op.create_index(
        "uq_spam_model_versions_active",
        "spam_model_versions",
        ["is_active"],
        unique=True,
        sqlite_where=sa.text("is_active"),
        postgresql_where=sa.text("is_active"),
    )
    op.create_table(
        "spam_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_spam", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_spam_labels_decision_id_decisions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_labels")),
    )
    op.create_index(
        op.f("ix_spam_labels_decision_id"), "spam_labels", ["decision_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_spam_labels_decision_id"), table_name="spam_labels")
    op.drop_table("spam_labels")
    op.drop_index("uq_spam_model_versions_active", table_name="spam_model_versions")
    op.drop_table("spam_model_versions")
