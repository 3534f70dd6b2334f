"""Comment intake: article and client looked up, language, spam, initial status, one insert."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Insert, Select, Table, bindparam, exists, func, insert, select
from sqlalchemy.orm import Session

from models import (
    Article,
    Ban,
    BanKind,
    Comment,
    CommentStatus,
    Decision,
    Moderator,
    NotifyMode,
    RulesState,
    SpamModelVersion,
    any_unclassified,
    comment_search_text,
    utcnow,
)
from moderation.markdown import render_markdown
from moderation.notifications import events
from moderation.pipeline.checks import (
    CheckResult,
    LanguageVerdict,
    SpamVerdict,
    check_language,
    check_spam,
)
from moderation.pipeline.classifiers import Classifiers, ModelUnavailable
from moderation.pipeline.decisions import bump_thread
from moderation.pipeline.rules import RulesCache, RulesVerdict, hash_email
from moderation.pipeline.submission import Problem, Submission, ValidationFailed, storable
from moderation.ratelimit import RateLimit, RateLimited, count_alone
from moderation.spam import SpamContext, Verdict
from moderation.spam.destinations import normalise_domain

VELOCITY_WINDOW = timedelta(minutes=10)
REPEAT_WINDOW = timedelta(days=1)
_COMMENTS = cast(Table, Comment.__table__)
_INSERTED = [column.key for column in _COMMENTS.c if column.key != "id"]
_INSERT = insert(_COMMENTS).returning(_COMMENTS.c.id)


def fingerprint(body: str) -> str:
    """A stable digest of the body with case and whitespace folded."""
    folded = " ".join(body.casefold().split())
    return hashlib.sha256(folded.encode()).hexdigest()


def hash_client_ip(key: bytes, address: str | None) -> str | None:
    """Keyed hash of the client network (IPv4 /32, IPv6 /64): stable per client, irreversible."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    # An IPv6 client rotates addresses inside its /64; keying on the network keeps velocity honest.
    network = ip if ip.version == 4 else ipaddress.ip_network(f"{ip}/64", strict=False)
    return hmac.new(key, str(network).encode(), hashlib.sha256).hexdigest()[:32]


def _unavailable_language() -> LanguageVerdict:
    result = CheckResult("language", "language.unavailable", flag=True, unclassified=True)
    return LanguageVerdict("und", None, True, result)


def _unavailable_spam() -> SpamVerdict:
    result = CheckResult("spam", "spam.unavailable", flag=True, unclassified=True)
    return SpamVerdict(None, None, None, (result,))


class UnknownArticle(LookupError):
    """No article has this slug (the application answers 404)."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What the checks need to know about the article a comment is on."""

    language: str | None
    # Title and description, only when the article has a description: without one, relevance
    # is not judged (silent, not negative).
    topic: str | None
    domains: tuple[str, ...]  # the site's own domain, from the article's address

    @classmethod
    def of(
        cls, language: str | None, title: str, description: str | None, url: str | None
    ) -> ArticleFacts:
        topic = f"{title}. {description}" if description else None
        return cls(language, topic, (normalise_domain(url),) if url else ())


@dataclass(frozen=True, slots=True)
class Lookup:
    """What one round trip finds before a comment is checked.

    Its article, the client's recent comments, whether the same text was just posted, whether
    moderators marked this author as spam before, and the spam model version in force.
    """

    article_id: int
    article: ArticleFacts
    recent_posts: int
    repeats: bool
    author_marked_spam: bool
    spam_version_uid: str | None
    rules_version: int
    # The author's ban: True for good, the end of the longest one in force, or False.
    author_banned: datetime | bool
    # Whether any moderator asked to hear of each pending comment at once.
    moderators_waiting: bool


@dataclass(frozen=True)
class Classification:
    """What the checks found about one body of text."""

    language: LanguageVerdict
    spam: SpamVerdict
    status: CommentStatus
    rules: RulesVerdict = field(default_factory=RulesVerdict)

    @property
    def reasons(self) -> list[dict[str, Any]]:
        """The check results stored on the comment: bans and word lists, language, spam."""
        return [
            *(result.as_dict() for result in self.rules.results),
            self.language.result.as_dict(),
            *(result.as_dict() for result in self.spam.results),
        ]

    def with_rules(self, rules: RulesVerdict) -> Classification:
        """The classification once bans and word lists have spoken: a ban rejects, a blocked
        word sends to spam, a held word keeps a comment from being published unreviewed."""
        status = rules.status or self.status
        if rules.hold and status is CommentStatus.APPROVED:
            status = CommentStatus.PENDING
        return dataclasses.replace(self, status=status, rules=rules)

    def apply(self, comment: Comment) -> None:
        """Write the findings onto `comment`."""
        comment.language = self.language.code
        comment.language_confidence = self.language.confidence
        comment.spam_score = self.spam.score
        comment.spam_model_version = self.spam.model_version
        comment.reasons = self.reasons
        comment.status = self.status
        comment.likely_spam = (
            self.status is CommentStatus.PENDING and self.spam.verdict is Verdict.LIKELY
        )


@dataclass
class Intake:
    """Turns a validated submission into a stored comment with its status and reasons."""

    classifiers: Classifiers
    # None: use the threshold recommended with the model.
    spam_threshold: float | None
    ip_key: bytes
    # Domains the site trusts beyond the defaults (its own, its partners): links there are
    # references, never spam evidence.
    reference_domains: tuple[str, ...] = ()
    publish_unreviewed: bool = False
    # Counted in the database, so the limits hold across every worker and server.
    rate_limits: tuple[RateLimit, ...] = ()
    # Bans and word lists, reloaded when their version (read in the lookup query) moves on.
    rules: RulesCache = field(default_factory=RulesCache)
    # Keys the hash of an author's email that bans compare.
    email_key: bytes = b""

    def submit(self, session: Session, slug: str, submission: Submission) -> Comment:
        """Check and persist one comment on the article `slug`; returns it detached.

        Raises `UnknownArticle`, `ValidationFailed` for a bad reply-to, or `RateLimited` when
        this client has reached a limit; none of them writes anything.

        The checks never lose a comment: if one fails, the comment is stored as pending and
        unclassified. If persisting fails, nothing is written.
        """
        if not storable(slug):
            raise UnknownArticle(slug)  # no such slug can exist, and PostgreSQL refuses a NUL
        now = utcnow()
        ip_hash = hash_client_ip(self.ip_key, submission.client_ip)
        digest = fingerprint(submission.body)
        lookup = self._look_up(session, slug, ip_hash, digest, submission.email, now)
        parent = None
        if submission.parent_id is not None:
            parent = self._check_parent(session, lookup.article_id, submission.parent_id)

        article = lookup.article
        if article.topic is None and submission.page_description:
            # The embed sends the page's meta description; used for this comment only, so a
            # client cannot change what the article is about for everyone else.
            article = dataclasses.replace(article, topic=submission.page_description)
        classification = self._classify(
            session,
            article,
            submission.body,
            submission.page_language,
            SpamContext(
                repeats_recent_comment=lookup.repeats,
                recent_posts_from_client=lookup.recent_posts,
                author_marked_spam=lookup.author_marked_spam,
            ),
            lookup.spam_version_uid,
        ).with_rules(
            self.rules.at(session, lookup.rules_version).check(
                submission.body, submission.client_ip, lookup.author_banned, now
            )
        )
        published = classification.status is CommentStatus.APPROVED
        comment = Comment(
            article_id=lookup.article_id,
            parent_id=submission.parent_id,
            author_name=submission.name,
            author_email=submission.email,
            body=submission.body,
            body_fingerprint=digest,
            body_html=render_markdown(submission.body),
            page_language=submission.page_language,
            client_ip_hash=ip_hash,
            user_agent=submission.user_agent,
            created_at=now,
            updated_at=now,
            published_at=now if published else None,
            search_text=comment_search_text(submission.name, submission.email, submission.body),
            # Published at once, the author is told now: nothing is left to tell later.
            notify_published=submission.notify_published and not published,
            notify_replies=submission.notify_replies,
        )
        classification.apply(comment)
        columns = {key: getattr(comment, key) for key in _INSERTED}
        try:
            comment.id = self._insert(session, columns, now)
            if published:
                bump_thread(session, lookup.article_id)
                events.comment_published(
                    session, comment, parent, now, tell_author=submission.notify_published
                )
            elif classification.status is CommentStatus.PENDING and lookup.moderators_waiting:
                events.comment_waiting(session, comment.id, lookup.article_id, now)
            session.commit()
        except Exception:
            session.rollback()
            raise
        return comment

    def _insert(self, session: Session, columns: dict[str, Any], now: datetime) -> int:
        """Insert the comment's row and return its id; `RateLimited` if its client is at a limit.

        The lookup counted the client's comments already, but a client's simultaneous posts all
        counted before any of them was stored: the insert counts again, inside its own
        statement, after `count_alone` has made this transaction the client's only counter.
        Prebuilt Core statements: on the per-comment path the ORM's unit of work, and even
        building a statement, cost more than running it.
        """
        connection = session.connection()
        ip_hash = columns["client_ip_hash"]
        if ip_hash is None or not self.rate_limits:
            return int(connection.execute(_INSERT, columns).scalar_one())
        count_alone(session, "comments", ip_hash)
        since = {f"limit_since_{n}": now - limit.period for n, limit in enumerate(self.rate_limits)}
        inserted = connection.execute(
            self._guarded_insert, {**columns, **since, "limit_ip": ip_hash}
        ).scalar_one_or_none()
        if inserted is None:
            # Refused: say which limit (rare, so one more query is fine).
            reached = (
                limit
                for n, limit in enumerate(self.rate_limits)
                if self._count_since(session, ip_hash, since[f"limit_since_{n}"]) >= limit.count
            )
            limit = next(reached, self.rate_limits[0])
            raise RateLimited(limit, int(limit.period.total_seconds()))
        return int(inserted)

    @staticmethod
    def _count_since(session: Session, ip_hash: str, since: datetime) -> int:
        table = _COMMENTS.c
        count = session.scalar(
            select(func.count(table.id)).where(
                table.client_ip_hash == ip_hash, table.created_at >= since
            )
        )
        return int(count or 0)

    @functools.cached_property
    def _guarded_insert(self) -> Insert:
        """INSERT ... SELECT the comment's values WHERE its client is under every limit."""
        table = _COMMENTS.c
        values = [bindparam(key, type_=table[key].type) for key in _INSERTED]
        under = [
            select(func.count(table.id))
            .where(
                table.client_ip_hash == bindparam("limit_ip"),
                table.created_at >= bindparam(f"limit_since_{n}", type_=table.created_at.type),
            )
            .scalar_subquery()
            < limit.count
            for n, limit in enumerate(self.rate_limits)
        ]
        return (
            insert(_COMMENTS)
            .from_select(_INSERTED, select(*values).where(*under))
            .returning(table.id)
        )

    def reclassify(self, session: Session, comment: Comment) -> bool:
        """Check again a pending comment that a failing check left unclassified.

        Returns whether the checks now succeeded. The comment keeps its place in the queue, or
        moves to the spam folder if it now scores above the threshold; this is the initial
        classification, late, not a moderator's decision, so it teaches the model nothing.
        """
        if comment.status is not CommentStatus.PENDING or not comment.is_unclassified:
            return False
        article = comment.article
        classification = self._classify(
            session,
            ArticleFacts.of(article.language, article.title, article.description, article.url),
            comment.body,
            comment.page_language,
            SpamContext(),
            self._active_spam_version(session),
        )
        if any_unclassified(classification.reasons):
            return False
        classification.apply(comment)
        if classification.status is CommentStatus.APPROVED:
            comment.published_at = utcnow()
            bump_thread(session, comment.article_id)
        return True

    def _classify(
        self,
        session: Session,
        article: ArticleFacts,
        body: str,
        page_language: str | None,
        spam_context: SpamContext,
        spam_version_uid: str | None,
    ) -> Classification:
        """Run the language and spam checks and decide the initial status.

        A model that could not be loaded leaves its check unclassified, as a failing one does.
        """
        priors = tuple(code for code in (article.language, page_language) if code)
        try:
            detector = self.classifiers.language.get()
        except ModelUnavailable:
            language = _unavailable_language()
        else:
            language = check_language(detector, body, priors)
        context = dataclasses.replace(
            spam_context,
            article_language=article.language,
            comment_language=language.code if language.code != "und" else None,
            article_topic=article.topic,
            site_domains=article.domains + self.reference_domains,
        )
        try:
            model = self.classifiers.spam.get().model_for(session, spam_version_uid)
        except ModelUnavailable:
            return Classification(language, _unavailable_spam(), CommentStatus.PENDING)
        threshold = model.threshold if self.spam_threshold is None else self.spam_threshold
        spam = check_spam(model, body, context, threshold)
        return Classification(
            language=language,
            spam=spam,
            status=self._initial_status(spam.verdict, language),
        )

    def _active_spam_version(self, session: Session) -> str | None:
        models = self.classifiers.spam.available()
        return models.active_uid(session) if models is not None else None

    def _initial_status(self, verdict: Verdict | None, language: LanguageVerdict) -> CommentStatus:
        if verdict is Verdict.SPAM:
            return CommentStatus.SPAM
        # Only a site that opted in publishes at once, and only what every check passed cleanly.
        if (
            self.publish_unreviewed
            and verdict is Verdict.CLEAN
            and language.moderated
            and not language.result.unclassified
        ):
            return CommentStatus.APPROVED
        return CommentStatus.PENDING

    @staticmethod
    def _check_parent(session: Session, article_id: int, parent_id: int) -> Comment:
        # One answer for a comment that does not exist, is on another article or is not
        # published: a visitor must not learn which ids hold unpublished comments.
        parent = session.get(Comment, parent_id)
        if (
            parent is None
            or parent.article_id != article_id
            or parent.status is not CommentStatus.APPROVED
        ):
            raise ValidationFailed({"parent_id": Problem("not_found")})
        return parent

    @functools.cached_property
    def _lookup_query(self) -> Select[Any]:
        """The lookup statement, built once: constructing it costs more than running it."""
        articles = cast(Table, Article.__table__).c
        table = _COMMENTS.c
        counts = [
            select(func.count(table.id))
            .where(
                table.client_ip_hash == bindparam("ip"),
                table.created_at >= bindparam(f"since_{n}", type_=table.created_at.type),
            )
            .scalar_subquery()
            for n in range(1 + len(self.rate_limits))
        ]
        repeats = exists().where(
            table.body_fingerprint == bindparam("digest"),
            table.created_at >= bindparam("repeat_since", type_=table.created_at.type),
        )
        decisions = cast(Table, Decision.__table__).c
        author_spam = exists().where(
            table.author_email == bindparam("email"),
            table.status == CommentStatus.SPAM.value,
            exists().where(
                decisions.comment_id == table.id,
                decisions.to_status == CommentStatus.SPAM.value,
            ),
        )
        versions = cast(Table, SpamModelVersion.__table__).c
        active = select(versions.uid).where(versions.is_active).scalar_subquery()
        rules = cast(Table, RulesState.__table__).c
        rules_version = select(rules.version).where(rules.id == 1).scalar_subquery()
        bans = cast(Table, Ban.__table__).c
        author_ban = [bans.kind == BanKind.EMAIL.value, bans.value == bindparam("email_hash")]
        banned_for_good = exists().where(*author_ban, bans.expires_at.is_(None))
        banned_until = (
            select(func.max(bans.expires_at))
            .where(*author_ban, bans.expires_at > bindparam("now", type_=bans.expires_at.type))
            .scalar_subquery()
        )
        moderators = cast(Table, Moderator.__table__).c
        waiting = exists().where(moderators.notify == NotifyMode.INSTANT.value)
        return select(
            articles.id,
            articles.language,
            articles.title,
            articles.description,
            articles.url,
            *counts,
            repeats,
            author_spam,
            active,
            rules_version,
            banned_for_good,
            banned_until,
            waiting,
        ).where(articles.slug == bindparam("slug"))

    def _look_up(
        self,
        session: Session,
        slug: str,
        ip_hash: str | None,
        digest: str,
        email: str,
        now: datetime,
    ) -> Lookup:
        """The article and what the site already has from this client, in one round trip.

        Raises `UnknownArticle`, or `RateLimited` if the client is at a limit. The active spam
        model version is asked here too, so a promotion costs no extra query per comment. A
        submission without a client address (the command line, the demo) has no history.
        """
        periods = [VELOCITY_WINDOW, *(limit.period for limit in self.rate_limits)]
        # A NULL address compares unequal to every row: no client, no history.
        params: dict[str, object] = {"slug": slug, "ip": ip_hash, "digest": digest, "email": email}
        params.update({f"since_{n}": now - period for n, period in enumerate(periods)})
        params["repeat_since"] = now - REPEAT_WINDOW
        params["email_hash"] = hash_email(self.email_key, email)
        params["now"] = now
        row = session.connection().execute(self._lookup_query, params).one_or_none()
        if row is None:
            raise UnknownArticle(slug)
        article_id, language, title, description, url, *counts = row
        *counts, repeated, author_spam, uid, rules_version, forever, until, waiting = counts
        for limit, count in zip(self.rate_limits, counts[1:], strict=True):
            if count >= limit.count:
                # The window slides: after one full period the client is certainly free again.
                raise RateLimited(limit, int(limit.period.total_seconds()))
        return Lookup(
            article_id,
            ArticleFacts.of(language, title, description, url),
            int(counts[0]),
            bool(repeated),
            bool(author_spam),
            uid,
            rules_version or 0,
            True if forever else (until or False),
            bool(waiting),
        )
