"""What puts a mail in the outbox, in the transaction of the change it tells about (no Flask).

- a comment published: its author, if they asked (`notify_published`), once; and the author of
  the comment it answers, if they asked (`notify_replies`), at most once per thread per hour;
- a comment waiting in the queue: one event row that the worker turns into a mail for each
  moderator who asked for mails at once in that comment's language;
- once a day, each moderator who asked for a digest gets the new pending comments in their
  languages (`queue_digests`, called by the worker).

A reader's address is only ever the recipient of mails about their own comment: a mail never
names another reader's email.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from models import (
    Comment,
    CommentStatus,
    MailStatus,
    Moderator,
    ModeratorRole,
    NotifyMode,
    OutboxMail,
)
from moderation.notifications import tokens

READER_PUBLISHED = "reader.published"
READER_REPLY = "reader.reply"
MODERATORS_PENDING = "moderators.pending"  # one row per comment; fanned out by the worker
MODERATOR_PENDING = "moderator.pending"
MODERATOR_DIGEST = "moderator.digest"
KINDS = (READER_PUBLISHED, READER_REPLY, MODERATOR_PENDING, MODERATOR_DIGEST)

REPLY_INTERVAL = timedelta(hours=1)
DIGEST_INTERVAL = timedelta(days=1)
DIGEST_LISTED = 30  # comments named in one digest; the rest are counted


def recipient_of(email: str) -> str:
    """How the outbox stores an address: trimmed and lower-cased, so throttles compare alike."""
    return email.strip().lower()


def enqueue(
    session: Session,
    kind: str,
    recipient: str | None,
    now: datetime,
    locale: str | None = None,
    comment_id: int | None = None,
    article_id: int | None = None,
    moderator_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> OutboxMail:
    """Add a mail to the outbox; the caller commits it with the change it tells about."""
    mail = OutboxMail(
        kind=kind,
        recipient=recipient,
        locale=locale,
        comment_id=comment_id,
        article_id=article_id,
        moderator_id=moderator_id,
        params=params or {},
        status=MailStatus.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(mail)
    return mail


def comment_published(
    session: Session,
    comment: Comment,
    parent: Comment | None,
    now: datetime,
    tell_author: bool | None = None,
) -> None:
    """Tell the author (once) and the author of the parent comment (throttled), if they asked.

    `tell_author` defaults to the comment's own opt-in, which is used up here so that a comment
    withdrawn and published again is not announced twice.
    """
    if comment.notify_published if tell_author is None else tell_author:
        comment.notify_published = False
        enqueue(
            session,
            READER_PUBLISHED,
            recipient_of(comment.author_email),
            now,
            comment.language,
            comment_id=comment.id,
            article_id=comment.article_id,
            params={"subscription": comment.id},
        )
    if parent is None or not parent.notify_replies:
        return
    recipient = recipient_of(parent.author_email)
    if recipient == recipient_of(comment.author_email):
        return  # answering oneself is no news
    recently = session.scalar(
        select(
            exists().where(
                OutboxMail.recipient == recipient,
                OutboxMail.kind == READER_REPLY,
                OutboxMail.article_id == comment.article_id,
                OutboxMail.created_at > now - REPLY_INTERVAL,
            )
        )
    )
    if not recently:
        enqueue(
            session,
            READER_REPLY,
            recipient,
            now,
            parent.language,
            comment_id=comment.id,
            article_id=comment.article_id,
            params={"subscription": parent.id, "parent_id": parent.id},
        )


def comment_waiting(session: Session, comment_id: int, article_id: int, now: datetime) -> None:
    """A comment entered the queue: one event for the moderators who want mails at once."""
    enqueue(session, MODERATORS_PENDING, None, now, comment_id=comment_id, article_id=article_id)


def _reads(moderator: Moderator, language: str) -> bool:
    # Admins and moderators who declared no language see every comment in the queue.
    own = moderator.language_list
    return moderator.role is ModeratorRole.ADMIN or not own or language in own


def fan_out(session: Session, now: datetime) -> int:
    """Turn each waiting-comment event into one mail per moderator who asked; returns how many."""
    events = session.scalars(
        select(OutboxMail).where(
            OutboxMail.kind == MODERATORS_PENDING, OutboxMail.status == MailStatus.QUEUED
        )
    ).all()
    if not events:
        return 0
    moderators = session.scalars(select(Moderator).where(Moderator.notify == NotifyMode.INSTANT))
    wanting = list(moderators)
    made = 0
    for event in events:
        comment = session.get(Comment, event.comment_id) if event.comment_id else None
        # A comment decided (or erased) before the worker came by needs nobody's attention.
        if comment is not None and comment.status is CommentStatus.PENDING:
            for moderator in wanting:
                if _reads(moderator, comment.language):
                    enqueue(
                        session,
                        MODERATOR_PENDING,
                        recipient_of(moderator.email),
                        now,
                        comment_id=comment.id,
                        article_id=comment.article_id,
                        moderator_id=moderator.id,
                    )
                    made += 1
        event.status = MailStatus.SENT
        event.sent_at = now
    return made


def queue_digests(session: Session, now: datetime) -> int:
    """Queue the daily digest of every moderator whose day is over; returns how many mails.

    The moderator's watermark moves on with a conditional UPDATE, so two workers never send
    the same digest twice.
    """
    due = session.scalars(
        select(Moderator).where(
            Moderator.notify == NotifyMode.DAILY,
            (Moderator.digest_until.is_(None)) | (Moderator.digest_until <= now - DIGEST_INTERVAL),
        )
    ).all()
    made = 0
    for moderator in due:
        since = moderator.digest_until or now - DIGEST_INTERVAL
        moved = session.execute(
            update(Moderator)
            .where(
                Moderator.id == moderator.id,
                Moderator.digest_until.is_(None)
                if moderator.digest_until is None
                else Moderator.digest_until == moderator.digest_until,
            )
            .values(digest_until=now)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            continue
        where = [
            Comment.status == CommentStatus.PENDING,
            Comment.created_at > since,
            Comment.created_at <= now,
        ]
        own = moderator.language_list
        if own and moderator.role is not ModeratorRole.ADMIN:
            where.append(Comment.language.in_(own))
        total = session.scalar(select(func.count(Comment.id)).where(*where)) or 0
        if not total:
            continue
        listed = session.scalars(
            select(Comment.id).where(*where).order_by(Comment.created_at).limit(DIGEST_LISTED)
        ).all()
        enqueue(
            session,
            MODERATOR_DIGEST,
            recipient_of(moderator.email),
            now,
            moderator_id=moderator.id,
            params={"comment_ids": list(listed), "total": total},
        )
        made += 1
    return made


def unsubscribe(session: Session, kind: str, number: int) -> bool:
    """Stop the mails a verified token names; returns whether there was anyone to stop.

    A reader's token stops every notification to their address (all their comments) and drops
    the mails still waiting for it; a moderator's turns their mails off.
    """
    if kind == tokens.MODERATOR:
        moderator = session.get(Moderator, number)
        if moderator is None:
            return False
        moderator.notify = NotifyMode.OFF
        session.execute(
            delete(OutboxMail).where(
                OutboxMail.moderator_id == moderator.id, OutboxMail.status == MailStatus.QUEUED
            )
        )
        return True
    comment = session.get(Comment, number)
    if comment is None:
        return False
    recipient = recipient_of(comment.author_email)
    session.execute(
        update(Comment)
        .where(func.lower(Comment.author_email) == recipient)
        .values(notify_published=False, notify_replies=False)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(OutboxMail).where(
            OutboxMail.recipient == recipient, OutboxMail.status == MailStatus.QUEUED
        )
    )
    return True
