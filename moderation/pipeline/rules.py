"""Keeping trolls out: bans and the site's word lists, as checks of the intake (no Flask).

- A ban keeps out an author (the keyed hash of their email, never the address) or a client
  network, for a while or for good: their comments go straight to Rejected with the reason.
- A listed word or phrase either blocks (spam folder) or holds (pending, flagged) a comment.
  Text is compared with case and accents folded and whole words only ("mierda" does not
  match "mierdas", "cafe" matches "Café"), in one pass over the comment's words whatever the
  size of the lists (a word-level Aho-Corasick automaton): linear in the body's length.

The lists are loaded once per process and kept until their version, read by the intake in its
lookup query, moves on; every change here bumps that version.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import (
    PHRASE_LENGTH,
    REASON_LENGTH,
    Ban,
    BanKind,
    CommentStatus,
    RulesState,
    WordAction,
    WordRule,
    fold,
)
from moderation.pipeline.checks import CheckResult
from moderation.pipeline.submission import Problem, ValidationFailed, looks_like_email

_WORD = re.compile(r"\w+")
# How long a ban may last, by the name the admin page offers; None is for good.
DURATIONS: dict[str, timedelta | None] = {
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "365d": timedelta(days=365),
    "forever": None,
}
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def hash_email(key: bytes, email: str) -> str:
    """Keyed hash of an email address, as bans store it (like client addresses): irreversible."""
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def parse_network(text: str) -> Network:
    """`203.0.113.7`, `203.0.113.0/24` or an IPv6 address or prefix; a lone IPv6 address
    stands for its /64, which one client rotates through. Raises ValueError."""
    value = text.strip()
    network = ipaddress.ip_network(value, strict=False)
    if network.version == 6 and "/" not in value:
        network = ipaddress.ip_network(f"{value}/64", strict=False)
    return network


class PhraseMatcher:
    """Finds listed phrases (sequences of words) in a sequence of words, in one pass.

    An Aho-Corasick automaton over words: each step follows one edge or failure link, so the
    work is linear in the number of words plus the matches, whatever the size of the lists.
    """

    def __init__(self, phrases: Iterable[tuple[Sequence[str], int]]) -> None:
        self._edges: list[dict[str, int]] = [{}]
        self._fail: list[int] = [0]
        self._out: list[list[int]] = [[]]
        for phrase, value in phrases:
            node = 0
            for word in phrase:
                nxt = self._edges[node].get(word)
                if nxt is None:
                    nxt = len(self._edges)
                    self._edges[node][word] = nxt
                    self._edges.append({})
                    self._fail.append(0)
                    self._out.append([])
                node = nxt
            if node:
                self._out[node].append(value)
        queue = list(self._edges[0].values())
        while queue:
            node = queue.pop(0)
            for word, child in self._edges[node].items():
                queue.append(child)
                fallback = self._fail[node]
                while fallback and word not in self._edges[fallback]:
                    fallback = self._fail[fallback]
                target = self._edges[fallback].get(word, 0)
                self._fail[child] = target if target != child else 0
                self._out[child] = self._out[child] + self._out[self._fail[child]]

    def find(self, text_words: Iterable[str]) -> list[int]:
        """The values of the phrases found, each once, in the order they end in the text."""
        found: dict[int, None] = {}
        node = 0
        for word in text_words:
            while node and word not in self._edges[node]:
                node = self._fail[node]
            node = self._edges[node].get(word, 0)
            for value in self._out[node]:
                found.setdefault(value)
        return list(found)


@dataclass(frozen=True)
class NetworkBan:
    """A banned client network, as the intake checks it."""

    network: Network
    expires_at: datetime | None


@dataclass(frozen=True)
class RulesVerdict:
    """What the bans and word lists say about one comment."""

    results: tuple[CheckResult, ...] = ()
    # REJECTED (banned) or SPAM (a blocked word) overrides the checks; None leaves it to them.
    status: CommentStatus | None = None
    hold: bool = False  # a held word: never published without a moderator


@dataclass(frozen=True)
class SiteRules:
    """The site's network bans and word lists at one version."""

    version: int = 0
    networks: tuple[NetworkBan, ...] = ()
    phrases: tuple[tuple[str, WordAction], ...] = ()
    matcher: PhraseMatcher = field(default_factory=lambda: PhraseMatcher(()))

    def banned_network(self, address: str | None, now: datetime) -> NetworkBan | None:
        """The ban covering the client `address`, if one is in force."""
        if not address or not self.networks:
            return None
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        for ban in self.networks:
            if ip in ban.network and (ban.expires_at is None or _aware(ban.expires_at) > now):
                return ban
        return None

    def check(
        self, body: str, address: str | None, author_banned: datetime | bool, now: datetime
    ) -> RulesVerdict:
        """Judge a comment: its author's ban (`author_banned`: True for good, or the end of the
        ban, or False), its client's network and its words."""
        if author_banned:
            until = None if author_banned is True else _iso(author_banned)
            params: dict[str, Any] = {"until": until}
            result = CheckResult("rules", "ban.author", params, flag=True)
            return RulesVerdict((result,), CommentStatus.REJECTED)
        if ban := self.banned_network(address, now):
            params = {
                "network": str(ban.network),
                "until": _iso(ban.expires_at) if ban.expires_at else None,
            }
            result = CheckResult("rules", "ban.network", params, flag=True)
            return RulesVerdict((result,), CommentStatus.REJECTED)
        if not self.phrases:
            return RulesVerdict()
        found = [self.phrases[index] for index in self.matcher.find(words(body))]
        blocked = [phrase for phrase, action in found if action is WordAction.BLOCK]
        held = [phrase for phrase, action in found if action is WordAction.HOLD]
        results = []
        if blocked:
            params = {"phrase": blocked[0], "count": len(blocked)}
            results.append(CheckResult("rules", "words.blocked", params, flag=True, evidence=True))
        if held:
            params = {"phrase": held[0], "count": len(held)}
            results.append(CheckResult("rules", "words.held", params, flag=True))
        return RulesVerdict(
            tuple(results), CommentStatus.SPAM if blocked else None, hold=bool(held)
        )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return _aware(moment).isoformat(timespec="minutes")


def load(session: Session, version: int) -> SiteRules:
    """The network bans and word lists as stored now, labelled `version`."""
    networks = tuple(
        NetworkBan(parse_network(ban.value), ban.expires_at)
        for ban in session.scalars(select(Ban).where(Ban.kind == BanKind.NETWORK))
    )
    rules = session.scalars(select(WordRule).order_by(WordRule.id)).all()
    phrases = tuple((rule.phrase, rule.action) for rule in rules)
    matcher = PhraseMatcher((rule.folded.split(), index) for index, rule in enumerate(rules))
    return SiteRules(version, networks, phrases, matcher)


class RulesCache:
    """The site's rules, loaded once per process per version."""

    def __init__(self) -> None:
        self._rules = SiteRules(version=0)
        self._lock = threading.Lock()

    def at(self, session: Session, version: int) -> SiteRules:
        """The rules at `version` (as read in the intake's lookup query)."""
        rules = self._rules
        if rules.version == version:
            return rules
        with self._lock:
            if self._rules.version != version:
                self._rules = load(session, version)
            return self._rules


def bump(session: Session) -> None:
    """Move the rules' version on, so every worker reloads them with its next comment."""
    moved = session.execute(
        update(RulesState).where(RulesState.id == 1).values(version=RulesState.version + 1)
    )
    if moved.rowcount == 0:  # type: ignore[attr-defined]
        session.add(RulesState(id=1, version=1))
        session.flush()


def ban_until(duration: str, now: datetime) -> datetime | None:
    """When a ban of `duration` (a key of DURATIONS) taken `now` ends; raises ValidationFailed."""
    if duration not in DURATIONS:
        raise ValidationFailed({"duration": Problem("invalid")})
    length = DURATIONS[duration]
    return None if length is None else now + length


def add_ban(
    session: Session,
    email_key: bytes,
    actor: str,
    now: datetime,
    *,
    email: str = "",
    network: str = "",
    duration: str = "forever",
    note: str = "",
) -> Ban:
    """Ban an author by email or a client network; raises ValidationFailed per field."""
    expires_at = ban_until(duration, now)
    if bool(email.strip()) == bool(network.strip()):
        raise ValidationFailed({"target": Problem("one_of")})
    if email.strip():
        if not looks_like_email(email.strip()):
            raise ValidationFailed({"email": Problem("invalid")})
        kind, value = BanKind.EMAIL, hash_email(email_key, email)
    else:
        try:
            kind, value = BanKind.NETWORK, str(parse_network(network))
        except ValueError:
            raise ValidationFailed({"network": Problem("invalid")}) from None
    ban = Ban(
        kind=kind,
        value=value,
        note=note.strip()[:REASON_LENGTH],
        expires_at=expires_at,
        created_by=actor,
        created_at=now,
    )
    session.add(ban)
    bump(session)
    session.flush()
    return ban


def lift_ban(session: Session, ban_id: int) -> Ban | None:
    """End a ban now; returns it, or None if there is no such ban."""
    ban = session.get(Ban, ban_id)
    if ban is not None:
        session.delete(ban)
        bump(session)
    return ban


def add_phrases(session: Session, text: str, action: str, actor: str) -> list[WordRule]:
    """Add one word or phrase per line of `text`; lines already listed are skipped."""
    try:
        chosen = WordAction(action)
    except ValueError:
        raise ValidationFailed({"action": Problem("invalid")}) from None
    existing = set(session.scalars(select(WordRule.folded)))
    added: list[WordRule] = []
    given = 0
    for line in text.splitlines():
        phrase = " ".join(line.split())
        folded = " ".join(words(phrase))
        if not folded:
            continue
        given += 1
        if len(phrase) > PHRASE_LENGTH:
            raise ValidationFailed(
                {"phrases": Problem("too_long", {"limit": PHRASE_LENGTH, "length": len(phrase)})}
            )
        if folded in existing:
            continue
        existing.add(folded)
        rule = WordRule(phrase=phrase, folded=folded, action=chosen, created_by=actor)
        session.add(rule)
        added.append(rule)
    if not given:
        raise ValidationFailed({"phrases": Problem("required")})
    if added:
        bump(session)
        session.flush()
    return added


def remove_phrase(session: Session, rule_id: int) -> WordRule | None:
    """Take a word or phrase off the lists."""
    rule = session.get(WordRule, rule_id)
    if rule is not None:
        session.delete(rule)
        bump(session)
    return rule
