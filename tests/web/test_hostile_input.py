"""Input that once answered 500 answers a clear 4xx, names the field, and stores nothing.

Each case comes from an attack run on a served instance (issue 12, item 5); the form keeps what
the commenter typed whenever there is a form to show.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole
from moderation.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import Factory

GOOD = {"name": "Lucía", "email": "lucia@example.org", "body": "Un comentario que escribí."}
UNSTORABLE = ["a\x00b", "a\ud800b", "\udfff"]


@pytest.fixture
def article(factory: Factory) -> Article:
    # An English article: the page speaks its language, and these tests read its messages.
    return factory.article(slug="presupuesto", language="en")


def stored(app: Flask, model: Any = Comment) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def form_post(client: FlaskClient, slug: str = "presupuesto", **fields: str) -> Any:
    token = csrf_token(client, "/articles/presupuesto")
    return client.post(f"/articles/{slug}", data={"csrf_token": token, **fields})


def api_post(client: FlaskClient, payload: Any, slug: str = "presupuesto") -> Any:
    return client.post(f"/api/v1/articles/{slug}/comments", json=payload)


@pytest.mark.parametrize("field", ["name", "email", "body", "parent_id", "page_language"])
@pytest.mark.parametrize("value", UNSTORABLE)
def test_unstorable_characters_in_any_api_field_are_named(
    client: FlaskClient, app: Flask, article: Article, field: str, value: str
) -> None:
    response = api_post(client, {**GOOD, field: value})
    assert response.status_code == 422
    assert response.json is not None and list(response.json["errors"]) == [field]
    assert stored(app) == 0


@pytest.mark.parametrize("field", ["name", "email", "body"])
def test_a_nul_in_a_form_field_is_named_and_the_text_kept(
    client: FlaskClient, app: Flask, article: Article, field: str
) -> None:
    response = form_post(client, **{**GOOD, field: GOOD[field] + "\x00!"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and "not text" in page
    assert "Un comentario que escribí." in page and 'value="Lucía' in page
    assert "\x00" not in page
    assert stored(app) == 0


def test_a_nul_elsewhere_is_refused_before_any_query(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory, article: Article
) -> None:
    assert client.get("/articles/a%00b").status_code == 404
    assert client.get("/api/v1/articles/a%00b/comments").status_code == 404
    assert api_post(client, GOOD, slug="a%00b").status_code == 404
    token = csrf_token(client, "/login")
    login = client.post(
        "/login", data={"email": "a\x00@x.org", "password": "x", "csrf_token": token}
    )
    assert login.status_code == 422 and "email" in login.get_data(as_text=True)
    factory.moderator(role=ModeratorRole.ADMIN)
    auth.login()
    assert client.get("/queue/?q=troll%00").status_code == 400
    assert client.get("/queue/?language=es%00").status_code == 400
    token = csrf_token(client, "/admin/articles")
    added = client.post(
        "/admin/articles", data={"csrf_token": token, "slug": "x", "title": "T\x00", "url": ""}
    )
    assert added.status_code == 422 and "title" in added.get_data(as_text=True)
    assert stored(app, Article) == 1


def test_a_form_post_to_a_slug_holding_a_nul_keeps_the_text(
    client: FlaskClient, article: Article
) -> None:
    response = form_post(client, slug="a%00b", **GOOD)
    assert response.status_code == 404
    assert "Un comentario que escribí.</textarea>" in response.get_data(as_text=True)


@pytest.mark.parametrize("depth", [17, 5_000])
def test_deeply_nested_json_is_a_bad_request(
    app_factory: Any, depth: int, factory: Factory
) -> None:
    app = app_factory(TERTULIA_API_TOKEN="secret")
    with app.app_context():
        Factory(db.session).article(slug="presupuesto")
    client = app.test_client()
    nested = '{"body": ' + "[" * depth + "]" * depth + "}"
    for method, url, headers in (
        ("POST", "/api/v1/articles/presupuesto/comments", {}),
        ("PUT", "/api/v1/articles/presupuesto", {"Authorization": "Bearer secret"}),
    ):
        response = client.open(
            url, method=method, data=nested, content_type="application/json", headers=headers
        )
        assert response.status_code == 400, url
        assert response.json is not None and "nests too deeply" in response.json["errors"]["json"]
    assert stored(app) == 0


def test_json_nested_within_the_limit_is_answered_as_before(
    client: FlaskClient, article: Article
) -> None:
    response = api_post(client, {**GOOD, "extra": [[[["fine"]]]]})
    assert response.status_code == 202


@pytest.mark.parametrize("parent", ["²", "①", "٣", "9" * 5_000, "99999999999"])
def test_odd_reply_to_numbers_are_named_on_the_form_and_the_api(
    client: FlaskClient, app: Flask, article: Article, parent: str
) -> None:
    response = form_post(client, **GOOD, parent_id=parent)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    said = "The comment you reply to must be given by its number."
    assert f'id="replying" tabindex="-1"><span class="error">{said}' in page
    assert "Un comentario que escribí.</textarea>" in page
    answer = api_post(client, {**GOOD, "parent_id": parent})
    assert answer.status_code == 422
    assert answer.json == {"errors": {"parent_id": said}, "codes": {"parent_id": "invalid"}}
    assert stored(app) == 0


def test_odd_ids_in_queue_urls_and_bulk_actions(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory, article: Article
) -> None:
    waiting = factory.comment(article)
    factory.moderator()
    auth.login()
    token = csrf_token(client, "/queue/")
    for comment_id in ("²", "①", "99999999999", "9" * 5_000):
        url = f"/queue/comments/{comment_id}/approve"
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    bulk = client.post(
        "/queue/bulk",
        data={
            "csrf_token": token,
            "action": "approve",
            "comment_id": ["²", "①", "9" * 5_000, "99999999999"],
        },
    )
    assert bulk.status_code == 302
    assert "Select at least one comment" in client.get("/queue/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Comment, waiting.id).status is CommentStatus.PENDING


def test_over_long_article_urls_and_moderator_emails_are_named(
    app_factory: Any, factory: Factory
) -> None:
    app = app_factory(TERTULIA_API_TOKEN="secret")
    with app.app_context():
        Factory(db.session).moderator(role=ModeratorRole.ADMIN)
    client = app.test_client()
    long_url = "https://news.example/" + "a" * 3_000
    put = client.put(
        "/api/v1/articles/long",
        json={"title": "Largo", "url": long_url},
        headers={"Authorization": "Bearer secret"},
    )
    assert put.status_code == 422 and put.json is not None and "url" in put.json["errors"]
    Auth(client).login()
    token = csrf_token(client, "/admin/articles")
    page = client.post(
        "/admin/articles", data={"csrf_token": token, "slug": "long", "title": "L", "url": long_url}
    )
    assert page.status_code == 422
    added = client.post(
        "/admin/moderators",
        data={
            "csrf_token": token,
            "email": "m" * 300 + "@example.org",
            "password": "long enough",
            "role": "moderator",
        },
    )
    assert added.status_code == 422 and "at most 254" in added.get_data(as_text=True)
    assert stored(app, Article) == 0 and stored(app, Moderator) == 1


def test_a_form_post_to_an_unknown_article_keeps_the_text(
    client: FlaskClient, app: Flask, article: Article
) -> None:
    response = form_post(client, slug="nope", **GOOD)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is no article &#39;nope&#39;, so your comment was not sent." in page
    assert "Un comentario que escribí.</textarea>" in page
    assert stored(app) == 0


def test_a_form_post_over_64_kb_is_413_and_keeps_the_text(
    client: FlaskClient, app: Flask, article: Article
) -> None:
    body = "Escribí demasiado. " * 4_000
    response = form_post(client, **{**GOOD, "body": body})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert 'id="body-error"' in page and "too long to be sent" in page
    assert body + "</textarea>" in page and 'value="Lucía"' in page
    assert stored(app) == 0


def chunked(client: FlaskClient, url: str, body: bytes, content_type: str) -> Any:
    """A body streamed without Content-Length, as gunicorn hands it over."""
    return client.post(
        url,
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": content_type},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_64_kb_is_413(
    client: FlaskClient, app: Flask, article: Article
) -> None:
    big = b"x" * 70_000
    form = chunked(
        client,
        "/articles/presupuesto",
        b"name=Ana&email=ana%40example.org&body=" + big,
        "application/x-www-form-urlencoded",
    )
    assert form.status_code == 413
    api = chunked(
        client,
        "/api/v1/articles/presupuesto/comments",
        b'{"name": "Ana", "email": "ana@example.org", "body": "' + big + b'"}',
        "application/json",
    )
    assert api.status_code == 413
    assert api.json is not None and "request" in api.json["errors"]
    small = chunked(
        client,
        "/api/v1/articles/presupuesto/comments",
        b'{"name": "Ana", "email": "ana@example.org", "body": "Hola, un comentario."}',
        "application/json",
    )
    assert small.status_code == 202
    assert stored(app) == 1


class _Nesting(HTMLParser):
    """The deepest nesting of <ol> and whether every tag closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.deepest = 0
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("ol", "li"):
            self.open.append(tag)
            self.deepest = max(self.deepest, self.open.count("ol"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "li"):
            self.balanced &= bool(self.open) and self.open.pop() == tag


def test_a_chain_of_250_replies_renders_with_capped_nesting(
    client: FlaskClient, factory: Factory, article: Article
) -> None:
    parent = None
    for _ in range(250):
        parent = factory.comment(
            article, status=CommentStatus.APPROVED, parent_id=parent.id if parent else None
        )
    response = client.get("/articles/presupuesto")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    thread = page[page.index('<ol class="thread">') : page.index('<section id="comment-form"')]
    nesting = _Nesting()
    nesting.feed(thread)
    assert nesting.balanced and nesting.open == []
    assert nesting.deepest == 7  # the root list and six levels of replies
    assert len(re.findall(r'<li class="comment"', thread)) == 250
    assert f"in reply to #{parent.parent_id if parent else 0}" in thread
    assert client.get("/api/v1/articles/presupuesto/comments").status_code == 200
