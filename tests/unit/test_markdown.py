"""Comment markdown renders to safe HTML."""

from __future__ import annotations

import html as html_module
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.markdown import is_plain, parse_markdown, render_markdown
from moderation.spam import corpora

EVENT_HANDLER_IN_TAG = re.compile(r"<[^>]*\son\w+=")


def test_formatting_survives() -> None:
    html = render_markdown("**bold** and *em*\n\n> quoted\n\n- one\n- two")
    for tag in ("<strong>bold</strong>", "<em>em</em>", "<blockquote>", "<li>one</li>"):
        assert tag in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="https://e.example" onclick="alert(1)">x</a>',
        "<iframe src=https://e.example></iframe>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_active_content_never_renders(attack: str) -> None:
    html = render_markdown(attack).lower()
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in html
    assert not EVENT_HANDLER_IN_TAG.search(html)
    assert 'href="javascript' not in html
    assert 'href="data:' not in html


def test_links_are_marked_user_generated() -> None:
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


def test_a_body_made_of_markup_is_shown_as_plain_text() -> None:
    # "[" and "*" each cost the parser tens of microseconds; thousands of them are an attack.
    crafted = "[" * 3000 + "\n\n<script>alert(1)</script> **not bold**"
    html = render_markdown(crafted)
    assert html.startswith("<p>[[[") and "<strong>" not in html and "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>bold</strong>" in render_markdown("a **bold** move, [see](https://x.org)")


def test_crafted_markup_costs_what_a_comment_costs() -> None:
    """These took 60-135 ms before the markup budget (issue 12); generous bound for a busy CI."""
    for unit in ("[", "*a", "a_", "![", "[a](", "- a\n", "# a\n"):
        body = (unit * 5000)[:5000]
        started = time.process_time()
        render_markdown(body)
        assert time.process_time() - started < 0.03, unit


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Los datos: https://datos.gob.pe/presupuesto.", ["https://datos.gob.pe/presupuesto"]),
        ("(ver https://es.wikipedia.org/wiki/Lima_(Perú))", ["https://es.wikipedia.org/wiki/Lima_(Perú)"]),
        ("en www.gob.pe, y ya", ["http://www.gob.pe"]),
        ("https://a.org y https://b.org/x?q=1&r=2!", ["https://a.org", "https://b.org/x?q=1&r=2"]),
        ("[el portal](https://a.org) y https://a.org", ["https://a.org", "https://a.org"]),
        ("`https://code.example` no", []),
        ("sin enlace: http:// ni nohttp://x.org ni awww.x.org", []),
        ("javascript:alert(1)//https ni data:text/html,https://x.org", ["https://x.org"]),
    ],
)  # fmt: skip
def test_bare_addresses_become_links(text: str, links: list[str]) -> None:
    html = render_markdown(text)
    found = re.findall(r'<a href="([^"]+)" rel="nofollow ugc noopener noreferrer">', html)
    assert [html_module.unescape(href) for href in found] == links
    assert "javascript:" not in "".join(found)


def test_bare_addresses_are_linked_in_a_body_shown_as_plain_text() -> None:
    body = "*" * 300 + "\n\nVer https://datos.gob.pe/x <b>."
    html = render_markdown(body)
    assert '<a href="https://datos.gob.pe/x" rel="nofollow ugc noopener noreferrer">' in html
    assert "&lt;b&gt;" in html


def test_a_body_of_addresses_costs_what_a_comment_costs() -> None:
    """Links are made for the first 50 addresses only; generous bound for a busy CI."""
    for unit in ("http://", "www.", "https://a.b/", "(http://x.y) ", "Ver https://x.org y "):
        body = (unit * 5000)[:5000]
        started = time.process_time()
        html = render_markdown(body)
        assert time.process_time() - started < 0.05, unit
        assert html.count("<a ") <= 50


# What bodies are made of: lines that may start a block (indent, list, heading, quote, fence,
# underline) or be blank, made of text (words, punctuation, spaces, addresses) and, in half of
# the bodies, inline openers, entities and odd whitespace too.
_STARTS = ["", "", "", " ", "    ", "1. ", "2) ", "- ", "+ ", "# ", "> ", "~~~", "```", "==", "---"]
_TEXT = [*"ab é1.,:;?¡'\"()-#+=/%@", " ", "  ", "https://a.org/x", "www.b.org"]
_OPENERS = [*"*_>`\\!~", "\t", "\r\n", "\u00a0", "&amp;", "[x](y)", "<b>"]


def _bodies(pieces: list[str]) -> st.SearchStrategy[str]:
    line = st.tuples(st.sampled_from(_STARTS), st.lists(st.sampled_from(pieces), max_size=8))
    return st.lists(line.map(lambda parts: parts[0] + "".join(parts[1])), max_size=6).map("\n".join)


def test_plain_bodies_render_as_the_parser_does(hypothesis_home: None) -> None:
    """Bodies that are only paragraphs of text skip the parser; the HTML must not change."""

    @settings(max_examples=800, deadline=None, derandomize=True, database=None)
    @given(st.one_of(_bodies(_TEXT), _bodies(_TEXT + _OPENERS)))
    def same_html(body: str) -> None:
        assert render_markdown(body) == parse_markdown(body)

    same_html()


@pytest.mark.parametrize(
    "body",
    [
        "Texto.\n\n    código", "    código", "\tcódigo", "1. uno", "10) diez", "- uno", "+ uno",
        "# título", "> cita", "~~~\nx\n~~~", "```\nx\n```", "Título\n==", "Título\n---",
        "línea  \nquebrada", "línea\\\nquebrada", "a\r\nb", "a\u00a0b", "*a*", "_a_", "`c`",
        "[x](https://a.org)", "<b>a</b>", "&amp; &lt;", "Mira https://a.org/x.\n\nwww.b.org",
        "  con sangría \n  y espacios  \n\n\n otro párrafo ",
    ],
)  # fmt: skip
def test_every_markdown_opener_renders_as_the_parser_does(body: str) -> None:
    assert render_markdown(body) == parse_markdown(body)


def test_real_comments_render_as_the_parser_does() -> None:
    bodies = [example.text for example in corpora.comments()]
    assert sum(map(is_plain, bodies)) > len(bodies) / 2  # most of them take the shortcut
    for body in bodies:
        assert render_markdown(body) == parse_markdown(body), body
