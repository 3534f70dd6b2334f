"""Comment bodies as safe HTML: CommonMark without raw HTML or images, then a sanitiser."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Raw HTML off at the parser and again at the sanitiser: two independent layers.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr"}
_ATTRIBUTES = {"a": {"href"}}


def render_markdown(text: str) -> str:
    """Render a commenter's markdown to sanitised HTML; links get `rel="nofollow ugc noopener"`."""
    return nh3.clean(
        _parser.render(text),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
