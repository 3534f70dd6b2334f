"""Rate limit parsing and the in-process sliding window."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from moderation.ratelimit import RateLimited, SlidingWindow, parse_limits


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


def test_sliding_window_blocks_then_frees() -> None:
    window = SlidingWindow(parse_limits("2 per minute"))
    clock = [1000.0]
    with mock.patch("moderation.ratelimit.time.monotonic", side_effect=lambda: clock[0]):
        window.hit("a")
        window.hit("a")
        window.hit("b")  # another client has its own count
        with pytest.raises(RateLimited) as caught:
            window.hit("a")
        assert caught.value.retry_after == 61
        clock[0] += 30
        with pytest.raises(RateLimited):
            window.hit("a")  # refused attempts are not counted, but the window still holds
        clock[0] += 31
        window.hit("a")


def test_idle_clients_are_forgotten() -> None:
    window = SlidingWindow(parse_limits("1 per second"))
    window.SWEEP_AT = 2
    clock = [0.0]
    with mock.patch("moderation.ratelimit.time.monotonic", side_effect=lambda: clock[0]):
        for key in "abc":
            window.hit(key)
        clock[0] += 5
        window.hit("d")
    assert set(window._events) == {"d"}
