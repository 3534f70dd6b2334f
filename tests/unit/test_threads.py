"""Threads nest replies; the render cache keys on the thread version."""

from __future__ import annotations

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


def test_render_cache_renders_once_per_key_and_evicts_oldest() -> None:
    cache = RenderCache(size=2)
    calls: list[int] = []

    def render(value: int) -> int:
        calls.append(value)
        return value

    assert cache.get(("html", 1, 0), lambda: render(1)) == 1
    assert cache.get(("html", 1, 0), lambda: render(99)) == 1
    cache.get(("html", 2, 0), lambda: render(2))
    cache.get(("html", 3, 0), lambda: render(3))
    assert cache.get(("html", 1, 0), lambda: render(4)) == 4
    assert calls == [1, 2, 3, 4]
