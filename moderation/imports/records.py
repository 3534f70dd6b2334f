"""What every importer yields: threads, comments and skipped entries, and the one error type."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import SOURCE_ID_LENGTH, CommentStatus

# Every way a file can be refused, in one place: a later i18n pass translates these templates.
MESSAGES = {
    "unreadable": "cannot read the file ({reason})",
    "not_utf8": "the text is not UTF-8",
    "xml_syntax": "not well-formed XML ({reason})",
    "xml_dtd": "a document type declaration (DTD) is not allowed in an export",
    "wrong_root": "expected a <{expected}> document, found <{found}>",
    "missing": "<{element}> has no <{child}>",
    "empty": "<{element}> has an empty <{child}>",
    "bad_date": "<{element}> has an unreadable date {value!r}",
    "bad_status": "<{element}> has an unknown status {value!r}",
    "bad_value": "<{element}> has an unreadable {child} {value!r}",
    "json_syntax": "not valid JSON ({reason})",
    "json_not_array": "expected a JSON array of threads",
    "json_too_large": "one thread is larger than {limit} MB",
    "json_trailing": "unexpected text after the array",
    "json_shape": "{what} must be {expected}",
    "not_sqlite": "not an Isso SQLite database ({reason})",
    "isso_schema": "not an Isso database: {reason}",
    "empty_file": "the file holds no comments",
}


class MalformedFile(ValueError):
    """A file that cannot be imported: `where` is the line, element or row that is wrong.

    Raised before anything is written (the file is checked whole first).
    """

    def __init__(self, code: str, where: str = "", **params: Any) -> None:
        self.code = code
        self.where = where
        self.params = params
        super().__init__(str(self))

    def __str__(self) -> str:
        message = MESSAGES[self.code].format(**self.params)
        return f"{self.where}: {message}" if self.where else message


@dataclass(frozen=True, slots=True)
class ThreadRecord:
    """An article as the other system knew it."""

    key: str
    url: str | None
    title: str
    # A slug the source suggests (WordPress post_name, Disqus identifier), else None.
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class CommentRecord:
    """One comment read from an export, ready to be stored."""

    thread: ThreadRecord
    key: str
    parent_key: str | None
    author_name: str
    author_email: str
    # Markdown, as a commenter would have typed it here.
    body: str
    created_at: datetime
    status: CommentStatus

    def source_id(self, source_format: str) -> str:
        """The id stored on the imported comment: the same comment always gets the same one."""
        return source_id(source_format, self.thread.key, self.key)

    def parent_source_id(self, source_format: str) -> str | None:
        """The source id of the comment this one replies to, if any."""
        if self.parent_key is None:
            return None
        return source_id(source_format, self.thread.key, self.parent_key)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of the file that is not a reader's comment (a pingback, an orphan)."""

    reason: str


def source_id(source_format: str, thread_key: str, comment_key: str) -> str:
    """`format:digest` of the thread and comment keys.

    The thread is part of the key because some sources number comments per thread (Isso's
    generic JSON); the digest keeps it short whatever the source's URLs look like.
    """
    digest = hashlib.sha256(f"{thread_key}\x00{comment_key}".encode()).hexdigest()
    found = f"{source_format}:{digest}"
    assert len(found) <= SOURCE_ID_LENGTH
    return found
