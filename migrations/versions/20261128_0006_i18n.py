"""Interface language: each moderator's choice (None follows their browser).

Revision ID: 0006_i18n
Revises: 0005_guard
Create Date: 2026-11-28 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_i18n"
down_revision: str | None = "0005_guard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What `downgrade` destroys, for `db downgrade` to count and refuse without --force.
DOWNGRADE_DROPS: tuple[str, ...] = ("moderators.locale",)


def upgrade() -> None:
    op.add_column("moderators", sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moderators") as batch:
        batch.drop_column("locale")
