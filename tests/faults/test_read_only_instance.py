"""An instance folder that cannot be written: reading keeps working, posting answers 503.

The server runs in a mount namespace where the instance folder is a read-only bind mount: the
kernel refuses every write, root's included, as on a read-only volume.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from models import CommentStatus
from moderation import messages
from moderation.extensions import db
from tests.conftest import CSRF_INPUT, POSTGRES_URL
from tests.factories import Factory
from tests.faults.served import gunicorn


def _can_mount_read_only() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = ["unshare", "--map-root-user", "--mount", "true"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


pytestmark = pytest.mark.skipif(
    not _can_mount_read_only(), reason="needs unshare with user and mount namespaces"
)
COMMENT = {"name": "Ana", "email": "ana@example.org", "body": "Escribo aunque no se pueda."}


def read_only(folder: Path) -> list[str]:
    """The command prefix that runs the server with `folder` mounted read-only."""
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return ["unshare", "--map-root-user", "--mount", "sh", "-c", script, str(folder)]


def test_reading_works_and_posting_answers_503(
    tmp_path: Path, database_template: str, app_factory: Any
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("k" * 64)
    if POSTGRES_URL is None:
        shutil.copyfile(database_template, instance / "tertulia.sqlite3")
    url = POSTGRES_URL or f"sqlite:///{instance / 'tertulia.sqlite3'}"
    app = app_factory(DATABASE_URL=url)
    with app.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="nota", language="es")
        factory.comment(article, body="Publicado antes", status=CommentStatus.APPROVED)
        db.session.close()
        db.engine.dispose()  # SQLite folds its -wal file back into the database and removes it

    env = {"TERTULIA_INSTANCE": str(instance), "DATABASE_URL": POSTGRES_URL or "", "SECRET_KEY": ""}
    with gunicorn(env, tmp_path, workers=1, prefix=read_only(instance)) as server:
        page = server.request("/articles/nota")
        assert page.status == 200
        assert "Publicado antes" in page.body
        thread = server.request("/api/v1/articles/nota/comments")
        assert thread.status == 200 and thread.json()["total"] == 1

        posted = server.request("/api/v1/articles/nota/comments", body=COMMENT)
        match = CSRF_INPUT.search(page.body)
        assert match
        sent = server.request("/articles/nota", form={**COMMENT, "csrf_token": match.group(1)})
        ready = server.request("/readyz")
        log = server.output()

    if POSTGRES_URL is not None:  # nothing to write in the instance folder: posting works
        assert posted.status == 202 and sent.status == 302
        assert ready.status == 200 and ready.json()["status"] == "ready"
        return
    assert posted.status == 503
    assert int(posted.headers["Retry-After"]) > 0
    assert posted.json() == {
        "errors": {"request": messages.READ_ONLY},
        "codes": {"request": "unavailable"},
    }
    assert sent.status == 503
    assert f">{html.escape(COMMENT['body'])}</textarea>" in sent.body  # the text is kept
    assert ready.status == 200
    assert ready.json()["status"] == "degraded" and ready.json()["storage"] == "read-only"
    # What the operator reads: why, at start and with each refused comment; no misleading error.
    assert f"the database folder {instance} cannot be written: serving read-only" in log
    assert "POST /api/v1/articles/nota/comments not saved: the database" in log
    assert "unable to open database file" not in log
    assert "unhandled error" not in log
