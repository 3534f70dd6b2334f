"""The notification library: tokens, transports, backoff and claiming (no Flask needed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from models import MailStatus, OutboxMail, utcnow
from moderation.notifications import events, outbox, tokens
from moderation.notifications.transport import SmtpTransport
from tests.factories import Factory


def test_tokens_name_a_reader_or_a_moderator_and_cannot_be_forged() -> None:
    token = tokens.sign("secret", tokens.READER, 42)
    assert tokens.verify("secret", token) == (tokens.READER, 42)
    assert tokens.verify("other secret", token) is None
    assert tokens.verify("secret", token.replace("c42", "c43")) is None
    assert tokens.verify("secret", token.replace("c42", "m42")) is None
    for junk in ("", ".", "c²." + token.split(".")[1], "c" + "9" * 40 + ".x", "x1.abc"):
        assert tokens.verify("secret", junk) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp+starttls://u%40x:p%3Ass@mail.example:2587", ("mail.example", 2587, "starttls")),
        ("smtps://mail.example", ("mail.example", 465, "ssl")),
        ("smtp://localhost", ("localhost", 25, "plain")),
    ],
)
def test_smtp_urls(url: str, expected: tuple[str, int, str]) -> None:
    transport = SmtpTransport.from_url(url)
    assert (transport.host, transport.port, transport.security) == expected
    if "%40" in url:
        assert (transport.username, transport.password) == ("u@x", "p:ss")


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:25"])
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        SmtpTransport.from_url(url)


def test_backoff_doubles_up_to_six_hours() -> None:
    waits = [outbox.backoff(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == timedelta(hours=6) and waits == sorted(waits)


def test_a_mail_is_claimed_once_and_retried_after_failures(app: Flask, factory: Factory) -> None:
    now = utcnow()
    mail = events.enqueue(factory.session, events.READER_PUBLISHED, "r@example.org", now)
    factory.session.commit()
    assert list(outbox.due(factory.session, now)) == [mail.id]
    claimed = outbox.claim(factory.session, mail.id, now)
    assert claimed is not None and claimed.attempts == 1
    assert outbox.claim(factory.session, mail.id, now) is None  # leased to the first worker
    outbox.failed(claimed, "ConnectionRefusedError", now)
    factory.session.commit()
    assert claimed.next_attempt_at == now + timedelta(minutes=1)
    assert list(outbox.due(factory.session, now)) == []
    later = now + timedelta(minutes=1)
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        again = outbox.claim(factory.session, mail.id, later)
        assert again is not None
        outbox.failed(again, "still down", later)
        later = again.next_attempt_at
    factory.session.commit()
    stored = factory.session.get_one(OutboxMail, mail.id)
    assert stored.status is MailStatus.FAILED and stored.last_error == "still down"
    assert [problem.id for problem in outbox.problems(factory.session)] == [mail.id]
    assert outbox.retry(factory.session, mail.id, later)
    factory.session.commit()
    assert list(outbox.due(factory.session, later)) == [mail.id]
