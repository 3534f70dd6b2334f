"""A moderator's own languages first, from an index.

Revision ID: 0011_queue_languages
Revises: 0010_queue_search
Create Date: 2026-11-28 14:00:00

Schema: the index on `comments (status, language)` becomes `(status, language, created_at)`.
The queue shows a moderator's own languages first; ordering by whether each comment is in one
of them had the database read and sort the whole queue (20 ms on a 5,000-comment queue). The
queue now reads its moderator's languages and then the others, each in order from this index;
the counts per language still read the index alone.

Downgrade restores the narrower index: no data is lost.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_queue_languages"
down_revision: str | None = "0010_queue_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What `downgrade` destroys, for `db downgrade` to count and refuse without --force: nothing.
DOWNGRADE_DROPS: tuple[str, ...] = ()


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_status_language")
        batch.create_index(
            "ix_comments_status_language_created_at", ["status", "language", "created_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_status_language_created_at")
        batch.create_index("ix_comments_status_language", ["status", "language"])
