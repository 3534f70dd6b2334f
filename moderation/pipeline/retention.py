"""Forgetting a commenter on request: their comments, and everything learned from them.

`forget_author` is the one function the command line (`comments forget`) and an admin page
call: it deletes the comments, their decisions and spam labels, and the learned spam model
versions that learned from those labels (the learning worker's next round learns the rest again
without them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import Comment, Decision, OutboxMail, SpamLabel
from moderation.pipeline.decisions import bump_thread
from moderation.pipeline.learning import forget_labels


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What erasing an author removed."""

    comments: int
    labels: int
    versions: int  # learned spam model versions dropped because they learned from the labels


def forget_author(session: Session, email: str) -> Forgotten:
    """Delete every comment sent with `email`, with its decisions, labels and what was learned.

    Replies by other people stay, detached from the deleted comment; the threads that lose a
    published comment are re-rendered; mails waiting for the address are dropped. The caller
    commits.
    """
    session.execute(delete(OutboxMail).where(OutboxMail.recipient == email.strip().lower()))
    rows = session.execute(
        select(Comment.id, Comment.article_id).where(
            func.lower(Comment.author_email) == email.strip().lower()
        )
    ).all()
    if not rows:
        return Forgotten(0, 0, 0)
    ids = [row.id for row in rows]
    decisions = select(Decision.id).where(Decision.comment_id.in_(ids))
    # Labels copy the text; deleting the comment alone would leave the words behind.
    labels = list(session.scalars(select(SpamLabel.id).where(SpamLabel.decision_id.in_(decisions))))
    versions = forget_labels(session, labels)
    session.execute(delete(Decision).where(Decision.comment_id.in_(ids)))
    session.execute(update(Comment).where(Comment.parent_id.in_(ids)).values(parent_id=None))
    session.execute(delete(Comment).where(Comment.id.in_(ids)))
    for article_id in {row.article_id for row in rows}:
        bump_thread(session, article_id)
    return Forgotten(len(ids), len(labels), versions)
