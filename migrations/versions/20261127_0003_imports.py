"""Imports and audit: a source id per imported comment, import runs, audit entries.

Revision ID: 0003_imports
Revises: 0002
Create Date: 2026-11-27 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_imports"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `downgrade` destroys, so that `flask db downgrade` can say so and refuse unless forced.
DOWNGRADE_DROPS: tuple[str, ...] = ("import_runs", "audit_entries", "comments.source_id")


def upgrade() -> None:
    op.add_column("comments", sa.Column("source_id", sa.String(length=80), nullable=True))
    # A unique index, not a constraint: SQLite adds one without rebuilding the table, and both
    # databases let any number of NULLs (comments sent here) through.
    op.create_index("uq_comments_source_id", "comments", ["source_id"], unique=True)
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=300), server_default="", nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index(op.f("ix_audit_entries_action"), "audit_entries", ["action"], unique=False)
    op.create_index(
        op.f("ix_audit_entries_created_at"), "audit_entries", ["created_at"], unique=False
    )
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("learn", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "running",
                "done",
                "failed",
                name="import_run_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), server_default="", nullable=False),
        sa.Column("started_by", sa.String(length=254), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )


def downgrade() -> None:
    op.drop_table("import_runs")
    op.drop_index(op.f("ix_audit_entries_created_at"), table_name="audit_entries")
    op.drop_index(op.f("ix_audit_entries_action"), table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_index("uq_comments_source_id", table_name="comments")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("source_id")
