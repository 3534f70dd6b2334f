"""The anonymous article page is cached per thread version: nothing one request sends may
change what the next visitor gets (issue 12, items 2 and 6)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import Article, CommentStatus
from moderation.extensions import db
from tests.conftest import csrf_token
from tests.factories import Factory

GOOD = {"name": "Ana", "email": "ana@example.org", "body": "Un comentario cualquiera."}


@pytest.fixture
def article(factory: Factory) -> Article:
    return factory.article(slug="presupuesto", language="es")


def post(client: FlaskClient, prefix: str = "") -> Any:
    token = csrf_token(client, f"{prefix}/articles/presupuesto")
    return client.post(f"{prefix}/articles/presupuesto", data={"csrf_token": token, **GOOD})


@pytest.mark.parametrize("claimed", ["//evil.example", "/other", "https://evil.example/x"])
def test_a_script_root_claimed_by_a_request_never_reaches_other_visitors(
    app: Flask, article: Article, claimed: str
) -> None:
    # gunicorn sets SCRIPT_NAME from a request header of that name and strips it from the path.
    attacker = app.test_client()
    poisoned = attacker.get("/articles/presupuesto", environ_overrides={"SCRIPT_NAME": claimed})
    assert claimed not in poisoned.get_data(as_text=True)
    visitor = app.test_client()
    page = visitor.get("/articles/presupuesto").get_data(as_text=True)
    assert 'href="/login"' in page and 'action="/articles/presupuesto"' in page
    assert "evil.example" not in page and "/other" not in page
    assert post(visitor).status_code == 302


def test_a_site_served_under_a_path_keeps_it(app_factory: Any) -> None:
    app = app_factory(TERTULIA_SCRIPT_NAME="/comments")
    with app.app_context():
        Factory(db.session).article(slug="presupuesto")
    client = app.test_client()
    page = client.get("/articles/presupuesto", environ_overrides={"SCRIPT_NAME": "/comments"})
    assert 'href="/comments/login"' in page.get_data(as_text=True)
    # The development server knows nothing of the path: the links still carry it.
    direct = client.get("/comments/articles/presupuesto").get_data(as_text=True)
    assert 'href="/comments/login"' in direct
    claimed = client.get("/articles/presupuesto", environ_overrides={"SCRIPT_NAME": "/evil"})
    assert claimed.status_code == 404


def test_behind_a_trusted_proxy_each_prefix_gets_its_own_page(app_factory: Any) -> None:
    app = app_factory(TERTULIA_TRUSTED_PROXIES=1)
    with app.app_context():
        Factory(db.session).article(slug="presupuesto")
    client = app.test_client()
    prefixed = client.get("/articles/presupuesto", headers={"X-Forwarded-Prefix": "/comments"})
    assert 'href="/comments/login"' in prefixed.get_data(as_text=True)
    plain = app.test_client().get("/articles/presupuesto").get_data(as_text=True)
    assert 'href="/login"' in plain and "/comments/login" not in plain


def test_a_comment_quoting_the_token_slot_breaks_nobodys_form(
    app: Flask, factory: Factory, article: Article
) -> None:
    # The slot the page once searched for, as a name and as code (markdown would make bold of
    # the underscores), and what a form's token looks like.
    for name, body in (
        ("__csrf_token_slot__", "Hola"),
        ("Ana", "Mirad: `__csrf_token_slot__`"),
        ("Eva", 'name="csrf_token" value="x"'),
    ):
        factory.comment(article, body=body, author_name=name, status=CommentStatus.APPROVED)
    for _ in range(2):  # the second visitor is served from the cache
        visitor = app.test_client()
        page = visitor.get("/articles/presupuesto").get_data(as_text=True)
        # As the author (shown, and named by the reply button's label) and in the code span.
        assert page.count("__csrf_token_slot__") == 3
        assert post(visitor).status_code == 302
