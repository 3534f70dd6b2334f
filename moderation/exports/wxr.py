"""A WordPress export (WXR 1.2) of the site, so that it can move to WordPress (or back here).

Written as text, streamed: one `<item>` per article, with its comments as `<wp:comment>`.
Comment content is the sanitised HTML WordPress displays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus
from moderation.exports.jsonl import CHUNK
from moderation.imports.text import utc

WXR_VERSION = "1.2"
STATUSES = {
    CommentStatus.APPROVED: "1",
    CommentStatus.PENDING: "0",
    CommentStatus.SPAM: "spam",
    CommentStatus.REJECTED: "trash",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def _element(name: str, value: object) -> str:
    return f"<{name}>{_text(value)}</{name}>"


def _wp_date(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%d %H:%M:%S")


def _header(site_title: str, site_url: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:wp="http://wordpress.org/export/{WXR_VERSION}/">\n<channel>\n'
        f"{_element('title', site_title)}\n{_element('link', site_url)}\n"
        f"{_element('wp:wxr_version', WXR_VERSION)}\n"
    )


def _item(article: Article, site_url: str) -> str:
    link = article.url or f"{site_url.rstrip('/')}/articles/{article.slug}"
    return (
        "<item>\n"
        f"{_element('title', article.title)}\n{_element('link', link)}\n"
        f"{_element('pubDate', format_datetime(utc(article.created_at)))}\n"
        f'<guid isPermaLink="false">{_text(f"tertulia-article-{article.id}")}</guid>\n'
        f"{_element('wp:post_id', article.id)}\n{_element('wp:post_name', article.slug)}\n"
        f"{_element('wp:post_date_gmt', _wp_date(article.created_at))}\n"
        "<wp:comment_status>open</wp:comment_status><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type>\n"
    )


def _comment(comment: Comment) -> str:
    date = _wp_date(comment.created_at)
    fields = [
        ("wp:comment_id", comment.id),
        ("wp:comment_author", comment.author_name),
        ("wp:comment_author_email", comment.author_email),
        ("wp:comment_author_url", ""),
        ("wp:comment_date", date),
        ("wp:comment_date_gmt", date),
        ("wp:comment_content", comment.body_html.strip()),
        ("wp:comment_approved", STATUSES[comment.status]),
        ("wp:comment_type", "comment"),
        ("wp:comment_parent", comment.parent_id or 0),
        ("wp:comment_user_id", 0),
    ]
    return (
        "<wp:comment>"
        + "".join(_element(name, value) for name, value in fields)
        + "</wp:comment>\n"
    )


def wxr_chunks(session: Session, site_title: str, site_url: str) -> Iterator[str]:
    """The site as a WXR document, in pieces; every article, with all its comments."""
    yield _header(site_title, site_url)
    articles = select(Article).order_by(Article.id).execution_options(yield_per=CHUNK)
    # Comments stream beside the articles, in the same order; closed explicitly because the
    # last articles may leave some unread, and an open server-side cursor holds its transaction.
    result = session.scalars(
        select(Comment).order_by(Comment.article_id, Comment.id).execution_options(yield_per=CHUNK)
    )
    try:
        comments = iter(result)
        waiting = next(comments, None)
        for article in session.scalars(articles):
            yield _item(article, site_url)
            while waiting is not None and waiting.article_id <= article.id:
                if waiting.article_id == article.id:
                    yield _comment(waiting)
                waiting = next(comments, None)
            yield "</item>\n"
    finally:
        result.close()
    yield "</channel>\n</rss>\n"
