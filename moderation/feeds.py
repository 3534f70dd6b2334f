"""What the Atom feeds hold: the newest published comments, per article or for the whole site.

No Flask here; the public blueprint renders `templates/feeds/atom.xml`. Feeds carry only
the public fields of a comment (`threads.PUBLIC_FIELDS`): never an email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
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


def _newest(session: Session) -> list[tuple[Comment, Article]]:
    query = (
        select(Comment, Article)
        .join(Article, Comment.article_id == Article.id)
        .where(Comment.status == CommentStatus.APPROVED)
        .order_by(Comment.published_at.desc(), Comment.id.desc())
        .limit(FEED_SIZE)
    )
    return [(comment, article) for comment, article in session.execute(query)]


def _updated(entries: list[tuple[Comment, Article]], default: datetime) -> datetime:
    times = [comment.published_at or comment.created_at for comment, _ in entries]
    return utc(max(times, default=default))


def article_feed(session: Session, article: Article) -> Feed:
    """The article's newest published comments; its ETag follows the thread's version.

    The version is read in the same statement as the comments, so an ETag always names one
    body, even when a comment is published between this and the article's lookup.
    """
    query = (
        select(Article.thread_version, Comment)
        .select_from(Article)
        .outerjoin(
            Comment,
            and_(Comment.article_id == Article.id, Comment.status == CommentStatus.APPROVED),
        )
        .where(Article.id == article.id)
        .order_by(Comment.published_at.desc(), Comment.id.desc())
        .limit(FEED_SIZE)
    )
    rows = session.execute(query).all()
    version = rows[0].thread_version if rows else article.thread_version
    entries = [(comment, article) for _, comment in rows if comment is not None]
    return Feed(entries, _updated(entries, article.created_at), f"atom-{article.id}-{version}")


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
    entries = _newest(session)
    default = oldest or datetime(2000, 1, 1)
    return Feed(entries, _updated(entries, default), f"atom-site-{articles}-{versions}")
