"""Commenters use the real form, CSRF token included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import FIELD_LIMITS, Article, Comment, CommentStatus
from moderation.extensions import db
from tests.conftest import csrf_token
from tests.factories import Factory


@pytest.fixture
def article(factory: Factory) -> Article:
    # An English article: its page speaks English (tests/web/test_i18n.py has the others).
    return factory.article(slug="presupuesto", language="en")


def post(client: FlaskClient, slug: str, **fields: str) -> Any:
    token = csrf_token(client, f"/articles/{slug}")
    return client.post(f"/articles/{slug}", data={"csrf_token": token, **fields})


def comments(app: Flask) -> list[Comment]:
    with app.app_context():
        return list(db.session.scalars(select(Comment)))


def test_index_lists_articles(client: FlaskClient, article: Article) -> None:
    page = client.get("/").get_data(as_text=True)
    assert article.title in page and "/articles/presupuesto" in page


def test_article_page_shows_the_published_thread_only(
    client: FlaskClient, factory: Factory, article: Article
) -> None:
    root = factory.comment(article, body="Primer **comentario**", status=CommentStatus.APPROVED)
    factory.comment(article, body="Una respuesta", status=CommentStatus.APPROVED, parent_id=root.id)
    factory.comment(article, body="Esperando moderación")
    factory.comment(article, body="Compre ya", status=CommentStatus.SPAM)
    page = client.get("/articles/presupuesto").get_data(as_text=True)
    assert "Primer <strong>comentario</strong>" in page
    assert "Una respuesta" in page
    assert "Esperando moderación" not in page and "Compre ya" not in page
    assert root.author_email not in page
    assert '<html lang="en">' in page


def test_valid_comment_redirects_with_awaiting_moderation(
    client: FlaskClient, app: Flask, article: Article
) -> None:
    response = post(
        client,
        "presupuesto",
        name="Lucía",
        email="lucia@example.org",
        body="¡Muy útil, gracias!",
        page_language="es",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/articles/presupuesto")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # Where the reader is looking (the form), focused and announced.
    confirmation = re.search(
        r'<div class="flash success confirmation"([^>]*)>(.*?)</div>', page, re.S
    )
    assert confirmation is not None and "awaiting moderation" in confirmation.group(2)
    assert 'role="status"' in confirmation.group(1) and "autofocus" in confirmation.group(1)
    assert page.index("confirmation") > page.index('id="comment-form"')
    assert 'value=""' in page and "</textarea>" in page and "¡Muy útil" not in page
    (stored,) = comments(app)
    assert stored.status is CommentStatus.PENDING and stored.page_language == "es"
    assert "¡Muy útil, gracias!" not in page  # not published until a moderator approves it
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "awaiting moderation" not in again  # said once


def test_invalid_comment_keeps_what_was_typed(
    client: FlaskClient, app: Flask, article: Article
) -> None:
    response = post(
        client, "presupuesto", name="Lucía", email="lucia-at-example", body="Mi opinión <b>x</b>"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This does not look like an email address." in page
    # A summary at the top of the form links to the field and takes focus; the message stays
    # under the field too.
    summary = re.search(r'<div class="error-summary"([^>]*)>(.*?)</div>', page, re.S)
    assert summary is not None and "autofocus" in summary.group(1)
    assert '<a href="#email">This does not look like an email address.</a>' in summary.group(2)
    assert '<span class="error" id="email-error">This does not look' in page
    assert 'value="Lucía"' in page and 'value="lucia-at-example"' in page
    assert "Mi opinión &lt;b&gt;x&lt;/b&gt;</textarea>" in page
    assert comments(app) == []


def test_the_form_announces_the_limits_the_server_keeps(
    client: FlaskClient, article: Article
) -> None:
    page = client.get("/articles/presupuesto").get_data(as_text=True)
    for name in ("name", "email", "body"):
        assert re.search(rf'name="{name}"[^>]* maxlength="{FIELD_LIMITS[name]}"', page), name
    too_long = "x" * (FIELD_LIMITS["name"] + 1)
    response = post(client, "presupuesto", name=too_long, email="ana@example.org", body="Hola")
    assert response.status_code == 422
    assert f"at most {FIELD_LIMITS['name']} characters" in response.get_data(as_text=True)


def test_every_empty_field_gets_a_message(client: FlaskClient, article: Article) -> None:
    page = post(client, "presupuesto", name="", email="", body="").get_data(as_text=True)
    for message in ("Please give your name.", "Please give your email", "Please write a comment."):
        assert message in page


def test_missing_csrf_token_is_refused_but_keeps_the_text(
    client: FlaskClient, app: Flask, article: Article
) -> None:
    response = client.post(
        "/articles/presupuesto",
        data={"name": "Lucía", "email": "lucia@example.org", "body": "Texto largo que escribí"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "session expired" in page and "Texto largo que escribí</textarea>" in page
    assert comments(app) == []


def test_reply_to_a_published_comment(
    client: FlaskClient, app: Flask, factory: Factory, article: Article
) -> None:
    parent = factory.comment(article, status=CommentStatus.APPROVED)
    response = post(
        client,
        "presupuesto",
        name="Mateo",
        email="mateo@example.org",
        body="Estoy de acuerdo.",
        parent_id=str(parent.id),
    )
    assert response.status_code == 302
    reply = next(c for c in comments(app) if c.id != parent.id)
    assert reply.parent_id == parent.id


def test_unknown_article_is_a_404_page(client: FlaskClient) -> None:
    response = client.get("/articles/nope")
    assert response.status_code == 404
    assert "There is no article" in response.get_data(as_text=True)


def test_a_form_post_to_an_unknown_article_is_a_404_page(
    client: FlaskClient, article: Article
) -> None:
    token = csrf_token(client, "/articles/presupuesto")
    fields = {"name": "Ana", "email": "ana@example.org", "body": "Hola"}
    response = client.post("/articles/nope", data={"csrf_token": token, **fields})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is no article &#39;nope&#39;, so your comment was not sent." in page
    assert "Hola</textarea>" in page  # what was typed, to keep


def test_rate_limit_keeps_the_text(app_factory: Any) -> None:
    limited = app_factory(TERTULIA_COMMENT_RATE_LIMIT="1 per minute")
    with limited.app_context():
        Factory(db.session).article(slug="busy", language="es")
    client = limited.test_client()
    first = post(client, "busy", name="Ana", email="ana@example.org", body="Uno")
    second = post(
        client, "busy", name="Ana", email="ana@example.org", body="Dos, escrito con cariño"
    )
    assert first.status_code == 302 and second.status_code == 429
    assert "Dos, escrito con cariño</textarea>" in second.get_data(as_text=True)
    with limited.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 1


def test_security_headers(client: FlaskClient, article: Article) -> None:
    headers = client.get("/articles/presupuesto").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_reply_link_fills_the_reply_to_field(
    client: FlaskClient, factory: Factory, article: Article
) -> None:
    parent = factory.comment(article, status=CommentStatus.APPROVED, author_name="Lucía")
    page = client.get("/articles/presupuesto").get_data(as_text=True)
    assert f'href="?reply_to={parent.id}"' in page
    form = client.get(f"/articles/presupuesto?reply_to={parent.id}").get_data(as_text=True)
    # No bare number box: who is replied to, a way back, and the number in a hidden field.
    assert 'Replying to Lucía · <a href="/articles/presupuesto">cancel</a>' in form
    assert f'<input type="hidden" name="parent_id" value="{parent.id}">' in form
    for ignored in ("<x>", "999999"):
        page = client.get(f"/articles/presupuesto?reply_to={ignored}").get_data(as_text=True)
        assert "Replying to" not in page and 'name="parent_id"' not in page


def test_cached_page_still_gives_each_visitor_their_own_token(
    app: Flask, factory: Factory, article: Article
) -> None:
    first, second = app.test_client(), app.test_client()
    tokens = {csrf_token(client, "/articles/presupuesto") for client in (first, second)}
    assert len(tokens) == 2 and "__csrf_token_slot__" not in "".join(tokens)
    factory.comment(article, body="Publicado después", status=CommentStatus.APPROVED)
    assert "Publicado después" in first.get("/articles/presupuesto").get_data(as_text=True)
    response = post(second, "presupuesto", name="Ana", email="ana@example.org", body="Hola")
    assert response.status_code == 302


def test_an_unexpected_failure_keeps_the_text(
    client: FlaskClient, app: Flask, article: Article, caplog: pytest.LogCaptureFixture
) -> None:
    from unittest import mock

    from moderation.pipeline import Intake

    token = csrf_token(client, "/articles/presupuesto")
    with mock.patch.object(Intake, "submit", side_effect=RuntimeError("database gone")):
        response = client.post(
            "/articles/presupuesto",
            data={
                "csrf_token": token,
                "name": "Ana",
                "email": "ana@example.org",
                "body": "Un texto largo que no quiero perder",
            },
        )
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Un texto largo que no quiero perder</textarea>" in page
    assert "database gone" not in page
    assert comments(app) == []
