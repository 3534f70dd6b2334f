"""A database outage: 503 with Retry-After, the reader's text kept, nothing half-stored."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import Comment, CommentStatus
from moderation import messages
from moderation.extensions import db
from tests.conftest import CSRF_INPUT, Auth, csrf_token
from tests.factories import Factory
from tests.faults.outage import Outage

TYPED = {
    "name": "Lucía <Pérez>",
    "email": "lucia@example.org",
    "body": "Mi texto largo & con *markdown*,\nque no debe perderse.",
    "parent_id": "",
}


@pytest.fixture
def site(outage: tuple[Flask, Outage]) -> tuple[Flask, Outage]:
    app, fault = outage
    with app.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="presupuesto", language="es")
        factory.comment(article, body="Publicado antes del corte", status=CommentStatus.APPROVED)
        factory.moderator()
    return app, fault


def stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Comment.id))) or 0


def retry_after(response: object) -> int:
    value = response.headers.get("Retry-After")  # type: ignore[attr-defined]
    assert value is not None and value.isdigit(), value
    return int(value)


def test_the_form_answers_503_and_keeps_the_text(site: tuple[Flask, Outage]) -> None:
    app, fault = site
    client = app.test_client()
    token = csrf_token(client, "/articles/presupuesto")
    with fault.during():
        response = client.post("/articles/presupuesto", data={**TYPED, "csrf_token": token})
    assert response.status_code == 503
    assert retry_after(response) > 0
    page = response.get_data(as_text=True)
    assert html.escape(messages.DATABASE_UNAVAILABLE) in page
    assert f'value="{html.escape(TYPED["name"])}"' in page
    assert f'value="{TYPED["email"]}"' in page
    assert f">{html.escape(TYPED['body'])}</textarea>" in page
    assert 'action="/articles/presupuesto"' in page
    assert stored(app) == 1  # only the comment published before

    # Once the database is back, sending the refilled form as it is stores the comment once.
    match = CSRF_INPUT.search(page)
    assert match
    again = client.post("/articles/presupuesto", data={**TYPED, "csrf_token": match.group(1)})
    assert again.status_code == 302
    assert stored(app) == 2


def test_the_api_answers_503_and_stores_nothing(site: tuple[Flask, Outage]) -> None:
    app, fault = site
    client = app.test_client()
    body = {key: TYPED[key] for key in ("name", "email", "body")}
    with fault.during():
        response = client.post("/api/v1/articles/presupuesto/comments", json=body)
    assert response.status_code == 503
    assert retry_after(response) > 0
    assert response.json == {
        "errors": {"request": messages.DATABASE_UNAVAILABLE},
        "codes": {"request": "unavailable"},
    }
    assert stored(app) == 1
    assert client.post("/api/v1/articles/presupuesto/comments", json=body).status_code == 202
    assert stored(app) == 2


def test_reads_are_served_or_answered_503_never_500(site: tuple[Flask, Outage]) -> None:
    app, fault = site
    client = app.test_client()
    Auth(client).login()
    anonymous = app.test_client()
    with fault.during():
        answers = {
            path: who.get(path)
            for who, path in (
                (anonymous, "/"),
                (anonymous, "/articles/presupuesto"),
                (anonymous, "/api/v1/articles/presupuesto/comments"),
                (client, "/queue/"),
            )
        }
        ready = anonymous.get("/readyz")
        alive = anonymous.get("/healthz")
    for path, response in answers.items():
        if fault.is_sqlite:  # a write lock leaves SQLite readable
            assert response.status_code == 200, path
        else:
            assert response.status_code == 503, path
            assert retry_after(response) > 0
    assert alive.status_code == 200
    if fault.is_sqlite:
        assert ready.status_code == 200
    else:
        assert ready.status_code == 503
        assert ready.json is not None and ready.json["database"] == "unavailable"
        page = answers["/queue/"].get_data(as_text=True)
        assert "Sign out" not in page  # the error page did not ask the database who is in
        assert re.search(r"cannot reach its database", page)
    assert anonymous.get("/readyz").status_code == 200
