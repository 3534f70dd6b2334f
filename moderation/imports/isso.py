"""Isso's own SQLite database (`comments.db`): its `threads` and `comments` tables, read only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from models import CommentStatus
from moderation.imports.records import CommentRecord, MalformedFile, ThreadRecord
from moderation.imports.xmlstream import Progress

# Isso's `mode`: 1 accepted, 2 waiting for moderation, 4 deleted (kept because it has replies).
STATUSES = {1: CommentStatus.APPROVED, 2: CommentStatus.PENDING, 4: CommentStatus.REJECTED}
_QUERY = """
    SELECT t.id, t.uri, t.title, c.id, c.parent, c.created, c.mode, c.author, c.email, c.text
    FROM comments AS c JOIN threads AS t ON t.id = c.tid
    ORDER BY c.id
"""


def read(path: Path, progress: Progress | None = None) -> Iterator[CommentRecord]:
    """Every comment of the Isso database at `path`, oldest first (rows are read as needed)."""
    if not path.is_file():
        raise MalformedFile("unreadable", reason="no such file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise MalformedFile("not_sqlite", reason=str(error)) from error
    try:
        try:
            total = connection.execute("SELECT count(*) FROM comments").fetchone()[0]
            rows = connection.execute(_QUERY)
        except sqlite3.DatabaseError as error:
            kind = "isso_schema" if "no such" in str(error) else "not_sqlite"
            raise MalformedFile(kind, reason=str(error)) from error
        for done, row in enumerate(rows, start=1):
            yield _comment(row)
            if progress and (done % 1000 == 0 or done == total):
                progress(done, total)
    finally:
        connection.close()


def _comment(row: tuple[object, ...]) -> CommentRecord:
    tid, uri, title, key, parent, created, mode, author, email, text = row
    where = f"comments row id={key}"
    status = STATUSES.get(mode) if isinstance(mode, int) else None
    if status is None:
        raise MalformedFile("bad_status", where, element="comment", value=mode)
    if not isinstance(created, int | float):
        raise MalformedFile("bad_date", where, element="comment", value=created)
    if not isinstance(uri, str) or not uri:
        raise MalformedFile("empty", f"threads row id={tid}", element="thread", child="uri")
    return CommentRecord(
        thread=ThreadRecord(key=uri, url=uri, title=str(title or "")),
        key=str(key),
        parent_key=None if parent is None else str(parent),
        author_name=str(author or ""),
        author_email=str(email or ""),
        # Isso stores what the commenter typed (markdown); deleted comments keep no text.
        body=str(text or ""),
        created_at=datetime.fromtimestamp(float(created), UTC),
        status=status,
    )
