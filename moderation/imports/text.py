"""Turning other systems' comment text, dates and addresses into ours."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from models import SLUG_LENGTH

_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4"})
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}


class _Markdown(HTMLParser):
    """Collects comment HTML as markdown: links, emphasis, paragraphs, quotes, code."""

    def __init__(self, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts: list[str] = []
        # Each open link: its address (None if not http) and where its text starts in `parts`.
        self.links: list[tuple[str | None, int]] = []
        self.quote = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._block()
            if tag == "blockquote":
                self.quote += 1
            elif tag == "pre":
                self.pre += 1
                self.parts.append("```\n")
            elif tag == "li":
                self.parts.append("- ")
        elif tag in _EMPHASIS:
            self.parts.append(_EMPHASIS[tag])
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            safe = href if href.startswith(("http://", "https://")) else None
            if safe:
                self.parts.append("[")
            self.links.append((safe, len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            if tag == "pre" and self.pre:
                self.pre -= 1
                self.parts.append("\n```")
            if tag == "blockquote" and self.quote:
                self.quote -= 1
            self._block()
        elif tag in _EMPHASIS:
            self.parts.append(_EMPHASIS[tag])
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            if not href:
                return
            text = "".join(self.parts[start:])
            if text in (href, href.removeprefix("http://")):
                # A bare address made a link (as Tertulia and WordPress show them): kept bare.
                del self.parts[start - 1]
            else:
                self.parts.append(f"]({href})")

    def handle_data(self, data: str) -> None:
        if not (self.keep_newlines or self.pre):
            # HTML whitespace, line breaks included, is one space.
            data = _SPACES.sub(" ", data)
        if not self.pre and (not self.parts or self.parts[-1].endswith("\n")):
            data = data.lstrip(" ")
        if self.quote:
            data = data.replace("\n", "\n" + "> " * self.quote)
            if not self.parts or self.parts[-1].endswith("\n"):
                data = "> " * self.quote + data.lstrip()
        self.parts.append(data)

    def _block(self) -> None:
        self.parts.append("\n\n")

    def markdown(self) -> str:
        lines = "".join(self.parts).replace("\r\n", "\n").split("\n")
        text = "\n".join(line.rstrip() if line.strip() else "" for line in lines)
        return _BLANK_LINES.sub("\n\n", text).strip()


def html_to_markdown(html: str, keep_newlines: bool = False) -> str:
    """Comment HTML as markdown. WordPress keeps line breaks in its text (`keep_newlines`).

    Tags other than links, emphasis, paragraphs, lists, quotes and code are dropped, their
    text kept; links other than http(s) keep only their text. Linear in the input's length.
    """
    parser = _Markdown(keep_newlines)
    parser.feed(html)
    parser.close()
    return parser.markdown()


def slugify(text: str) -> str:
    """A slug for `text`: ASCII letters, digits, '.', '_' and '-' ("" when nothing is left)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub("-", folded).strip("-._")[:SLUG_LENGTH].strip("-._")


def slug_from_url(url: str) -> str:
    """A slug from an article address: its path, plus its query (`?p=4` -> `p-4`)."""
    parts = urlsplit(url)
    return slugify(f"{parts.path} {parts.query}")


def normalize_url(url: str) -> str:
    """An address compared loosely: case-folded scheme and host, no fragment or final '/'."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def is_absolute(url: str | None) -> bool:
    """Whether `url` is an http(s) address (not a bare path as Isso keeps them)."""
    return bool(url) and str(url).startswith(("http://", "https://"))


def utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC time; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_datetime(value: str) -> datetime | None:
    """`2014-01-14 17:32:12`, ISO 8601 (`...T...Z`) or None; WordPress' zero date is None."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return utc(datetime.fromisoformat(value))
    except ValueError:
        return None
