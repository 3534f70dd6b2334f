"""Exports (JSON Lines, WXR, one thread) and a reader's data: admin-only, emails included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from models import AuditEntry, Comment, CommentStatus, Moderator, ModeratorRole, SpamLabel
from moderation.extensions import db
from moderation.pipeline import decide
from moderation.readers import reference
from tests.conftest import Auth, csrf_token
from tests.factories import Factory
from tests.unit.test_imports import FIXTURES


def snapshot(app: Flask) -> list[tuple[Any, ...]]:
    """Every comment as the export promises to carry it, parents as authors' names."""
    with app.app_context():
        comments = db.session.scalars(select(Comment).order_by(Comment.created_at)).all()
        names = {c.id: (c.author_name, c.created_at) for c in comments}
        return [
            (
                c.article.url,
                c.author_name,
                c.author_email,
                c.status.value,
                c.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                " ".join(c.body.split()),
                names.get(c.parent_id) if c.parent_id else None,
            )
            for c in comments
        ]


def test_wxr_export_round_trips_through_the_wordpress_importer(
    app_factory: Any, tmp_path: Path
) -> None:
    first = app_factory()
    runner = first.test_cli_runner()
    assert (
        runner.invoke(
            args=["import", "wordpress", str(FIXTURES / "wordpress-nested.xml")]
        ).exit_code
        == 0
    )
    exported = tmp_path / "site.xml"
    result = runner.invoke(args=["export", "--format", "wxr", str(exported)])
    assert result.exit_code == 0, result.output
    before = snapshot(first)
    with first.app_context():
        db.session.execute(Comment.__table__.delete())  # type: ignore[attr-defined]
        db.session.commit()
    again = runner.invoke(args=["import", "wordpress", str(exported)])
    assert again.exit_code == 0, again.output
    assert "7 imported" in again.output and "1 matched" in again.output
    assert snapshot(first) == before


def test_jsonl_export_of_the_site_and_of_one_thread(
    app: Flask, runner: FlaskCliRunner, factory: Factory, tmp_path: Path
) -> None:
    article = factory.article(slug="ley")
    other = factory.article(slug="otra")
    comment = factory.comment(
        article, author_email="ana@example.org", status=CommentStatus.APPROVED
    )
    factory.comment(other, body="En otro hilo")
    path = tmp_path / "site.jsonl"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["type"] for line in lines].count("comment") == 2
    assert lines[0] == {"type": "tertulia-export", "version": 1, "article": None}
    mine = next(line for line in lines if line.get("id") == comment.id)
    assert mine["author_email"] == "ana@example.org" and mine["article"] == "ley"
    assert mine["status"] == "approved"
    thread = tmp_path / "ley.jsonl"
    assert runner.invoke(args=["export", "--article", "ley", str(thread)]).exit_code == 0
    one = [json.loads(line) for line in thread.read_text(encoding="utf-8").splitlines()]
    assert [line["type"] for line in one] == ["tertulia-export", "article", "comment"]
    missing = runner.invoke(args=["export", "--article", "nope", str(thread)])
    assert missing.exit_code != 0 and "no article 'nope'" in missing.output


@pytest.fixture
def admin(factory: Factory, auth: Auth) -> Moderator:
    moderator = factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
    auth.login("admin@example.org")
    return moderator


EXPORTS = ["/admin/export/site.jsonl", "/admin/export/site.xml", "/admin/export/articles/ley.jsonl"]


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_are_for_admins_only(
    client: FlaskClient, auth: Auth, factory: Factory, path: str
) -> None:
    factory.article(slug="ley")
    assert client.get(path).status_code == 302
    factory.moderator()
    auth.login()
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", EXPORTS)
def test_admin_downloads_exports_with_emails(
    app: Flask, client: FlaskClient, factory: Factory, admin: Moderator, path: str
) -> None:
    factory.comment(factory.article(slug="ley"), author_email="ana@example.org")
    response = client.get(path)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "ana@example.org" in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action) == ("admin@example.org", "site.export")


def test_admin_finds_exports_and_erases_a_reader(
    app: Flask, client: FlaskClient, factory: Factory, admin: Moderator
) -> None:
    article = factory.article(slug="ley")
    theirs = factory.comment(article, body="Mi opinión, que es mía", author_email="Ana@Example.org")
    factory.comment(article, body="Otra lectora", author_email="bea@example.org")
    with app.app_context():
        decide(db.session, db.session.get_one(Comment, theirs.id), CommentStatus.APPROVED, None)
        db.session.commit()
    token = csrf_token(client, "/admin/readers")
    found = client.post("/admin/readers", data={"csrf_token": token, "email": "ana@EXAMPLE.org "})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "1 comment sent with ana@example.org" in page
    assert "Mi opinión" in page and "Otra lectora" not in page

    exported = client.post(
        "/admin/readers/export", data={"csrf_token": token, "email": "ana@example.org"}
    )
    data = exported.json
    assert exported.status_code == 200 and data is not None
    assert [c["body"] for c in data["comments"]] == ["Mi opinión, que es mía"]
    assert data["decisions"][0]["to_status"] == "approved" and data["spam_labels"] == 1

    wrong = client.post(
        "/admin/readers/erase",
        data={"csrf_token": token, "email": "ana@example.org", "confirm": "bea@example.org"},
    )
    assert wrong.status_code == 422 and "nothing was erased" in wrong.get_data(as_text=True)
    erased = client.post(
        "/admin/readers/erase",
        data={"csrf_token": token, "email": "ana@example.org", "confirm": "ANA@example.org"},
    )
    assert erased.status_code == 302
    assert "Erased 1 comment sent" in client.get("/admin/readers").get_data(as_text=True)
    with app.app_context():
        bodies = db.session.scalars(select(Comment.body)).all()
        assert bodies == ["Otra lectora"]
        assert db.session.scalar(select(func.count(SpamLabel.id))) == 0
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["reader.export", "reader.erase"]
        expected = reference(app.config["SECRET_KEY"], "ana@example.org")
        assert {e.target for e in entries} == {expected}
        assert entries[1].details["comments"] == 1
        for entry in entries:
            assert "ana" not in json.dumps([entry.target, entry.details]).lower()


def test_reader_search_needs_an_email(client: FlaskClient, admin: Moderator) -> None:
    token = csrf_token(client, "/admin/readers")
    response = client.post("/admin/readers", data={"csrf_token": token, "email": "nobody"})
    assert response.status_code == 422
    assert "does not look like an email" in response.get_data(as_text=True)
    none = client.post("/admin/readers", data={"csrf_token": token, "email": "x@example.org"})
    assert "Nothing was sent with x@example.org" in none.get_data(as_text=True)


def test_forget_from_the_command_line_is_audited(
    app: Flask, runner: FlaskCliRunner, factory: Factory
) -> None:
    factory.comment(factory.article(), author_email="ana@example.org")
    assert runner.invoke(args=["comments", "forget", "ana@example.org", "--yes"]).exit_code == 0
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action, entry.details["comments"]) == (
            "command line",
            "reader.erase",
            1,
        )
