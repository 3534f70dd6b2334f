"""Published threads: approved comments nested by reply, and a cache of their rendered forms."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus

# The only comment fields that leave the server. The email, and anything derived from it,
# is deliberately absent; so are the client hash, user agent and moderation internals.
PUBLIC_FIELDS = ("id", "parent_id", "author_name", "body", "body_html", "language", "created_at")

# What the render cache holds: HTML (str) or JSON bytes.
Rendered = TypeVar("Rendered", str, bytes)


@dataclass(slots=True)
class ThreadNode:
    """A published comment and its published replies."""

    comment: Comment
    replies: list[ThreadNode] = field(default_factory=list)


def published_comments(session: Session, article: Article) -> list[Comment]:
    """The article's approved comments, oldest first."""
    query = (
        select(Comment)
        .where(Comment.article_id == article.id, Comment.status == CommentStatus.APPROVED)
        .order_by(Comment.created_at, Comment.id)
    )
    return list(session.scalars(query))


def build_thread(comments: Iterable[Comment]) -> list[ThreadNode]:
    """Nest comments under their parents; a reply whose parent is not published stands alone."""
    nodes = {comment.id: ThreadNode(comment) for comment in comments}
    roots: list[ThreadNode] = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    return roots


def _iso(moment: datetime) -> str:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def public_comment(comment: Comment) -> dict[str, Any]:
    """A comment as the public API shows it: only `PUBLIC_FIELDS`."""
    shown = {field: getattr(comment, field) for field in PUBLIC_FIELDS}
    shown["created_at"] = _iso(comment.created_at)
    return shown


class RenderCache:
    """An LRU of rendered threads and pages, bounded by the bytes it holds, not by entries.

    Keys start with the article id and its thread version. The version lives in the database
    and changes with every publication, so each worker's cache is correct without any
    cross-process invalidation: a stale key is simply never asked for again, and ages out.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[Hashable, str | bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, render: Callable[[], Rendered]) -> Rendered:
        """The cached value for `key`, rendering and storing it on a miss."""
        with self._lock:
            if (found := self._entries.get(key)) is not None:
                self._entries.move_to_end(key)
                return cast(Rendered, found)
        value = render()
        size = sys.getsizeof(value)
        if size > self.max_bytes:
            return value  # one huge thread must not empty the cache of every other
        with self._lock:
            if (previous := self._entries.pop(key, None)) is not None:
                self.bytes -= sys.getsizeof(previous)
            self._entries[key] = value
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= sys.getsizeof(evicted)
        return value
