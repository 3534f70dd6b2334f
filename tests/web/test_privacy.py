"""No email, nor any hash of one, ever appears on a public page or API response."""

from __future__ import annotations

import hashlib
import re
from collections import deque

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import Comment, CommentStatus
from moderation.extensions import db
from moderation.pipeline import decide
from tests.factories import Factory

EMAILS = ["Zed.Privacy+tertulia@example.org", "ünïcode.reader@ejemplo.com.br"]
LINK = re.compile(r'href="(/[^"#]*)')


def forbidden_strings(email: str) -> set[str]:
    """The email in the forms a leak could take: as typed, folded, and hashed."""
    forms = {email, email.lower(), email.strip().lower()}
    strings = set(forms)
    for form in forms:
        for name in ("md5", "sha1", "sha256"):
            strings.add(hashlib.new(name, form.encode()).hexdigest())
    strings.add(email.split("@")[0])
    return strings


def crawl(client: FlaskClient, start: list[str]) -> dict[str, str]:
    """Every page reachable from `start` by local links, plus the start pages."""
    seen: dict[str, str] = {}
    todo = deque(start)
    while todo:
        path = todo.popleft()
        if path in seen or path.startswith(("/login", "/static")):
            continue
        response = client.get(path)
        seen[path] = response.get_data(as_text=True) + str(dict(response.headers))
        todo.extend(LINK.findall(seen[path]))
    return seen


def test_emails_never_leave_the_server(client: FlaskClient, app: Flask, factory: Factory) -> None:
    factory.article(slug="privacidad", language="es")
    for n, email in enumerate(EMAILS):
        for route in ("form", "api"):
            body = f"Comentario {route} {n}: muy interesante el artículo sobre datos abiertos."
            if route == "api":
                response = client.post(
                    "/api/v1/articles/privacidad/comments",
                    json={"name": f"Lectora {n}", "email": email, "body": body},
                )
                assert response.status_code == 202
                assert email not in response.get_data(as_text=True)
            else:
                from tests.conftest import csrf_token

                token = csrf_token(client, "/articles/privacidad")
                response = client.post(
                    "/articles/privacidad",
                    data={"csrf_token": token, "name": f"Lector {n}", "email": email, "body": body},
                )
                assert response.status_code == 302
    with app.app_context():
        stored = list(db.session.scalars(select(Comment)))
        assert len(stored) == 4
        for comment in stored:
            decide(db.session, comment, CommentStatus.APPROVED, None)
        db.session.commit()

    pages = crawl(
        client,
        ["/", "/articles/privacidad", "/api/v1/articles/privacidad/comments", "/nope"],
    )
    assert "/articles/privacidad" in pages
    published = pages["/api/v1/articles/privacidad/comments"]
    assert published.count('"author_name"') == 4
    for email in EMAILS:
        for secret in forbidden_strings(email):
            for path, content in pages.items():
                assert secret not in content, f"{secret!r} leaked on {path}"


def test_unpublished_comments_answer_like_missing_ones(
    client: FlaskClient, factory: Factory
) -> None:
    """Replying is the one place a visitor names a comment id: every id that is not a published
    comment of this article gets the same answer, so no id gives away a held comment."""
    article, other = factory.article(slug="privacidad"), factory.article()
    held = [factory.comment(article, status=status) for status in CommentStatus]
    held = [comment for comment in held if comment.status is not CommentStatus.APPROVED]
    elsewhere = factory.comment(other, status=CommentStatus.APPROVED)
    ids = [comment.id for comment in held] + [elsewhere.id, 999_999]
    fields = {"name": "Ana", "email": "ana@example.org", "body": "Respondo."}
    answers = {
        client.post(
            "/api/v1/articles/privacidad/comments", json={**fields, "parent_id": comment_id}
        ).get_data(as_text=True)
        for comment_id in ids
    }
    said = "The comment you reply to is not on this article."
    assert answers == {
        f'{{"codes":{{"parent_id":"not_found"}},"errors":{{"parent_id":"{said}"}}}}\n'
    }
    from tests.conftest import csrf_token

    pages = set()
    for comment_id in ids:
        token = csrf_token(client, "/articles/privacidad")
        page = client.post(
            "/articles/privacidad",
            data={"csrf_token": token, **fields, "parent_id": str(comment_id)},
        )
        assert page.status_code == 422
        text = page.get_data(as_text=True)
        pages.add(text[text.index('id="replying"') :][:160])
    assert len(pages) == 1
