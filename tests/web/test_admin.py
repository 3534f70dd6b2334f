"""Admins open articles and manage moderator accounts from the web."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from models import EMAIL_LENGTH, Article, Moderator, ModeratorRole
from moderation.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import Factory

PAGES = ["/admin/articles", "/admin/moderators"]


@pytest.fixture
def admin(factory: Factory, auth: Auth) -> Moderator:
    moderator = factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
    auth.login("admin@example.org")
    return moderator


def post(client: FlaskClient, path: str, **fields: str | list[str]) -> TestResponse:
    token = csrf_token(client, "/admin/moderators")
    return client.post(path, data={"csrf_token": token, **fields})


@pytest.mark.parametrize("path", PAGES)
def test_admin_pages_are_for_admins_only(
    client: FlaskClient, auth: Auth, factory: Factory, path: str
) -> None:
    assert client.get(path).status_code == 302
    factory.moderator()
    auth.login()
    assert client.get(path).status_code == 403
    assert "Moderators</a>" not in client.get("/queue/").get_data(as_text=True)


def test_admin_opens_an_article(client: FlaskClient, app: Flask, admin: Moderator) -> None:
    token = csrf_token(client, "/admin/articles")
    response = client.post(
        "/admin/articles",
        data={"csrf_token": token, "slug": "ley-datos", "title": "Ley de datos", "language": "es"},
    )
    assert response.status_code == 302
    page = client.get("/admin/articles").get_data(as_text=True)
    assert "Ley de datos" in page and 'data-tertulia-article="ley-datos"' in page
    assert client.get("/articles/ley-datos").status_code == 200
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article is not None and article.language == "es"


def test_bad_article_keeps_what_was_typed(client: FlaskClient, admin: Moderator) -> None:
    token = csrf_token(client, "/admin/articles")
    response = client.post(
        "/admin/articles",
        data={
            "csrf_token": token,
            "slug": "con espacios",
            "title": "",
            "url": "javascript:alert(1)",
            "language": "fr",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in (
        "Use letters, digits",
        "Give the article",
        "must start with https://",
        "not one of this site",
    ):
        assert message in page
    assert 'value="con espacios"' in page


def test_admin_adds_updates_and_removes_a_moderator(
    client: FlaskClient, app: Flask, admin: Moderator
) -> None:
    response = post(
        client,
        "/admin/moderators",
        email="New@Example.org",
        password="long enough",
        role="moderator",
        languages=["es", "pt"],
    )
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(select(Moderator).where(Moderator.email == "new@example.org"))
        assert added is not None and added.language_list == ("es", "pt")
        added_id = added.id

    post(
        client,
        f"/admin/moderators/{added_id}",
        role="admin",
        languages=["en"],
        password="another password",
    )
    with app.app_context():
        updated = db.session.get_one(Moderator, added_id)
        assert updated.role is ModeratorRole.ADMIN and updated.language_list == ("en",)
        assert check_password_hash(updated.password_hash, "another password")

    post(client, f"/admin/moderators/{added_id}/remove")
    with app.app_context():
        assert db.session.get(Moderator, added_id) is None


def test_bad_moderator_form_names_each_field(client: FlaskClient, admin: Moderator) -> None:
    response = post(client, "/admin/moderators", email="nope", password="short", role="boss")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("does not look like an email", "at least 8", "Choose moderator or admin"):
        assert message in page
    assert 'value="nope"' in page
    long_email = "a" * EMAIL_LENGTH + "@example.org"
    response = post(client, "/admin/moderators", email=long_email, password="long enough")
    assert response.status_code == 422
    assert f"at most {EMAIL_LENGTH} characters" in response.get_data(as_text=True)


def test_the_last_admin_stays_and_nobody_removes_themselves(
    client: FlaskClient, app: Flask, admin: Moderator
) -> None:
    post(client, f"/admin/moderators/{admin.id}", role="moderator")
    page = client.get("/admin/moderators").get_data(as_text=True)
    assert "needs at least one admin" in page
    post(client, f"/admin/moderators/{admin.id}/remove")
    assert "cannot remove your own account" in client.get("/admin/moderators").get_data(
        as_text=True
    )
    with app.app_context():
        kept = db.session.get_one(Moderator, admin.id)
        assert kept.role is ModeratorRole.ADMIN
