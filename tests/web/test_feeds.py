"""Atom feeds: valid (read by feedparser), linked from the pages, conditional, never an email."""

from __future__ import annotations

import feedparser
from flask import Flask
from flask.testing import FlaskClient

from models import CommentStatus
from moderation.extensions import db
from moderation.pipeline import decide
from tests.factories import Factory
from tests.web.test_privacy import forbidden_strings

EMAIL = "Lectora.Secreta@example.org"


def seed(factory: Factory) -> None:
    article = factory.article(slug="ley", title="Ley de datos", language="es")
    other = factory.article(slug="salud", title="Salud", language="pt")
    first = factory.comment(
        article, body="Muy *bien* explicado.", status=CommentStatus.APPROVED, author_email=EMAIL
    )
    factory.comment(
        article, body="Una respuesta.", status=CommentStatus.APPROVED, parent_id=first.id
    )
    factory.comment(article, body="Todavía en la cola.", status=CommentStatus.PENDING)
    factory.comment(other, body="Em outro artigo.", status=CommentStatus.APPROVED, author_name="Zé")


def parse(client: FlaskClient, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_article_feed(client: FlaskClient, factory: Factory) -> None:
    seed(factory)
    feed = parse(client, "/articles/ley/comments.atom")
    assert feed.feed.title == "Comentarios sobre Ley de datos · Tertulia"  # the article speaks es
    assert feed.feed.language == "es"
    bodies = [entry.content[0].value for entry in feed.entries]
    assert len(bodies) == 2 and "<em>bien</em>" in "".join(bodies)
    assert "Todavía en la cola." not in "".join(bodies)
    assert all(
        entry.link.startswith("http://localhost/articles/ley#comment-") for entry in feed.entries
    )
    assert client.get("/articles/nope/comments.atom").status_code == 404


def test_site_feed_holds_every_article(client: FlaskClient, factory: Factory) -> None:
    seed(factory)
    feed = parse(client, "/comments.atom")
    assert len(feed.entries) == 3
    assert {entry.author for entry in feed.entries} >= {"Zé"}


def test_pages_link_their_feeds(client: FlaskClient, factory: Factory) -> None:
    seed(factory)
    page = client.get("/articles/ley").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Comentarios sobre Ley de datos" '
        'href="/articles/ley/comments.atom">' in page
    )
    assert 'type="application/atom+xml" title="Comentarios recientes" href="/comments.atom"' in page
    assert 'href="/comments.atom"' in client.get("/").get_data(as_text=True)


def test_feeds_answer_304_until_the_thread_changes(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    seed(factory)
    for path in ("/articles/ley/comments.atom", "/comments.atom"):
        first = client.get(path)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    with app.app_context():
        from sqlalchemy import select

        from models import Comment

        waiting = db.session.scalars(
            select(Comment).where(Comment.status == CommentStatus.PENDING)
        ).one()
        decide(db.session, waiting, CommentStatus.APPROVED, None)
        db.session.commit()
    for path in ("/articles/ley/comments.atom", "/comments.atom"):
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 200
    assert "Todavía en la cola." in client.get("/articles/ley/comments.atom").get_data(as_text=True)


def test_feeds_never_carry_an_email(client: FlaskClient, factory: Factory) -> None:
    seed(factory)
    for path in ("/articles/ley/comments.atom", "/comments.atom"):
        content = client.get(path).get_data(as_text=True)
        for secret in forbidden_strings(EMAIL):
            assert secret not in content, f"{secret!r} leaked in {path}"
        assert "@" not in content
