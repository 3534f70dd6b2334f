"""Threads nest replies; the render cache keys on the thread version."""

from __future__ import annotations

import sys

from flask import Flask

from models import CommentStatus
from moderation.threads import (
    PUBLIC_FIELDS,
    RenderCache,
    build_thread,
    public_comment,
    published_comments,
)
from tests.factories import Factory


def test_replies_nest_and_orphans_stand_alone(app: Flask, factory: Factory) -> None:
    article = factory.article()
    root = factory.comment(article, status=CommentStatus.APPROVED)
    reply = factory.comment(article, status=CommentStatus.APPROVED, parent_id=root.id)
    hidden = factory.comment(article, status=CommentStatus.PENDING)
    orphan = factory.comment(article, status=CommentStatus.APPROVED, parent_id=hidden.id)
    nodes = build_thread(published_comments(factory.session, article))
    assert [node.comment.id for node in nodes] == [root.id, orphan.id]
    assert [node.comment.id for node in nodes[0].replies] == [reply.id]


def test_public_comment_has_only_the_allow_listed_fields(app: Flask, factory: Factory) -> None:
    comment = factory.comment(factory.article(), status=CommentStatus.APPROVED)
    shown = public_comment(comment)
    assert tuple(shown) == PUBLIC_FIELDS
    assert comment.author_email not in repr(shown)


def test_render_cache_renders_once_per_key() -> None:
    cache = RenderCache(max_bytes=10_000)
    calls: list[str] = []

    def render(value: str) -> str:
        calls.append(value)
        return value

    assert cache.get(("html", 1, 0), lambda: render("one")) == "one"
    assert cache.get(("html", 1, 0), lambda: render("other")) == "one"
    assert calls == ["one"]


def test_render_cache_is_bounded_by_bytes_and_evicts_the_least_recently_used() -> None:
    size = sys.getsizeof("x" * 1000)
    cache = RenderCache(max_bytes=3 * size)
    for n in range(3):
        cache.get(("html", n, 0), lambda n=n: str(n) * 1000)  # type: ignore[misc]
    cache.get(("html", 0, 0), lambda: "unused")  # 0 is now the most recently used
    cache.get(("json", 9, 0), lambda: b"y" * 1000)
    assert cache.bytes <= cache.max_bytes
    assert len(cache) == 3
    assert cache.get(("html", 1, 0), lambda: "rendered again") == "rendered again"
    assert cache.get(("html", 0, 0), lambda: "unused") == "0" * 1000


def test_render_cache_does_not_keep_what_alone_exceeds_it() -> None:
    cache = RenderCache(max_bytes=5_000)
    cache.get(("html", 1, 0), lambda: "small")
    assert cache.get(("html", 2, 0), lambda: "z" * 10_000) == "z" * 10_000
    assert len(cache) == 1
    assert cache.get(("html", 1, 0), lambda: "gone") == "small"
