"""Initial schema: articles, comments, moderators, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 09:05:30.994227
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What `downgrade` destroys, so that `flask db downgrade` can say so and refuse unless forced.
DOWNGRADE_DROPS: tuple[str, ...] = ("decisions", "comments", "moderators", "articles")


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("thread_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("slug", name=op.f("uq_articles_slug")),
    )
    op.create_table(
        "moderators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "moderator",
                "admin",
                name="moderator_role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("languages", sa.String(length=64), server_default="", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderators")),
        sa.UniqueConstraint("email", name=op.f("uq_moderators_email")),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=80), nullable=False),
        sa.Column("author_email", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("language_confidence", sa.Float(), nullable=True),
        sa.Column("page_language", sa.String(length=8), nullable=True),
        sa.Column("spam_score", sa.Float(), nullable=True),
        sa.Column("spam_model_version", sa.String(length=64), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "spam",
                name="comment_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("client_ip_hash", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_comments_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index(
        "ix_comments_article_id_status_created_at",
        "comments",
        ["article_id", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_comments_body_fingerprint"), "comments", ["body_fingerprint"], unique=False
    )
    op.create_index(
        "ix_comments_client_ip_hash_created_at",
        "comments",
        ["client_ip_hash", "created_at"],
        unique=False,
    )
    op.create_index(op.f("ix_comments_parent_id"), "comments", ["parent_id"], unique=False)
    op.create_index(
        "ix_comments_status_created_at", "comments", ["status", "created_at"], unique=False
    )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column(
            "from_status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "spam",
                name="decision_from_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "spam",
                name="decision_to_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_decisions_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["moderators.id"],
            name=op.f("fk_decisions_moderator_id_moderators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_comment_id"), "decisions", ["comment_id"], unique=False)
    op.create_index(op.f("ix_decisions_created_at"), "decisions", ["created_at"], unique=False)
    op.create_index(op.f("ix_decisions_moderator_id"), "decisions", ["moderator_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_decisions_moderator_id"), table_name="decisions")
    op.drop_index(op.f("ix_decisions_created_at"), table_name="decisions")
    op.drop_index(op.f("ix_decisions_comment_id"), table_name="decisions")

    op.drop_table("decisions")
    op.drop_index("ix_comments_status_created_at", table_name="comments")
    op.drop_index(op.f("ix_comments_parent_id"), table_name="comments")
    op.drop_index("ix_comments_client_ip_hash_created_at", table_name="comments")
    op.drop_index(op.f("ix_comments_body_fingerprint"), table_name="comments")
    op.drop_index("ix_comments_article_id_status_created_at", table_name="comments")

    op.drop_table("comments")
    op.drop_table("moderators")
    op.drop_table("articles")
