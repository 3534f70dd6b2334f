"""Email notifications end to end: opt-ins, the outbox, the worker, a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import (
    Comment,
    CommentStatus,
    MailStatus,
    Moderator,
    ModeratorRole,
    NotifyMode,
    OutboxMail,
    utcnow,
)
from moderation.extensions import db
from moderation.notifications import outbox
from moderation.pipeline import decide
from tests.conftest import Auth, csrf_token, queue_form
from tests.factories import Factory
from tests.mailserver import Inbox, free_port

BASE = "https://comments.example"
SPANISH = "Me parece muy importante que publiquen los datos del presupuesto en formato abierto."


@pytest.fixture
def mail_app(app_factory: Any, smtp_server: Inbox) -> Flask:
    app: Flask = app_factory(
        TERTULIA_SMTP_URL=smtp_server.url,
        TERTULIA_BASE_URL=BASE,
        TERTULIA_MAIL_FROM="Tertulia <noreply@news.example>",
    )
    return app


def post_comment(client: FlaskClient, slug: str, **fields: str) -> None:
    token = csrf_token(client, f"/articles/{slug}")
    response = client.post(f"/articles/{slug}", data={"csrf_token": token, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)


def approve(client: FlaskClient, comment_id: int) -> None:
    response = client.post(
        f"/queue/comments/{comment_id}/approve", data=queue_form(client, comment_id)
    )
    assert response.status_code == 302


def send(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def comment_by(app: Flask, email: str) -> Comment:
    with app.app_context():
        found = db.session.scalars(
            select(Comment).where(Comment.author_email == email).order_by(Comment.id.desc())
        ).first()
        assert found is not None
        return found


def unsubscribe_link(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"]).strip()
    match = re.fullmatch(rf"<{re.escape(BASE)}(/unsubscribe/[^>]+)>", header)
    assert match, header
    return match.group(1)


def test_a_reader_who_opted_in_hears_of_publication_and_replies_and_unsubscribes(
    mail_app: Flask, smtp_server: Inbox, factory: Factory
) -> None:
    factory.article(slug="presupuesto", title="Presupuesto abierto", language="es")
    factory.moderator()
    reader, other = mail_app.test_client(), mail_app.test_client()
    post_comment(
        reader,
        "presupuesto",
        name="Lucía",
        email="lucia@example.org",
        body=SPANISH,
        notify_published="on",
        notify_replies="on",
    )
    mine = comment_by(mail_app, "lucia@example.org")
    moderator = mail_app.test_client()
    Auth(moderator).login()
    send(mail_app)
    assert smtp_server.received == []  # nothing to tell before a decision
    approve(moderator, mine.id)
    assert smtp_server.received == []  # never from the web request
    output = send(mail_app)
    assert "sent reader.published" in output and "lucia@example.org" not in output
    (published,) = smtp_server.to("lucia@example.org")
    assert published["From"] == "Tertulia <noreply@news.example>"
    assert published["Subject"] == "Tu comentario en “Presupuesto abierto” está publicado"
    assert published["Content-Language"] == "es"
    assert published["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert published["Auto-Submitted"] == "auto-generated"
    text = published.get_content()
    assert "Hola, Lucía" in text and f"{BASE}/articles/presupuesto#comment-{mine.id}" in text
    assert unsubscribe_link(published) in text

    # Two replies within the hour: one mail, naming the replier but never their address.
    for number in (1, 2):
        post_comment(
            other,
            "presupuesto",
            name="Mateo",
            email="mateo@example.org",
            body=f"Estoy de acuerdo, y además pediría los contratos del año pasado ({number}).",
            parent_id=str(mine.id),
        )
        approve(moderator, comment_by(mail_app, "mateo@example.org").id)
    send(mail_app)
    (reply,) = smtp_server.to("lucia@example.org")[1:]
    assert "Mateo" in reply["Subject"]
    assert "mateo@example.org" not in reply.as_string()
    assert smtp_server.to("mateo@example.org") == []  # Mateo asked for nothing

    # One click: GET only asks, POST (as a mail client sends it, without a CSRF token) acts.
    link = unsubscribe_link(reply)
    page = reader.get(link)
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
    assert comment_by(mail_app, "lucia@example.org").notify_replies is True
    done = mail_app.test_client().post(link, data="List-Unsubscribe=One-Click")
    assert done.status_code == 200
    assert comment_by(mail_app, "lucia@example.org").notify_replies is False
    assert mail_app.test_client().get(link[:-3] + "xyz").status_code == 404


def test_no_opt_in_no_mail(mail_app: Flask, smtp_server: Inbox, factory: Factory) -> None:
    factory.article(slug="presupuesto", language="es")
    factory.moderator()
    reader = mail_app.test_client()
    post_comment(reader, "presupuesto", name="Ana", email="ana@example.org", body=SPANISH)
    moderator = mail_app.test_client()
    Auth(moderator).login()
    approve(moderator, comment_by(mail_app, "ana@example.org").id)
    send(mail_app)
    assert smtp_server.received == []


def test_moderators_hear_at_once_or_daily_in_their_languages(
    mail_app: Flask, smtp_server: Inbox, factory: Factory
) -> None:
    factory.article(slug="presupuesto", title="Presupuesto", language="es")
    instant = factory.moderator("rapida@example.org", languages="es")
    factory.moderator("otra@example.org", languages="pt")
    daily = factory.moderator("diaria@example.org", languages="es")
    for moderator, mode in ((instant, NotifyMode.INSTANT), (daily, NotifyMode.DAILY)):
        moderator.notify = mode
    daily.digest_until = utcnow() - timedelta(days=2)
    factory.session.commit()
    # The form opts the moderator in; the choice is stored.
    otra = mail_app.test_client()
    Auth(otra).login("otra@example.org")
    token = csrf_token(otra, "/account/notifications")
    saved = otra.post("/account/notifications", data={"csrf_token": token, "notify": "instant"})
    assert saved.status_code == 302

    post_comment(
        mail_app.test_client(), "presupuesto", name="Lucía", email="l@example.org", body=SPANISH
    )
    waiting = comment_by(mail_app, "l@example.org")
    send(mail_app)
    (at_once,) = smtp_server.to("rapida@example.org")
    assert f"{BASE}/queue/comments/{waiting.id}" in at_once.get_content()
    # No language chosen on the account page: the one they moderate.
    assert at_once["Content-Language"] == "es" and "espera moderación" in at_once["Subject"]
    assert "l@example.org" not in at_once.as_string()
    assert smtp_server.to("otra@example.org") == []  # reads Portuguese only
    (digest,) = smtp_server.to("diaria@example.org")
    assert "1" in digest["Subject"] and f"/queue/comments/{waiting.id}" in digest.get_content()
    assert digest["List-Unsubscribe"]
    send(mail_app)  # the day is not over: no second digest
    assert len(smtp_server.to("diaria@example.org")) == 1
    # The moderator's one-click unsubscribe turns their mails off.
    mail_app.test_client().post(unsubscribe_link(digest))
    with mail_app.app_context():
        assert db.session.get_one(Moderator, daily.id).notify is NotifyMode.OFF


def test_failures_are_retried_with_backoff_and_shown_to_admins(
    app_factory: Any, factory: Factory, smtp_server: Inbox
) -> None:
    broken = app_factory(TERTULIA_SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    comment = factory.comment(factory.article(language="es"), notify_published=True)
    with broken.app_context():
        decide(db.session, db.session.get_one(Comment, comment.id), CommentStatus.APPROVED, None)
        db.session.commit()
    output = broken.test_cli_runner().invoke(args=["mail", "send", "--once"]).output
    assert "failed reader.published" in output
    with broken.app_context():
        (mail,) = db.session.scalars(select(OutboxMail)).all()
        assert mail.attempts == 1 and mail.status is MailStatus.QUEUED
        assert "Connection refused" in mail.last_error or "Errno" in mail.last_error
        assert mail.next_attempt_at.replace(tzinfo=None) > utcnow().replace(tzinfo=None)
        # Past the last attempt it is failed for good, until an admin sends it again.
        mail.attempts = outbox.MAX_ATTEMPTS - 1
        mail.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    broken.test_cli_runner().invoke(args=["mail", "send", "--once"])
    factory.moderator("admin@example.org", role=ModeratorRole.ADMIN)
    client = broken.test_client()
    Auth(client).login("admin@example.org")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "reader.published" in page and "gave up" in page
    token = csrf_token(client, "/admin/mail")
    with broken.app_context():
        mail_id = db.session.scalars(select(OutboxMail.id)).one()
    assert (
        client.post(f"/admin/mail/{mail_id}/retry", data={"csrf_token": token}).status_code == 302
    )
    with broken.app_context():
        assert db.session.get_one(OutboxMail, mail_id).status is MailStatus.QUEUED
    assert "mail.retry" in client.get("/admin/audit").get_data(as_text=True)


def test_without_smtp_mails_are_written_as_eml_files(
    app: Flask, factory: Factory, tmp_path: Path
) -> None:
    article = factory.article(slug="presupuesto", language="es")
    comment = factory.comment(article, notify_published=True)
    with app.app_context():
        decide(db.session, db.session.get_one(Comment, comment.id), CommentStatus.APPROVED, None)
        db.session.commit()
    output = app.test_cli_runner().invoke(args=["mail", "send", "--once"]).output
    folder = tmp_path / "instance" / "mail"
    assert f"written as .eml files to {folder}" in output
    (written,) = folder.glob("*.eml")
    assert str(written) in output
    assert b"List-Unsubscribe:" in written.read_bytes()
