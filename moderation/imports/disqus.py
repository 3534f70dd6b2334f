"""Disqus comment exports: `<thread>` elements, then `<post>` elements that point at them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from models import CommentStatus
from moderation.imports.records import CommentRecord, MalformedFile, Skipped, ThreadRecord
from moderation.imports.text import html_to_markdown, parse_datetime
from moderation.imports.xmlstream import Node, Progress, iter_nodes


def read(path: Path, progress: Progress | None = None) -> Iterator[CommentRecord | Skipped]:
    """Every post of the Disqus export at `path`, in file order.

    Threads are remembered (id, address, title: small) as they come; a post whose thread is
    not in the file cannot be placed and is skipped as an orphan, as Isso does.
    """
    threads: dict[str, ThreadRecord] = {}
    for node in iter_nodes(path, "disqus", {"thread", "post"}, progress=progress):
        if node.name == "thread":
            thread = _thread(node)
            threads[thread.key] = thread
        elif node.name == "post":
            yield _post(node, threads)


def _dsq_id(node: Node, element: str) -> str:
    found = node.attrs.get("id", "").strip()
    if not found:
        raise MalformedFile("missing", node.where, element=element, child="dsq:id")
    return found


def _thread(node: Node) -> ThreadRecord:
    return ThreadRecord(
        key=_dsq_id(node, "thread"),
        url=node.value("link") or None,
        title=node.value("title") or "",
        slug=node.value("id") or None,
    )


def _post(node: Node, threads: dict[str, ThreadRecord]) -> CommentRecord | Skipped:
    key = _dsq_id(node, "post")
    reference = node.child("thread")
    if reference is None:
        raise MalformedFile("missing", node.where, element="post", child="thread")
    thread = threads.get(_dsq_id(reference, "thread"))
    if thread is None:
        return Skipped("orphan")
    written = node.value("createdAt")
    if not written:
        raise MalformedFile("missing", node.where, element="post", child="createdAt")
    created = parse_datetime(written)
    if created is None:
        raise MalformedFile("bad_date", node.where, element="post", value=written)
    parent = node.child("parent")
    author = node.child("author")
    return CommentRecord(
        thread=thread,
        key=key,
        parent_key=_dsq_id(parent, "parent") if parent is not None else None,
        author_name=(author.value("name") if author is not None else None) or "",
        author_email=(author.value("email") if author is not None else None) or "",
        body=html_to_markdown(node.value("message") or ""),
        created_at=created,
        status=_status(node),
    )


def _status(node: Node) -> CommentStatus:
    flags = {}
    for name in ("isDeleted", "isSpam", "isApproved"):
        value = node.value(name)
        if value is not None and value.lower() not in ("true", "false"):
            raise MalformedFile("bad_value", node.where, element="post", child=name, value=value)
        flags[name] = None if value is None else value.lower() == "true"
    if flags["isSpam"]:
        return CommentStatus.SPAM
    if flags["isDeleted"]:
        return CommentStatus.REJECTED
    if flags["isApproved"] is False:
        return CommentStatus.PENDING
    return CommentStatus.APPROVED
