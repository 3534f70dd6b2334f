"""Tertulia's persistent model: articles, comments, moderators, decisions (SQLAlchemy only)."""

from __future__ import annotations

import enum
import re
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    false,
    func,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.schema import CreateIndex

# Constraint names are spelled out so that Alembic migrations are reproducible on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every length limit is defined here once: the columns, the checks, the forms' `maxlength` and
# the embed (through the API) all read it from these names.
EMAIL_LENGTH = 254
NAME_LENGTH = 80
BODY_LENGTH = 5000
SLUG_LENGTH = 200
TITLE_LENGTH = 300
URL_LENGTH = 2000
LANGUAGE_LENGTH = 8
USER_AGENT_LENGTH = 300
REASON_LENGTH = 500
SOURCE_ID_LENGTH = 80
DESCRIPTION_LENGTH = 500
# The most characters each field a person fills in may hold, by field name.
FIELD_LIMITS = {
    "name": NAME_LENGTH,
    "email": EMAIL_LENGTH,
    "body": BODY_LENGTH,
    "slug": SLUG_LENGTH,
    "title": TITLE_LENGTH,
    "url": URL_LENGTH,
    "description": DESCRIPTION_LENGTH,
}


def any_unclassified(reasons: list[dict[str, Any]]) -> bool:
    """Whether any of a comment's check results says that its check failed."""
    return any(reason.get("unclassified") is True for reason in reasons)


# The combining diacritical marks (accents, cedillas, tildes) left apart by NFKD: the blocks of
# the Latin, Greek and Cyrillic alphabets. Marks that are letters' vowels in other scripts stay.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """`text` with case and accents folded ("Educación" -> "educacion"): how searches and word
    lists compare text. Linear in the text's length."""
    return _DIACRITICS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def comment_search_text(author_name: str, author_email: str, body: str) -> str:
    """What the queue's search looks in: name, email and body, folded (never shown)."""
    return fold(f"{author_name}\n{author_email}\n{body}")


def _search_text_default(context: Any) -> str:
    # For inserts that do not set it (imports, tests): computed from the row's own fields.
    row = context.get_current_parameters()
    return comment_search_text(row["author_name"], row["author_email"], row["body"])


def _new_uid() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """The current time, timezone-aware, evaluated per row (never once at import)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


class CommentStatus(enum.StrEnum):
    """Where a comment stands in moderation."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"


class NotifyMode(enum.StrEnum):
    """When a moderator hears about pending comments by email."""

    OFF = "off"
    INSTANT = "instant"
    DAILY = "daily"


class BanKind(enum.StrEnum):
    """What a ban keeps out: an author (by the keyed hash of their email) or a client network."""

    EMAIL = "email"
    NETWORK = "network"


class WordAction(enum.StrEnum):
    """What a listed word or phrase does to a comment: spam folder, or held for a moderator."""

    BLOCK = "block"
    HOLD = "hold"


class MailStatus(enum.StrEnum):
    """Where a mail of the outbox stands."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class ModeratorRole(enum.StrEnum):
    """What a moderator may do: admins also manage moderators and see every language."""

    MODERATOR = "moderator"
    ADMIN = "admin"


def _enum_column(enum_class: type[enum.StrEnum], name: str) -> Enum:
    # Stored as VARCHAR plus a CHECK constraint: portable, and a new status is a migration.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Article(Base):
    """A page on the site that readers comment on."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    # A short summary (the page's meta description): what a comment is on topic with.
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_LENGTH))
    # Bumped whenever the set of published comments changes: the key of the rendered-thread cache,
    # shared through the database by every worker.
    thread_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    comments: Mapped[list[Comment]] = relationship(back_populates="article")

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class Comment(Base):
    """One reader's comment on an article, possibly a reply to another comment."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_article_id_status_created_at", "article_id", "status", "created_at"),
        Index("ix_comments_status_created_at", "status", "created_at"),
        Index("ix_comments_client_ip_hash_created_at", "client_ip_hash", "created_at"),
        # One row per comment brought in from another system: importing twice adds nothing.
        Index("uq_comments_source_id", "source_id", unique=True),
        # The queue lists likely spam apart (filter) or first (sort), oldest first within.
        Index("ix_comments_status_likely_spam_created_at", "status", "likely_spam", "created_at"),
        # An author a moderator already marked as spam is spam evidence for their next comment.
        Index("ix_comments_author_email_status", "author_email", "status"),
        # The queue's counts per article and per language within a folder, from the index alone.
        Index("ix_comments_status_article_id", "status", "article_id"),
        # And a moderator's own languages first, each read in order (`listing._page_rows`).
        Index("ix_comments_status_language_created_at", "status", "language", "created_at"),
        # Substring search ignoring case and accents: trigrams on PostgreSQL (pg_trgm). SQLite has
        # no index that serves `LIKE '%...%'`; there the index is empty (WHERE 0) and the search
        # scans the folder's folded text.
        Index(
            "ix_comments_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            sqlite_where=sql_text("0"),
        ),
        # The same for the queue alone: searching the pending comments is what moderators do
        # all day, and there the whole-table index finds every decided comment that matches too.
        Index(
            "ix_comments_pending_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            postgresql_where=sql_text("status = 'pending'"),
            sqlite_where=sql_text("0"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # Private: shown to moderators only, never rendered publicly, never hashed for anything public.
    author_email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    # sha256 of the whitespace- and case-folded body: finds repeated comments without a text scan.
    body_fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    # Sanitised HTML rendered once at submission, so reading a thread never re-renders markdown.
    body_html: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(LANGUAGE_LENGTH), default="und")
    language_confidence: Mapped[float | None] = mapped_column(Float)
    page_language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    # None means unclassified: the classifier failed, and the reasons say so.
    spam_score: Mapped[float | None] = mapped_column(Float)
    spam_model_version: Mapped[str | None] = mapped_column(String(64))
    # One entry per finding: {"check", "code", "params", "flag", "unclassified", "evidence"};
    # `moderation/reasons.py` words them for moderators.
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # A high spam score without a spam-specific signal: kept in the queue, marked.
    likely_spam: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[CommentStatus] = mapped_column(
        _enum_column(CommentStatus, "comment_status"), default=CommentStatus.PENDING
    )
    # Keyed hash of the client address, for rate and velocity checks; never leaves the server.
    client_ip_hash: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    published_at: Mapped[datetime | None] = mapped_column()
    # Where an imported comment came from ("wordpress:<digest>"); None for comments sent here.
    source_id: Mapped[str | None] = mapped_column(String(SOURCE_ID_LENGTH))
    # `comment_search_text` of the name, email and body: the queue searches it (never loaded).
    search_text: Mapped[str] = mapped_column(Text, default=_search_text_default, deferred=True)
    # The author asked to be told by email when this comment is published / answered.
    notify_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notify_replies: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    article: Mapped[Article] = relationship(back_populates="comments")
    parent: Mapped[Comment | None] = relationship(remote_side=[id])
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="comment", order_by="Decision.created_at"
    )

    @property
    def is_unclassified(self) -> bool:
        """True when a check (language or spam) failed on this comment."""
        return any_unclassified(self.reasons)

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.status}>"


# "Highest spam score first", the queue's ORDER BY with unclassified comments (no score) last:
# a page reads its rows from this index instead of sorting the whole folder.
Index(
    "ix_comments_status_spam_score_created_at",
    Comment.status,
    Comment.spam_score.desc().nulls_last(),
    Comment.created_at,
)


@compiles(CreateIndex, "sqlite")
def _create_index_on_sqlite(create: CreateIndex, compiler: Any, **kw: Any) -> str:
    # SQLite refuses NULLS LAST in an index, and puts NULLs last when descending anyway.
    sql: str = compiler.visit_create_index(create, **kw)
    return sql.replace(" DESC NULLS LAST", " DESC")


class Moderator(Base):
    """A person who reviews the queue."""

    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[ModeratorRole] = mapped_column(
        _enum_column(ModeratorRole, "moderator_role"), default=ModeratorRole.MODERATOR
    )
    # Comma-separated language codes this moderator reads, e.g. "es,pt"; empty means none declared.
    languages: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The interface language they chose ("es"); None follows their browser.
    locale: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Mails about pending comments in their languages: at once, a daily digest, or none.
    notify: Mapped[NotifyMode] = mapped_column(
        _enum_column(NotifyMode, "moderator_notify"),
        default=NotifyMode.OFF,
        server_default=NotifyMode.OFF.value,
    )
    # The daily digest covers the comments that arrived after this moment.
    digest_until: Mapped[datetime | None] = mapped_column()

    @property
    def language_list(self) -> tuple[str, ...]:
        """The languages as a tuple of codes."""
        return tuple(code for code in self.languages.split(",") if code)

    @property
    def is_admin(self) -> bool:
        """Admins see every language and manage moderators."""
        return self.role is ModeratorRole.ADMIN

    def __repr__(self) -> str:
        return f"<Moderator {self.id} {self.role}>"


class ModeratorSession(Base):
    """A moderator signed in on one browser.

    The browser's cookie holds a random token; only its digest is kept here. Every request
    looks the row up, so deleting it (sign-out, a new password, a new role, the account
    removed, an admin's "sign out everywhere") ends that session on every server at once.
    """

    __tablename__ = "moderator_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    moderator_id: Mapped[int] = mapped_column(
        ForeignKey("moderators.id", ondelete="CASCADE"), index=True
    )
    # sha256 of the cookie's token, hex: a copy of this table signs nobody in.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    # When the session was last used (to the minute): the idle timeout counts from here.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    moderator: Mapped[Moderator] = relationship()

    def __repr__(self) -> str:
        return f"<ModeratorSession {self.id} of {self.moderator_id}>"


class Attempt(Base):
    """One try at something whose rate is limited: signing in, or typing the current password.

    Counted in the database, so that a limit holds across every worker and server. `key` says
    who tried: a keyed hash of the client's address, or a moderator's id; never an address.
    """

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_action_key_created_at", "action", "key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow, server_default=func.now(), index=True
    )

    def __repr__(self) -> str:
        return f"<Attempt {self.action} {self.created_at}>"


class Decision(Base):
    """A moderator moving a comment from one status to another: audit trail and training label."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    # None for decisions imported from another system (`spam learn`).
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderators.id", ondelete="SET NULL"), index=True
    )
    from_status: Mapped[CommentStatus] = mapped_column(
        _enum_column(CommentStatus, "decision_from_status")
    )
    to_status: Mapped[CommentStatus] = mapped_column(
        _enum_column(CommentStatus, "decision_to_status")
    )
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow, server_default=func.now(), index=True
    )

    comment: Mapped[Comment] = relationship(back_populates="decisions")
    moderator: Mapped[Moderator | None] = relationship()

    def __repr__(self) -> str:
        return f"<Decision {self.comment_id} {self.from_status}->{self.to_status}>"


class SpamLabel(Base):
    """A labelled text the site's spam model learns from: a moderator's decision or an import.

    Approving is a ham label and marking as spam a spam label; rejecting (off-topic, abusive)
    says nothing about spam and is not a label. The text is copied so that the label outlives
    the comment; nothing about the commenter is kept.
    """

    __tablename__ = "spam_labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    is_spam: Mapped[bool] = mapped_column(Boolean)
    # "decision" or "import" (`flask spam learn`).
    source: Mapped[str] = mapped_column(String(16), default="decision")
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    decision: Mapped[Decision | None] = relationship()

    def __repr__(self) -> str:
        return f"<SpamLabel {self.id} {'spam' if self.is_spam else 'ham'}>"


class SpamModelVersion(Base):
    """One version of the site's learned spam corrections on top of the bundled model.

    Only the corrections are stored (small JSON); the bundled model ships with the code. Every
    worker reads which version is active with each comment, so a promotion or a rollback
    reaches all of them without a restart.
    """

    __tablename__ = "spam_model_versions"
    __table_args__ = (
        # At most one active version, enforced by the database.
        Index(
            "uq_spam_model_versions_active",
            "is_active",
            unique=True,
            sqlite_where=sql_text("is_active"),
            postgresql_where=sql_text("is_active"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Never reused (ids can be, on SQLite): what workers key their loaded versions by.
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=_new_uid)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    base_version: Mapped[str] = mapped_column(String(64))
    # {"weights": {token: weight}, "bias", "decisions", "spam", "domains": {domain: [ok, spam]}}
    site_weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The newest label this version has learned: the next version learns from there on.
    last_label_id: Mapped[int] = mapped_column(Integer)
    # The judgement's counts (genuine to spam and spam caught, before and after) and sizes.
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    promoted: Mapped[bool] = mapped_column(Boolean)
    # The verdict as a code (`learning.promoted`, `learning.more_genuine_to_spam`, ...).
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    def __repr__(self) -> str:
        return f"<SpamModelVersion {self.version}{' active' if self.is_active else ''}>"


class AuditEntry(Base):
    """Something an administrator did that the site must be able to account for later.

    Generic on purpose: `action` is a dotted code ("reader.erase", "site.export"), `target`
    names what it was done to (never a reader's email: see `moderation.readers`), `details`
    holds the figures. Nothing here is ever shown publicly.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Who acted: a moderator's email, or "command line".
    actor: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(300), default="", server_default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(
        default=utcnow, server_default=func.now(), index=True
    )

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"


class Ban(Base):
    """An author or a client network kept out: their comments go straight to Rejected.

    An author is stored as the keyed hash of their email (`pipeline.rules.hash_email`), never
    the address; a network as its CIDR text. `expires_at` None means for good.
    """

    __tablename__ = "bans"
    __table_args__ = (Index("ix_bans_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[BanKind] = mapped_column(_enum_column(BanKind, "ban_kind"))
    value: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(REASON_LENGTH), default="", server_default="")
    expires_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    def __repr__(self) -> str:
        return f"<Ban {self.id} {self.kind}>"


PHRASE_LENGTH = 200


class WordRule(Base):
    """A word or phrase of the site's lists: `block` sends a comment to spam, `hold` keeps it
    pending with a flag. Matched whole-word, ignoring case and accents (`folded`)."""

    __tablename__ = "word_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phrase: Mapped[str] = mapped_column(String(PHRASE_LENGTH))
    folded: Mapped[str] = mapped_column(String(PHRASE_LENGTH), unique=True)
    action: Mapped[WordAction] = mapped_column(_enum_column(WordAction, "word_action"))
    created_by: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())

    def __repr__(self) -> str:
        return f"<WordRule {self.id} {self.action}>"


class RulesState(Base):
    """One row: the version of the bans and word lists, bumped by every change to them.

    The intake reads it in its lookup query and reloads its cached lists only when it moved.
    """

    __tablename__ = "rules_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutboxMail(Base):
    """A mail to send, written in the same transaction as the event it tells about.

    The worker (`flask mail send`) renders and sends it, retrying with backoff. A row without
    `recipient` is an event for the moderators who asked for mails at once: the worker turns
    it into one row each.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # At most one reply mail per thread per hour per reader.
        Index("ix_outbox_recipient_kind_article_id", "recipient", "kind", "article_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "reader.published", "reader.reply", "moderators.pending", "moderator.pending",
    # "moderator.digest"
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    locale: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderators.id", ondelete="CASCADE"), index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(
        _enum_column(MailStatus, "mail_status"), default=MailStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<OutboxMail {self.id} {self.kind} {self.status}>"


class ImportRunStatus(enum.StrEnum):
    """Where an import started from the admin page stands."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportRun(Base):
    """One import of another system's comments: its progress while it runs, then its report.

    The admin page polls it, so any worker can show the progress of an import that another
    worker runs.
    """

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_format: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(300))
    learn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[ImportRunStatus] = mapped_column(
        _enum_column(ImportRunStatus, "import_run_status"), default=ImportRunStatus.RUNNING
    )
    # Comments handled so far and in the whole file (known after the file has been checked).
    done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total: Mapped[int | None] = mapped_column(Integer)
    # The counts of `moderation.imports.ImportReport`, or why the file was refused.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    started_by: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<ImportRun {self.id} {self.source_format} {self.status}>"


class SpamLearningState(Base):
    """One row: a counter every learning round (and every erasure of labels) moves on. A round
    counts only if it moves the number on from what it read, so two learning workers crossing a
    batch boundary together learn once, and a round that read erased labels learns nothing.

    Also what the queue's spam filter page tells about the learning worker: when a round was
    asked for whatever the batch (erasing an author dropped learned versions), and when a
    worker last looked for a round to run.
    """

    __tablename__ = "spam_learning_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rounds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    requested_at: Mapped[datetime | None] = mapped_column(default=None)
    checked_at: Mapped[datetime | None] = mapped_column(default=None)


__all__ = [
    "Article",
    "Attempt",
    "AuditEntry",
    "Ban",
    "BanKind",
    "Base",
    "Comment",
    "CommentStatus",
    "Decision",
    "ImportRun",
    "ImportRunStatus",
    "MailStatus",
    "Moderator",
    "ModeratorRole",
    "ModeratorSession",
    "NotifyMode",
    "OutboxMail",
    "RulesState",
    "SpamLabel",
    "SpamLearningState",
    "SpamModelVersion",
    "WordAction",
    "WordRule",
    "any_unclassified",
    "comment_search_text",
    "fold",
]
