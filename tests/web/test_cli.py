"""The command line: articles, moderators, comments, demo, migrations, language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole
from moderation.config import DEFAULT_COMMENT_RATE_LIMIT
from moderation.demo import ADMIN_EMAIL, DEMO_EMAIL, DEMO_PASSWORD
from moderation.extensions import db
from tests.conftest import Auth


def test_articles_add(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(
        args=["articles", "add", "ley-datos", "--title", "Ley de datos", "--language", "ES"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article is not None and (article.slug, article.language) == ("ley-datos", "es")
    again = runner.invoke(args=["articles", "add", "ley-datos", "--title", "Otra"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_articles_add_refuses_a_language_the_site_does_not_moderate(
    runner: FlaskCliRunner,
) -> None:
    result = runner.invoke(args=["articles", "add", "x", "--title", "X", "--language", "fr"])
    assert result.exit_code != 0 and "not one of this site's languages" in result.output


def test_moderators_add_hashes_the_password(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(
        args=[
            "moderators",
            "add",
            "Admin@Example.org",
            "--password",
            "s3cret-pass",
            "--role",
            "admin",
            "--languages",
            "es,pt",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        moderator = db.session.scalar(select(Moderator))
        assert moderator is not None
        assert moderator.email == "admin@example.org"
        assert moderator.role is ModeratorRole.ADMIN and moderator.language_list == ("es", "pt")
        assert check_password_hash(moderator.password_hash, "s3cret-pass")


def test_moderators_add_prompts_for_the_password(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(
        args=["moderators", "add", "mod@example.org"], input="long-password\nlong-password\n"
    )
    assert result.exit_code == 0, result.output
    assert "long-password" not in result.output
    short = runner.invoke(args=["moderators", "add", "x@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 8" in short.output


def test_demo_seeds_once(app_factory: Any) -> None:
    # The real rate limits: the demo's comments come from no client and must not hit them.
    app = app_factory(TERTULIA_COMMENT_RATE_LIMIT=DEFAULT_COMMENT_RATE_LIMIT)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert DEMO_EMAIL in first.output
    with app.app_context():
        counts = {
            status: db.session.scalar(
                select(func.count(Comment.id)).where(Comment.status == status)
            )
            for status in CommentStatus
        }
        languages = set(db.session.scalars(select(Article.language)))
    assert languages == {"es", "pt", "en"}
    assert counts[CommentStatus.APPROVED] == 4
    assert (counts[CommentStatus.PENDING] or 0) + (counts[CommentStatus.SPAM] or 0) == 4
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "created" not in second.output and DEMO_EMAIL in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 8
        assert db.session.scalar(select(func.count(Article.id))) == 3


def test_demo_accounts_and_the_passwords_it_prints(app_factory: Any) -> None:
    app = app_factory()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"]).output
    match = re.search(rf"admin {ADMIN_EMAIL} created with password (\S+) ", first)
    assert match, first
    admin_password = match.group(1)
    assert f"as {DEMO_EMAIL} with password {DEMO_PASSWORD}" in first
    with app.app_context():
        roles = {
            email: role
            for email, role in db.session.execute(select(Moderator.email, Moderator.role))
        }
    assert roles == {DEMO_EMAIL: ModeratorRole.MODERATOR, ADMIN_EMAIL: ModeratorRole.ADMIN}
    assert Auth(app.test_client()).login(ADMIN_EMAIL, admin_password).status_code == 302
    second = runner.invoke(args=["demo"]).output
    assert admin_password not in second and "created" not in second
    changed = runner.invoke(args=["moderators", "password", DEMO_EMAIL, "--password", "mine-now"])
    assert changed.exit_code == 0, changed.output
    third = runner.invoke(args=["demo"]).output
    assert DEMO_PASSWORD not in third and "mine-now" not in third
    assert f"as {DEMO_EMAIL} (its password was changed)" in third


def test_demo_keeps_to_the_sites_languages(app_factory: Any) -> None:
    app = app_factory(TERTULIA_LANGUAGES=("es", "en"))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "this site does not moderate 'pt'" in result.output
    with app.app_context():
        assert set(db.session.scalars(select(Article.language))) == {"es", "en"}
        demo = db.session.scalar(select(Moderator).where(Moderator.email == DEMO_EMAIL))
        assert demo is not None and demo.language_list == ("es", "en")


def test_db_upgrade_creates_the_schema(tmp_path: Path, app_factory: Any) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = app_factory(DATABASE_URL=url)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Running upgrade  -> 0001, Initial schema" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0


def test_reclassify_finishes_what_a_failing_check_left(app: Flask, runner: FlaskCliRunner) -> None:
    from unittest import mock

    from moderation.pipeline import Submission
    from moderation.services import services
    from moderation.spam import SpamModel

    with app.app_context():
        article = Article(slug="a", title="A", language="es")
        db.session.add(article)
        db.session.commit()
        with mock.patch.object(SpamModel, "score", side_effect=RuntimeError("model missing")):
            for body in (
                "Muy buen artículo, gracias.",
                "COMPRA SEGUIDORES BARATOS http://seguidores.example "
                "http://seguidores.example/oferta llama +52 55 1234 5678",
            ):
                services().intake.submit(
                    db.session, article.slug, Submission(name="N", email="n@example.org", body=body)
                )
    result = runner.invoke(args=["comments", "reclassify"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 unclassified comment(s) classified" in result.output
    with app.app_context():
        comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
        assert [c.status for c in comments] == [CommentStatus.PENDING, CommentStatus.SPAM]
        assert all(c.spam_score is not None and not c.is_unclassified for c in comments)
    again = runner.invoke(args=["comments", "reclassify"])
    assert "0 of 0" in again.output


def test_forget_deletes_an_author_everywhere(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    from models import Decision, SpamLabel
    from moderation.pipeline import decide
    from tests.factories import Factory

    factory = Factory(app.extensions["tertulia.db"]())
    article = factory.article(slug="foro")
    theirs = factory.comment(article, body="Mi opinión privada", author_email="Ana@Example.org")
    other = factory.comment(article, body="Otra voz")
    decide(factory.session, theirs, CommentStatus.APPROVED, None)
    factory.session.commit()
    reply = factory.comment(
        article, body="Respuesta", status=CommentStatus.APPROVED, parent_id=theirs.id
    )
    assert "Mi opinión privada" in client.get("/articles/foro").get_data(as_text=True)

    refused = runner.invoke(args=["comments", "forget", "ana@example.org"], input="n\n")
    assert refused.exit_code != 0
    result = runner.invoke(args=["comments", "forget", "ana@example.org", "--yes"])
    assert result.exit_code == 0 and "1 comment(s) deleted" in result.output

    page = client.get("/articles/foro").get_data(as_text=True)
    assert "Mi opinión privada" not in page and "Respuesta" in page
    with app.app_context():
        remaining = {c.id: c for c in db.session.scalars(select(Comment))}
        assert set(remaining) == {other.id, reply.id}
        assert remaining[reply.id].parent_id is None
        assert db.session.scalar(select(func.count(Decision.id))) == 0
        assert db.session.scalar(select(func.count(SpamLabel.id))) == 0
    factory.session.close()


def test_moderators_password_resets_it(runner: FlaskCliRunner, app: Flask) -> None:
    runner.invoke(args=["moderators", "add", "mod@example.org", "--password", "first-pass"])
    result = runner.invoke(
        args=["moderators", "password", "MOD@example.org"], input="second-pass\nsecond-pass\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        moderator = db.session.scalar(select(Moderator))
        assert moderator is not None and check_password_hash(moderator.password_hash, "second-pass")
    missing = runner.invoke(
        args=["moderators", "password", "nobody@example.org", "--password", "x" * 9]
    )
    assert missing.exit_code != 0 and "no moderator" in missing.output


def test_language_detect_prints_one_code_per_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    source = tmp_path / "comments.txt"
    source.write_text(
        "Obrigado pela ajuda\nThank you for the help\n\n🙂\nMuchas gracias por la ayuda\n"
        "Je vous remercie pour votre aide précieuse, vraiment\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["language", "detect", str(source)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["pt", "en", "und", "und", "es", "fr"]

    narrowed = runner.invoke(
        args=["language", "detect", "--languages", "en,fr"], input="Je vous remercie\n"
    )
    assert narrowed.output.splitlines() == ["fr"]
    refused = runner.invoke(args=["language", "detect", "--languages", "en,xx"])
    assert refused.exit_code != 0 and "xx" in refused.output
