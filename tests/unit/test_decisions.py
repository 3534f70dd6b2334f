"""Status changes, their audit trail, and the published thread they maintain."""

from __future__ import annotations

import pytest
from flask import Flask

from models import CommentStatus, Decision
from moderation.pipeline import NotAllowed, decide, decide_many
from tests.factories import Factory


def test_approving_publishes_and_records_who(app: Flask, factory: Factory) -> None:
    article = factory.article()
    comment = factory.comment(article)
    moderator = factory.moderator()
    version = article.thread_version
    decision = decide(factory.session, comment, CommentStatus.APPROVED, moderator, "fine")
    factory.session.commit()
    assert comment.status is CommentStatus.APPROVED and comment.published_at is not None
    assert article.thread_version == version + 1
    assert (decision.from_status, decision.to_status) == (
        CommentStatus.PENDING,
        CommentStatus.APPROVED,
    )
    assert decision.moderator is moderator and decision.reason == "fine"
    assert factory.session.get(Decision, decision.id) is not None


def test_withdrawing_a_published_comment_changes_the_thread(app: Flask, factory: Factory) -> None:
    article = factory.article()
    comment = factory.comment(article, status=CommentStatus.APPROVED)
    version = article.thread_version
    decide(factory.session, comment, CommentStatus.REJECTED, None)
    assert comment.published_at is None
    assert article.thread_version == version + 1


def test_spam_to_rejected_does_not_touch_the_thread(app: Flask, factory: Factory) -> None:
    article = factory.article()
    comment = factory.comment(article, status=CommentStatus.SPAM)
    version = article.thread_version
    decide(factory.session, comment, CommentStatus.REJECTED, None)
    assert article.thread_version == version


def test_a_decision_must_change_something(app: Flask, factory: Factory) -> None:
    comment = factory.comment(factory.article())
    with pytest.raises(NotAllowed):
        decide(factory.session, comment, CommentStatus.PENDING, None)


def test_bulk_skips_comments_already_there(app: Flask, factory: Factory) -> None:
    article = factory.article()
    comments = [factory.comment(article), factory.comment(article, status=CommentStatus.SPAM)]
    assert decide_many(factory.session, comments, CommentStatus.SPAM, None) == 1
    assert len(comments[0].decisions) == 1 and not comments[1].decisions
