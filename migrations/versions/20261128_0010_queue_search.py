"""The queue's own search index.

Revision ID: 0010_queue_search
Revises: 0009_learning_worker
Create Date: 2026-11-28 13:00:00

Schema: a trigram GIN index on `comments.search_text` for pending comments only (PostgreSQL; on
SQLite an empty index, like the whole-table one, since no SQLite index serves `LIKE '%...%'`).
A search of the queue read every pending comment's text (a few thousand rows, about 20 ms on a
5,000-comment queue); with its own index it reads the matches only.

Downgrade drops the index only: no data is lost.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_queue_search"
down_revision: str | None = "0009_learning_worker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What `downgrade` destroys, for `db downgrade` to count and refuse without --force: nothing.
DOWNGRADE_DROPS: tuple[str, ...] = ()


def upgrade() -> None:
    op.create_index(
        "ix_comments_pending_search_text_trgm",
        "comments",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("0"),
    )


def downgrade() -> None:
    op.drop_index("ix_comments_pending_search_text_trgm", table_name="comments")
