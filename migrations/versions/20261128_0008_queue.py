"""The queue at scale: an index for "highest spam score first".

Revision ID: 0008_queue
Revises: 0007_team
Create Date: 2026-11-28 05:00:00

Schema: an index on `comments (status, spam_score DESC NULLS LAST, created_at)`, the queue's
order when sorting by spam score (unclassified comments, with no score, last), so that a page
reads its fifty rows from the index instead of sorting the whole folder.

Downgrade drops the index only: no data is lost.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_queue"
down_revision: str | None = "0007_team"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What `downgrade` destroys, for `db downgrade` to count and refuse without --force: nothing.
DOWNGRADE_DROPS: tuple[str, ...] = ()


def upgrade() -> None:
    # SQLite refuses NULLS LAST in an index, and puts NULLs last when descending anyway.
    nulls_last = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    op.create_index(
        "ix_comments_status_spam_score_created_at",
        "comments",
        ["status", sa.text(f"spam_score DESC{nulls_last}"), "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_comments_status_spam_score_created_at", table_name="comments")
