"""Looking up articles and reading their published threads, shared by the page and the API."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import select

from models import Article, Comment, CommentStatus
from moderation.extensions import db
from moderation.management import valid_slug
from moderation.pipeline import COMMENT_LIMITS, UnknownArticle
from moderation.services import services
from moderation.threads import build_thread, public_comment, published_comments, thread_rows


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


def published_comment(article: Article, comment_id: int) -> Comment | None:
    """The published comment `comment_id` of `article` (the one a reader replies to), or None."""
    return db.session.scalar(
        select(Comment).where(
            Comment.id == comment_id,
            Comment.article_id == article.id,
            Comment.status == CommentStatus.APPROVED,
        )
    )


def thread_html(article: Article, locale: str) -> str:
    """The published thread as an HTML fragment in `locale` (the current request's language),
    rendered once per thread version and language."""

    def render() -> str:
        rows, still_open = thread_rows(build_thread(published_comments(db.session, article)))
        return render_template("public/_thread.html", rows=rows, still_open=still_open)

    key = ("html", article.id, article.thread_version, locale)
    html: str = services().render_cache.get(key, render)
    return html


def thread_json(article: Article) -> bytes:
    """The published comments as the API's JSON body, serialised once per thread version."""

    def render() -> bytes:
        comments = [public_comment(c) for c in published_comments(db.session, article)]
        payload = {
            "article": {"slug": article.slug, "title": article.title, "url": article.url},
            "comments": comments,
            "total": len(comments),
            # For the embed's form: the most characters each field takes.
            "limits": COMMENT_LIMITS,
        }
        return current_app.json.dumps(payload).encode()

    body: bytes = services().render_cache.get(("json", article.id, article.thread_version), render)
    return body
