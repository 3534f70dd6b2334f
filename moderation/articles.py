"""Looking up articles and reading pages of their published threads, for the page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import current_app, render_template
from sqlalchemy import Table, bindparam, select

from models import Article, Comment, CommentStatus
from moderation.extensions import db
from moderation.management import valid_slug
from moderation.pipeline import COMMENT_LIMITS, UnknownArticle
from moderation.services import services
from moderation.threads import (
    ArticleHeading,
    PageRequest,
    ThreadPage,
    build_thread,
    public_comment,
    read_page,
    thread_rows,
)


@dataclass(frozen=True, slots=True)
class ThreadArticle:
    """What reading a thread needs of its article: the render cache's key and the heading."""

    id: int
    slug: str
    title: str
    url: str | None
    language: str | None
    thread_version: int


_ARTICLES = cast(Table, Article.__table__).c
_THREAD_ARTICLE = select(
    _ARTICLES.id,
    _ARTICLES.slug,
    _ARTICLES.title,
    _ARTICLES.url,
    _ARTICLES.language,
    _ARTICLES.thread_version,
).where(_ARTICLES.slug == bindparam("slug"))


def thread_article_or_404(slug: str) -> ThreadArticle:
    """The article with this slug as readers' pages need it; `UnknownArticle` if none.

    Every read of a thread asks this, and most are then answered from the render cache: one
    prebuilt statement read without the ORM (`Database.read_one`), several times cheaper than
    loading an `Article`.
    """
    row = db.read_one(_THREAD_ARTICLE, {"slug": slug}) if valid_slug(slug) else None
    if row is None:
        raise UnknownArticle(slug)
    return ThreadArticle(*row)


def find_article(slug: str) -> Article | None:
    """The article with this slug, if there is one."""
    if not valid_slug(slug):
        return None  # not even asked: a NUL in a URL must not reach the database
    return db.session.scalar(select(Article).where(Article.slug == slug))


def article_or_404(slug: str) -> Article:
    """The article with this slug; `UnknownArticle` (answered 404 by the app) if none."""
    article = find_article(slug)
    if article is None:
        raise UnknownArticle(slug)
    return article


def published_comment(article: Article | ThreadArticle, comment_id: int) -> Comment | None:
    """The published comment `comment_id` of `article` (the one a reader replies to), or None."""
    return db.session.scalar(
        select(Comment).where(
            Comment.id == comment_id,
            Comment.article_id == article.id,
            Comment.status == CommentStatus.APPROVED,
        )
    )


def _read(article: Article | ThreadArticle, page: PageRequest) -> ThreadPage:
    read = read_page(db.session, article.id, page)
    if read is None:  # deleted since it was looked up
        raise UnknownArticle(article.slug)
    return read


def thread_html(
    article: Article | ThreadArticle, page: PageRequest, locale: str
) -> tuple[ArticleHeading | Article | ThreadArticle, int, str]:
    """A page of the thread as an HTML fragment in `locale` (the current request's language),
    with the links to the other pages.

    Rendered once per thread version and language. Returns the article as read with the
    comments, the
    thread version they were read at (the cache key), and the fragment.
    """
    cache = services().render_cache
    cached = cache.get(("html", article.id, article.thread_version, page, locale))
    if isinstance(cached, str):
        return article, article.thread_version, cached
    read = _read(article, page)
    rows, still_open = thread_rows(build_thread(read.comments))
    html = render_template(
        "public/_thread.html",
        rows=rows,
        still_open=still_open,
        page=page,
        next_after=read.next_after,
        total=read.total,
    )
    cache.put(("html", article.id, read.version, page, locale), html)
    return read.article, read.version, html


def thread_json(article: Article | ThreadArticle, page: PageRequest) -> tuple[int, bytes]:
    """A page of the thread as the API's JSON body, serialised once per thread version.

    Returns the thread version the comments were read at (the ETag) and the body.
    """
    cache = services().render_cache
    cached = cache.get(("json", article.id, article.thread_version, page))
    if isinstance(cached, bytes):
        return article.thread_version, cached
    read = _read(article, page)
    heading = read.article
    payload = {
        "article": {"slug": heading.slug, "title": heading.title, "url": heading.url},
        "comments": [public_comment(comment) for comment in read.comments],
        "total": read.total,
        "next_after": read.next_after,
        # For the embed's form: the most characters each field takes.
        "limits": COMMENT_LIMITS,
    }
    body: bytes = current_app.json.dumps(payload).encode()
    cache.put(("json", article.id, read.version, page), body)
    return read.version, body
