"""Isso's generic JSON import format: an array of threads, each with its comments.

```json
[{"id": "/posts/0001/", "title": "A post",
  "comments": [{"id": 1, "author": "Ana", "email": "ana@example.org", "website": "",
                "remote_addr": "0.0.0.0", "created": "2005-02-24 04:03:37", "text": "..."}]}]
```

Every comment is published (the format has no status). As an extension, a comment may name
the `id` of the comment it replies to in `parent`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from models import CommentStatus
from moderation.imports.jsonstream import iter_array
from moderation.imports.records import CommentRecord, MalformedFile, ThreadRecord
from moderation.imports.text import parse_datetime
from moderation.imports.xmlstream import Progress

_FORM_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}|\+")


def read(path: Path, progress: Progress | None = None) -> Iterator[CommentRecord]:
    """Every comment of the generic JSON file at `path`, thread by thread."""
    for thread_data, line in iter_array(path, progress):
        where = f"line {line}, thread"
        if not isinstance(thread_data, dict):
            raise MalformedFile("json_shape", where, what="a thread", expected="an object")
        uri = thread_data.get("id")
        if not isinstance(uri, str) or not uri.strip():
            raise MalformedFile("json_shape", where, what="its id", expected="a non-empty string")
        comments = thread_data.get("comments")
        if not isinstance(comments, list):
            raise MalformedFile("json_shape", where, what="its comments", expected="an array")
        title = thread_data.get("title")
        thread = ThreadRecord(key=uri, url=uri, title=_title(title))
        for number, comment in enumerate(comments, start=1):
            yield _comment(thread, comment, f"line {line}, thread {uri!r}, comment {number}")


def _title(value: object) -> str:
    """The thread's title; Isso's own exports write it form-encoded (`Nat+%26+Miguel`)."""
    if not isinstance(value, str):
        return ""
    if not any(char.isspace() for char in value) and _FORM_ENCODED.search(value):
        return unquote_plus(value)
    return value


def _text(comment: dict[str, Any], name: str, where: str) -> str:
    value = comment.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedFile("json_shape", where, what=name, expected="a string")
    return value


def _key(value: object, where: str, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise MalformedFile("json_shape", where, what=name, expected="a number or a string")
    return str(value)


def _comment(thread: ThreadRecord, comment: object, where: str) -> CommentRecord:
    if not isinstance(comment, dict):
        raise MalformedFile("json_shape", where, what="a comment", expected="an object")
    key = _key(comment.get("id"), where, "id")
    parent = comment.get("parent")
    written = _text(comment, "created", where)
    created = parse_datetime(written)
    if created is None:
        raise MalformedFile("bad_date", where, element="comment", value=written)
    return CommentRecord(
        thread=thread,
        key=key,
        parent_key=None if parent is None else _key(parent, where, "parent"),
        author_name=_text(comment, "author", where),
        author_email=_text(comment, "email", where),
        body=_text(comment, "text", where),
        created_at=created,
        status=CommentStatus.APPROVED,
    )
