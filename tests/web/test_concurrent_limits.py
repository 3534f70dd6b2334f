"""A client's simultaneous comments are counted one after another (issue 12, item 6)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from models import Comment
from moderation.extensions import db
from tests.factories import Factory

BODY = "Comentario número {n}: una opinión distinta sobre el presupuesto abierto."


def test_twelve_simultaneous_posts_get_exactly_the_limit_through(app_factory: Any) -> None:
    app = app_factory(TERTULIA_COMMENT_RATE_LIMIT="5 per minute")
    with app.app_context():
        Factory(db.session).article(slug="presupuesto", language="es")
    # Another client's comment counts for nobody else.
    warm = app.test_client().post(
        "/api/v1/articles/presupuesto/comments",
        json={"name": "Eva", "email": "eva@example.org", "body": BODY.format(n=0)},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert warm.status_code == 202
    start = threading.Barrier(12)
    codes: list[int] = []

    def post(n: int) -> None:
        client = app.test_client()
        payload = {"name": f"Ana {n}", "email": "ana@example.org", "body": BODY.format(n=n)}
        start.wait()
        response = client.post("/api/v1/articles/presupuesto/comments", json=payload)
        codes.append(response.status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [202] * 5 + [429] * 7
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 1 + 5
