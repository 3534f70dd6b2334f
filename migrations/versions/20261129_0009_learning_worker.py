"""Learning rounds leave the web requests: what the learning worker needs to remember.

Revision ID: 0009_learning_worker
Revises: 0008_queue
Create Date: 2026-11-29 00:00:00

Schema: `spam_learning_state.requested_at` (a round asked for whatever the batch, set when
erasing an author dropped learned versions, cleared by the round) and `checked_at` (when a
learning worker last looked for a round, shown on the queue's spam filter page).

Downgrade drops both: a pending request is forgotten (`flask spam relearn` does its work).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_learning_worker"
down_revision: str | None = "0008_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `downgrade` destroys, so that `flask db downgrade` can say so and refuse unless forced.
DOWNGRADE_DROPS: tuple[str, ...] = (
    "spam_learning_state.requested_at",
    "spam_learning_state.checked_at",
)


def upgrade() -> None:
    with op.batch_alter_table("spam_learning_state") as batch:
        batch.add_column(sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("spam_learning_state") as batch:
        batch.drop_column("checked_at")
        batch.drop_column("requested_at")
