"""Moderators' sessions end when they should, on every server (issue 12, items 3 and 6).

A copy of a session cookie is what an attacker holds after stealing one: each test keeps such
a copy and shows that it stops working the moment the session ends.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import Moderator, ModeratorRole, ModeratorSession, utcnow
from moderation.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import Factory


def stolen_copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding the same session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def signed_in(client: FlaskClient) -> bool:
    return client.get("/queue/").status_code == 200


@pytest.fixture
def moderator(factory: Factory) -> Moderator:
    return factory.moderator()


def test_signing_out_ends_the_session_not_just_the_cookie(
    app: Flask, client: FlaskClient, auth: Auth, moderator: Moderator
) -> None:
    auth.login()
    thief = stolen_copy(app, client)
    assert signed_in(thief)
    auth.logout()
    assert not signed_in(thief) and not signed_in(client)


@pytest.mark.parametrize(
    ("language", "said"),
    [("es", "Cerraste sesión."), ("pt", "Você saiu da sua conta."), ("en", "You are signed out.")],
)
def test_the_sign_out_is_said_in_the_moderators_language(
    client: FlaskClient, auth: Auth, moderator: Moderator, language: str, said: str
) -> None:
    auth.login()
    token = csrf_token(client, "/queue/")
    headers = {"Accept-Language": language}
    client.post("/logout", data={"csrf_token": token}, headers=headers)
    assert said in client.get("/login", headers=headers).get_data(as_text=True)


def test_a_second_server_sees_the_sign_out(
    app_factory: Any, moderator: Moderator, factory: Factory
) -> None:
    one, two = app_factory(), app_factory()  # two servers, one database
    client = one.test_client()
    Auth(client).login()
    elsewhere = two.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    elsewhere.set_cookie("session", cookie.value)
    assert signed_in(elsewhere)
    Auth(client).logout()
    assert not signed_in(elsewhere)


def test_a_new_password_ends_every_other_session(
    app: Flask, client: FlaskClient, auth: Auth, moderator: Moderator
) -> None:
    auth.login()
    thief = stolen_copy(app, client)
    token = csrf_token(client, "/account/password")
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
    assert signed_in(client) and not signed_in(thief)


def as_admin(app: Flask, factory: Factory) -> FlaskClient:
    factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
    admin = app.test_client()
    Auth(admin).login(email="admin@example.org")
    return admin


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("", {"role": "admin", "languages": []}),  # a new role
        ("", {"role": "moderator", "languages": [], "password": "a new secret"}),
        ("/sign-out", {}),  # "sign out everywhere"
        ("/remove", {}),
    ],
)
def test_an_admin_ends_a_moderators_sessions(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    factory: Factory,
    moderator: Moderator,
    action: str,
    fields: dict[str, Any],
) -> None:
    auth.login()
    thief = stolen_copy(app, client)
    admin = as_admin(app, factory)
    page = admin.get("/admin/moderators").get_data(as_text=True)
    assert f'id="sessions-{moderator.id}">1 session<' in page
    token = csrf_token(admin, "/admin/moderators")
    response = admin.post(
        f"/admin/moderators/{moderator.id}{action}", data={"csrf_token": token, **fields}
    )
    assert response.status_code == 302
    assert not signed_in(client) and not signed_in(thief)
    assert signed_in(admin)


def test_saving_a_moderator_unchanged_keeps_their_session(
    app: Flask, client: FlaskClient, auth: Auth, factory: Factory, moderator: Moderator
) -> None:
    auth.login()
    admin = as_admin(app, factory)
    token = csrf_token(admin, "/admin/moderators")
    admin.post(
        f"/admin/moderators/{moderator.id}",
        data={"csrf_token": token, "role": "moderator", "languages": ["es"]},
    )
    assert signed_in(client)


def age_sessions(app: Flask, **shift: timedelta) -> None:
    """Move every session's moments back in time."""
    with app.app_context():
        for row in db.session.scalars(select(ModeratorSession)):
            for name, delta in shift.items():
                setattr(row, name, getattr(row, name) - delta)
        db.session.commit()


def test_an_idle_session_ends_and_says_so(
    app_factory: Any, moderator: Moderator, factory: Factory
) -> None:
    app = app_factory(TERTULIA_SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    Auth(client).login()
    age_sessions(app, last_seen_at=timedelta(minutes=20))
    assert signed_in(client)  # and this use counts as activity
    age_sessions(app, last_seen_at=timedelta(minutes=20))
    assert signed_in(client)
    age_sessions(app, last_seen_at=timedelta(minutes=31))
    response = client.get("/queue/", follow_redirects=True)
    assert "/login" in response.request.path
    assert "Your session ended" in response.get_data(as_text=True)


def test_no_session_outlives_its_lifetime(
    app_factory: Any, moderator: Moderator, factory: Factory
) -> None:
    app = app_factory(TERTULIA_SESSION_HOURS=8)
    client = app.test_client()
    response = Auth(client).login()
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is not None
    assert abs(cookie.expires - utcnow() - timedelta(hours=8)) < timedelta(minutes=1)
    assert "Set-Cookie" in response.headers
    age_sessions(app, created_at=timedelta(hours=7))
    assert signed_in(client)
    age_sessions(app, created_at=timedelta(hours=2))
    assert not signed_in(client)


def test_sign_in_attempts_are_counted_across_servers(
    app_factory: Any, moderator: Moderator
) -> None:
    one = app_factory(TERTULIA_LOGIN_RATE_LIMIT="3 per minute")
    two = app_factory(TERTULIA_LOGIN_RATE_LIMIT="3 per minute")
    codes = [Auth(app.test_client()).login(password="guess").status_code for app in (one, two)]
    codes.append(Auth(one.test_client()).login(password="guess").status_code)
    blocked = Auth(two.test_client()).login()  # even the right password waits
    assert codes == [401, 401, 401]
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "60"


def test_tries_at_the_current_password_are_limited(
    app_factory: Any, moderator: Moderator, factory: Factory
) -> None:
    app = app_factory(TERTULIA_PASSWORD_RATE_LIMIT="3 per 15 minutes")
    client = app.test_client()
    Auth(client).login()
    token = csrf_token(client, "/account/password")

    def change(current: str) -> Any:
        fields = {"current": current, "new": "battery staple", "confirm": "battery staple"}
        return client.post("/account/password", data={"csrf_token": token, **fields})

    assert [change(guess).status_code for guess in ("a", "b", "c")] == [422, 422, 422]
    blocked = change("correct horse")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "900"
    assert "Too many tries at your current password" in blocked.get_data(as_text=True)
    assert Auth(app.test_client()).login(password="battery staple").status_code == 401


@pytest.mark.parametrize(
    "path", ["/queue/", "/queue/spam", "/admin/moderators", "/account/password", "/login"]
)
def test_moderator_pages_are_never_stored(
    client: FlaskClient, auth: Auth, factory: Factory, path: str
) -> None:
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    factory.moderator(email="admin@example.org", role=ModeratorRole.ADMIN)
    auth.login(email="admin@example.org")
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_public_pages_may_be_stored_unless_a_moderator_sees_them(
    client: FlaskClient, auth: Auth, factory: Factory, moderator: Moderator
) -> None:
    factory.article(slug="abierto")
    assert "Cache-Control" not in client.get("/articles/abierto").headers
    auth.login()
    assert client.get("/articles/abierto").headers["Cache-Control"] == "no-store"
