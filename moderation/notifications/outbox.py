"""The outbox's delivery rules: claiming a mail, retrying with exponential backoff (no Flask).

A worker claims a mail with a conditional UPDATE that moves its next attempt past a lease, so
two workers never send the same mail, and a worker that dies mid-send leaves the mail to be
tried again when the lease ends. After `MAX_ATTEMPTS` a mail is marked failed, with the error,
for admins to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import MailStatus, OutboxMail
from moderation.notifications.events import MODERATORS_PENDING

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
LEASE = timedelta(minutes=10)
ERROR_LENGTH = 2000


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4 ... minutes, at most 6 h."""
    return min(FIRST_RETRY * (1 << max(0, attempts - 1)), LONGEST_WAIT)


def due(session: Session, now: datetime, limit: int = 100) -> Sequence[int]:
    """The ids of mails whose time has come, oldest first."""
    return session.scalars(
        select(OutboxMail.id)
        .where(
            OutboxMail.status == MailStatus.QUEUED,
            OutboxMail.next_attempt_at <= now,
            OutboxMail.kind != MODERATORS_PENDING,
        )
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()


def claim(session: Session, mail_id: int, now: datetime) -> OutboxMail | None:
    """Take the mail for one attempt, or None if another worker has it or it is gone."""
    taken = session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.status == MailStatus.QUEUED,
            OutboxMail.next_attempt_at <= now,
        )
        .values(attempts=OutboxMail.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    mail = session.get(OutboxMail, mail_id)
    if mail is not None:
        session.refresh(mail)
    return mail


def delivered(mail: OutboxMail, now: datetime) -> None:
    """The mail went out."""
    mail.status = MailStatus.SENT
    mail.sent_at = now
    mail.last_error = ""


def failed(mail: OutboxMail, error: str, now: datetime) -> None:
    """The attempt failed: try again later, or give up after `MAX_ATTEMPTS`."""
    mail.last_error = error[:ERROR_LENGTH]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = MailStatus.FAILED
    else:
        mail.next_attempt_at = now + backoff(mail.attempts)


def retry(session: Session, mail_id: int, now: datetime) -> bool:
    """Put a failed mail back in the queue (an admin's button); returns whether it was failed."""
    moved = session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.FAILED)
        .values(status=MailStatus.QUEUED, attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    count: int = moved.rowcount  # type: ignore[attr-defined]
    return count == 1


def problems(session: Session, limit: int = 100) -> Sequence[OutboxMail]:
    """Mails that failed for good, and mails still waiting after a failed attempt."""
    return session.scalars(
        select(OutboxMail)
        .where(OutboxMail.last_error != "", OutboxMail.status != MailStatus.SENT)
        .order_by(OutboxMail.id.desc())
        .limit(limit)
    ).all()


def counts(session: Session) -> dict[str, int]:
    """How many mails are queued, sent and failed."""
    rows = session.execute(
        select(OutboxMail.status, func.count(OutboxMail.id))
        .where(OutboxMail.kind != MODERATORS_PENDING)
        .group_by(OutboxMail.status)
    )
    found = {status.value: count for status, count in rows.all()}
    return {status.value: found.get(status.value, 0) for status in MailStatus}
