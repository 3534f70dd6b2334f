"""Published threads: approved comments nested by reply, and a cache of their rendered forms."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus

# The only comment fields that leave the server. The email, and anything derived from it,
# is deliberately absent; so are the client hash, user agent and moderation internals.
PUBLIC_FIELDS = ("id", "parent_id", "author_name", "body", "body_html", "language", "created_at")


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


# Replies nest on the page up to this depth; deeper ones are shown at this depth, each saying
# which comment it answers. A thread of 250 nested replies stays readable (and renders at all).
MAX_DEPTH = 6


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """One comment of a thread in reading order, with the nesting the page gives it.

    The page is written from these rows in one loop, never by recursion: `opens` starts a list
    of replies inside the previous comment, `closes` ends that many lists before this one.
    """

    comment: Comment
    depth: int
    opens: bool
    closes: int
    # The comment answered, when the nesting was capped and the page cannot show it by place.
    answers: int | None


def thread_rows(roots: list[ThreadNode], max_depth: int = MAX_DEPTH) -> tuple[list[ThreadRow], int]:
    """The rows of a thread in reading order, and how many reply lists the last one leaves open.

    Depth-first with a stack of its own: a chain of thousands of replies costs no recursion.
    """
    rows: list[ThreadRow] = []
    stack: list[tuple[ThreadNode, int]] = [(node, 0) for node in reversed(roots)]
    previous = 0
    while stack:
        node, nesting = stack.pop()
        depth = min(nesting, max_depth)
        opens = bool(rows) and depth > previous
        closes = 0 if opens or not rows else previous - depth
        answers = node.comment.parent_id if nesting > max_depth else None
        rows.append(ThreadRow(node.comment, depth, opens, closes, answers))
        previous = depth
        stack.extend((reply, nesting + 1) for reply in reversed(node.replies))
    return rows, previous


def _iso(moment: datetime) -> str:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def public_comment(comment: Comment) -> dict[str, Any]:
    """A comment as the public API shows it: only `PUBLIC_FIELDS`."""
    shown = {field: getattr(comment, field) for field in PUBLIC_FIELDS}
    shown["created_at"] = _iso(comment.created_at)
    return shown


class RenderCache:
    """A small LRU of rendered threads keyed by (kind, article id, thread version[, language]).

    The version lives in the database and changes with every publication, so each worker's cache
    is correct without any cross-process invalidation: a stale key is simply never asked for again.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str | int, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str | int, ...], render: Callable[[], Any]) -> Any:
        """The cached value for `key`, rendering and storing it on a miss."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = render()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value
