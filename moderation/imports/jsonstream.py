"""Reading a big JSON array one element at a time, with the line of every element.

The standard library parses whole documents only; this reads the file in chunks and decodes
each element of the top-level array as soon as it is complete, so memory holds one element
(in Isso's generic format, one thread) plus a chunk, never the whole file.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from moderation.imports.records import MalformedFile

CHUNK = 1 << 16
MAX_ELEMENT = 64 << 20  # characters of one element before the file is refused
_WHITESPACE = " \t\n\r"
# How close to the end of what has been read a decoding error may be an element cut in two.
_CUT = 16


class _Reader:
    """A growing window on the file, with the line number of any position in it."""

    def __init__(self, path: Path, progress: Callable[[int, int], None] | None) -> None:
        try:
            self.handle = path.open("rb")
        except OSError as error:
            raise MalformedFile("unreadable", reason=error.strerror or str(error)) from error
        self.size = path.stat().st_size
        self.read_bytes = 0
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.progress = progress
        # Line of buffer[line_pos], advanced lazily so that counting stays linear.
        self.line = 1
        self.line_pos = 0

    def line_at(self, pos: int) -> int:
        """The line of buffer position `pos` (never before the last one asked)."""
        self.line += self.buffer.count("\n", self.line_pos, pos)
        self.line_pos = pos
        return self.line

    def more(self, at_least: int = CHUNK) -> bool:
        """Read at least `at_least` more bytes (or to the end); False at the end of the file."""
        if self.eof:
            return False
        # Drop what has been consumed, keeping the line count right.
        self.line_at(self.pos)
        self.buffer = self.buffer[self.pos :]
        self.line_pos -= self.pos
        self.pos = 0
        raw = self.handle.read(max(at_least, CHUNK))
        self.read_bytes += len(raw)
        try:
            self.buffer += self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as error:
            raise MalformedFile("not_utf8", f"line {self.line_at(len(self.buffer))}") from error
        if self.progress:
            self.progress(self.read_bytes, self.size)
        if not raw:
            self.eof = True
        return True

    def skip_whitespace(self) -> str | None:
        """The next character that is not whitespace (not consumed); None at the end."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return None

    def where(self) -> str:
        return f"line {self.line_at(self.pos)}"


def iter_array(
    path: Path, progress: Callable[[int, int], None] | None = None
) -> Iterator[tuple[Any, int]]:
    """Yield `(element, line)` for each element of the JSON array in `path`.

    Raises `MalformedFile` naming the line of the first problem.
    """
    reader = _Reader(path, progress)
    decoder = json.JSONDecoder()
    with reader.handle:
        if reader.skip_whitespace() != "[":
            raise MalformedFile("json_not_array", reader.where())
        reader.pos += 1
        first = True
        while True:
            found = reader.skip_whitespace()
            if found is None:
                raise MalformedFile("json_syntax", reader.where(), reason="the array is not closed")
            if found == "]":
                reader.pos += 1
                if reader.skip_whitespace() is not None:
                    raise MalformedFile("json_trailing", reader.where())
                return
            if not first:
                if found != ",":
                    raise MalformedFile("json_syntax", reader.where(), reason="expected ',' or ']'")
                reader.pos += 1
                if reader.skip_whitespace() is None:
                    raise MalformedFile("json_syntax", reader.where(), reason="unexpected end")
            first = False
            yield _decode(reader, decoder)


def _decode(reader: _Reader, decoder: json.JSONDecoder) -> tuple[Any, int]:
    """Decode the element at the reader's position, reading more while it is cut short."""
    while True:
        try:
            value, end = decoder.raw_decode(reader.buffer, reader.pos)
        except json.JSONDecodeError as error:
            cut = error.pos >= len(reader.buffer) - _CUT or error.msg.startswith("Unterminated")
            if cut and not reader.eof:
                if len(reader.buffer) - reader.pos > MAX_ELEMENT:
                    raise MalformedFile(
                        "json_too_large", reader.where(), limit=MAX_ELEMENT >> 20
                    ) from error
                # Doubling what is read keeps re-decoding a long element linear overall.
                reader.more(len(reader.buffer) - reader.pos)
                continue
            line = reader.line_at(reader.pos) + reader.buffer.count("\n", reader.pos, error.pos)
            raise MalformedFile("json_syntax", f"line {line}", reason=error.msg) from error
        # An element ending exactly at the window's edge may be a number cut in two.
        if end >= len(reader.buffer) and not reader.eof:
            reader.more()
            continue
        line = reader.line_at(reader.pos)
        reader.pos = end
        return value, line
