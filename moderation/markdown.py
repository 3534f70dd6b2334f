"""Comment bodies as safe HTML: CommonMark without raw HTML or images, bare addresses made
links, then a sanitiser."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# Characters that may open a markdown construct. The parser spends tens of microseconds on each
# ("[" tries a link, "*" and "_" emphasis), a hundred times what it spends on a letter, so a body
# made of them costs far more than a comment of the same length. A comment uses a few dozen;
# past this many the body is shown as plain text, and a crafted body costs what a comment costs.
MARKUP = re.compile(r"[\[\]*_<>&\\!`~]")
MARKUP_BUDGET = 200
# Each line may open a block (list item, heading, quote): the same holds for lines.
LINE_BUDGET = 200
_PARAGRAPHS = re.compile(r"\n\s*\n")

# A bare web address: "http(s)://" or "www." then a run of characters that are not space, quotes
# or angle brackets. One character class, no nesting: each scan is linear in the text's length,
# and a pattern that starts with a literal is searched for at C speed (an alternation of the two
# would try every position: a hundred times slower on a comment without any address).
_SCHEME_URL = re.compile(r"https?://[^\s<>\"'`]+")
_WWW_URL = re.compile(r"www\.[^\s<>\"'`]+")
# A comment links a handful of pages; past this many, addresses stay text (each link costs the
# renderer and the sanitiser work, and a body of links is spam anyway).
LINK_BUDGET = 50
# Sentence punctuation that follows an address is not part of it ("see https://x.org.").
_TRAILING = ".,;:!?*_~"
_CLOSING = {")": "(", "]": "["}

_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr"}
_ATTRIBUTES = {"a": {"href"}}


def _address_end(candidate: str) -> int:
    """How much of a matched run is the address: trailing punctuation and unbalanced closing
    brackets are left to the sentence. Linear in the run's length."""
    end = len(candidate)
    opened = {opening: candidate.count(opening) for opening in _CLOSING.values()}
    closed = {closing: candidate.count(closing) for closing in _CLOSING}
    while end:
        last = candidate[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _CLOSING and closed[last] > opened[_CLOSING[last]]:
            closed[last] -= 1
            end -= 1
        else:
            break
    return end


def bare_urls(text: str) -> Iterator[tuple[int, int, str]]:
    """`(start, end, href)` of each bare web address in `text`, in order."""
    matches = sorted([*_SCHEME_URL.finditer(text), *_WWW_URL.finditer(text)], key=_start)
    covered = 0
    for match in matches:
        start = match.start()
        if start < covered or (start and text[start - 1].isalnum()):
            continue  # inside an address already found ("https://www..."), or inside a word
        end = start + _address_end(match.group())
        address = text[start:end]
        if "." not in address.split("//", 1)[-1]:
            continue  # "http://" alone, or a host without a dot: not worth a link
        covered = end
        yield start, end, address if "://" in address else f"http://{address}"


def has_bare_url(text: str) -> bool:
    """Whether `text` may hold a bare web address (a cheap test before `bare_urls`)."""
    return "://" in text or "www." in text


def _start(match: re.Match[str]) -> int:
    return match.start()


def _linkify(state: StateCore) -> None:
    """Core rule: bare addresses in text (not in links or code) become links, up to
    `LINK_BUDGET` of them."""
    budget = [LINK_BUDGET]
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            in_link += token.type == "link_open"
            in_link -= token.type == "link_close"
            if token.type != "text" or in_link or not has_bare_url(token.content):
                children.append(token)
                continue
            children.extend(_split_text(token, budget))
        block.children = children


def _split_text(token: Token, budget: list[int]) -> list[Token]:
    pieces: list[Token] = []
    text = token.content
    position = 0
    for start, end, href in bare_urls(text):
        if budget[0] <= 0:
            break
        budget[0] -= 1
        if start > position:
            pieces.append(_text(text[position:start], token.level))
        # The address is http(s) by construction and the sanitiser checks it again; the
        # renderer escapes it. (markdown-it's normalizeLink costs a tenth of a millisecond.)
        opening = Token("link_open", "a", 1, attrs={"href": href}, level=token.level)
        pieces += [opening, _text(text[start:end], token.level + 1)]
        pieces.append(Token("link_close", "a", -1, level=token.level))
        position = end
    if position < len(text):
        pieces.append(_text(text[position:], token.level))
    return pieces


def _text(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


# Raw HTML off at the parser and again at the sanitiser: two independent layers.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
_parser.core.ruler.after("inline", "bare_urls", _linkify)


# Whether a body is more than paragraphs of text to markdown: a character that may open inline
# markup, whitespace other than spaces and newlines, a hard line break, or a line that may open
# a block (heading, quote, list item, setext underline, thematic break, indented code). Three
# real comments in four are none of these; the parser would make paragraphs of them, which
# `_paragraphs` writes in half its time (`test_plain_bodies_render_as_the_parser_does`).
_NOT_PLAIN = re.compile(r"[\[\]*_<>&\\!`~]|[^\S \n]|  \n|^ *(?:[#>+=\-\d]| {4})", re.MULTILINE)


def _paragraphs(text: str, line_break: str) -> str:
    """Paragraphs of escaped text, bare addresses as links (`LINK_BUDGET` in all), each line's
    surrounding spaces dropped and lines joined by `line_break`."""
    budget = LINK_BUDGET
    rendered: list[str] = []
    for part in _PARAGRAPHS.split(text):
        paragraph = "\n".join(line.strip(" ") for line in part.strip().split("\n"))
        if not paragraph:
            continue
        pieces: list[str] = []
        position = 0
        for start, end, href in bare_urls(paragraph):
            if not budget:
                break
            budget -= 1
            pieces.append(html.escape(paragraph[position:start]))
            pieces.append(f'<a href="{html.escape(href)}">{html.escape(paragraph[start:end])}</a>')
            position = end
        pieces.append(html.escape(paragraph[position:]))
        lines = "".join(pieces).replace("\n", line_break)
        rendered.append(f"<p>{lines}</p>\n")
    return "".join(rendered)


def is_plain(text: str) -> bool:
    """Whether markdown would make only paragraphs of text of `text` (`_NOT_PLAIN`)."""
    return not _NOT_PLAIN.search(text)


def render_markdown(text: str) -> str:
    """Render a commenter's markdown to sanitised HTML; links get `rel="nofollow ugc noopener"`."""
    if is_plain(text):
        return _sanitise(_paragraphs(text, "\n"))  # what the parser would write
    if text.count("\n") > LINE_BUDGET or len(MARKUP.findall(text)) > MARKUP_BUDGET:
        return _sanitise(_paragraphs(text, "<br>"))  # shown as plain text, line breaks kept
    return parse_markdown(text)


def parse_markdown(text: str) -> str:
    """`render_markdown` through the parser, whatever the body (no shortcut, no budget)."""
    return _sanitise(_parser.render(text))


def _sanitise(rendered: str) -> str:
    return nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
