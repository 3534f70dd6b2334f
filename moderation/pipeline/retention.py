"""Forgetting a commenter on request: their comments, and everything learned from them."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import Comment, Decision, SpamLabel
from moderation.pipeline.decisions import bump_thread


def forget_author(session: Session, email: str) -> int:
    """Delete every comment sent with `email`, with its decisions and spam labels.

    Replies by other people stay, detached from the deleted comment; the threads that lose a
    published comment are re-rendered. Returns how many comments were deleted; the caller
    commits.
    """
    rows = session.execute(
        select(Comment.id, Comment.article_id).where(
            func.lower(Comment.author_email) == email.strip().lower()
        )
    ).all()
    if not rows:
        return 0
    ids = [row.id for row in rows]
    decisions = select(Decision.id).where(Decision.comment_id.in_(ids))
    # Labels copy the text; deleting the comment alone would leave the words behind.
    session.execute(delete(SpamLabel).where(SpamLabel.decision_id.in_(decisions)))
    session.execute(delete(Decision).where(Decision.comment_id.in_(ids)))
    session.execute(update(Comment).where(Comment.parent_id.in_(ids)).values(parent_id=None))
    session.execute(delete(Comment).where(Comment.id.in_(ids)))
    for article_id in {row.article_id for row in rows}:
        bump_thread(session, article_id)
    return len(ids)
