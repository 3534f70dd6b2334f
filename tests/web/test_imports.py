"""Importing other systems' comments: `flask import`, the admin page, and what gets stored."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from bench.imports import write_wxr
from models import (
    Article,
    AuditEntry,
    Comment,
    CommentStatus,
    Decision,
    ImportRun,
    ImportRunStatus,
    Moderator,
    ModeratorRole,
    SpamLabel,
    SpamModelVersion,
)
from moderation.extensions import db
from moderation.imports import store
from moderation.transfer import jobs
from tests.conftest import Auth, csrf_token
from tests.factories import Factory
from tests.unit.test_imports import FIXTURES, SAMPLES, needs_samples


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def run_import(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["import", *args])
    assert result.exit_code == 0, result.output
    return result.output


@needs_samples
@pytest.mark.parametrize(
    ("source_format", "name", "comments", "articles", "statuses", "replies"),
    [
        ("wordpress", "isso-tests-wordpress.xml", 8, 2, {"approved": 8}, 3),
        ("disqus", "isso-tests-disqus.xml", 5, 2, {"approved": 4, "rejected": 1}, 2),
        ("generic", "isso-tests-generic.json", 2, 2, {"approved": 2}, 0),
    ],
)
def test_samples_import_once(
    app: Flask,
    runner: FlaskCliRunner,
    source_format: str,
    name: str,
    comments: int,
    articles: int,
    statuses: dict[str, int],
    replies: int,
) -> None:
    output = run_import(runner, source_format, str(SAMPLES / name))
    assert f"{comments} imported" in output
    assert count(app, Comment) == comments and count(app, Article) == articles
    for status, expected in statuses.items():
        assert count(app, Comment, Comment.status == CommentStatus(status)) == expected
    assert count(app, Comment, Comment.parent_id.is_not(None)) == replies
    assert count(app, Decision, Decision.moderator_id.is_(None)) == comments
    again = run_import(runner, source_format, str(SAMPLES / name))
    assert f"0 imported (none), {comments} already imported" in again
    assert count(app, Comment) == comments and count(app, Decision) == comments
    assert count(app, Article) == articles


def test_threads_dates_names_and_emails_are_kept(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    output = run_import(runner, "wordpress", str(FIXTURES / "wordpress-nested.xml"))
    assert "skipped: 1 pingback" in output and "without email: 1" in output
    with app.app_context():
        found = {c.author_name: c for c in db.session.scalars(select(Comment).order_by(Comment.id))}
        lucia = db.session.scalars(select(Comment).order_by(Comment.id)).first()
        assert lucia is not None and lucia.author_name == "Lucía Pérez"
        joao, zoe, fourth = found["João Gonçalves"], found["Zoë"], found["Lucía Pérez"]
        assert joao.parent_id == lucia.id and zoe.parent_id == joao.id
        assert fourth.parent_id == zoe.id and fourth.author_email == "LUCIA@ejemplo.es"
        assert lucia.author_email == "lucia@ejemplo.es" and zoe.author_email == ""
        assert lucia.created_at.strftime("%Y-%m-%d %H:%M") == "2024-03-01 10:00"
        assert lucia.language == "es" and joao.language == "pt"
        assert found["Cheap Pills"].status is CommentStatus.SPAM
        assert found["Troll"].status is CommentStatus.REJECTED
        # Pending comments go through the site's own checks, as if just posted.
        marta = found["Marta"]
        assert marta.status is CommentStatus.PENDING and marta.spam_score is not None
        assert not marta.is_unclassified
        decision = db.session.scalars(select(Decision).where(Decision.comment_id == lucia.id)).one()
        assert decision.moderator_id is None
        assert decision.reason == "wordpress wordpress-nested.xml #101"
        article = db.session.scalars(select(Article)).one()
        assert (article.slug, article.url) == (
            "presupuesto-2026",
            "https://news.example/2026/presupuesto/",
        )
        assert db.session.scalar(select(func.count(SpamLabel.id))) == 0
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.actor) == ("site.import", "command line")
    page = client.get("/articles/presupuesto-2026").get_data(as_text=True)
    assert "Cuarto nivel de respuestas." in page and "BUY CHEAP PILLS" not in page
    assert "lucia@ejemplo.es" not in page and "Esperando moderación" not in page


def test_existing_articles_are_matched_by_address_or_slug(
    app: Flask, runner: FlaskCliRunner, factory: Factory
) -> None:
    by_url = factory.article(slug="otro", url="https://news.example/2026/presupuesto")
    run_import(runner, "wordpress", str(FIXTURES / "wordpress-nested.xml"))
    assert count(app, Article) == 1
    assert count(app, Comment, Comment.article_id == by_url.id) == 7


def test_learn_turns_history_into_spam_labels(app: Flask, runner: FlaskCliRunner) -> None:
    output = run_import(runner, "wordpress", "--learn", str(FIXTURES / "wordpress-nested.xml"))
    assert "spam labels learned: 5" in output
    with app.app_context():
        labels = db.session.scalars(select(SpamLabel)).all()
        assert sorted(label.is_spam for label in labels) == [False] * 4 + [True]
        assert all(label.decision_id is not None for label in labels)
        assert db.session.scalar(select(func.count(SpamModelVersion.id))) == 1


def test_a_malformed_file_writes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write_wxr(tmp_path / "broken.xml", 1200)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</wp:comment_id>", "</wp:comment_idd>", 1100), encoding="utf-8")
    result = runner.invoke(args=["import", "wordpress", str(path)])
    assert result.exit_code != 0
    assert "mismatched tag" in result.output and "line " in result.output
    assert "Nothing was imported" in result.output
    assert count(app, Comment) == 0 and count(app, Article) == 0 and count(app, Decision) == 0


def test_a_generated_file_imports_in_batches(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads longer than a batch: replies find parents stored batches earlier. Batches of 50
    instead of 500 give the same three batches and cut threads as 1,500 comments did."""
    monkeypatch.setattr(store, "BATCH", 50)
    path = write_wxr(tmp_path / "many.xml", 150, per_thread=40)
    output = run_import(runner, "wordpress", str(path))
    assert "Importing" in output
    with app.app_context():
        comments = db.session.scalar(select(func.count(Comment.id))) or 0
        replies = db.session.scalar(
            select(func.count(Comment.id)).where(Comment.parent_id.is_not(None))
        )
        parent = aliased(Comment)
        cross = db.session.scalar(
            select(func.count(Comment.id))
            .join(parent, Comment.parent_id == parent.id)
            .where(parent.article_id != Comment.article_id)
        )
    # Every comment but the pingbacks is stored, and every reply of the file keeps its parent.
    text = path.read_text(encoding="utf-8")
    replies_in_file = len(re.findall(r"<wp:comment_parent>[1-9]", text))
    assert comments == 150 - text.count("<wp:comment_type>pingback") > 140
    assert replies == replies_in_file > 40 and cross == 0


def test_disqus_replies_before_their_parent_are_linked(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One comment per batch: the reply is stored a batch before its parent exists."""
    monkeypatch.setattr(store, "BATCH", 1)
    path = tmp_path / "disqus.xml"
    path.write_text(
        """<?xml version="1.0"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="1"><id>ley</id><link>https://news.example/ley</link><title>Ley</title></thread>
  <post dsq:id="20"><message>&lt;p&gt;Respuesta&lt;/p&gt;</message>
    <createdAt>2020-01-02T00:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>B</name><email>b@example.org</email></author>
    <thread dsq:id="1"/><parent dsq:id="10"/></post>
  <post dsq:id="10"><message>Primero</message><createdAt>2020-01-01T00:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>true</isSpam>
    <author><name>A</name><email>a@example.org</email></author><thread dsq:id="1"/></post>
</disqus>""",
        encoding="utf-8",
    )
    output = run_import(runner, "disqus", str(path))
    assert "replies: 1 (0 whose parent" in output
    with app.app_context():
        found = {c.author_name: c for c in db.session.scalars(select(Comment))}
        assert found["B"].parent_id == found["A"].id and found["B"].body == "Respuesta"


@pytest.fixture
def admin(factory: Factory, auth: Auth) -> Moderator:
    moderator = factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
    auth.login("admin@example.org")
    return moderator


def upload(client: FlaskClient, source_format: str, content: bytes, name: str) -> Any:
    token = csrf_token(client, "/admin/transfer")
    return client.post(
        "/admin/imports",
        data={"csrf_token": token, "format": source_format, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_admin_imports_from_the_browser(app: Flask, client: FlaskClient, admin: Moderator) -> None:
    content = (FIXTURES / "wordpress-nested.xml").read_bytes() * 1
    # Larger than the site's 64 kB request limit: the import page has its own.
    padded = content.replace(b"<channel>", b"<channel><!--" + b"x" * 100_000 + b"-->", 1)
    response = upload(client, "wordpress", padded, "export.xml")
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    jobs(app).wait(run_id, timeout=60)
    page = client.get(f"/admin/imports/{run_id}").get_data(as_text=True)
    assert (
        "Import finished." in page
        and "<td>7 (5 approved, 1 pending, 1 spam, 1 rejected)" not in page
    )
    assert "Imported</th><td>7" in page
    with app.app_context():
        run = db.session.get_one(ImportRun, run_id)
        assert run.status is ImportRunStatus.DONE and run.done == 7 and run.total == 7
        assert run.started_by == "admin@example.org"
    assert count(app, Comment) == 7
    # The upload holds emails: it is gone once read.
    assert list((Path(app.instance_path) / "imports").iterdir()) == []
    assert "export.xml" in client.get("/admin/transfer").get_data(as_text=True)


def test_admin_upload_of_a_malformed_file_is_refused_with_its_line(
    app: Flask, client: FlaskClient, admin: Moderator
) -> None:
    response = upload(client, "generic", b'[{"id": "/a/",\n "comments": [}]', "broken.json")
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    jobs(app).wait(run_id, timeout=60)
    page = client.get(f"/admin/imports/{run_id}").get_data(as_text=True)
    assert "nothing was imported" in page and "line 2" in page
    assert count(app, Comment) == 0


def test_admin_upload_needs_a_file_and_a_format(client: FlaskClient, admin: Moderator) -> None:
    token = csrf_token(client, "/admin/transfer")
    response = client.post("/admin/imports", data={"csrf_token": token, "format": "myspace"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose one of the formats listed." in page and "Choose the export file" in page
    refused = client.post("/admin/imports", data={"format": "wordpress"})
    assert refused.status_code == 400


@pytest.mark.parametrize("path", ["/admin/transfer", "/admin/imports/1", "/admin/readers"])
def test_import_pages_are_for_admins_only(
    client: FlaskClient, auth: Auth, factory: Factory, path: str
) -> None:
    assert client.get(path).status_code == 302
    factory.moderator()
    auth.login()
    assert client.get(path).status_code == 403
