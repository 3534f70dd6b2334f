"""What a moderator sees in each folder, in what order (no Flask: plain queries)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload

from models import Comment, CommentStatus, Decision, Moderator

PAGE_SIZE = 50

# Folder name in the URL -> status listed there. Pending is the queue proper.
FOLDERS: dict[str, CommentStatus] = {
    "pending": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "rejected": CommentStatus.REJECTED,
    "approved": CommentStatus.APPROVED,
}


# How a folder can be ordered, by the `order` query parameter.
ORDERS = ("time", "likely", "score")


@dataclass(frozen=True)
class Page:
    """One page of a folder."""

    comments: Sequence[Comment]
    total: int
    page: int
    pages: int
    languages: dict[str, int]  # language code -> comments in this folder
    likely_spam: int  # comments in this folder marked likely spam


def folder_page(
    session: Session,
    moderator: Moderator,
    status: CommentStatus,
    language: str | None = None,
    page: int = 1,
    search: str | None = None,
    likely: bool | None = None,
    order: str = "time",
) -> Page:
    """A page of one folder: the moderator's own languages first, then by `order`.

    `likely` keeps only the comments marked likely spam (True) or only the others (False).
    `order` "time" serves pending work oldest first so nothing waits forever, and the decided
    folders newest first, since that is what a moderator comes back to check; "likely" puts
    likely spam first; "score" the highest spam scores first.
    """
    where = [Comment.status == status]
    if language:
        where.append(Comment.language == language)
    if likely is not None:
        where.append(Comment.likely_spam.is_(likely))
    if search:
        # Moderators hunt a troll by name, address or words; wildcards are taken literally.
        needle = search.strip().lower()
        columns = (Comment.author_name, Comment.author_email, Comment.body)
        where.append(or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns)))
    ordering: list[ColumnElement[Any] | InstrumentedAttribute[Any]] = []
    own = moderator.language_list
    if own and not moderator.is_admin:
        ordering.append(case((Comment.language.in_(own), 0), else_=1))
    if order == "likely":
        ordering.append(Comment.likely_spam.desc())
    elif order == "score":
        # Unclassified (no score) last: nothing is known to put them first.
        ordering.append(case((Comment.spam_score.is_(None), 1), else_=0))
        ordering.append(Comment.spam_score.desc())
    ordering.append(
        Comment.created_at if status is CommentStatus.PENDING else Comment.created_at.desc()
    )
    ordering.append(Comment.id)

    total = session.scalar(select(func.count(Comment.id)).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    comments = session.scalars(
        select(Comment)
        .options(
            joinedload(Comment.article),
            selectinload(Comment.decisions).joinedload(Decision.moderator),
        )
        .where(*where)
        .order_by(*ordering)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    counts = session.execute(
        select(Comment.language, func.count(Comment.id))
        .where(Comment.status == status)
        .group_by(Comment.language)
    ).all()
    languages = {code: count for code, count in sorted(counts, key=lambda row: (-row[1], row[0]))}
    likely_spam = (
        session.scalar(
            select(func.count(Comment.id)).where(Comment.status == status, Comment.likely_spam)
        )
        or 0
    )
    return Page(comments, total, page, pages, languages, likely_spam)


def folder_counts(session: Session) -> dict[str, int]:
    """How many comments each folder holds."""
    rows = session.execute(select(Comment.status, func.count(Comment.id)).group_by(Comment.status))
    by_status = {status: count for status, count in rows.all()}
    return {name: by_status.get(status, 0) for name, status in FOLDERS.items()}


def comments_by_ids(session: Session, ids: Sequence[int]) -> Sequence[Comment]:
    """The comments with these ids (unknown ids are ignored)."""
    if not ids:
        return []
    return session.scalars(
        select(Comment).options(joinedload(Comment.article)).where(Comment.id.in_(ids))
    ).all()


def pending_by_author(session: Session, comment: Comment) -> Sequence[Comment]:
    """Every pending comment from the same author (same email), this one included."""
    return session.scalars(
        select(Comment)
        .options(joinedload(Comment.article))
        .where(
            Comment.status == CommentStatus.PENDING,
            func.lower(Comment.author_email) == comment.author_email.lower(),
        )
    ).all()
