"""The whole site, or one article's thread, as JSON Lines: one object a line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Article, Comment, Decision, Moderator

# Rows fetched at a time: the export streams, whatever the size of the site.
CHUNK = 1000
FORMAT_VERSION = 1


def iso(moment: datetime | None) -> str | None:
    """A stored time as ISO 8601 UTC (SQLite hands back naive datetimes, all UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def article_record(article: Article) -> dict[str, Any]:
    """An article as exported."""
    return {
        "type": "article",
        "slug": article.slug,
        "title": article.title,
        "url": article.url,
        "language": article.language,
        "created_at": iso(article.created_at),
    }


def comment_record(comment: Comment, slug: str) -> dict[str, Any]:
    """A comment as exported: everything a site knows about it, the email included."""
    return {
        "type": "comment",
        "id": comment.id,
        "article": slug,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "body": comment.body,
        "status": comment.status.value,
        "language": comment.language,
        "spam_score": comment.spam_score,
        "created_at": iso(comment.created_at),
        "published_at": iso(comment.published_at),
        "source_id": comment.source_id,
    }


def decision_record(decision: Decision, moderator: str | None) -> dict[str, Any]:
    """A decision as exported: who moved which comment where, and when."""
    return {
        "type": "decision",
        "comment_id": decision.comment_id,
        "from_status": decision.from_status.value,
        "to_status": decision.to_status.value,
        "moderator": moderator,
        "reason": decision.reason,
        "created_at": iso(decision.created_at),
    }


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def site_lines(session: Session, article: Article | None = None) -> Iterator[str]:
    """The site (or one article) as JSON Lines: a header, articles, comments, decisions."""
    yield _line(
        {"type": "tertulia-export", "version": FORMAT_VERSION, "article": article and article.slug}
    )
    articles = select(Article).order_by(Article.id)
    if article is not None:
        articles = articles.where(Article.id == article.id)
    slugs: dict[int, str] = {}
    for found in session.scalars(articles.execution_options(yield_per=CHUNK)):
        slugs[found.id] = found.slug
        yield _line(article_record(found))
    comments = select(Comment).order_by(Comment.id)
    decisions = (
        select(Decision, Moderator.email)
        .outerjoin(Moderator, Decision.moderator_id == Moderator.id)
        .order_by(Decision.id)
    )
    if article is not None:
        comments = comments.where(Comment.article_id == article.id)
        decisions = decisions.join(Comment, Decision.comment_id == Comment.id).where(
            Comment.article_id == article.id
        )
    for comment in session.scalars(comments.execution_options(yield_per=CHUNK)):
        yield _line(comment_record(comment, slugs[comment.article_id]))
    for decision, moderator in session.execute(decisions.execution_options(yield_per=CHUNK)):
        yield _line(decision_record(decision, moderator))
