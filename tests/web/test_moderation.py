"""Moderators sign in, work the queue and publish comments."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import Comment, CommentStatus, Decision, ModeratorRole, utcnow
from moderation.extensions import db
from moderation.queue.listing import PAGE_SIZE
from tests.conftest import Auth, csrf_token, queue_form
from tests.factories import Factory

PROTECTED = [
    "/queue/",
    "/queue/spam",
    "/queue/rejected",
    "/queue/approved",
    "/queue/model",
    "/account/password",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_queue_pages_require_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/queue/comments/1/approve",
        "/queue/comments/1/reject-author",
        "/queue/bulk",
        "/queue/model/rollback",
    ],
)
def test_actions_require_login(client: FlaskClient, path: str) -> None:
    client.get("/login")
    token = csrf_token(client, "/login")
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_with_wrong_password_is_refused(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    factory.moderator()
    response = auth.login(password="wrong")
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/queue/").status_code == 302


def test_login_without_csrf_token_is_refused(client: FlaskClient, factory: Factory) -> None:
    factory.moderator()
    response = client.post("/login", data={"email": "mod@example.org", "password": "correct horse"})
    assert response.status_code == 400


def test_login_follows_a_local_next_only(client: FlaskClient, factory: Factory) -> None:
    factory.moderator()
    for target, expected in (("/queue/spam", "/queue/spam"), ("https://evil.example/", "/queue/")):
        token = csrf_token(client, "/login")
        response = client.post(
            "/login",
            data={
                "email": "MOD@example.org",
                "password": "correct horse",
                "next": target,
                "csrf_token": token,
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected
        client.post("/logout", data={"csrf_token": csrf_token(client, "/queue/")})


def test_logout_is_a_post_and_ends_the_session(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    factory.moderator()
    auth.login()
    assert client.get("/logout").status_code == 405
    auth.logout()
    assert client.get("/queue/").status_code == 302


def test_passwords_are_hashed(app: Flask, factory: Factory) -> None:
    moderator = factory.moderator(password="correct horse")
    assert "correct horse" not in moderator.password_hash
    assert moderator.password_hash.startswith(("pbkdf2:", "scrypt:"))


def test_queue_lists_pending_oldest_first_with_what_moderators_need(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    article = factory.article(title="Presupuesto")
    older = factory.comment(
        article,
        body="Primero",
        author_email="first@example.org",
        reasons=[
            {
                "check": "spam",
                "code": "spam.score",
                "params": {"score": 0.42, "verdict": "borderline"},
                "flag": True,
                "unclassified": False,
                "evidence": False,
            },
            {
                "check": "signal",
                "code": "link.messaging",
                "params": {"domain": "t.me"},
                "flag": True,
                "unclassified": False,
                "evidence": True,
            },
        ],
        spam_score=0.42,
    )
    newer = factory.comment(article, body="Segundo")
    factory.comment(article, body="Ya publicado", status=CommentStatus.APPROVED)
    factory.moderator()
    auth.login()
    page = client.get("/queue/").get_data(as_text=True)
    assert page.index(f'id="item-{older.id}"') < page.index(f'id="item-{newer.id}"')
    assert "Ya publicado" not in page
    for shown in (
        "first@example.org",
        "Presupuesto",
        "spam 0.42",
        "Spam score 0.42: borderline",
        "Links to t.me, a messaging service often used by scams",
        'class="flag evidence"',
    ):
        assert shown in page


def approve(client: FlaskClient, comment_id: int) -> None:
    form = queue_form(client, comment_id)
    response = client.post(f"/queue/comments/{comment_id}/approve", data=form)
    assert response.status_code == 302


def test_approving_publishes_at_once_and_records_the_decision(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    article = factory.article(slug="presupuesto")
    comment = factory.comment(article, body="Muy buen artículo")
    factory.moderator()
    assert "Muy buen artículo" not in client.get("/articles/presupuesto").get_data(as_text=True)
    auth.login()
    approve(client, comment.id)
    assert "Muy buen artículo" in client.get("/articles/presupuesto").get_data(as_text=True)
    api = client.get("/api/v1/articles/presupuesto/comments").json
    assert api is not None and api["total"] == 1
    with app.app_context():
        (decision,) = db.session.query(Decision).all()
        assert decision.to_status is CommentStatus.APPROVED
        assert decision.moderator is not None and decision.moderator.email == "mod@example.org"


def test_action_without_csrf_is_refused(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    comment = factory.comment(factory.article())
    factory.moderator()
    auth.login()
    assert client.post(f"/queue/comments/{comment.id}/approve").status_code == 400
    with app.app_context():
        stored = db.session.get(Comment, comment.id)
        assert stored is not None and stored.status is CommentStatus.PENDING


def test_spam_folder_and_one_click_rescue(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    article = factory.article()
    held = factory.comment(article, body="Compre seguidores", status=CommentStatus.SPAM)
    factory.moderator()
    auth.login()
    assert "Compre seguidores" not in client.get("/queue/").get_data(as_text=True)
    assert "Compre seguidores" in client.get("/queue/spam").get_data(as_text=True)
    approve(client, held.id)
    with app.app_context():
        stored = db.session.get(Comment, held.id)
        assert stored is not None and stored.status is CommentStatus.APPROVED


def test_bulk_action_changes_every_selected_comment(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    article = factory.article()
    chosen = [factory.comment(article, body=f"Spam {n}") for n in range(3)]
    kept = factory.comment(article, body="Genuino")
    factory.moderator()
    auth.login()
    token = csrf_token(client, "/queue/")
    response = client.post(
        "/queue/bulk",
        data={
            "csrf_token": token,
            "action": "spam",
            "comment_id": [str(c.id) for c in chosen],
            **{f"seen-{c.id}": "pending" for c in chosen},
        },
    )
    assert response.status_code == 302
    with app.app_context():
        statuses = {c.id: c.status for c in db.session.query(Comment)}
        assert db.session.query(Decision).count() == 3
    assert all(statuses[c.id] is CommentStatus.SPAM for c in chosen)
    assert statuses[kept.id] is CommentStatus.PENDING


def test_unknown_action_or_comment_is_404(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    comment = factory.comment(factory.article())
    factory.moderator()
    auth.login()
    token = csrf_token(client, "/queue/")
    assert (
        client.post(f"/queue/comments/{comment.id}/delete", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post("/queue/comments/999999/approve", data={"csrf_token": token}).status_code == 404
    )
    assert client.get("/queue/nonsense").status_code == 404


def test_language_filter_and_own_languages_first(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    article = factory.article()
    english = factory.comment(article, body="An English comment", language="en")
    portuguese = factory.comment(article, body="Um comentário", language="pt")
    factory.moderator(languages="pt")
    auth.login()
    page = client.get("/queue/").get_data(as_text=True)
    assert page.index(f'id="item-{portuguese.id}"') < page.index(f'id="item-{english.id}"')
    filtered = client.get("/queue/?language=en").get_data(as_text=True)
    assert f'id="item-{english.id}"' in filtered and f'id="item-{portuguese.id}"' not in filtered


def test_own_languages_first_across_pages(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    # More of each than a page holds, interleaved in time: the pages must list every comment
    # once, the moderator's language first, each oldest first, also on a page past them all.
    article = factory.article()
    start = utcnow() - timedelta(hours=2)
    own: list[int] = []
    others: list[int] = []
    for n in range(PAGE_SIZE + 10):
        for language, bucket in (("pt", own), ("en", others)):
            comment = factory.comment(
                article,
                body=f"{language} {n}",
                language=language,
                created_at=start + timedelta(seconds=2 * n + (language == "en")),
            )
            bucket.append(comment.id)
    factory.moderator(languages="pt")
    auth.login()
    listed = []
    for page in (1, 2, 3):
        html = client.get(f"/queue/?page={page}").get_data(as_text=True)
        listed += [int(found) for found in re.findall(r'class="item[^"]*" id="item-(\d+)"', html)]
    assert listed == own + others
    assert client.get("/queue/?page=4").get_data(as_text=True).count('class="item') == 0


def test_admins_see_plain_oldest_first(client: FlaskClient, auth: Auth, factory: Factory) -> None:
    article = factory.article()
    english = factory.comment(article, body="An English comment", language="en")
    portuguese = factory.comment(article, body="Um comentário", language="pt")
    factory.moderator(languages="pt", role=ModeratorRole.ADMIN)
    auth.login()
    page = client.get("/queue/").get_data(as_text=True)
    assert page.index(f'id="item-{english.id}"') < page.index(f'id="item-{portuguese.id}"')
    assert re.search(r"mod@example.org\s*\(admin\)", page)


def test_login_attempts_are_rate_limited(app_factory: Any) -> None:
    limited = app_factory(TERTULIA_LOGIN_RATE_LIMIT="3 per minute")
    with limited.app_context():
        Factory(db.session).moderator()
    auth = Auth(limited.test_client())
    codes = [auth.login(password="guess").status_code for _ in range(3)]
    blocked = auth.login()  # even the right password waits
    assert codes == [401, 401, 401]
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "60"
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)


def test_reject_all_by_this_author(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    article = factory.article()
    troll = [
        factory.comment(article, body=f"Troll {n}", author_email="Troll@example.org")
        for n in range(3)
    ]
    published = factory.comment(
        article, body="Old", author_email="troll@example.org", status=CommentStatus.APPROVED
    )
    other = factory.comment(article, body="Someone else")
    factory.moderator()
    auth.login()
    token = csrf_token(client, "/queue/")
    response = client.post(
        f"/queue/comments/{troll[0].id}/reject-author", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert "3 pending comments by Reader" in client.get("/queue/").get_data(as_text=True)
    with app.app_context():
        statuses = {c.id: c.status for c in db.session.query(Comment)}
    assert all(statuses[c.id] is CommentStatus.REJECTED for c in troll)
    assert statuses[published.id] is CommentStatus.APPROVED
    assert statuses[other.id] is CommentStatus.PENDING


def test_moderator_changes_their_password(
    client: FlaskClient, app: Flask, auth: Auth, factory: Factory
) -> None:
    factory.moderator()
    other_device = app.test_client()
    Auth(other_device).login()
    auth.login()
    token = csrf_token(client, "/account/password")
    wrong = client.post(
        "/account/password",
        data={"csrf_token": token, "current": "nope", "new": "short", "confirm": "short"},
    )
    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    assert "not your current password" in page and "at least 8" in page
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current": "correct horse",
            "new": "battery staple",
            "confirm": "battery staple",
        },
    )
    assert changed.status_code == 302
    assert client.get("/queue/").status_code == 200  # this session goes on
    assert other_device.get("/queue/").status_code == 302  # the others are signed out
    auth.logout()
    assert auth.login(password="correct horse").status_code == 401
    assert auth.login(password="battery staple").status_code == 302


def test_search_a_folder_by_name_email_or_words(
    client: FlaskClient, auth: Auth, factory: Factory
) -> None:
    article = factory.article()
    by_name = factory.comment(article, body="Primero", author_name="Troll Máximo")
    by_email = factory.comment(article, body="Segundo", author_email="troll@example.org")
    by_words = factory.comment(article, body="Compren 100% seguidores")
    other = factory.comment(article, body="Nada que ver")
    factory.moderator()
    auth.login()

    def shown(query: str) -> set[int]:
        page = client.get("/queue/", query_string={"q": query}).get_data(as_text=True)
        ids = (by_name.id, by_email.id, by_words.id, other.id)
        return {i for i in ids if f'id="item-{i}"' in page}

    assert shown("troll") == {by_name.id, by_email.id}
    assert shown("100%") == {by_words.id}
    assert shown("%") == {by_words.id}  # a wildcard is only itself
    assert "matching “zzz”" in client.get("/queue/?q=zzz").get_data(as_text=True)
