"""The embed script on another site's page, in a real Chromium: read, fail, fix, post."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from models import BODY_LENGTH, Comment, CommentStatus
from moderation.extensions import db
from moderation.threads import DEFAULT_PAGE
from tests.browser.conftest import needs_chromium
from tests.factories import Factory
from tests.faults.outage import Outage

pytestmark = needs_chromium


@contextlib.contextmanager
def embedding(app: Flask, tmp_path: Path) -> Iterator[str]:
    """A news site on one origin embedding `app`, served from another; yields the page URL."""
    news = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path)),
    )
    app.config["TERTULIA_EMBED_ORIGINS"] = (f"http://127.0.0.1:{news.server_port}",)
    tertulia = make_server("localhost", 0, app, threaded=True)
    (tmp_path / "nota.html").write_text(
        '<!doctype html><html lang="es"><head>'
        '<meta name="description" content="El presupuesto de salud baja un 10%.">'
        "</head><body><h1>Nota</h1>"
        '<div data-tertulia-article="presupuesto"></div>'
        f'<script src="http://localhost:{tertulia.server_port}/static/embed.js"></script>'
        "</body></html>",
        encoding="utf-8",
    )
    servers = [news, tertulia]
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    try:
        yield f"http://127.0.0.1:{news.server_port}/nota.html"
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def sites(app_factory: Any, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The embedding page and the application, with one published comment."""
    app = app_factory()
    with app.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="presupuesto", language="es")
        factory.comment(article, body="Un comentario *publicado*", status=CommentStatus.APPROVED)
    with embedding(app, tmp_path) as page_url:
        yield page_url, app


def test_embedded_comments_on_another_site(browser: Any, sites: tuple[str, Any]) -> None:
    page_url, app = sites
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(page_url)
        page.wait_for_selector(".tertulia-comment")
        assert (
            page.inner_html(".tertulia-body").strip() == "<p>Un comentario <em>publicado</em></p>"
        )
        assert page.inner_text("h2") == "Comentarios"  # the page is Spanish
        # The form's limits come from the server, which keeps them in one place.
        assert page.get_attribute("textarea[name=body]", "maxlength") == str(BODY_LENGTH)

        page.fill("input[name=name]", "Lucía")
        page.fill("input[name=email]", "lucia-sin-arroba")
        page.fill("textarea[name=body]", "Desde el sitio de noticias")
        page.click(".tertulia-form button[type=submit]")
        page.wait_for_selector("[aria-invalid=true]")
        # The page is Spanish: so are the server's messages, under the field and in the summary.
        assert "no parece una dirección de correo" in page.inner_text(".tertulia-form")
        assert page.evaluate("document.activeElement.className") == "tertulia-summary"
        assert page.input_value("textarea[name=body]") == "Desde el sitio de noticias"

        page.fill("input[name=email]", "lucia@example.org")
        # The two opt-ins speak the page's language; Lucía wants to hear about replies only.
        assert "Avísenme por correo" in page.inner_text(".tertulia-notify legend")
        page.click("label >> text=cuando alguien le responda")
        page.click(".tertulia-comment .tertulia-link")  # reply to the published comment
        with page.expect_request(lambda request: request.method == "POST") as sent:
            page.click(".tertulia-form button[type=submit]")
        # The page's meta description goes along: the spam filter's topic for this comment.
        payload = sent.value.post_data_json
        assert payload is not None
        assert payload["page_description"] == "El presupuesto de salud baja un 10%."
        assert payload["notify_replies"] is True and payload["notify_published"] is False
        page.wait_for_function("document.querySelector('.tertulia-status').textContent.length > 0")
        assert "espera moderación" in page.inner_text(".tertulia-status")
    finally:
        context.close()

    with app.app_context():
        stored = db.session.scalar(select(Comment).where(Comment.author_name == "Lucía"))
        assert stored is not None and stored.status is CommentStatus.PENDING
        assert stored.page_language == "es" and stored.parent_id is not None
        assert stored.notify_replies and not stored.notify_published


def test_the_embed_loads_more_comments_on_demand(
    browser: Any, app_factory: Any, tmp_path: Path
) -> None:
    app = app_factory()
    with app.app_context():
        factory = Factory(db.session)
        factory.thread(factory.article(slug="presupuesto", language="es"), DEFAULT_PAGE + 3)
    with embedding(app, tmp_path) as page_url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(page_url)
            page.wait_for_selector(".tertulia-comment")
            assert page.locator(".tertulia-comment").count() == DEFAULT_PAGE
            page.click("text=Más comentarios")
            page.wait_for_function(
                f"document.querySelectorAll('.tertulia-comment').length === {DEFAULT_PAGE + 3}"
            )
            assert page.is_hidden(".tertulia-more")
            assert page.inner_text(".tertulia-comment >> nth=-1").endswith(
                f"Root {DEFAULT_PAGE + 2}"
            )
        finally:
            context.close()


def test_the_embed_keeps_the_text_while_the_database_is_out(
    browser: Any, outage: tuple[Flask, Outage], tmp_path: Path
) -> None:
    app, fault = outage
    with app.app_context():
        Factory(db.session).article(slug="presupuesto", language="es")
    with embedding(app, tmp_path) as page_url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(page_url)
            page.wait_for_selector(".tertulia-form")
            page.fill("input[name=name]", "Lucía")
            page.fill("input[name=email]", "lucia@example.org")
            page.fill("textarea[name=body]", "Lo que escribí durante el corte")
            with fault.during():
                page.click(".tertulia-form button[type=submit]")
                page.wait_for_selector("text=Ahora no se pueden guardar comentarios")
            assert page.input_value("textarea[name=body]") == "Lo que escribí durante el corte"
            page.click(".tertulia-form button[type=submit]")
            page.wait_for_selector("text=espera moderación")
        finally:
            context.close()
    with app.app_context():
        assert db.session.scalar(select(Comment.body)) == "Lo que escribí durante el corte"
