"""`/api/v1/articles/<slug>/comments`: every status code the contract names."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import BODY_LENGTH, EMAIL_LENGTH, NAME_LENGTH, Article, Comment, CommentStatus
from moderation.extensions import db
from moderation.pipeline import decide
from tests.factories import Factory

GOOD = {"name": "Sam", "email": "sam@example.org", "body": "Could you link the dataset?"}


@pytest.fixture
def article(factory: Factory) -> Article:
    return factory.article(slug="open-data", language="en")


@pytest.fixture
def slug(article: Article) -> str:
    return article.slug


def url(slug: str) -> str:
    return f"/api/v1/articles/{slug}/comments"


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Comment.id))) or 0


def test_accepted_for_moderation(client: FlaskClient, app: Flask, slug: str) -> None:
    response = client.post(url(slug), json=GOOD)
    assert response.status_code == 202
    assert response.json is not None
    assert response.json["status"] == "pending"
    with app.app_context():
        comment = db.session.get(Comment, response.json["id"])
        assert comment is not None and comment.author_email == "sam@example.org"
    assert "Location" not in response.headers


def test_created_when_the_site_publishes_unreviewed(app_factory: Any) -> None:
    open_app = app_factory(TERTULIA_PUBLISH_UNREVIEWED=True)
    with open_app.app_context():
        Factory(db.session).article(slug="open", language="en")
    response = open_app.test_client().post(url("open"), json=GOOD)
    assert response.status_code == 201
    assert response.json is not None and response.json["status"] == "approved"
    assert response.headers["Location"].endswith(f"#comment-{response.json['id']}")


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"name", "email", "body"}),
        ({**GOOD, "email": "nope"}, {"email"}),
        ({**GOOD, "body": ""}, {"body"}),
        ({**GOOD, "name": ["x"]}, {"name"}),
        ({**GOOD, "parent_id": "first"}, {"parent_id"}),
        ({**GOOD, "parent_id": 12345}, {"parent_id"}),
    ],
)
def test_unprocessable_names_each_bad_field(
    client: FlaskClient, app: Flask, slug: str, payload: dict[str, Any], fields: set[str]
) -> None:
    response = client.post(url(slug), json=payload)
    assert response.status_code == 422
    assert response.json is not None
    assert set(response.json["errors"]) == fields
    assert all(isinstance(message, str) and message for message in response.json["errors"].values())
    assert count(app) == 0


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', ""])
def test_malformed_json_is_a_bad_request(
    client: FlaskClient, app: Flask, slug: str, body: str
) -> None:
    response = client.post(url(slug), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json is not None and "json" in response.json["errors"]
    assert count(app) == 0


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", None],
)
def test_non_json_content_types_are_refused(
    client: FlaskClient, app: Flask, slug: str, content_type: str | None
) -> None:
    response = client.post(url(slug), data="name=x", content_type=content_type)
    assert response.status_code == 415
    assert response.json is not None and "content_type" in response.json["errors"]
    assert count(app) == 0


def test_unknown_article_is_not_found(client: FlaskClient) -> None:
    assert client.post(url("nope"), json=GOOD).status_code == 404
    assert client.post(url("nope"), json={}).status_code == 404
    assert client.post(url("nope"), json=[1]).status_code == 404
    response = client.get(url("nope"))
    assert response.status_code == 404
    assert response.json is not None and "errors" in response.json


def test_too_large_body_is_refused_as_json(client: FlaskClient, slug: str) -> None:
    response = client.post(url(slug), json={**GOOD, "body": "x" * 70_000})
    assert response.status_code == 413
    assert response.json is not None and "errors" in response.json


def test_listing_shows_only_published_comments_and_public_fields(
    client: FlaskClient, factory: Factory, article: Article
) -> None:
    published = factory.comment(article, body="Published *one*", status=CommentStatus.APPROVED)
    factory.comment(article, body="Still pending")
    response = client.get(url(article.slug))
    assert response.status_code == 200
    payload = response.json
    assert payload is not None
    assert payload["total"] == 1
    # The embed sets its form's maxlength from these.
    assert payload["limits"] == {"name": NAME_LENGTH, "email": EMAIL_LENGTH, "body": BODY_LENGTH}
    (shown,) = payload["comments"]
    assert shown["id"] == published.id
    assert shown["body_html"] == "<p>Published <em>one</em></p>\n"
    assert set(shown) == {
        "id",
        "parent_id",
        "author_name",
        "body",
        "body_html",
        "language",
        "created_at",
    }


def test_listing_is_conditional_and_follows_publication(
    client: FlaskClient, app: Flask, slug: str
) -> None:
    first = client.get(url(slug))
    assert first.json is not None and first.json["total"] == 0
    etag = first.headers["ETag"]
    assert client.get(url(slug), headers={"If-None-Match": etag}).status_code == 304
    posted = client.post(url(slug), json=GOOD)
    assert posted.json is not None
    with app.app_context():
        comment = db.session.get(Comment, posted.json["id"])
        assert comment is not None
        decide(db.session, comment, CommentStatus.APPROVED, None)
        db.session.commit()
    after = client.get(url(slug), headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.json is not None and after.json["total"] == 1


def test_posting_too_fast_is_rate_limited(app_factory: Any) -> None:
    limited = app_factory(TERTULIA_COMMENT_RATE_LIMIT="2 per minute")
    with limited.app_context():
        Factory(db.session).article(slug="busy", language="en")
    client = limited.test_client()
    codes = [
        client.post(url("busy"), json={**GOOD, "body": f"comment {n}"}).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]
    assert count(limited) == 2
    refused = client.post(url("busy"), json={**GOOD, "body": "one more"})
    assert refused.headers["Retry-After"] == "60"
    assert refused.json is not None and refused.json["codes"] == {"request": "rate_limited"}
    assert "Please wait 1 minute" in refused.json["errors"]["request"]


def test_an_unexpected_failure_is_a_json_500_and_writes_nothing(
    app_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Publishing fails after the comment row was inserted: the insert must not survive."""
    app = app_factory(TERTULIA_PUBLISH_UNREVIEWED=True)
    with app.app_context():
        Factory(db.session).article(slug="open", language="en")
    with mock.patch("moderation.pipeline.intake.bump_thread", side_effect=RuntimeError("boom")):
        response = app.test_client().post(url("open"), json=GOOD)
    assert response.status_code == 500
    assert response.json is not None and "errors" in response.json
    assert "boom" not in response.get_data(as_text=True)
    assert "unhandled error" in caplog.text
    assert count(app) == 0
