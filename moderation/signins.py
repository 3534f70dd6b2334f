"""Moderators' sessions kept in the database, so that every server can end them at once.

A sign-in gives the browser a random token (inside Flask's signed cookie) and stores only its
digest. Each request finds the session by that digest; a session idle too long or older than
its lifetime is over. Signing out, a new password, a new role, the account's removal and an
admin's "sign out everywhere" delete rows, and the next request of those browsers, on any
worker or server, is anonymous. No Flask here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from models import Moderator, ModeratorSession

# Recording every request's time would be a write per page; to the minute is enough for an
# idle timeout counted in tens of minutes.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionRules:
    """How long a session lasts: `idle` without a request, and `lifetime` at most."""

    idle: timedelta
    lifetime: timedelta

    def expired(self, now: datetime) -> tuple[datetime, datetime]:
        """The (last seen, created) moments before which a session is over."""
        return now - self.idle, now - self.lifetime


def digest(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, moderator: Moderator, rules: SessionRules, now: datetime) -> str:
    """Start a session for `moderator` and return its token for the cookie. Caller commits.

    Sessions that are over (of anyone) are swept away here, so the table holds live ones.
    """
    idle_before, created_before = rules.expired(now)
    session.execute(
        delete(ModeratorSession).where(
            or_(
                ModeratorSession.last_seen_at < idle_before,
                ModeratorSession.created_at < created_before,
            )
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        ModeratorSession(
            moderator_id=moderator.id, token_digest=digest(token), created_at=now, last_seen_at=now
        )
    )
    return token


def signed_in(session: Session, token: str, rules: SessionRules, now: datetime) -> Moderator | None:
    """The moderator whose live session `token` is, or None. Caller commits.

    A session that is over is deleted; a live one has its last use recorded (to the minute).
    """
    found = session.execute(
        select(ModeratorSession, Moderator)
        .join(Moderator, ModeratorSession.moderator_id == Moderator.id)
        .where(ModeratorSession.token_digest == digest(token))
    ).one_or_none()
    if found is None:
        return None
    row, moderator = found
    idle_before, created_before = rules.expired(now)
    if _aware(row.last_seen_at) < idle_before or _aware(row.created_at) < created_before:
        session.delete(row)
        return None
    if _aware(row.last_seen_at) < now - TOUCH_EVERY:
        row.last_seen_at = now
    return moderator


def end_session(session: Session, token: str) -> None:
    """End the session `token` (signing out). Caller commits."""
    session.execute(delete(ModeratorSession).where(ModeratorSession.token_digest == digest(token)))


def end_sessions(session: Session, moderator_id: int, keep: str | None = None) -> int:
    """End every session of a moderator but `keep` (a token); returns how many. Caller commits."""
    statement = delete(ModeratorSession).where(ModeratorSession.moderator_id == moderator_id)
    if keep is not None:
        statement = statement.where(ModeratorSession.token_digest != digest(keep))
    ended: int = session.execute(statement).rowcount  # type: ignore[attr-defined]
    return ended


def live_sessions(session: Session, rules: SessionRules, now: datetime) -> dict[int, int]:
    """Per moderator id, how many sessions are live."""
    idle_before, created_before = rules.expired(now)
    rows = session.execute(
        select(ModeratorSession.moderator_id, func.count(ModeratorSession.id))
        .where(
            ModeratorSession.last_seen_at >= idle_before,
            ModeratorSession.created_at >= created_before,
        )
        .group_by(ModeratorSession.moderator_id)
    )
    return {moderator_id: count for moderator_id, count in rows.all()}


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
