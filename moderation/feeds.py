"""What the Atom feeds hold: the newest published comments, per article or for the whole site.

No Flask here; the public blueprint renders `templates/feeds/atom.xml`. Feeds carry only
the public fields of a comment (`threads.PUBLIC_FIELDS`): never an email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus
from moderation.imports.text import utc

FEED_SIZE = 50


@dataclass(frozen=True)
class Feed:
    """The entries of one feed, newest first, with what conditional requests compare."""

    entries: list[tuple[Comment, Article]]
    updated: datetime
    etag: str


def _newest(session: Session, article: Article | None) -> list[tuple[Comment, Article]]:
    query = (
        select(Comment, Article)
        .join(Article, Comment.article_id == Article.id)
        .where(Comment.status == CommentStatus.APPROVED)
        .order_by(Comment.published_at.desc(), Comment.id.desc())
        .limit(FEED_SIZE)
    )
    if article is not None:
        query = query.where(Comment.article_id == article.id)
    return [(comment, article) for comment, article in session.execute(query)]


def _updated(entries: list[tuple[Comment, Article]], default: datetime) -> datetime:
    times = [comment.published_at or comment.created_at for comment, _ in entries]
    return utc(max(times, default=default))


def article_feed(session: Session, article: Article) -> Feed:
    """The article's newest published comments; its ETag follows the thread's version."""
    entries = _newest(session, article)
    return Feed(
        entries,
        _updated(entries, article.created_at),
        f"atom-{article.id}-{article.thread_version}",
    )


def site_feed(session: Session) -> Feed:
    """The site's newest published comments.

    Every publication, withdrawal or erasure bumps an article's thread version, so their
    sum (with the number of articles) changes whenever this feed can have.
    """
    versions, articles, oldest = session.execute(
        select(
            func.coalesce(func.sum(Article.thread_version), 0),
            func.count(Article.id),
            func.min(Article.created_at),
        )
    ).one()
    entries = _newest(session, None)
    default = oldest or datetime(2000, 1, 1)
    return Feed(entries, _updated(entries, default), f"atom-site-{articles}-{versions}")
