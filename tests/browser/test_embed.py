"""The embed script on another site's page, in a real Chromium: read, fail, fix, post."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from models import BODY_LENGTH, Comment, CommentStatus
from moderation.extensions import db
from tests.browser.conftest import needs_chromium
from tests.factories import Factory

pytestmark = needs_chromium


@pytest.fixture
def sites(app_factory: Any, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A news site on one origin embedding Tertulia served from another."""
    news = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path)),
    )
    news_origin = f"http://127.0.0.1:{news.server_port}"
    app = app_factory(TERTULIA_EMBED_ORIGINS=(news_origin,))
    with app.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="presupuesto", language="es")
        factory.comment(article, body="Un comentario *publicado*", status=CommentStatus.APPROVED)
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
    yield f"{news_origin}/nota.html", app
    for server in servers:
        server.shutdown()
        server.server_close()


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
        assert "does not look like an email" in page.inner_text(".tertulia-form")
        assert page.input_value("textarea[name=body]") == "Desde el sitio de noticias"

        page.fill("input[name=email]", "lucia@example.org")
        page.click(".tertulia-comment .tertulia-link")  # reply to the published comment
        with page.expect_request(lambda request: request.method == "POST") as sent:
            page.click(".tertulia-form button[type=submit]")
        # The page's meta description goes along: the spam filter's topic for this comment.
        payload = sent.value.post_data_json
        assert payload is not None
        assert payload["page_description"] == "El presupuesto de salud baja un 10%."
        page.wait_for_function("document.querySelector('.tertulia-status').textContent.length > 0")
        assert "espera moderación" in page.inner_text(".tertulia-status")
    finally:
        context.close()

    with app.app_context():
        stored = db.session.scalar(select(Comment).where(Comment.author_name == "Lucía"))
        assert stored is not None and stored.status is CommentStatus.PENDING
        assert stored.page_language == "es" and stored.parent_id is not None
