"""Published threads: pages of approved comments nested by reply, and a cache of renderings."""

from __future__ import annotations

import enum
import functools
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Row,
    Select,
    Table,
    bindparam,
    exists,
    func,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus
from moderation.pipeline.submission import Problem, ValidationFailed

# The only comment fields that leave the server. The email, and anything derived from it,
# is deliberately absent; so are the client hash, user agent and moderation internals.
PUBLIC_FIELDS = ("id", "parent_id", "author_name", "body", "body_html", "language", "created_at")

DEFAULT_PAGE = 50  # top-level comments per page, each with all its replies
MAX_PAGE = 200


class Order(enum.StrEnum):
    """Which conversations come first; replies always follow their parent, oldest first."""

    OLDEST = "oldest"
    NEWEST = "newest"


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page of a thread: `limit` top-level comments after the one with id `after`."""

    order: Order = Order.OLDEST
    after: int | None = None
    limit: int = DEFAULT_PAGE

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> PageRequest:
        """The page a query string asks for; `ValidationFailed` names each bad parameter."""
        errors: dict[str, Problem] = {}
        order = args.get("order", Order.OLDEST.value)
        if order not in Order.__members__.values():
            errors["order"] = Problem("page_order")
        after = args.get("after") or None
        if after is not None and not (after.isascii() and after.isdigit() and len(after) < 12):
            errors["after"] = Problem("page_after")
        limit = args.get("limit", str(DEFAULT_PAGE))
        if not (limit.isascii() and limit.isdigit() and 1 <= int(limit[:4]) <= MAX_PAGE):
            errors["limit"] = Problem("page_limit", {"max": MAX_PAGE})
        if errors:
            raise ValidationFailed(errors)
        return cls(Order(order), int(after) if after else None, int(limit))

    @classmethod
    def for_readers(cls, args: Mapping[str, str]) -> PageRequest:
        """The page a reader's link asks for (`order`, `after`); anything unreadable: the first."""
        try:
            return cls.parse({name: args[name] for name in ("order", "after") if name in args})
        except ValidationFailed:
            return cls()


@dataclass(frozen=True, slots=True)
class ArticleHeading:
    """What a thread's page shows of its article, read with the comments."""

    slug: str
    title: str
    url: str | None
    language: str | None


@dataclass(frozen=True)
class ThreadPage:
    """One page of a published thread, read in one statement so that all of it agrees.

    `version` is the article's thread version in that same snapshot: the key of the render
    cache and of the ETag. Reading it apart from the comments let a publication fall between
    the two reads, and one ETag name two different bodies.
    """

    article: ArticleHeading
    version: int
    comments: list[Row[Any]]  # the page's top-level comments, each followed by its replies
    total: int  # published comments in the whole thread
    next_after: int | None  # `after` for the next page; None on the last one


@dataclass(slots=True)
class ThreadNode:
    """A published comment and its published replies."""

    comment: Any  # a row with the public fields
    replies: list[ThreadNode] = field(default_factory=list)


def read_page(session: Session, article_id: int, page: PageRequest) -> ThreadPage | None:
    """A page of the article's published thread (None if the article is gone)."""
    params = {"article": article_id, "after": page.after, "limit": page.limit + 1}
    query = _page_query(page.order, page.after is not None)
    rows = session.connection().execute(query, params).all()
    if not rows:
        return None
    first = rows[0]
    heading = ArticleHeading(first.slug, first.title, first.url, first.language_of_article)
    found = [row for row in rows if row.id is not None]
    roots = sorted(
        (row for row in found if row.root_id == row.id),
        key=lambda row: (row.created_at, row.id),
        reverse=page.order is Order.NEWEST,
    )
    next_after = None
    if len(roots) > page.limit:  # one more than asked: there is a next page
        roots = roots[: page.limit]
        next_after = roots[-1].id
    rank = {root.id: n for n, root in enumerate(roots)}
    shown = sorted(
        (row for row in found if row.root_id in rank),
        key=lambda row: (rank[row.root_id], row.id != row.root_id, row.created_at, row.id),
    )
    return ThreadPage(heading, first.thread_version, shown, first.total, next_after)


@functools.cache
def _page_query(order: Order, after: bool) -> Select[Any]:
    """The statement for one kind of page, built once: roots, their replies, the article."""
    articles = cast(Table, Article.__table__)
    comments = cast(Table, Comment.__table__)
    approved = CommentStatus.APPROVED
    parent = comments.alias("parent")
    # A reply whose parent is not published stands alone, as a conversation of its own.
    is_root = or_(
        comments.c.parent_id.is_(None),
        ~exists().where(parent.c.id == comments.c.parent_id, parent.c.status == approved),
    )
    position = tuple_(comments.c.created_at, comments.c.id)
    newest = order is Order.NEWEST
    roots = select(comments.c.id).where(
        comments.c.article_id == bindparam("article"), comments.c.status == approved, is_root
    )
    if after:
        cursor = comments.alias("cursor")
        mark = (
            select(cursor.c.created_at, cursor.c.id)
            .where(cursor.c.id == bindparam("after"), cursor.c.article_id == bindparam("article"))
            .scalar_subquery()
        )
        roots = roots.where(position < mark if newest else position > mark)
    ordering = (comments.c.created_at, comments.c.id)
    roots_cte = (
        roots.order_by(*(column.desc() if newest else column for column in ordering))
        .limit(bindparam("limit"))
        .cte("roots")
    )
    # UNION, not UNION ALL: parent links that loop (a damaged import) end instead of spinning.
    tree = select(roots_cte.c.id, roots_cte.c.id.label("root_id")).cte("tree", recursive=True)
    child = comments.alias("child")
    tree = tree.union(
        select(child.c.id, tree.c.root_id).where(
            child.c.parent_id == tree.c.id, child.c.status == approved
        )
    )
    shown = (
        select(*(comments.c[name] for name in PUBLIC_FIELDS), tree.c.root_id)
        .join_from(tree, comments, comments.c.id == tree.c.id)
        .cte("shown")
    )
    total = (
        select(func.count(comments.c.id))
        .where(comments.c.article_id == articles.c.id, comments.c.status == approved)
        .scalar_subquery()
    )
    return (
        select(
            articles.c.thread_version,
            articles.c.slug,
            articles.c.title,
            articles.c.url,
            articles.c.language.label("language_of_article"),
            total.label("total"),
            shown,
        )
        .select_from(articles.outerjoin(shown, true()))
        .where(articles.c.id == bindparam("article"))
    )


def build_thread(comments: Iterable[Any]) -> list[ThreadNode]:
    """Nest comments under their parents; a reply whose parent is not shown stands alone."""
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


def public_comment(comment: Any) -> dict[str, Any]:
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

    def get(self, key: Hashable) -> str | bytes | None:
        """The value cached for `key`, if any."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: str | bytes) -> None:
        """Keep `value` for `key`, unless it alone would take more than the whole cache."""
        size = sys.getsizeof(value)
        if size > self.max_bytes:
            return  # one huge thread must not empty the cache of every other
        with self._lock:
            if (previous := self._entries.pop(key, None)) is not None:
                self.bytes -= sys.getsizeof(previous)
            self._entries[key] = value
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= sys.getsizeof(evicted)
