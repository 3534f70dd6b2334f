"""Only the sites the operator lists may embed the comments (read and post cross-origin)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import Comment
from moderation.extensions import db
from tests.factories import Factory

NEWS = "https://news.example"
URL = "/api/v1/articles/open-data/comments"
GOOD = {"name": "Sam", "email": "sam@example.org", "body": "Where is the dataset?"}


@pytest.fixture
def app(app_factory: Any) -> Flask:
    built: Flask = app_factory(TERTULIA_EMBED_ORIGINS=(NEWS,))
    with built.app_context():
        Factory(db.session).article(slug="open-data", language="en")
    return built


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Comment.id))) or 0


def test_listed_site_passes_the_preflight(client: FlaskClient) -> None:
    response = client.options(
        URL,
        headers={
            "Origin": NEWS,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == NEWS
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_listed_site_reads_and_posts(client: FlaskClient, app: Flask) -> None:
    read = client.get(URL, headers={"Origin": NEWS})
    assert read.headers["Access-Control-Allow-Origin"] == NEWS
    assert "ETag" in read.headers["Access-Control-Expose-Headers"]
    posted = client.post(URL, json=GOOD, headers={"Origin": NEWS})
    assert posted.status_code == 202
    assert posted.headers["Access-Control-Allow-Origin"] == NEWS
    assert count(app) == 1


@pytest.mark.parametrize("origin", ["https://evil.example", "https://news.example.evil.example"])
def test_other_sites_may_neither_read_nor_post(
    client: FlaskClient, app: Flask, origin: str
) -> None:
    preflight = client.options(URL, headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in client.get(URL, headers={"Origin": origin}).headers
    posted = client.post(URL, json=GOOD, headers={"Origin": origin})
    assert posted.status_code == 403
    assert posted.json is not None and origin in posted.json["errors"]["origin"]
    assert count(app) == 0


def test_own_pages_and_non_browser_clients_are_not_origins_to_refuse(
    client: FlaskClient, app: Flask
) -> None:
    assert client.post(URL, json=GOOD, headers={"Origin": "http://localhost"}).status_code == 202
    assert client.post(URL, json={**GOOD, "body": "Another"}).status_code == 202
    assert count(app) == 2
