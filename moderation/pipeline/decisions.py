"""Moderator decisions: the one place that says which status changes are allowed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import REASON_LENGTH, Article, Comment, CommentStatus, Decision, Moderator, utcnow
from moderation.pipeline.learning import label_decision

# Every status can be revisited: a spam-folder comment is one click from rescue, a published one
# can be withdrawn. Moving to the same status is not a decision.
ACTIONS: dict[str, CommentStatus] = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "spam": CommentStatus.SPAM,
    "requeue": CommentStatus.PENDING,
}


class NotAllowed(Exception):
    """The requested change is not a valid decision for this comment."""


def decide(
    session: Session,
    comment: Comment,
    to_status: CommentStatus,
    moderator: Moderator | None,
    reason: str = "",
) -> Decision:
    """Move `comment` to `to_status`, record the decision, and keep the published thread current.

    The caller commits, so a bulk action is one transaction.
    """
    from_status = comment.status
    if from_status is to_status:
        raise NotAllowed(f"comment {comment.id} is already {to_status.value}")
    decision = Decision(
        comment=comment,
        moderator=moderator,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:REASON_LENGTH],
    )
    session.add(decision)
    label_decision(session, comment, decision)
    comment.status = to_status
    if to_status is CommentStatus.APPROVED:
        comment.published_at = utcnow()
    # The thread changes when a comment enters or leaves the published set.
    if CommentStatus.APPROVED in (from_status, to_status):
        bump_thread(session, comment.article_id)
        if to_status is not CommentStatus.APPROVED:
            comment.published_at = None
    return decision


def bump_thread(session: Session, article_id: int) -> None:
    """Mark the article's published thread as changed, atomically across workers.

    An `Article` already loaded in the session is updated too (the ORM evaluates the change).
    """
    session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(thread_version=Article.thread_version + 1)
    )


def decide_many(
    session: Session,
    comments: Sequence[Comment],
    to_status: CommentStatus,
    moderator: Moderator | None,
    reason: str = "",
) -> int:
    """Apply one decision to several comments, skipping those already there; returns how many."""
    changed = 0
    for comment in comments:
        if comment.status is not to_status:
            decide(session, comment, to_status, moderator, reason)
            changed += 1
    return changed
