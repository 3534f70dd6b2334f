"""Rate limits: parsing "5 per minute;60 per hour", and counting attempts in the database."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from models import Attempt

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_LIMIT = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+\s*)?(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `count` events per `period`; `label` is how the operator wrote it."""

    count: int
    period: timedelta
    label: str

    def __str__(self) -> str:
        return self.label


def parse_limits(text: str) -> tuple[RateLimit, ...]:
    """`"5 per minute; 60 per hour"` -> two limits; raises ValueError naming a bad part."""
    limits = []
    for part in filter(str.strip, text.split(";")):
        match = _LIMIT.match(part.lower())
        if not match:
            raise ValueError(f"cannot read rate limit {part.strip()!r} (try '5 per minute')")
        count, amount, unit = match.groups()
        seconds = int(amount or 1) * _UNITS[unit]
        label = " ".join(part.split())
        limits.append(RateLimit(int(count), timedelta(seconds=seconds), label))
    return tuple(limits)


class RateLimited(Exception):
    """Too many events: `limit` was reached; try again after `retry_after` seconds."""

    def __init__(self, limit: RateLimit, retry_after: int) -> None:
        super().__init__(f"at most {limit}")
        self.limit = limit
        self.retry_after = retry_after


# The first key of every advisory lock Tertulia takes on PostgreSQL ("TRTL"): its own space.
_LOCK_SPACE = int.from_bytes(b"TRTL", "big", signed=True)


def count_alone(session: Session, scope: str, key: str) -> None:
    """Make this transaction the only one counting for (`scope`, `key`) until it ends.

    Two requests of one client that count its recent events at once would both see room for
    one more. On PostgreSQL this takes a transaction-level advisory lock, and each statement
    after it sees what the previous holder committed. SQLite needs nothing: it has one writer
    at a time, and the callers write before they count (or count inside their write).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"{scope}:{key}".encode()).digest()
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"),
        {"space": _LOCK_SPACE, "key": int.from_bytes(digest[:4], "big", signed=True)},
    )


class CountedAttempts:
    """Sliding-window limits on one kind of attempt, counted in the database, so that every
    worker and server sees the same count."""

    def __init__(self, action: str, limits: tuple[RateLimit, ...]) -> None:
        self.action = action
        self.limits = limits
        self._longest = max((limit.period for limit in limits), default=timedelta(0))

    def hit(self, session: Session, key: str, now: datetime) -> None:
        """Count one attempt by `key`, or raise `RateLimited` without counting it.

        Commits: the count is settled before the attempt itself is looked at.
        """
        if not self.limits:
            return
        count_alone(session, f"attempt:{self.action}", key)
        # Written first: on SQLite the write makes this transaction the only counter.
        session.execute(insert(Attempt).values(action=self.action, key=key, created_at=now))
        mine = (Attempt.action == self.action, Attempt.key == key)
        counts = session.execute(
            select(
                *(
                    select(func.count(Attempt.id))
                    .where(*mine, Attempt.created_at > now - limit.period)
                    .scalar_subquery()
                    for limit in self.limits
                )
            )
        ).one()
        reached = zip(self.limits, counts, strict=True)
        over = next((limit for limit, count in reached if count > limit.count), None)
        if over is not None:
            session.rollback()
            raise RateLimited(over, int(over.period.total_seconds()))
        # Attempts too old to count for anyone go as new ones come.
        session.execute(
            delete(Attempt).where(
                Attempt.action == self.action, Attempt.created_at <= now - self._longest
            )
        )
        session.commit()
