"""The readers' article lookup runs outside the ORM session (`Database.read_one`): it must
find what the ORM finds, and fail as SQLAlchemy fails."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Integer as IntegerType
from sqlalchemy import Table, bindparam, cast, select, text
from sqlalchemy.exc import DBAPIError

from models import Article
from moderation.articles import ThreadArticle, thread_article_or_404
from moderation.extensions import db
from moderation.pipeline import UnknownArticle
from tests.factories import Factory

ARTICLES = Article.__table__
assert isinstance(ARTICLES, Table)


def test_thread_article_matches_the_orm(app: Flask, factory: Factory) -> None:
    made = factory.article(slug="agua", title="El agua", url="https://example.org/agua")
    with app.test_request_context():
        db.session.execute(text("UPDATE articles SET thread_version = 7 WHERE id = :id"),
                           {"id": made.id})  # fmt: skip
        db.session.commit()
        found = thread_article_or_404("agua")
    assert found == ThreadArticle(made.id, "agua", "El agua", made.url, made.language, 7)


@pytest.mark.parametrize("slug", ["nada", "a\x00b", ""])
def test_unknown_or_unstorable_slug_is_unknown(app: Flask, slug: str) -> None:
    with app.test_request_context(), pytest.raises(UnknownArticle):
        thread_article_or_404(slug)


def test_a_driver_error_is_raised_as_sqlalchemys(app: Flask) -> None:
    # An error every database raises: a table that does not exist.
    missing = select(cast(bindparam("n"), IntegerType)).select_from(text("no_such_table"))
    with app.test_request_context(), pytest.raises(DBAPIError):
        db.read_one(missing, {"n": 1})
    with app.test_request_context():  # the pool still serves the next read
        assert db.read_one(select(ARTICLES.c.id).where(ARTICLES.c.slug == bindparam("slug")),
                           {"slug": "nada"}) is None  # fmt: skip
