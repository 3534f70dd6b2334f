"""A reader's data on request: find everything sent with one email, export it, erase it.

No Flask here. Erasing goes through `pipeline.retention.forget_author`, the same rule as
`flask comments forget`, and leaves an audit entry. The entry never holds the email (that
would keep what was erased): it holds a keyed digest, so an administrator who is asked "did
you erase me?" can type the address again and find the entry, and nobody else can.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Article, Comment, Decision, Moderator, SpamLabel, utcnow
from moderation import audit
from moderation.exports.jsonl import FORMAT_VERSION, comment_record, decision_record, iso
from moderation.pipeline.retention import Forgotten, forget_author


def normalize_email(email: str) -> str:
    """How emails are compared: trimmed and case-folded."""
    return email.strip().lower()


def reference(secret: str, email: str) -> str:
    """The audit log's name for a reader: a keyed digest of the email, never the email."""
    key = hashlib.sha256(b"tertulia-audit-reader:" + secret.encode()).digest()
    digest = hmac.new(key, normalize_email(email).encode(), hashlib.sha256).hexdigest()
    return f"reader:{digest[:32]}"


@dataclass(frozen=True)
class ReaderData:
    """Everything the site holds about one email."""

    email: str
    comments: Sequence[tuple[Comment, Article]]
    decisions: Sequence[tuple[Decision, str | None]]
    labels: int

    @property
    def statuses(self) -> dict[str, int]:
        """How many of the comments are in each status."""
        counts: dict[str, int] = {}
        for comment, _ in self.comments:
            counts[comment.status.value] = counts.get(comment.status.value, 0) + 1
        return counts


def find(session: Session, email: str) -> ReaderData:
    """Every comment sent with `email` (any case), its decisions, and the labels it taught."""
    wanted = normalize_email(email)
    comments = list(
        session.execute(
            select(Comment, Article)
            .join(Article, Comment.article_id == Article.id)
            .where(func.lower(Comment.author_email) == wanted)
            .order_by(Comment.created_at, Comment.id)
        )
    )
    ids = [comment.id for comment, _ in comments]
    decisions = list(
        session.execute(
            select(Decision, Moderator.email)
            .outerjoin(Moderator, Decision.moderator_id == Moderator.id)
            .where(Decision.comment_id.in_(ids))
            .order_by(Decision.id)
        )
    )
    labels = session.scalar(
        select(func.count(SpamLabel.id)).where(
            SpamLabel.decision_id.in_([decision.id for decision, _ in decisions])
        )
    )
    return ReaderData(wanted, comments, decisions, labels or 0)


def export(data: ReaderData) -> dict[str, Any]:
    """A reader's data as one JSON document, for them to take away."""
    return {
        "type": "tertulia-reader-export",
        "version": FORMAT_VERSION,
        "email": data.email,
        "comments": [
            {
                **comment_record(comment, article.slug),
                "article_title": article.title,
                "article_url": article.url,
            }
            for comment, article in data.comments
        ],
        "decisions": [
            decision_record(decision, moderator) for decision, moderator in data.decisions
        ],
        "spam_labels": data.labels,
        "exported_at": iso(utcnow()),
    }


def record_export(session: Session, actor: str, secret: str, data: ReaderData) -> None:
    """Note in the audit log that `actor` exported this reader's data."""
    audit.record(
        session,
        actor,
        "reader.export",
        reference(secret, data.email),
        {"comments": len(data.comments)},
    )


def erase(
    session: Session,
    actor: str,
    secret: str,
    email: str,
) -> Forgotten:
    """Delete everything sent with `email`, and what the spam filter learned from it, and log it.

    The caller commits, so the erasure and its audit entry land together.
    """
    data = find(session, email)
    forgotten = forget_author(session, email)
    audit.record(
        session,
        actor,
        "reader.erase",
        reference(secret, email),
        {
            "comments": forgotten.comments,
            "articles": len({article.id for _, article in data.comments}),
            "decisions": len(data.decisions),
            "spam_labels": forgotten.labels,
            "learned_versions_dropped": forgotten.versions,
        },
    )
    return forgotten
