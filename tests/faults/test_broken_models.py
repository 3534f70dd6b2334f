"""A missing or corrupt bundled model never stops the site (the language or the spam model)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from models import Comment, CommentStatus, ModeratorRole
from moderation.extensions import db
from moderation.language import DEFAULT_PATH as LANGUAGE_MODEL
from moderation.spam.storage import BUNDLED_TABLES as SPAM_MODEL
from tests.conftest import POSTGRES_URL, Auth, csrf_token
from tests.factories import Factory

SHIPPED = {"language": LANGUAGE_MODEL, "spam": SPAM_MODEL}
COMMENT = {"name": "Ana", "email": "ana@example.org", "body": "Muy buen artículo, gracias."}


@pytest.fixture(params=["missing", "corrupt"])
def damage(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["language", "spam"])
def which(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def model_file(tmp_path: Path, which: str, damage: str) -> Path:
    """Where the site reads the model from: nothing there, or the first half of the file."""
    path = tmp_path / "models" / SHIPPED[which].name
    path.parent.mkdir()
    if damage == "corrupt":
        path.write_bytes(SHIPPED[which].read_bytes()[: SHIPPED[which].stat().st_size // 2])
    return path


@pytest.fixture
def broken(app_factory: Any, which: str, model_file: Path) -> Flask:
    app: Flask = app_factory(**{f"TERTULIA_{which.upper()}_MODEL": str(model_file)})
    with app.app_context():
        factory = Factory(db.session)
        factory.article(slug="nota", language="es")
        factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
    return app


def reasons(app: Flask) -> list[str]:
    with app.app_context():
        comment = db.session.scalars(select(Comment)).one()
        assert comment.status is CommentStatus.PENDING
        return [reason["code"] for reason in comment.reasons if reason["unclassified"]]


@pytest.mark.parametrize("through", ["api", "form"])
def test_comments_are_taken_unclassified(broken: Flask, which: str, through: str) -> None:
    client = broken.test_client()
    if through == "api":
        assert client.post("/api/v1/articles/nota/comments", json=COMMENT).status_code == 202
    else:
        token = csrf_token(client, "/articles/nota")
        sent = client.post("/articles/nota", data={**COMMENT, "csrf_token": token})
        assert sent.status_code == 302
        # The Spanish article's confirmation: "awaiting moderation".
        assert "espera moderación" in client.get(sent.location).get_data(as_text=True)
    found = reasons(broken)
    assert found == [f"{which}.unavailable"]


def test_admins_and_readyz_see_the_problem(broken: Flask, which: str) -> None:
    client = broken.test_client()
    Auth(client).login("admin@example.org")
    for path in ("/queue/", "/queue/model", "/admin/articles"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert f"The {which} model could not be loaded" in page.get_data(as_text=True), path
    ready = client.get("/readyz")
    assert ready.status_code == 200  # degraded, not out of the balancer: comments still come in
    assert ready.json is not None
    assert ready.json["status"] == "degraded"
    assert ready.json["models"][which] == "failed"
    assert ready.json["database"] == "ok"


def test_commands_that_need_no_model_work(
    app_factory: Any, which: str, model_file: Path, tmp_path: Path
) -> None:
    url = POSTGRES_URL or f"sqlite:///{tmp_path / 'fresh.sqlite3'}"  # PostgreSQL: already at head
    app = app_factory(DATABASE_URL=url, **{f"TERTULIA_{which.upper()}_MODEL": str(model_file)})
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["articles", "add", "x", "--title", "X"], ["articles", "list"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)


def test_once_the_file_is_back_the_waiting_comments_are_classified(
    broken: Flask, app_factory: Any, which: str, model_file: Path
) -> None:
    assert broken.test_client().post("/api/v1/articles/nota/comments", json=COMMENT).status_code
    shutil.copyfile(SHIPPED[which], model_file)
    restarted = app_factory(**{f"TERTULIA_{which.upper()}_MODEL": str(model_file)})
    result = restarted.test_cli_runner().invoke(args=["comments", "reclassify"])
    assert result.exit_code == 0, result.output
    assert "1 of 1" in result.output
    assert reasons(restarted) == []
