"""The reader's path in Spanish and Portuguese, on a desktop and on a 390x844 phone, in Chromium:
reply, make a mistake, fix it, send; on Tertulia's own page and through the embed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import Comment, CommentStatus
from moderation.extensions import db
from tests.browser.conftest import needs_chromium, serving, static_site
from tests.english import english_left
from tests.factories import Factory

pytestmark = needs_chromium

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
WORDS = {
    "es": {
        "reply": "Responder",
        "replying": "Respondiendo a Lucía · cancelar",
        "email": "Esto no parece una dirección de correo electrónico.",
        "summary": "Revisa el comentario",
        "sent": "¡Gracias! Tu comentario espera moderación.",
    },
    "pt": {
        "reply": "Responder",
        "replying": "Respondendo a Lucía · cancelar",
        "email": "Isto não parece um endereço de e-mail.",
        "summary": "Revise o comentário",
        "sent": "Obrigado! Seu comentário aguarda moderação.",
    },
}
# A word and an address longer than a phone is wide: they must wrap, not widen the page.
LONG = "Supercalifragilisticoespialidoso" * 3 + " https://datos.gob.pe/" + "anexo/" * 20


@pytest.fixture
def site(app_factory: Any, tmp_path: Path) -> Iterator[tuple[str, str, Any]]:
    """Tertulia with a Spanish and a Portuguese article, and a news site embedding them."""
    with static_site(tmp_path) as news:
        app = app_factory(TERTULIA_EMBED_ORIGINS=(news,))
        with app.app_context():
            factory = Factory(db.session)
            for code in ("es", "pt"):
                title = {"es": "Presupuesto abierto", "pt": "Orçamento aberto"}[code]
                article = factory.article(slug=f"nota-{code}", language=code, title=title)
                factory.comment(
                    article, author_name="Lucía", body=LONG, status=CommentStatus.APPROVED
                )
        with serving(app) as tertulia:
            for lang in ("es", "pt", "x-klingon"):
                slug = "nota-es" if lang == "x-klingon" else f"nota-{lang}"
                (tmp_path / f"{lang}.html").write_text(
                    f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width, initial-scale=1">'
                    "<title>Nota</title></head><body><main><h1>Nota</h1>"
                    f'<div data-tertulia-article="{slug}"></div></main>'
                    f'<script src="{tertulia}/static/embed.js" defer></script></body></html>',
                    encoding="utf-8",
                )
            yield tertulia, news, app


@pytest.fixture(params=list(VIEWPORTS))
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def settle(page: Any) -> None:
    """Wait for a new page to load and for its `autofocus` to take effect (the browser focuses
    at its next rendering step, after the load)."""
    page.wait_for_load_state()
    # Polled with evaluate: wait_for_function evaluates a string, which the pages' CSP forbids.
    for _ in range(100):
        if page.evaluate("() => document.activeElement !== document.body"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("nothing took the focus within 5 s")


def focused(page: Any) -> str:
    """What has the focus: its id, else its class."""
    result: str = page.evaluate("document.activeElement.id || document.activeElement.className")
    return result


def in_view(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 100) <= height


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def stored_reply(app: Any) -> Comment:
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.author_name == "Ana"))
        assert comment is not None
        return comment


@pytest.mark.parametrize("code", ["es", "pt"])
def test_the_readers_path_on_the_article_page(
    page: Any, site: tuple[str, str, Any], code: str
) -> None:
    tertulia, _news, app = site
    words = WORDS[code]
    page.goto(f"{tertulia}/articles/nota-{code}")
    assert fits(page)  # long words and addresses wrap
    page.click(f"#comments a.reply >> text={words['reply']}")
    settle(page)
    assert page.inner_text("#replying") == words["replying"]
    assert focused(page) == "body"  # straight to writing

    page.fill("#name", "Ana")
    page.fill("#email", "ana-sin-arroba")
    page.fill("#body", "Gracias por la nota.")
    page.click("#comment-form button[type=submit]")
    settle(page)
    # A summary at the top of the form takes the focus and links to each field.
    assert "error-summary" in focused(page) and in_view(page, ".error-summary")
    assert page.inner_text(".error-summary h3") == words["summary"]
    assert page.inner_text("#email-error") == words["email"]
    assert page.input_value("#name") == "Ana" and page.input_value("#email") == "ana-sin-arroba"
    assert page.input_value("#body") == "Gracias por la nota."
    assert page.inner_text("#replying") == words["replying"]  # still replying to Lucía
    page.click(f".error-summary a >> text={words['email']}")
    assert focused(page) == "email"

    page.fill("#email", "ana@example.org")
    page.click("#comment-form button[type=submit]")
    settle(page)
    # The confirmation is where the reader is looking, focused, announced; the form is empty.
    confirmation = ".confirmation[role=status]"
    assert words["sent"] in page.inner_text(confirmation)
    assert "confirmation" in focused(page) and in_view(page, confirmation)
    assert [page.input_value(f"#{name}") for name in ("name", "email", "body")] == ["", "", ""]
    assert english_left(page.content(), code) == []
    assert stored_reply(app).parent_id is not None and fits(page)


@pytest.mark.parametrize("code", ["es", "pt"])
def test_the_readers_path_through_the_embed(
    page: Any, site: tuple[str, str, Any], code: str
) -> None:
    _tertulia, news, app = site
    words = WORDS[code]
    page.goto(f"{news}/{code}.html")
    page.wait_for_selector(".tertulia-comment")
    assert fits(page)
    page.click(f".tertulia-comment button >> text={words['reply']}")
    assert page.inner_text(".tertulia-replying") == words["replying"]
    assert focused(page).endswith("-body")

    page.fill("input[name=name]", "Ana")
    page.fill("input[name=email]", "ana-sin-arroba")
    page.fill("textarea[name=body]", "Gracias por la nota.")
    page.click(".tertulia-form button[type=submit]")
    page.wait_for_selector(".tertulia-summary:not([hidden])")
    assert focused(page) == "tertulia-summary" and in_view(page, ".tertulia-summary")
    assert page.inner_text(".tertulia-summary h4") == words["summary"]
    assert page.inner_text(f"#tertulia-nota-{code}-email-error") == words["email"]
    assert page.input_value("textarea[name=body]") == "Gracias por la nota."
    page.click(f".tertulia-summary a >> text={words['email']}")
    assert focused(page).endswith("-email")

    page.fill("input[name=email]", "ana@example.org")
    page.click(".tertulia-form button[type=submit]")
    page.wait_for_selector(".tertulia-status p")
    assert page.inner_text(".tertulia-status") == words["sent"]
    assert focused(page) == "tertulia-status" and in_view(page, ".tertulia-status")
    assert page.input_value("textarea[name=body]") == "" and page.is_hidden(".tertulia-replying")
    assert english_left(page.inner_html("[data-tertulia-article]"), code) == []
    assert stored_reply(app).parent_id is not None


def test_an_unusual_page_language_falls_back_and_still_posts(
    browser: Any, site: tuple[str, str, Any]
) -> None:
    _tertulia, news, app = site
    context = browser.new_context(locale="fr-FR")  # nothing we speak: the site default
    try:
        page = context.new_page()
        page.goto(f"{news}/x-klingon.html")
        page.wait_for_selector(".tertulia-form")
        # The article nota-es is Spanish: the embed speaks it whatever the page says.
        assert page.inner_text(".tertulia h2") == "Comentarios"
        page.fill("input[name=name]", "Ana")
        page.fill("input[name=email]", "ana@example.org")
        page.fill("textarea[name=body]", "Un comentario desde una página rara.")
        page.click(".tertulia-form button[type=submit]")
        page.wait_for_selector(".tertulia-status p")
    finally:
        context.close()
    assert stored_reply(app).page_language is None
