"""Comment bodies as safe HTML: CommonMark without raw HTML or images, then a sanitiser."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

# Raw HTML off at the parser and again at the sanitiser: two independent layers.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr"}
_ATTRIBUTES = {"a": {"href"}}

# Characters that may open a markdown construct. The parser spends tens of microseconds on each
# ("[" tries a link, "*" and "_" emphasis), a hundred times what it spends on a letter, so a body
# made of them costs far more than a comment of the same length. A comment uses a few dozen;
# past this many the body is shown as plain text, and a crafted body costs what a comment costs.
MARKUP = re.compile(r"[\[\]*_<>&\\!`~]")
MARKUP_BUDGET = 200
# Each line may open a block (list item, heading, quote): the same holds for lines.
LINE_BUDGET = 200
_PARAGRAPHS = re.compile(r"\n\s*\n")


def _plain(text: str) -> str:
    """Paragraphs of escaped text, line breaks kept."""
    paragraphs = (part.strip() for part in _PARAGRAPHS.split(text))
    return "".join(
        f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs if part
    )


def render_markdown(text: str) -> str:
    """Render a commenter's markdown to sanitised HTML; links get `rel="nofollow ugc noopener"`."""
    costly = text.count("\n") > LINE_BUDGET or len(MARKUP.findall(text)) > MARKUP_BUDGET
    rendered = _plain(text) if costly else _parser.render(text)
    return nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
