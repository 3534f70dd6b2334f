"""Finding English interface text left on a page that should speak Spanish or Portuguese.

A page is read as a person (and a screen reader) gets it: its text and the attributes that are
read out. Every English message id of the catalogs whose translation differs from it is cut at
its placeholders, and each fragment is looked for as whole words. A few English function words
catch text that was never marked for translation at all.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parents[1] / "moderation" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}|%%")
# Words nearly every English sentence uses; one the translations use themselves (Portuguese
# "for", as in "quando for publicado") proves nothing in that language.
ENGLISH_WORDS = ("the", "and", "your", "with", "this", "of", "to", "is", "by", "for", "on")
READ_OUT = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self.skip += 1
        self.parts.extend(value for name, value in attrs if name in READ_OUT and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def read_out(html: str) -> str:
    """The page's text and read-out attributes, one piece a line."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(" ".join(part.split()) for part in parser.parts if part.strip())


def forms(value: object) -> tuple[str, ...]:
    """A catalog entry's id or string as its forms (one, or singular and plurals)."""
    if isinstance(value, tuple | list):
        return tuple(str(form) for form in value)
    return (str(value or ""),)


@functools.cache
def _catalog(code: str) -> tuple[list[tuple[tuple[str, ...], tuple[str, ...]]], str]:
    """The catalog of `code` as (ids, strings) pairs, and all its translations as one text."""
    with (CATALOGS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=code)
    pairs = [(forms(message.id), forms(message.string)) for message in catalog if message.id]
    theirs = PLACEHOLDER.sub(" ", "\n".join(form for _, strings in pairs for form in strings))
    return pairs, theirs


@functools.cache
def english_fragments(code: str) -> tuple[str, ...]:
    """The English pieces of every message that `code` translates differently."""
    pairs, theirs = _catalog(code)
    fragments: set[str] = set()
    for ids, strings in pairs:
        for english in ids:
            if english in strings:
                continue  # the same in both languages ("Spam", "Error %(status)s")
            for piece in PLACEHOLDER.split(english):
                piece = piece.strip(" .,:;·→()“”")
                if sum(ch.isalpha() for ch in piece) >= 2:
                    fragments.add(piece)
    # A piece the translations use too ("MB", the file name "comments.db") proves nothing.
    return tuple(sorted(piece for piece in fragments if not _whole(piece, theirs)))


def _whole(fragment: str, text: str) -> bool:
    """Whether `fragment` is in `text` as whole words."""
    return re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text) is not None


def english_left(html: str, code: str) -> list[str]:
    """The English interface text still on a page meant to be in `code`."""
    text = read_out(html)
    found = [fragment for fragment in english_fragments(code) if _whole(fragment, text)]
    found += [
        f"word {word!r}"
        for word in ENGLISH_WORDS
        if not _whole(word, _catalog(code)[1].lower())
        and re.search(rf"(?<!\w){word}(?!\w)", text, re.IGNORECASE)
    ]
    return found
