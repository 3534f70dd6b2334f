"""Moderation as a team: folded search text, notification opt-ins, outbox, bans and word lists.

Revision ID: 0007_team
Revises: 0006_i18n
Create Date: 2026-11-28 00:00:00

Schema: `comments.search_text` (name, email and body with case and accents folded; backfilled
here in batches), with a trigram GIN index on PostgreSQL (the `pg_trgm` extension, trusted: a
database owner may create it) and an empty placeholder on SQLite, which has no index for
substring search; `comments.notify_published` and `notify_replies`; an index on
`comments (status, article_id)` and `(status, language)` for counts per article and language; `moderators.notify` and
`digest_until`; the tables `bans`, `word_rules`, `rules_state` and `outbox`.

Downgrade drops all of it (the opt-ins, bans, word lists and unsent mails with it); the
`pg_trgm` extension stays, as other databases objects may use it.
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007_team"
down_revision: str | None = "0006_i18n"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `downgrade` destroys, so that `flask db downgrade` can say so and refuse unless forced.
DOWNGRADE_DROPS: tuple[str, ...] = (
    "outbox",
    "rules_state",
    "word_rules",
    "bans",
    "moderators.digest_until",
    "moderators.notify",
    "comments.notify_replies",
    "comments.notify_published",
    "comments.search_text",
)

BATCH = 2000
_comments = sa.table(
    "comments",
    sa.column("id", sa.Integer),
    sa.column("author_name", sa.String),
    sa.column("author_email", sa.String),
    sa.column("body", sa.Text),
    sa.column("search_text", sa.Text),
)


_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _fold(text: str) -> str:
    # models.fold at this revision, copied so that the migration never changes with the code.
    return _DIACRITICS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def _created_at() -> sa.Column[Any]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def _backfill_search_text() -> None:
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                _comments.c.id, _comments.c.author_name, _comments.c.author_email, _comments.c.body
            )
            .where(_comments.c.id > last)
            .order_by(_comments.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            sa.update(_comments)
            .where(_comments.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("folded")),
            [
                {"row_id": row.id, "folded": _fold(f"{row.author_name}\n{row.author_email}\n{row.body}")}
                for row in rows
            ],
        )
        last = rows[-1].id


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("notify_published", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("notify_replies", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    _backfill_search_text()
    with op.batch_alter_table("comments") as batch:
        batch.alter_column("search_text", existing_type=sa.Text(), nullable=False)
        batch.create_index("ix_comments_status_article_id", ["status", "article_id"])
        batch.create_index("ix_comments_status_language", ["status", "language"])
    op.create_index(
        "ix_comments_search_text_trgm",
        "comments",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
        sqlite_where=sa.text("0"),
    )
    with op.batch_alter_table("moderators") as batch:
        batch.add_column(
            sa.Column(
                "notify",
                _enum("moderator_notify", "off", "instant", "daily"),
                server_default="off",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("digest_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("ban_kind", "email", "network"), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bans")),
    )
    op.create_index("ix_bans_kind_value", "bans", ["kind", "value"])
    op.create_table(
        "word_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("folded", sa.String(length=200), nullable=False),
        sa.Column("action", _enum("word_action", "block", "hold"), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_word_rules")),
        sa.UniqueConstraint("folded", name=op.f("uq_word_rules_folded")),
    )
    op.create_table(
        "rules_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules_state")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", _enum("mail_status", "queued", "sent", "failed"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        _created_at(),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_outbox_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_outbox_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["moderators.id"],
            name=op.f("fk_outbox_moderator_id_moderators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
    op.create_index(
        "ix_outbox_recipient_kind_article_id", "outbox", ["recipient", "kind", "article_id"]
    )
    op.create_index(op.f("ix_outbox_comment_id"), "outbox", ["comment_id"])
    op.create_index(op.f("ix_outbox_moderator_id"), "outbox", ["moderator_id"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("rules_state")
    op.drop_table("word_rules")
    op.drop_index("ix_bans_kind_value", table_name="bans")
    op.drop_table("bans")
    with op.batch_alter_table("moderators") as batch:
        batch.drop_column("digest_until")
        batch.drop_constraint(op.f("ck_moderators_moderator_notify"), type_="check")
        batch.drop_column("notify")
    op.drop_index("ix_comments_search_text_trgm", table_name="comments")
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_status_language")
        batch.drop_index("ix_comments_status_article_id")
        batch.drop_column("notify_replies")
        batch.drop_column("notify_published")
        batch.drop_column("search_text")
