"""Threads of thousands come in pages (`limit`, `after`, `order`), each read consistently."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, text

from models import CommentStatus
from moderation.extensions import db
from moderation.threads import DEFAULT_PAGE, MAX_PAGE
from tests.factories import Factory


def url(slug: str, **query: object) -> str:
    params = "&".join(f"{name}={value}" for name, value in query.items())
    return f"/api/v1/articles/{slug}/comments" + (f"?{params}" if params else "")


def pages(client: FlaskClient, slug: str, **query: object) -> list[dict[str, Any]]:
    """Every page of the thread, following `next_after`."""
    found = []
    after = None
    while True:
        response = client.get(url(slug, **query, **({"after": after} if after else {})))
        assert response.status_code == 200
        assert response.json is not None
        found.append(response.json)
        after = response.json["next_after"]
        if after is None:
            return found


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_pages_hold_whole_conversations_and_cover_the_thread_once(
    client: FlaskClient, factory: Factory, order: str
) -> None:
    article = factory.article(slug="larga")
    conversations = factory.thread(article, roots=7, replies_each=2)
    found = pages(client, "larga", limit=3, order=order)
    assert [len(page["comments"]) for page in found] == [9, 9, 3]
    assert {page["total"] for page in found} == {21}
    shown = [comment for page in found for comment in page["comments"]]
    roots = [comment["id"] for comment in shown if comment["parent_id"] is None]
    assert roots == sorted(conversations, reverse=order == "newest")
    # Each root is followed by its replies, oldest first, on the same page.
    for page in found:
        ids = [comment["id"] for comment in page["comments"]]
        for root in (i for i in ids if i in conversations):
            start = ids.index(root)
            assert ids[start + 1 : start + 3] == conversations[root]
    assert not any(comment["body"].startswith("Pending") for comment in shown)


def test_the_default_page_is_bounded(client: FlaskClient, factory: Factory) -> None:
    article = factory.article(slug="enorme")
    factory.thread(article, roots=DEFAULT_PAGE + 5)
    response = client.get(url("enorme"))
    assert response.json is not None
    assert len(response.json["comments"]) == DEFAULT_PAGE
    assert response.json["total"] == DEFAULT_PAGE + 5
    assert response.json["next_after"] == response.json["comments"][-1]["id"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": MAX_PAGE + 1}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "²"}, "limit"),
        ({"order": "sideways"}, "order"),
        ({"after": "-1"}, "after"),
        ({"after": "9" * 40}, "after"),
    ],
)
def test_bad_paging_is_a_400_per_parameter(
    client: FlaskClient, factory: Factory, query: dict[str, object], field: str
) -> None:
    factory.article(slug="nota")
    response = client.get(url("nota", **query))
    assert response.status_code == 400
    assert response.json is not None and field in response.json["errors"]
    assert client.get(url("nope", **query)).status_code == 404


def test_after_an_unknown_comment_is_an_empty_page(client: FlaskClient, factory: Factory) -> None:
    article = factory.article(slug="nota")
    factory.thread(article, roots=2)
    response = client.get(url("nota", after=999_999))
    assert response.json is not None
    assert (response.json["comments"], response.json["next_after"]) == ([], None)
    assert response.json["total"] == 2


def test_the_page_shows_the_first_comments_and_a_link_to_more(
    client: FlaskClient, factory: Factory
) -> None:
    article = factory.article(slug="larga")
    roots = list(factory.thread(article, roots=DEFAULT_PAGE + 3))
    first = client.get("/articles/larga").get_data(as_text=True)
    assert f'id="comment-{roots[DEFAULT_PAGE - 1]}"' in first
    assert f'id="comment-{roots[DEFAULT_PAGE]}"' not in first
    more = f'href="?order=oldest&amp;after={roots[DEFAULT_PAGE - 1]}#comments"'
    assert more in first  # a plain link: no JavaScript needed
    second = client.get(f"/articles/larga?order=oldest&after={roots[DEFAULT_PAGE - 1]}")
    page = second.get_data(as_text=True)
    assert all(f'id="comment-{root}"' in page for root in roots[DEFAULT_PAGE:])
    assert f'id="comment-{roots[0]}"' not in page
    assert 'rel="next"' not in page and 'href="?order=oldest#comments"' in page  # the first
    newest = client.get("/articles/larga?order=newest").get_data(as_text=True)
    assert newest.index(f"comment-{roots[-1]}") < newest.index(f"comment-{roots[-2]}")
    assert f'id="comment-{roots[0]}"' not in newest


def _publish_during_the_next_read(engine: Engine, comment_id: int, article_id: int) -> None:
    """Publish a comment from another connection just before this engine next reads comments,
    as a moderator in another worker would between two statements of a reader's request."""
    other = create_engine(engine.url)
    done: list[bool] = []

    def publish(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if done or "FROM comments" not in statement:
            return
        done.append(True)
        with other.begin() as connection:
            connection.execute(
                text("UPDATE comments SET status = 'approved' WHERE id = :id"), {"id": comment_id}
            )
            connection.execute(
                text("UPDATE articles SET thread_version = thread_version + 1 WHERE id = :id"),
                {"id": article_id},
            )
        other.dispose()

    event.listen(engine, "before_cursor_execute", publish)


def test_one_etag_names_one_body(app_factory: Any) -> None:
    reader = app_factory()  # a worker that read the thread before the publication
    racing = app_factory()  # a worker whose read a publication cuts in two
    with reader.app_context():
        factory = Factory(db.session)
        article = factory.article(slug="nota")
        factory.comment(article, body="Ya publicado", status=CommentStatus.APPROVED)
        waiting = factory.comment(article, body="Publicado en medio")
        ids = (waiting.id, article.id)
    before = reader.test_client().get(url("nota"))
    with racing.app_context():
        _publish_during_the_next_read(db.engine, *ids)
    during = racing.test_client().get(url("nota"))
    after = reader.test_client().get(url("nota"))
    answers = [(r.headers["ETag"], r.get_data(as_text=True)) for r in (before, during, after)]
    bodies: dict[str, set[str]] = {}
    for etag, body in answers:
        bodies.setdefault(etag, set()).add(body)
    assert all(len(found) == 1 for found in bodies.values()), answers
    assert "Publicado en medio" in answers[1][1] and "Publicado en medio" not in answers[0][1]
