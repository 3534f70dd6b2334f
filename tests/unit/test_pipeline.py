"""Comment intake (the submission pipeline) on a real database, detector and classifier."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus
from moderation.extensions import db
from moderation.language import LanguageDetector
from moderation.pipeline import Intake, Submission, ValidationFailed
from moderation.ratelimit import RateLimited, parse_limits
from moderation.services import services
from moderation.spam import SpamModel
from tests.factories import Factory

SPAM = (
    "BEST PRICES!!! Buy cheap followers and backlinks now at http://cheap-seo.example "
    "http://cheap-seo.example/offer call +1 800 555 0199 customer service number"
)
GENUINE = "Me parece una vergüenza que el gobierno esconda estos datos. Exijo que los publiquen."


@pytest.fixture
def intake(app: Flask) -> Iterator[Intake]:
    with app.app_context():
        yield services().intake


@pytest.fixture
def article(factory: Factory) -> Article:
    return factory.article(language="es")


def submit(intake: Intake, article: Article, body: str, **extra: Any) -> Comment:
    fields: dict[str, Any] = {"name": "Ana", "email": "ana@example.org", "body": body, **extra}
    return intake.submit(session_of(article), article.slug, Submission(**fields))


def session_of(row: object) -> Session:
    session = Session.object_session(row)
    assert session is not None
    return session


def test_genuine_comment_waits_in_the_queue_with_its_reasons(
    intake: Intake, article: Article
) -> None:
    comment = submit(intake, article, GENUINE, client_ip="198.51.100.7")
    assert comment.status is CommentStatus.PENDING
    assert comment.language == "es"
    assert comment.spam_score is not None and comment.spam_score < 0.5
    checks = [reason["check"] for reason in comment.reasons]
    assert checks[:2] == ["language", "spam"]
    assert comment.reasons[0]["code"] == "language.detected"
    assert comment.reasons[0]["params"]["language"] == "es"
    assert comment.reasons[1]["params"]["verdict"] == "clean"
    assert not any(reason["unclassified"] or reason["evidence"] for reason in comment.reasons)
    assert not comment.likely_spam
    assert comment.client_ip_hash and "198.51" not in comment.client_ip_hash
    assert comment.published_at is None


def test_spam_above_the_threshold_goes_to_the_spam_folder(intake: Intake, article: Article) -> None:
    comment = submit(intake, article, SPAM)
    assert comment.status is CommentStatus.SPAM and not comment.likely_spam
    spam = next(reason for reason in comment.reasons if reason["check"] == "spam")
    assert spam["code"] == "spam.score" and spam["params"]["verdict"] == "spam" and spam["flag"]
    evidence = {reason["code"] for reason in comment.reasons if reason["evidence"]}
    assert {"contact.phone", "phrase.service_number"} <= evidence


def test_a_high_score_without_evidence_waits_as_likely_spam(
    intake: Intake, article: Article
) -> None:
    # SMS-style prize spam reads like spam but offers no link, contact or scam phrase.
    prize = "Congratulations! You have won a free cruise, reply YES to claim now"
    comment = submit(intake, article, prize)
    assert comment.spam_score is not None and comment.spam_score >= 0.85
    assert comment.status is CommentStatus.PENDING and comment.likely_spam
    assert comment.reasons[1]["params"]["verdict"] == "likely"
    assert not any(reason["evidence"] for reason in comment.reasons)
    lenient = dataclasses.replace(intake, spam_threshold=1.01)
    waiting = submit(lenient, article, SPAM + " again")
    assert waiting.status is CommentStatus.PENDING and waiting.likely_spam


def test_failing_detector_keeps_the_comment_unclassified(
    intake: Intake, article: Article, caplog: pytest.LogCaptureFixture
) -> None:
    with mock.patch.object(LanguageDetector, "detect", side_effect=RuntimeError("boom")):
        comment = submit(intake, article, GENUINE)
    assert comment.status is CommentStatus.PENDING
    assert comment.language == "und"
    assert comment.reasons[0]["code"] == "language.failed" and comment.reasons[0]["unclassified"]
    assert comment.is_unclassified
    assert "language detector failed" in caplog.text


def test_failing_classifier_keeps_the_comment_unclassified(
    intake: Intake, article: Article, caplog: pytest.LogCaptureFixture
) -> None:
    with mock.patch.object(SpamModel, "score", side_effect=RuntimeError("boom")):
        comment = submit(intake, article, SPAM)
    assert comment.status is CommentStatus.PENDING
    assert comment.spam_score is None and comment.is_unclassified
    failed = [reason for reason in comment.reasons if reason["unclassified"]]
    assert [reason["code"] for reason in failed] == ["spam.failed"] and failed[0]["flag"]
    assert "spam classifier failed" in caplog.text


def test_publishing_unreviewed_is_opt_in_and_only_for_clean_comments(
    intake: Intake, article: Article
) -> None:
    version = article.thread_version
    assert submit(intake, article, GENUINE).status is CommentStatus.PENDING
    open_site = dataclasses.replace(intake, publish_unreviewed=True)
    published = submit(open_site, article, GENUINE + " Gracias.")
    assert published.status is CommentStatus.APPROVED
    assert published.published_at is not None
    assert article.thread_version == version + 1
    assert submit(open_site, article, SPAM).status is CommentStatus.SPAM
    with mock.patch.object(SpamModel, "score", side_effect=RuntimeError("boom")):
        assert submit(open_site, article, "Otro comentario.").status is CommentStatus.PENDING


def test_reply_must_be_to_a_published_comment_of_the_same_article(
    intake: Intake, article: Article, factory: Factory
) -> None:
    other = factory.article()
    published = factory.comment(article, status=CommentStatus.APPROVED)
    pending = factory.comment(article)
    elsewhere = factory.comment(other, status=CommentStatus.APPROVED)
    assert submit(intake, article, GENUINE, parent_id=published.id).parent_id == published.id
    for parent in (pending.id, elsewhere.id, 999_999):
        with pytest.raises(ValidationFailed) as caught:
            submit(intake, article, GENUINE, parent_id=parent)
        assert "parent_id" in caught.value.errors


def test_a_failed_write_leaves_no_row(intake: Intake, article: Article) -> None:
    """The comment is inserted, then publishing it fails: the insert must not survive."""

    def refuse(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("UPDATE articles"):
            raise RuntimeError("disk full")

    engine = db.engine
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(RuntimeError):
            submit(dataclasses.replace(intake, publish_unreviewed=True), article, GENUINE)
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_priors_reach_the_detector(intake: Intake, factory: Factory) -> None:
    portuguese = factory.article(language="pt")
    with mock.patch.object(
        LanguageDetector, "detect", autospec=True, side_effect=LanguageDetector.detect
    ) as detect:
        comment = submit(intake, portuguese, "Obrigado!", page_language="pt")
    assert detect.call_args.kwargs["priors"] == ("pt", "pt")
    assert comment.language == "pt"


def test_detector_internal_failure_is_flagged_unclassified(
    intake: Intake, article: Article, caplog: pytest.LogCaptureFixture
) -> None:
    with mock.patch.object(LanguageDetector, "_detect", side_effect=ValueError("bad profile")):
        comment = submit(intake, article, GENUINE)
    language = comment.reasons[0]
    assert language["code"] == "language.failed"
    assert language["unclassified"] and language["flag"]
    assert comment.status is CommentStatus.PENDING
    assert "language detection failed" in caplog.text


def test_rate_limits_count_per_client_and_never_without_an_address(
    intake: Intake, article: Article
) -> None:
    limited = dataclasses.replace(intake, rate_limits=parse_limits("2 per minute"))
    for n in range(3):  # no address: the command line and the demo are not clients
        submit(limited, article, f"{GENUINE} {n}")
    for n in range(2):
        submit(limited, article, f"{GENUINE} a{n}", client_ip="198.51.100.7")
    with pytest.raises(RateLimited) as caught:
        submit(limited, article, f"{GENUINE} a2", client_ip="198.51.100.7")
    assert str(caught.value.limit) == "2 per minute"
    submit(limited, article, f"{GENUINE} b", client_ip="198.51.100.8")
    assert db.session.scalar(select(func.count(Comment.id))) == 6


def test_an_author_a_moderator_marked_as_spam_is_evidence(
    intake: Intake, article: Article, factory: Factory
) -> None:
    from moderation.pipeline import decide

    earlier = factory.comment(article, body="Compra seguidores", author_email="bot@example.org")
    body = "Excelente artículo, muy interesante."
    assert "context.author_spam" not in codes(
        submit(intake, article, body, email="bot@example.org")
    )
    decide(session_of(earlier), earlier, CommentStatus.SPAM, None)
    session_of(earlier).commit()
    again = submit(intake, article, body + " ", email="bot@example.org")
    assert "context.author_spam" in codes(again)
    assert "context.author_spam" not in codes(submit(intake, article, body + "  "))


def test_relevance_uses_the_article_description_or_the_page_description(
    intake: Intake, factory: Factory
) -> None:
    off_topic = "Las mejores ofertas de viajes al Caribe en viajes-caribe-baratos.com"
    described = factory.article(
        language="es", description="El gobierno recorta el presupuesto de salud."
    )
    assert "context.off_topic_link" in codes(submit(intake, described, off_topic))
    plain = factory.article(language="es")
    assert "context.off_topic_link" not in codes(submit(intake, plain, off_topic + " "))
    sent = submit(
        intake, plain, off_topic + "  ", page_description="Recortes en la sanidad pública."
    )
    assert "context.off_topic_link" in codes(sent)
    assert plain.description is None  # the page's description is used for that comment only


def codes(comment: Comment) -> set[str]:
    return {reason["code"] for reason in comment.reasons}


def test_the_site_reference_domains_are_never_evidence(intake: Intake, article: Article) -> None:
    body = "El informe completo está en https://partner-newsroom.example/informe-presupuesto"
    assert "link.unknown" in codes(submit(intake, article, body))
    trusting = dataclasses.replace(intake, reference_domains=("partner-newsroom.example",))
    assert "link.reference" in codes(submit(trusting, article, body + " "))
