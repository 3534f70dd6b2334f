"""The whole loop in a real Chromium: comment, sign in, approve by keyboard, read the thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from models import Article
from tests.browser.conftest import needs_chromium
from tests.factories import Factory

pytestmark = needs_chromium


@pytest.fixture
def article(factory: Factory) -> Article:
    return factory.article(slug="presupuesto", language="es")


@pytest.fixture
def live_server(app: Flask, factory: Factory, article: Article) -> Iterator[str]:
    """The app served on a free localhost port in a thread, with an article and a moderator."""
    factory.moderator(email="mod@example.org", password="correct horse", languages="es")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh page in a context of its own; fails the test on any console error."""
    from playwright.sync_api import ConsoleMessage

    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # A 422 is the form answering bad input, which a test provokes on purpose.
        if message.type == "error" and "422" not in message.text:
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def sign_in(page: Any) -> None:
    """Fill in the login form the page shows and land on the queue."""
    page.fill("#email", "mod@example.org")
    page.fill("#password", "correct horse")
    page.click("button[type=submit]")
    page.wait_for_url("**/queue/")


def test_comment_is_moderated_by_keyboard_and_published(page: Any) -> None:
    page.goto("/articles/presupuesto")
    page.fill("#name", "Lucía")
    page.fill("#email", "lucia.browser@example.org")
    page.fill("#body", "Un comentario *escrito* en el navegador.")
    page.click("button[type=submit]")
    assert "awaiting moderation" in page.inner_text(".flash")
    assert "escrito" not in page.inner_text("#comments")

    page.goto("/queue/")
    sign_in(page)
    assert "lucia.browser@example.org" in page.inner_text(".queue")
    page.keyboard.press("a")
    page.wait_for_selector(".flash")
    assert "approved" in page.inner_text(".flash")
    assert page.locator(".queue .item").count() == 0

    page.goto("/articles/presupuesto")
    assert page.inner_html("#comments .body").strip() == (
        "<p>Un comentario <em>escrito</em> en el navegador.</p>"
    )
    assert "lucia.browser@example.org" not in page.content()


def test_invalid_form_keeps_the_text_in_the_browser(page: Any) -> None:
    page.goto("/articles/presupuesto")
    page.fill("#name", "Lucía")
    page.fill("#email", "not-an-email")
    page.fill("#body", "Texto que no quiero perder")
    page.click("button[type=submit]")
    assert page.input_value("#body") == "Texto que no quiero perder"
    assert "does not look like an email" in page.inner_text("#email-error")


def test_bulk_select_all_and_apply(page: Any, factory: Factory, article: Article) -> None:
    # Commenting in the browser has its own test; here the comments are simply there.
    for n in range(3):
        factory.comment(article, body=f"Comentario número {n} sobre el presupuesto")
    page.goto("/login")
    sign_in(page)
    page.check("#select-all")
    page.select_option("select[name=action]", "reject")
    page.click(".bulk button[type=submit]")
    assert "3 comments: rejected" in page.inner_text(".flash")


def test_likely_spam_is_marked_filtered_and_sorted_with_reasons_in_words(
    page: Any, factory: Factory, article: Article
) -> None:
    factory.comment(article, body="Comentario tranquilo sobre el presupuesto.")
    factory.comment(
        article,
        body="Texto sospechoso sin enlaces.",
        spam_score=0.93,
        likely_spam=True,
        reasons=[
            {
                "check": "spam",
                "code": "spam.score",
                "params": {"score": 0.93, "verdict": "likely"},
                "flag": True,
                "unclassified": False,
                "evidence": False,
            }
        ],
    )
    # Through the form: a scam with a spam-specific signal goes to the spam folder, with reasons.
    page.goto("/articles/presupuesto")
    page.fill("#name", "Promo")
    page.fill("#email", "promo@example.org")
    page.fill(
        "#body",
        "Gané $5.000 en una semana con la plataforma de inversión de la señora Carmen. "
        "Escríbele al WhatsApp +52 55 4321 8765",
    )
    page.click("button[type=submit]")
    page.goto("/login")
    sign_in(page)
    page.click("text=Spam")
    page.wait_for_url("**/queue/spam")
    reasons = page.inner_text(".queue .reasons")
    assert "Offers a phone or WhatsApp number" in reasons
    assert "fake investment or fund-recovery testimonial" in reasons
    assert page.locator(".queue .reasons .evidence").count() >= 2

    page.goto("/queue/")
    assert page.locator(".badge.likely-spam").count() == 1
    items = page.locator(".queue .item")
    assert "Comentario tranquilo" in items.nth(0).inner_text()  # oldest first
    page.click("text=likely spam first")
    assert "Texto sospechoso" in page.locator(".queue .item").nth(0).inner_text()
    page.click("text=only likely spam")
    assert page.locator(".queue .item").count() == 1
    assert "Likely spam" in page.inner_text(".queue .item")
    page.click("text=hide likely spam")
    assert page.locator(".queue .item").count() == 1
    assert "Comentario tranquilo" in page.inner_text(".queue .item")
