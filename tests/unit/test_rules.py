"""Bans and word lists: folding, whole words, one pass, and what they do to a comment."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from models import Comment, CommentStatus, fold, utcnow
from moderation.pipeline import Submission, ValidationFailed, rules
from moderation.pipeline.rules import PhraseMatcher, SiteRules, words
from moderation.services import services
from tests.factories import Factory


def test_folding_ignores_case_and_accents() -> None:
    assert fold("EDUCACIÓN Pública, São Paulo, Ñandú") == "educacion publica, sao paulo, nandu"
    assert words("¡Qué VERGÜENZA!  -- ação") == ["que", "verguenza", "acao"]


def matcher(*phrases: str) -> PhraseMatcher:
    return PhraseMatcher((words(phrase), index) for index, phrase in enumerate(phrases))


def test_whole_words_and_phrases_only() -> None:
    lists = matcher("idiota", "vete a la mierda", "cafe")
    assert lists.find(words("Eres un IDIOTA.")) == [0]
    assert lists.find(words("idiotas, idiotez")) == []  # other words
    assert lists.find(words("¡Vete a la MIERDA!")) == [1]
    assert lists.find(words("vete a la playa")) == []
    assert lists.find(words("Un café, no una cafetera")) == [2]


def test_overlapping_phrases_are_all_found() -> None:
    lists = matcher("a b c", "b c d", "c")
    assert sorted(lists.find(words("x a b c d"))) == [0, 1, 2]
    # A failure link must not lose a phrase that starts inside a broken one.
    assert matcher("a a b").find(words("a a a b")) == [0]


def test_matching_is_linear_whatever_the_lists() -> None:
    # Phrases sharing long prefixes are the worst case of a naive scan.
    many = matcher(*(" ".join(["palabra"] * n + [f"fin{n}"]) for n in range(1, 300)))
    body = words(" ".join(["palabra"] * 2000))
    started = time.process_time()
    for _ in range(5):
        assert many.find(body) == []
    elapsed = time.process_time() - started
    # 10,000 words through 300 nested phrases: a quadratic scan would need ~3M steps per pass.
    assert elapsed < 1.0, elapsed


def test_a_ban_rejects_before_any_word() -> None:
    now = utcnow()
    verdict = SiteRules(version=1).check("hola", None, True, now)
    assert verdict.status is CommentStatus.REJECTED
    assert verdict.results[0].code == "ban.author" and verdict.results[0].params["until"] is None


def test_network_bans_expire() -> None:
    now = utcnow()
    network = rules.NetworkBan(rules.parse_network("203.0.113.0/24"), now + timedelta(days=1))
    lapsed = rules.NetworkBan(rules.parse_network("198.51.100.7"), now - timedelta(minutes=1))
    site = SiteRules(version=1, networks=(network, lapsed))
    assert site.banned_network("203.0.113.200", now) is network
    assert site.banned_network("198.51.100.7", now) is None
    assert site.banned_network("2001:db8::1", now) is None
    assert str(rules.parse_network("2001:db8::1")) == "2001:db8::/64"
    with pytest.raises(ValueError):
        rules.parse_network("not a network")


def submit(app: Flask, body: str, email: str = "r@example.org", ip: str | None = None) -> Comment:
    from moderation.extensions import db

    with app.app_context():
        return services().intake.submit(
            db.session,
            "presupuesto",
            Submission(name="Reader", email=email, body=body, client_ip=ip),
        )


def test_the_intake_applies_bans_and_lists_as_checks(app_factory: Any, factory: Factory) -> None:
    app = app_factory(TERTULIA_PUBLISH_UNREVIEWED=True)
    factory.article(slug="presupuesto", language="es")
    clean = "Me parece muy importante que publiquen los datos del presupuesto en formato abierto."
    assert submit(app, clean).status is CommentStatus.APPROVED

    key = services_key(app)
    now = utcnow()
    rules.add_phrases(factory.session, "Corrupción total\ncorruptos", "hold", "admin@example.org")
    rules.add_phrases(factory.session, "ESTAFA", "block", "admin@example.org")
    rules.add_ban(factory.session, key, "admin", now, email="Troll@Example.org", duration="7d")
    rules.add_ban(factory.session, key, "admin", now, network="192.0.2.0/24")
    factory.session.commit()

    held = submit(app, clean + " Son unos corruptos.")
    assert held.status is CommentStatus.PENDING
    codes = [reason["code"] for reason in held.reasons]
    assert "words.held" in codes
    blocked = submit(app, clean + " Esto es una estafa.")
    assert blocked.status is CommentStatus.SPAM
    assert blocked.reasons[0]["code"] == "words.blocked"
    assert blocked.reasons[0]["params"]["phrase"] == "ESTAFA"
    troll = submit(app, clean, email=" troll@example.ORG")
    assert troll.status is CommentStatus.REJECTED
    assert troll.reasons[0]["code"] == "ban.author"
    assert troll.reasons[0]["params"]["until"]
    network = submit(app, clean, email="x@example.org", ip="192.0.2.44")
    assert network.reasons[0]["code"] == "ban.network"
    # Its own words: a fifth copy of `clean` would be held as a repeat, whatever the network.
    other_network = submit(app, clean + " Gracias.", email="x@example.org", ip="192.0.3.1")
    assert other_network.status is CommentStatus.APPROVED, other_network.reasons


def services_key(app: Flask) -> bytes:
    with app.app_context():
        return services().intake.email_key


def test_lists_refuse_empty_input(app: Flask, factory: Factory) -> None:
    with pytest.raises(ValidationFailed):
        rules.add_phrases(factory.session, "  \n ¡! ", "hold", "a")
    with pytest.raises(ValidationFailed):
        rules.add_phrases(factory.session, "palabra", "erase", "a")
    with pytest.raises(ValidationFailed):
        rules.add_ban(
            factory.session, b"k", "a", utcnow(), email="x@example.org", network="1.2.3.4"
        )
    with pytest.raises(ValidationFailed):
        rules.add_ban(factory.session, b"k", "a", utcnow(), network="1.2.3.4", duration="1h")
