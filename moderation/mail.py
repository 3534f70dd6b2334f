"""Mails from the outbox, rendered in their reader's or moderator's language and sent by the
worker (`flask mail send`), never inside a web request.

Reader mails speak the comment's language (else the article's); moderator mails the language
chosen on the moderator's account page (else the first they moderate). Every mail carries a
one-click unsubscribe link (a signed token) in its text and in
`List-Unsubscribe` / `List-Unsubscribe-Post`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Article, Comment, Moderator, OutboxMail
from moderation.i18n import supported
from moderation.notifications import events, outbox, tokens
from moderation.notifications.transport import FileTransport, SmtpTransport, Transport

log = logging.getLogger(__name__)


def moderator_locale(moderator: Moderator) -> str:
    """The language of a moderator's mails: the one chosen on their account page, else the
    first of the languages they moderate that the site speaks, else the site's default."""
    return _first_supported(moderator.locale, *moderator.language_list)


def reader_locale(comment: Comment) -> str:
    """The language of a reader's mails: their comment's, else the article's, when the site
    speaks it."""
    return _first_supported(comment.language, comment.article.language)


def _first_supported(*candidates: str | None) -> str:
    for candidate in candidates:
        if code := supported(candidate):
            return code
    return str(current_app.config["TERTULIA_DEFAULT_LOCALE"])


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link to this site (`TERTULIA_BASE_URL`), built without a request."""
    base = urlsplit(current_app.config["TERTULIA_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def mail_folder() -> Path:
    """Where mails are written without an SMTP server."""
    return Path(current_app.instance_path) / "mail"


def transport() -> Transport:
    """The SMTP server of `TERTULIA_SMTP_URL`, or `.eml` files in the instance folder."""
    url: str | None = current_app.config["TERTULIA_SMTP_URL"]
    return SmtpTransport.from_url(url) if url else FileTransport(mail_folder())


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def compose(session: Session, mail: OutboxMail, now: datetime) -> EmailMessage | None:
    """The message for an outbox row, or None when what it tells about is gone."""
    assert mail.recipient is not None
    if mail.kind == events.MODERATOR_DIGEST or mail.kind == events.MODERATOR_PENDING:
        moderator = session.get(Moderator, mail.moderator_id) if mail.moderator_id else None
        if moderator is None:
            return None
        locale = moderator_locale(moderator)
        token = tokens.sign(_secret(), tokens.MODERATOR, moderator.id)
    else:
        subscription = session.get(Comment, int(mail.params.get("subscription", 0)))
        if subscription is None:
            return None
        locale = reader_locale(subscription)
        token = tokens.sign(_secret(), tokens.READER, subscription.id)
    unsubscribe = external_url("public.unsubscribe", token=token)
    with force_locale(locale):
        content = _content(session, mail, unsubscribe)
    if content is None:
        return None
    subject, text = content
    sender = current_app.config["TERTULIA_MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message.set_content(text)  # first: it clears every Content-* header set before it
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(f"tertulia.{mail.id}", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = locale
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _content(session: Session, mail: OutboxMail, unsubscribe: str) -> tuple[str, str] | None:
    """Subject and text of a mail, in the locale in force."""
    if mail.kind == events.MODERATOR_DIGEST:
        ids = [int(number) for number in mail.params.get("comment_ids", [])]
        comments = session.scalars(
            select(Comment).where(Comment.id.in_(ids)).order_by(Comment.created_at)
        ).all()
        total = int(mail.params.get("total", len(comments)))
        subject = ngettext(
            "%(num)d new comment waits for moderation",
            "%(num)d new comments wait for moderation",
            total,
        )
        text = render_template(
            "mail/moderator_digest.txt",
            comments=comments,
            total=total,
            link=lambda comment: external_url("queue.show", comment_id=comment.id),
            queue=external_url("queue.index"),
            unsubscribe=unsubscribe,
        )
        return subject, text
    comment = session.get(Comment, mail.comment_id) if mail.comment_id else None
    if comment is None:
        return None
    article = session.get_one(Article, comment.article_id)
    values: dict[str, Any] = {
        "comment": comment,
        "article": article,
        "unsubscribe": unsubscribe,
        "public_link": external_url("public.article", slug=article.slug) + f"#comment-{comment.id}",
    }
    if mail.kind == events.MODERATOR_PENDING:
        subject = gettext("A comment waits for moderation on “%(title)s”", title=article.title)
        values["link"] = external_url("queue.show", comment_id=comment.id)
        return subject, render_template("mail/moderator_pending.txt", **values)
    if mail.kind == events.READER_PUBLISHED:
        subject = gettext("Your comment on “%(title)s” is published", title=article.title)
        return subject, render_template("mail/reader_published.txt", **values)
    if mail.kind == events.READER_REPLY:
        parent = session.get(Comment, int(mail.params.get("parent_id", 0)))
        if parent is None:
            return None
        subject = gettext("%(name)s replied to your comment", name=comment.author_name)
        values["parent"] = parent
        return subject, render_template("mail/reader_reply.txt", **values)
    raise ValueError(f"unknown mail kind {mail.kind!r}")


def send_due(session: Session, via: Transport, now: datetime) -> list[str]:
    """One pass of the worker: fan out new-comment events, queue due digests, send what is due.

    Returns a line per mail attempted (kind, id, and where it went or why it failed; never a
    recipient's address). Each mail is committed on its own, so a crash loses at most one
    attempt.
    """
    lines: list[str] = []
    events.fan_out(session, now)
    events.queue_digests(session, now)
    session.commit()
    for mail_id in outbox.due(session, now):
        mail = outbox.claim(session, mail_id, now)
        session.commit()
        if mail is None:
            continue
        try:
            message = compose(session, mail, now)
            where = via.send(message) if message is not None else "nothing left to tell"
        except Exception as error:  # any failure is recorded and retried later
            session.rollback()
            mail = session.get_one(OutboxMail, mail_id)
            outbox.failed(mail, f"{type(error).__name__}: {error}", now)
            lines.append(f"failed {mail.kind} #{mail.id} (attempt {mail.attempts}): {error}")
            log.warning("mail #%s (%s) failed: %s", mail.id, mail.kind, error)
        else:
            outbox.delivered(mail, now)
            lines.append(f"sent {mail.kind} #{mail.id} -> {where}")
        session.commit()
    return lines
