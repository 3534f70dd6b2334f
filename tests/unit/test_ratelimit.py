"""Rate limit parsing, and attempts counted in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import Attempt, utcnow
from moderation.ratelimit import CountedAttempts, RateLimited, parse_limits
from tests.factories import Factory


def test_parse_several_limits() -> None:
    limits = parse_limits("5 per minute; 60 per hour;1000/day ; 3 per 10 seconds")
    assert [(limit.count, limit.period) for limit in limits] == [
        (5, timedelta(minutes=1)),
        (60, timedelta(hours=1)),
        (1000, timedelta(days=1)),
        (3, timedelta(seconds=10)),
    ]
    assert str(limits[0]) == "5 per minute"


@pytest.mark.parametrize("text", ["five per minute", "5 per fortnight", "5"])
def test_unreadable_limit_is_refused_by_name(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read rate limit"):
        parse_limits(text)


def test_counted_attempts_block_then_free(app: Flask, factory: Factory) -> None:
    attempts = CountedAttempts("sign-in", parse_limits("2 per minute"))
    session = factory.session
    start = utcnow()
    attempts.hit(session, "a", start)
    attempts.hit(session, "a", start + timedelta(seconds=1))
    attempts.hit(session, "b", start + timedelta(seconds=2))  # another client counts apart
    with pytest.raises(RateLimited) as caught:
        attempts.hit(session, "a", start + timedelta(seconds=3))
    assert caught.value.retry_after == 60
    with pytest.raises(RateLimited):
        attempts.hit(session, "a", start + timedelta(seconds=30))  # refused ones do not count
    attempts.hit(session, "a", start + timedelta(seconds=61))
    assert session.scalar(select(func.count(Attempt.id)).where(Attempt.key == "a")) == 1


def test_attempts_too_old_to_count_are_forgotten(app: Flask, factory: Factory) -> None:
    attempts = CountedAttempts("sign-in", parse_limits("1 per second"))
    start = utcnow()
    for key in "abc":
        attempts.hit(factory.session, key, start)
    attempts.hit(factory.session, "d", start + timedelta(seconds=5))
    assert factory.session.scalars(select(Attempt.key)).all() == ["d"]
