"""A CMS opens and updates articles with the API token."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import TITLE_LENGTH, URL_LENGTH, Article
from moderation.extensions import db

TOKEN = "s3cret-token-for-the-cms"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(app_factory: Any) -> Flask:
    built: Flask = app_factory(TERTULIA_API_TOKEN=TOKEN)
    return built


def article(app: Flask) -> Article | None:
    with app.app_context():
        return db.session.scalar(select(Article))


def test_cms_opens_then_updates_an_article(client: FlaskClient, app: Flask) -> None:
    created = client.put(
        "/api/v1/articles/ley-datos",
        json={
            "title": "Ley de datos",
            "url": "https://news.example/ley",
            "language": "es",
            "description": "  El congreso aprueba la ley de acceso a los datos públicos. ",
        },
        headers=AUTH,
    )
    assert created.status_code == 201
    assert created.json == {
        "slug": "ley-datos",
        "title": "Ley de datos",
        "url": "https://news.example/ley",
        "language": "es",
        "description": "El congreso aprueba la ley de acceso a los datos públicos.",
    }
    assert "Ley de datos" in client.get("/articles/ley-datos").get_data(as_text=True)
    updated = client.put(
        "/api/v1/articles/ley-datos", json={"title": "Ley de datos abiertos"}, headers=AUTH
    )
    assert updated.status_code == 200
    assert "Ley de datos abiertos" in client.get("/articles/ley-datos").get_data(as_text=True)
    stored = article(app)
    assert stored is not None and stored.url is None and stored.language is None
    assert stored.description is None
    too_long = client.put(
        "/api/v1/articles/ley-datos", json={"title": "X", "description": "x" * 501}, headers=AUTH
    )
    assert too_long.status_code == 422
    assert too_long.json is not None and "description" in too_long.json["errors"]


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN[:-1]}]
)
def test_without_the_token_nothing_happens(
    client: FlaskClient, app: Flask, headers: dict[str, str]
) -> None:
    response = client.put("/api/v1/articles/x", json={"title": "X"}, headers=headers)
    assert response.status_code == 401
    assert response.json is not None and "authorization" in response.json["errors"]
    assert article(app) is None


def test_a_server_without_a_token_takes_no_article_calls(app_factory: Any) -> None:
    closed = app_factory().test_client()
    response = closed.put("/api/v1/articles/x", json={"title": "X"}, headers=AUTH)
    assert response.status_code == 401
    assert response.json is not None
    assert "TERTULIA_API_TOKEN is not set" in response.json["errors"]["authorization"]


def test_bad_article_fields_are_named(client: FlaskClient, app: Flask) -> None:
    response = client.put(
        "/api/v1/articles/bad slug",
        json={"title": "", "url": "ftp://x", "language": "xx"},
        headers=AUTH,
    )
    assert response.status_code == 422
    assert response.json is not None
    assert set(response.json["errors"]) == {"slug", "title", "url", "language"}
    assert response.json["codes"] == {
        "slug": "invalid",
        "title": "required",
        "url": "invalid",
        "language": "not_site_language",
    }
    too_long = {"title": "x" * (TITLE_LENGTH + 1), "url": "https://x.example/" + "a" * URL_LENGTH}
    refused = client.put("/api/v1/articles/long", json=too_long, headers=AUTH)
    assert refused.status_code == 422 and refused.json is not None
    assert set(refused.json["errors"]) == {"title", "url"}
    assert refused.json["codes"] == {"title": "too_long", "url": "too_long"}
    assert f"at most {URL_LENGTH:,} characters" in refused.json["errors"]["url"]
    assert client.put("/api/v1/articles/x", data="title=X", headers=AUTH).status_code == 415
    assert client.put("/api/v1/articles/x", json=["X"], headers=AUTH).status_code == 400
    assert client.put("/api/v1/articles/x", json={"title": 3}, headers=AUTH).status_code == 400
    assert article(app) is None
