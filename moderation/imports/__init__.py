"""Bringing a site's history in from WordPress, Disqus and Isso (no Flask here).

Each format has a reader that streams `CommentRecord`s from a file in bounded memory and
raises `MalformedFile` naming the line or element that is wrong; `store.Importer` writes them.
`check` reads a file whole without writing, so that a malformed file is refused before
anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from moderation.imports import disqus, generic, isso, wordpress
from moderation.imports.records import CommentRecord, MalformedFile, Skipped, ThreadRecord
from moderation.imports.store import Importer, ImportReport
from moderation.imports.xmlstream import Progress

Reader = Callable[[Path, Progress | None], Iterator[CommentRecord | Skipped]]

# `flask import FORMAT FILE`: what each format reads.
FORMATS: dict[str, Reader] = {
    "wordpress": wordpress.read,
    "disqus": disqus.read,
    "isso": isso.read,
    "generic": generic.read,
}


def read(
    source_format: str, path: Path, progress: Progress | None = None
) -> Iterator[CommentRecord | Skipped]:
    """The records of `path` in `source_format` (one of `FORMATS`)."""
    return FORMATS[source_format](path, progress)


def check(source_format: str, path: Path, progress: Progress | None = None) -> int:
    """Read the whole file without writing anything; returns how many comments it holds.

    Raises `MalformedFile` at the first problem, or when the file holds no comment at all.
    """
    found = sum(
        1 for record in read(source_format, path, progress) if not isinstance(record, Skipped)
    )
    if not found:
        raise MalformedFile("empty_file")
    return found


__all__ = [
    "FORMATS",
    "CommentRecord",
    "ImportReport",
    "Importer",
    "MalformedFile",
    "Skipped",
    "ThreadRecord",
    "check",
    "read",
]
