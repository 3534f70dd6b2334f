"""Moderator decisions: the one place that says which status changes are allowed.

A decision names the status the moderator saw. The change is one conditional UPDATE
(`... WHERE status = :seen`), so when a colleague changed the comment meanwhile nothing is
overwritten, on every database and server: the loser of a race gets a `Conflict` saying who did
what and when, and may apply the action anyway by sending the status it now sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from models import REASON_LENGTH, Article, Comment, CommentStatus, Decision, Moderator, utcnow
from moderation.notifications import events
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


class Conflict(Exception):
    """The comment is no longer in the status the moderator saw: nothing was changed.

    `latest` is the decision that moved it, when a moderator (or an import) did; `status` where
    it stands now.
    """

    def __init__(self, comment: Comment, seen: CommentStatus, latest: Decision | None) -> None:
        super().__init__(f"comment {comment.id} is {comment.status.value}, not {seen.value}")
        self.comment = comment
        self.seen = seen
        self.status = comment.status
        self.latest = latest

    @property
    def by(self) -> str | None:
        """Who moved it: a moderator's email, or None for an import or the checks."""
        if self.latest is None or self.latest.moderator is None:
            return None
        return self.latest.moderator.email

    @property
    def at(self) -> datetime:
        """When it was moved."""
        return self.latest.created_at if self.latest is not None else self.comment.updated_at


def decide(
    session: Session,
    comment: Comment,
    to_status: CommentStatus,
    moderator: Moderator | None,
    reason: str = "",
    seen: CommentStatus | None = None,
) -> Decision:
    """Move `comment` from `seen` (default: its status as loaded) to `to_status`, record the
    decision, and keep the published thread current.

    Raises `NotAllowed` when `seen` already is `to_status`, and `Conflict` (changing nothing)
    when the comment is no longer in `seen`. The caller commits, so a bulk action is one
    transaction.
    """
    from_status = comment.status if seen is None else seen
    if from_status is to_status:
        raise NotAllowed(f"comment {comment.id} is already {to_status.value}")
    now = utcnow()
    values: dict[str, object] = {"status": to_status, "updated_at": now}
    if to_status is CommentStatus.APPROVED:
        values["published_at"] = now
    elif from_status is CommentStatus.APPROVED:
        values["published_at"] = None
    # The row lock of the UPDATE orders racing moderators; the loser's WHERE no longer matches.
    changed = session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status == from_status)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(comment)
        raise Conflict(comment, from_status, latest_decision(session, comment.id))
    for name, value in values.items():
        set_committed_value(comment, name, value)
    decision = Decision(
        comment=comment,
        moderator=moderator,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:REASON_LENGTH],
    )
    session.add(decision)
    label_decision(session, comment, decision)
    # The thread changes when a comment enters or leaves the published set.
    if CommentStatus.APPROVED in (from_status, to_status):
        bump_thread(session, comment.article_id)
    if to_status is CommentStatus.APPROVED:
        events.comment_published(session, comment, comment.parent, now)
    return decision


def latest_decision(session: Session, comment_id: int) -> Decision | None:
    """The newest decision on a comment, with its moderator."""
    return session.scalar(
        select(Decision)
        .options(joinedload(Decision.moderator))
        .where(Decision.comment_id == comment_id)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def bump_thread(session: Session, article_id: int) -> None:
    """Mark the article's published thread as changed, atomically across workers.

    An `Article` already loaded in the session is updated too (the ORM evaluates the change).
    """
    session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(thread_version=Article.thread_version + 1)
    )


@dataclass
class BulkOutcome:
    """What one action on several comments did to each of them."""

    changed: list[Comment] = field(default_factory=list)
    already: list[Comment] = field(default_factory=list)  # in that status before, as seen
    conflicts: list[Conflict] = field(default_factory=list)


def decide_many(
    session: Session,
    comments: Sequence[Comment],
    to_status: CommentStatus,
    moderator: Moderator | None,
    reason: str = "",
    seen: Mapping[int, CommentStatus] | None = None,
) -> BulkOutcome:
    """Apply one decision to several comments, each from the status the moderator saw
    (`seen` by comment id; default: as loaded); reports what happened to each."""
    outcome = BulkOutcome()
    for comment in comments:
        was = (seen or {}).get(comment.id, comment.status)
        if was is to_status:
            outcome.already.append(comment)
            continue
        try:
            decide(session, comment, to_status, moderator, reason, seen=was)
        except Conflict as conflict:
            outcome.conflicts.append(conflict)
        else:
            outcome.changed.append(comment)
    return outcome
