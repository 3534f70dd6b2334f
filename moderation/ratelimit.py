"""Rate limits: parsing "5 per minute;60 per hour", and an in-process sliding window."""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta

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


class SlidingWindow:
    """Per-key sliding-window limits kept in this process (each worker counts its own)."""

    # Forget clients idle longer than the longest period once this many are remembered.
    SWEEP_AT = 10_000

    def __init__(self, limits: tuple[RateLimit, ...]) -> None:
        self._limits = limits
        self._longest = max((limit.period.total_seconds() for limit in limits), default=0)
        self._events: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one event for `key`, or raise `RateLimited` without counting it."""
        now = time.monotonic()
        with self._lock:
            if len(self._events) > self.SWEEP_AT:
                self._sweep(now)
            events = self._events[key]
            while events and events[0] <= now - self._longest:
                events.popleft()
            for limit in self._limits:
                since = now - limit.period.total_seconds()
                recent = [moment for moment in events if moment > since]
                if len(recent) >= limit.count:
                    raise RateLimited(limit, int(recent[0] - since) + 1)
            events.append(now)

    def _sweep(self, now: float) -> None:
        idle = [key for key, events in self._events.items() if events[-1] <= now - self._longest]
        for key in idle:
            del self._events[key]
