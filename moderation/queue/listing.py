"""What a moderator sees in each folder, in what order (no Flask: plain queries).

Counts are exact up to `COUNT_CAP` and shown as "10,000+" beyond: counting a million-comment
folder on every page would cost more than the page. A folder found past the cap is taken to stay
there for `PAST_CAP_SECONDS` before it is counted again (its count is a floor anyway). The
breakdowns by language and article are given when the folder is within the cap, and read again
when its count changes (`_breakdowns`).

Sorting and counting read index entries, plus the rows shown: a folder's comments are
scattered over the table, so touching each one (to sort by an expression, say) would cost a
random read per comment. Search is the exception (`search_condition`).
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ScalarSelect,
    Select,
    bindparam,
    func,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, joinedload

from models import (
    Article,
    Comment,
    CommentStatus,
    Decision,
    Moderator,
    any_unclassified,
    fold,
)

# Like Coral's queue (20) and WordPress's comment screens (20): each card carries its reasons,
# parent and history, and a moderator reads and decides them one by one; 25 also keeps a page
# that renders every card's words well inside the queue's 50 ms (docs/benchmarks.md).
PAGE_SIZE = 25
COUNT_CAP = 10_000
PAST_CAP_SECONDS = 60.0
ARTICLES_LISTED = 20

# Folder name in the URL -> status listed there. Pending is the queue proper.
FOLDERS: dict[str, CommentStatus] = {
    "pending": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "rejected": CommentStatus.REJECTED,
    "approved": CommentStatus.APPROVED,
}

# How a folder can be ordered, by the `order` query parameter: oldest first, newest first,
# likely spam first (the flag), most likely spam first (the score).
ORDERS = ("oldest", "newest", "likely", "score")


def default_order(status: CommentStatus) -> str:
    """Pending work oldest first, so nothing waits forever; decided folders newest first, since
    that is what a moderator comes back to check."""
    return "oldest" if status is CommentStatus.PENDING else "newest"


@dataclass(frozen=True)
class Filters:
    """What narrows a folder down, from the query string."""

    language: str | None = None
    search: str | None = None
    likely: bool | None = None  # only likely spam (True), or only the rest (False)
    article: str | None = None  # an article's slug
    order: str | None = None  # one of ORDERS; None for the folder's default
    comment_id: int | None = None  # one comment (the link in a notification mail)


@dataclass(frozen=True)
class Count:
    """A number of comments, exact up to `COUNT_CAP`."""

    value: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"


@dataclass(frozen=True)
class ArticleCount:
    """An article and how many comments of the folder are on it."""

    slug: str
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class Parent:
    """The comment a card's comment answers: what the card quotes of it."""

    id: int
    author_name: str
    body: str
    status: CommentStatus


@dataclass(frozen=True, slots=True)
class PastDecision:
    """A decision in a card's history."""

    id: int
    from_status: CommentStatus
    to_status: CommentStatus
    moderator: str | None  # the moderator's email; None for an import or the checks
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Card:
    """A comment as its card in a folder shows it: read as plain rows, not as ORM objects,
    since a page only shows them (a page of ORM comments with their articles, parents,
    decisions and moderators cost more than the statements that read them)."""

    id: int
    status: CommentStatus
    author_name: str
    author_email: str
    article_slug: str
    article_title: str
    created_at: datetime
    parent_id: int | None
    parent: Parent | None
    language: str
    language_confidence: float | None
    spam_score: float | None
    likely_spam: bool
    body_html: str
    reasons: list[dict[str, Any]]
    decisions: tuple[PastDecision, ...]

    @property
    def is_unclassified(self) -> bool:
        """True when a check (language or spam) failed on this comment."""
        return any_unclassified(self.reasons)


@dataclass(frozen=True)
class Page:
    """One page of a folder."""

    comments: Sequence[Card]
    total: Count
    page: int
    has_next: bool
    order: str
    likely_spam: Count  # comments in this folder marked likely spam
    folders: dict[str, Count]  # folder name -> comments in it
    # language code -> comments in this folder (empty when the folder is past the cap)
    languages: dict[str, int] = field(default_factory=dict)
    articles: Sequence[ArticleCount] = ()  # the articles with most comments in this folder


def _capped(where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    # Selecting a constant, not a column, lets PostgreSQL count from the index alone.
    rows: Select[Any] = (
        select(literal_column("1")).select_from(Comment).where(*where).limit(COUNT_CAP + 1)
    )
    return select(func.count()).select_from(rows.subquery())


@functools.cache
def _folder_counts(status: CommentStatus) -> tuple[ScalarSelect[int], ScalarSelect[int]]:
    """How many comments a folder holds, and how many of them are likely spam (capped): built
    once per folder."""
    in_folder = Comment.status == status
    return (
        _capped([in_folder]).scalar_subquery(),
        _capped([in_folder, Comment.likely_spam == true()]).scalar_subquery(),
    )


def _count(found: int) -> Count:
    return Count(min(found, COUNT_CAP), found > COUNT_CAP)


# Per database (engine), what the last count of each folder found: (past the cap?, until when
# that is taken as known). A folder past the cap is not counted again meanwhile; one within it
# is counted on every page anyway, and searched by reading its rows (see `search_condition`).
_counted: weakref.WeakKeyDictionary[
    Engine | Connection, dict[CommentStatus, tuple[bool, float]]
] = weakref.WeakKeyDictionary()


def _known(session: Session) -> dict[CommentStatus, tuple[bool, float]]:
    return _counted.setdefault(session.get_bind(), {})


def counts(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    status: CommentStatus,
    matching: int | None = None,
) -> tuple[Count, Count, dict[str, Count]]:
    """How many comments match `where` (the folder of `status`, filtered; `matching` when the
    caller knows), how many of that folder are likely spam, and how many each folder holds:
    capped counts, in one round trip.

    A folder found past the cap within the last `PAST_CAP_SECONDS` is not counted again.
    """
    now = time.monotonic()
    known = _known(session)
    recount = [
        name
        for name, folder in FOLDERS.items()
        if not (known.get(folder, (False, 0.0))[0] and known[folder][1] > now)
    ]
    # Unless `where` is the folder itself, counted with the others, or the caller knows.
    filtered = len(where) > 1 and matching is None
    found = list(
        session.connection()
        .execute(
            select(
                _folder_counts(status)[1],
                *(_folder_counts(FOLDERS[name])[0] for name in recount),
                *([_capped(where).scalar_subquery()] if filtered else []),
            )
        )
        .one()
    )
    folders = dict.fromkeys(FOLDERS, Count(COUNT_CAP, capped=True))
    for name, n in zip(recount, found[1 : 1 + len(recount)], strict=True):
        folders[name] = _count(n)
        known[FOLDERS[name]] = (n > COUNT_CAP, now + PAST_CAP_SECONDS)
    if matching is not None:
        total = _count(matching)
    else:
        total = _count(found[-1]) if filtered else folders[status.value]
    return total, _count(found[0]), folders


def search_condition(search: str, small_folder: bool = False) -> ColumnElement[bool]:
    """Comments whose name, email or text contains `search`, ignoring case and accents.

    The pattern is written into the statement, not bound: PostgreSQL can only use the trigram
    index for a pattern it knows when planning. In a `small_folder` (within the count cap) the
    column is written as an expression the index does not serve, so that PostgreSQL reads the
    folder's rows instead: a few thousand rows cost a few milliseconds, while a pattern made
    of common trigrams ("@example", "gmail.com") costs a trigram scan of the whole table.
    """
    needle = fold(search.strip())
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern: BindParameter[str] = bindparam("search", f"%{escaped}%", literal_execute=True)
    column = Comment.search_text + literal("") if small_folder else Comment.search_text
    return column.like(pattern, escape="\\")


def folder_page(
    session: Session,
    moderator: Moderator,
    status: CommentStatus,
    filters: Filters = Filters(),
    page: int = 1,
) -> Page:
    """A page of one folder, filtered and ordered as `filters` say.

    In the queue (pending), a moderator's own languages come first.
    """
    where: list[ColumnElement[bool]] = [Comment.status == status]
    if filters.language:
        where.append(Comment.language == filters.language)
    if filters.likely is not None:
        where.append(Comment.likely_spam.is_(filters.likely))
    if filters.search and filters.search.strip():
        past_cap, until = _known(session).get(status, (True, 0.0))
        # The queue has an index of its own (`ix_comments_pending_search_text_trgm`).
        small = status is not CommentStatus.PENDING and not past_cap and until > time.monotonic()
        where.append(search_condition(filters.search, small_folder=small))
    if filters.article:
        article_id = select(Article.id).where(Article.slug == filters.article).scalar_subquery()
        where.append(Comment.article_id == article_id)
    if filters.comment_id is not None:
        where.append(Comment.id == filters.comment_id)
    order = filters.order if filters.order in ORDERS else default_order(status)
    newest = order == "newest" or (order != "oldest" and status is not CommentStatus.PENDING)
    ordering: list[ColumnElement[Any] | InstrumentedAttribute[Any]] = []
    own = moderator.language_list
    first = None
    if own and not moderator.is_admin and status is CommentStatus.PENDING:
        first = Comment.language.in_(own)
    if order == "likely":
        ordering.append(Comment.likely_spam.desc())
    elif order == "score":
        # Unclassified (no score) last: nothing is known to put them first. The index
        # ix_comments_status_spam_score_created_at has this very order.
        ordering.append(Comment.spam_score.desc().nulls_last())
    ordering += (
        [Comment.created_at.desc(), Comment.id.desc()]
        if newest
        else [Comment.created_at, Comment.id]
    )

    page = max(1, page)
    rows = _page_rows(session, where, ordering, (page - 1) * PAGE_SIZE, first)
    # A first page with room to spare holds every match: no need to count them (a search or
    # an article usually fits on one page).
    whole = page == 1 and len(rows) <= PAGE_SIZE and len(where) > 1
    total, likely, folders = counts(session, where, status, len(rows) if whole else None)
    languages: dict[str, int] = {}
    articles: Sequence[ArticleCount] = ()
    if not folders[status.value].capped:
        languages, articles = _breakdowns(session, status, folders[status.value].value)
    return Page(
        comments=_cards(session, rows[:PAGE_SIZE]),
        total=total,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        order=order,
        likely_spam=likely,
        folders=folders,
        languages=languages,
        articles=articles,
    )


def _page_rows(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    ordering: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    offset: int,
    first: ColumnElement[bool] | None = None,
) -> list[Row[*tuple[Any, ...]]]:
    """Up to `PAGE_SIZE` + 1 rows (of `_CARDS`) from `offset` in `ordering`; with `first`, the
    rows that meet it come before the others.

    Read as two ordered runs rather than ordered by whether each row meets `first`: an
    expression in ORDER BY has the database read and sort every row of the folder, while each
    run reads, from an index in its order, only as far as the page goes.
    """
    connection = session.connection()

    def run(condition: Sequence[ColumnElement[bool]], skip: int, take: int) -> list[Any]:
        statement = _CARDS.where(*where, *condition).order_by(*ordering)
        return list(connection.execute(statement.limit(take).offset(skip)))

    wanted = PAGE_SIZE + 1
    if first is None:
        return run((), offset, wanted)
    rows = run((first,), offset, wanted)
    if len(rows) == wanted:
        return rows
    if rows or not offset:
        ahead = offset + len(rows)  # every row that meets `first`
    else:  # the page starts past them: how many there are says where the others start
        counted = select(func.count()).select_from(Comment).where(*where, first)
        ahead = connection.execute(counted).scalar_one()
    return rows + run((~first,), max(0, offset - ahead), wanted - len(rows))


# Per database (engine), the last breakdowns of each folder: (its count then, until when they
# stand, per language, per article). They are read again as soon as the folder's count changes
# (every decision and every new comment changes it), else after `BREAKDOWN_SECONDS`: only a
# comment leaving while another arrives leaves them that stale.
BREAKDOWN_SECONDS = 10.0
_broken_down: weakref.WeakKeyDictionary[
    Engine | Connection,
    dict[CommentStatus, tuple[int, float, dict[str, int], Sequence[ArticleCount]]],
] = weakref.WeakKeyDictionary()


def _breakdowns(
    session: Session, status: CommentStatus, count: int
) -> tuple[dict[str, int], Sequence[ArticleCount]]:
    """How many comments of the folder of `status` (`count` of them) each language has, and
    the articles with most of them."""
    known = _broken_down.setdefault(session.get_bind(), {})
    now = time.monotonic()
    if (last := known.get(status)) is not None and last[0] == count and last[1] > now:
        return last[2], last[3]
    by_language, by_article = _breakdown_statements(status)
    connection = session.connection()
    found = connection.execute(by_language).all()
    languages = {code: n for code, n in sorted(found, key=lambda row: (-row[1], row[0]))}
    articles = tuple(ArticleCount(*row) for row in connection.execute(by_article))
    known[status] = (count, now + BREAKDOWN_SECONDS, languages, articles)
    return languages, articles


@functools.cache
def _breakdown_statements(
    status: CommentStatus,
) -> tuple[Select[str, int], Select[str, str, int]]:
    """The statements of `_breakdowns`, built once per folder (building one costs about as much
    as running it)."""
    in_folder = Comment.status == status
    by_language = select(Comment.language, func.count()).where(in_folder).group_by(Comment.language)
    per_article = (
        select(Comment.article_id, func.count().label("n"))
        .where(in_folder)
        .group_by(Comment.article_id)
        .order_by(func.count().desc(), Comment.article_id)
        .limit(ARTICLES_LISTED)
        .subquery()
    )
    by_article = (
        select(Article.slug, Article.title, per_article.c.n)
        .join(per_article, per_article.c.article_id == Article.id)
        .order_by(per_article.c.n.desc(), Article.slug)
    )
    return by_language, by_article


# What a card shows of its comment, article and parent, and its history: built once (building
# a statement costs about as much CPU as running it); a page adds its conditions and order.
_PARENT = aliased(Comment, name="parent")
_CARDS = (
    select(
        Comment.id,
        Comment.status,
        Comment.author_name,
        Comment.author_email,
        Article.slug,
        Article.title,
        Comment.created_at,
        Comment.parent_id,
        Comment.language,
        Comment.language_confidence,
        Comment.spam_score,
        Comment.likely_spam,
        Comment.body_html,
        Comment.reasons,
        _PARENT.author_name.label("parent_name"),
        _PARENT.body.label("parent_body"),
        _PARENT.status.label("parent_status"),
    )
    .join(Article, Article.id == Comment.article_id)
    .outerjoin(_PARENT, _PARENT.id == Comment.parent_id)
)
_HISTORY = (
    select(
        Decision.comment_id,
        Decision.id,
        Decision.from_status,
        Decision.to_status,
        Moderator.email,
        Decision.reason,
        Decision.created_at,
    )
    .outerjoin(Moderator, Moderator.id == Decision.moderator_id)
    .where(Decision.comment_id.in_(bindparam("ids", expanding=True)))
    .order_by(Decision.created_at, Decision.id)
)


def _cards(session: Session, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[Card]:
    """The cards of `rows` (of `_CARDS`), with their decisions, oldest first, read in one more
    statement."""
    history: dict[int, list[PastDecision]] = {row.id: [] for row in rows}
    if history:
        for past in session.connection().execute(_HISTORY, {"ids": list(history)}):
            history[past.comment_id].append(
                PastDecision(
                    past.id,
                    past.from_status,
                    past.to_status,
                    past.email,
                    past.reason,
                    past.created_at,
                )
            )
    return [
        Card(
            id=row.id,
            status=row.status,
            author_name=row.author_name,
            author_email=row.author_email,
            article_slug=row.slug,
            article_title=row.title,
            created_at=row.created_at,
            parent_id=row.parent_id,
            parent=Parent(row.parent_id, row.parent_name, row.parent_body, row.parent_status)
            if row.parent_status is not None
            else None,
            language=row.language,
            language_confidence=row.language_confidence,
            spam_score=row.spam_score,
            likely_spam=row.likely_spam,
            body_html=row.body_html,
            reasons=row.reasons,
            decisions=tuple(history[row.id]),
        )
        for row in rows
    ]


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
