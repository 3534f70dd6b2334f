"""WordPress export files (WXR 1.0-1.2): each `<item>` with its `<wp:comment>` elements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from models import CommentStatus
from moderation.imports.records import CommentRecord, MalformedFile, Skipped, ThreadRecord
from moderation.imports.text import html_to_markdown, parse_datetime
from moderation.imports.xmlstream import Node, Progress, iter_nodes

# wp:comment_approved values, as WordPress writes them.
STATUSES = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.REJECTED,
    "post-trashed": CommentStatus.REJECTED,
}
# What a reader wrote; pingbacks and trackbacks are other sites announcing a link.
COMMENT_TYPES = frozenset({"", "comment"})


def read(path: Path, progress: Progress | None = None) -> Iterator[CommentRecord | Skipped]:
    """Every comment of the WXR file at `path`, thread by thread."""
    items = iter_nodes(path, "rss", {"item"}, skip_text={"encoded", "postmeta"}, progress=progress)
    for item in items:
        comments = item.all("comment")
        if not comments:
            continue
        thread = _thread(item)
        for comment in comments:
            yield _comment(thread, comment)


def _thread(item: Node) -> ThreadRecord:
    link = item.value("link") or None
    post_id = item.value("post_id")
    key = post_id or link
    if not key:
        raise MalformedFile("missing", item.where, element="item", child="wp:post_id")
    return ThreadRecord(
        key=key,
        url=link,
        title=item.value("title") or "",
        slug=item.value("post_name") or None,
    )


def _comment(thread: ThreadRecord, node: Node) -> CommentRecord | Skipped:
    element = "wp:comment"
    key = node.value("comment_id")
    if not key:
        raise MalformedFile("missing", node.where, element=element, child="wp:comment_id")
    kind = (node.value("comment_type") or "").lower()
    if kind not in COMMENT_TYPES:
        return Skipped(kind)
    approved = node.value("comment_approved")
    if approved is None:
        raise MalformedFile("missing", node.where, element=element, child="wp:comment_approved")
    status = STATUSES.get(approved.lower())
    if status is None:
        raise MalformedFile("bad_status", node.where, element=element, value=approved)
    # The GMT date when WordPress knew it; the local one (of an unknown zone) otherwise.
    written = [node.value(name) for name in ("comment_date_gmt", "comment_date")]
    dates = [parse_datetime(value) for value in written if value]
    created = next((date for date in dates if date is not None), None)
    if created is None:
        if any(written):
            value = next(value for value in written if value)
            raise MalformedFile("bad_date", node.where, element=element, value=value)
        raise MalformedFile("missing", node.where, element=element, child="wp:comment_date_gmt")
    parent = node.value("comment_parent") or "0"
    return CommentRecord(
        thread=thread,
        key=key,
        parent_key=None if parent == "0" else parent,
        author_name=node.value("comment_author") or "",
        author_email=node.value("comment_author_email") or "",
        body=html_to_markdown(node.value("comment_content") or "", keep_newlines=True),
        created_at=created,
        status=status,
    )
