"""Status changes, their audit trail, and the published thread they maintain."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask

from models import Comment, CommentStatus, Decision, Moderator
from moderation.pipeline import Conflict, NotAllowed, decide, decide_many
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
    outcome = decide_many(factory.session, comments, CommentStatus.SPAM, None)
    assert outcome.changed == [comments[0]] and outcome.already == [comments[1]]
    assert len(comments[0].decisions) == 1 and not comments[1].decisions


def test_a_comment_changed_since_it_was_seen_is_left_alone(app: Flask, factory: Factory) -> None:
    article = factory.article()
    comment = factory.comment(article)
    first, second = factory.moderator("one@example.org"), factory.moderator("two@example.org")
    decide(factory.session, comment, CommentStatus.REJECTED, first, seen=CommentStatus.PENDING)
    factory.session.commit()
    with pytest.raises(Conflict) as raised:
        decide(factory.session, comment, CommentStatus.APPROVED, second, seen=CommentStatus.PENDING)
    conflict = raised.value
    assert conflict.status is CommentStatus.REJECTED and conflict.by == "one@example.org"
    assert conflict.at is not None
    factory.session.commit()
    assert comment.status is CommentStatus.REJECTED and comment.published_at is None
    assert factory.session.query(Decision).count() == 1
    # Applying anyway means sending the status now seen.
    decide(factory.session, comment, CommentStatus.APPROVED, second, seen=CommentStatus.REJECTED)
    factory.session.commit()
    assert factory.session.get_one(Comment, comment.id).status is CommentStatus.APPROVED


def test_bulk_reports_conflicts_per_comment(app: Flask, factory: Factory) -> None:
    article = factory.article()
    moved, fresh = factory.comment(article), factory.comment(article)
    decide(factory.session, moved, CommentStatus.SPAM, factory.moderator())
    factory.session.commit()
    outcome = decide_many(
        factory.session,
        [moved, fresh],
        CommentStatus.APPROVED,
        None,
        seen={moved.id: CommentStatus.PENDING, fresh.id: CommentStatus.PENDING},
    )
    assert outcome.changed == [fresh]
    assert [conflict.comment for conflict in outcome.conflicts] == [moved]
    assert outcome.conflicts[0].status is CommentStatus.SPAM


def race(make_session: Any, comment_id: int, moderator_ids: list[int]) -> list[str]:
    """Two moderators decide one comment at once, each from the status it read."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def moderate(moderator_id: int, to_status: CommentStatus) -> None:
        session = make_session()
        try:
            comment = session.get_one(Comment, comment_id)
            seen = comment.status  # both read "pending" before either writes
            moderator = session.get(Moderator, moderator_id)
            barrier.wait(timeout=20)
            try:
                decide(session, comment, to_status, moderator, seen=seen)
                session.commit()
                outcomes.append("changed")
            except Conflict:
                session.rollback()
                outcomes.append("conflict")
        finally:
            session.close()

    threads = [
        threading.Thread(target=moderate, args=(moderator_ids[0], CommentStatus.APPROVED)),
        threading.Thread(target=moderate, args=(moderator_ids[1], CommentStatus.REJECTED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_racing_moderators_record_exactly_one_decision(app: Flask, factory: Factory) -> None:
    """Two transactions on their own connections decide the same comment at the same moment:
    one wins, the other changes nothing (run on SQLite and on PostgreSQL)."""
    article = factory.article()
    moderators = [factory.moderator(f"{name}@example.org").id for name in ("a", "b")]
    for _ in range(6):
        comment_id = factory.comment(article).id
        assert race(app.extensions["tertulia.db"], comment_id, moderators) == [
            "changed",
            "conflict",
        ]
        factory.session.expire_all()
        decisions = factory.session.query(Decision).filter_by(comment_id=comment_id).all()
        assert len(decisions) == 1
        stored = factory.session.get_one(Comment, comment_id)
        assert stored.status is decisions[0].to_status


def test_a_held_transaction_makes_the_other_wait_then_refuses(app: Flask, factory: Factory) -> None:
    """The loser's UPDATE waits for the winner's commit, then finds the status moved on."""
    comment = factory.comment(factory.article())
    make_session = app.extensions["tertulia.db"]
    winner, loser = make_session(), make_session()
    try:
        theirs = loser.get_one(Comment, comment.id)
        decide(winner, winner.get_one(Comment, comment.id), CommentStatus.SPAM, None)
        result: list[object] = []

        def lose() -> None:
            try:
                decide(loser, theirs, CommentStatus.APPROVED, None, seen=CommentStatus.PENDING)
            except Conflict as conflict:
                result.append(conflict.status)
            loser.rollback()

        thread = threading.Thread(target=lose)
        thread.start()
        thread.join(0.3)
        winner.commit()
        thread.join()
        assert result == [CommentStatus.SPAM]
    finally:
        winner.close()
        loser.close()
    assert factory.session.query(Decision).count() == 1
