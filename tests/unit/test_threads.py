"""Threads nest replies; the render cache keys on the thread version."""

from __future__ import annotations

import sys

from flask import Flask

from models import CommentStatus
from moderation.threads import (
    PUBLIC_FIELDS,
    PageRequest,
    RenderCache,
    ThreadNode,
    build_thread,
    public_comment,
    read_page,
    thread_rows,
)
from tests.factories import Factory


def test_replies_nest_and_orphans_stand_alone(app: Flask, factory: Factory) -> None:
    article = factory.article()
    root = factory.comment(article, status=CommentStatus.APPROVED)
    reply = factory.comment(article, status=CommentStatus.APPROVED, parent_id=root.id)
    hidden = factory.comment(article, status=CommentStatus.PENDING)
    orphan = factory.comment(article, status=CommentStatus.APPROVED, parent_id=hidden.id)
    page = read_page(factory.session, article.id, PageRequest())
    assert page is not None
    nodes = build_thread(page.comments)
    assert [node.comment.id for node in nodes] == [root.id, orphan.id]
    assert [node.comment.id for node in nodes[0].replies] == [reply.id]


def test_public_comment_has_only_the_allow_listed_fields(app: Flask, factory: Factory) -> None:
    comment = factory.comment(factory.article(), status=CommentStatus.APPROVED)
    shown = public_comment(comment)
    assert tuple(shown) == PUBLIC_FIELDS
    assert comment.author_email not in repr(shown)


def test_render_cache_keeps_what_it_is_given() -> None:
    cache = RenderCache(max_bytes=10_000)
    assert cache.get(("html", 1, 0)) is None
    cache.put(("html", 1, 0), "one")
    assert cache.get(("html", 1, 0)) == "one"
    assert cache.get(("html", 1, 1)) is None


def test_render_cache_is_bounded_by_bytes_and_evicts_the_least_recently_used() -> None:
    size = sys.getsizeof("x" * 1000)
    cache = RenderCache(max_bytes=3 * size)
    for n in range(3):
        cache.put(("html", n, 0), str(n) * 1000)
    assert cache.get(("html", 0, 0)) is not None  # 0 is now the most recently used
    cache.put(("json", 9, 0), b"y" * 1000)
    assert cache.bytes <= cache.max_bytes
    assert len(cache) == 3
    assert cache.get(("html", 1, 0)) is None
    assert cache.get(("html", 0, 0)) == "0" * 1000


def test_render_cache_does_not_keep_what_alone_exceeds_it() -> None:
    cache = RenderCache(max_bytes=5_000)
    cache.put(("html", 1, 0), "small")
    cache.put(("html", 2, 0), "z" * 10_000)
    assert len(cache) == 1
    assert cache.get(("html", 2, 0)) is None
    assert cache.get(("html", 1, 0)) == "small"


def test_rows_walk_the_thread_in_reading_order_and_cap_the_nesting(
    app: Flask, factory: Factory
) -> None:
    article = factory.article()
    approved = CommentStatus.APPROVED
    first = factory.comment(article, status=approved)
    chain = [first]
    for _ in range(4):
        chain.append(factory.comment(article, status=approved, parent_id=chain[-1].id))
    second = factory.comment(article, status=approved)
    read = read_page(factory.session, article.id, PageRequest())
    assert read is not None
    roots = build_thread(read.comments)
    rows, still_open = thread_rows(roots, max_depth=2)
    assert [row.comment.id for row in rows] == [c.id for c in chain] + [second.id]
    assert [(row.depth, row.opens, row.closes) for row in rows] == [
        (0, False, 0),
        (1, True, 0),
        (2, True, 0),
        (2, False, 0),  # capped: shown beside its parent ...
        (2, False, 0),
        (0, False, 2),
    ]
    assert [row.answers for row in rows] == [None, None, None, chain[2].id, chain[3].id, None]
    assert still_open == 0


def test_rows_of_a_very_long_chain_need_no_recursion(app: Flask, factory: Factory) -> None:
    article = factory.article()
    comment = factory.comment(article, status=CommentStatus.APPROVED)
    node = root = ThreadNode(comment)
    for _ in range(5_000):  # far past Python's recursion limit
        node.replies.append(ThreadNode(comment))
        node = node.replies[0]
    rows, still_open = thread_rows([root])
    assert len(rows) == 5_001 and still_open == rows[-1].depth == 6
