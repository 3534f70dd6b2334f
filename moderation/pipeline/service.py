"""The submission pipeline: validate, detect language, score spam, decide status, persist."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Article, Comment, CommentStatus, utcnow
from moderation.language import LanguageDetector
from moderation.markdown import render_markdown
from moderation.pipeline.checks import check_language, check_spam
from moderation.pipeline.submission import Submission, ValidationFailed
from moderation.spam import SpamContext, SpamModel

VELOCITY_WINDOW = timedelta(minutes=10)
REPEAT_WINDOW = timedelta(days=1)


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


@dataclass
class Pipeline:
    """Turns a validated submission into a stored comment with its status and reasons."""

    detector: LanguageDetector
    spam_model: Callable[[], SpamModel]
    # None: use the threshold recommended with the model.
    spam_threshold: float | None
    ip_key: bytes
    publish_unreviewed: bool = False

    def submit(self, session: Session, article: Article, submission: Submission) -> Comment:
        """Check and persist one comment; raise `ValidationFailed` for a bad reply-to.

        The checks never lose a comment: if one fails, the comment is stored as pending and
        unclassified. If persisting fails, nothing is written.
        """
        if submission.parent_id is not None:
            self._check_parent(session, article, submission.parent_id)

        priors = tuple(code for code in (article.language, submission.page_language) if code)
        language = check_language(self.detector, submission.body, priors)

        digest = fingerprint(submission.body)
        ip_hash = hash_client_ip(self.ip_key, submission.client_ip)
        now = utcnow()
        context = SpamContext(
            article_language=article.language,
            comment_language=language.code if language.code != "und" else None,
            repeats_recent_comment=self._repeats_recent(session, digest, now),
            recent_posts_from_client=self._recent_posts(session, ip_hash, now),
        )
        model = self.spam_model()
        threshold = model.threshold if self.spam_threshold is None else self.spam_threshold
        spam = check_spam(model, submission.body, context, threshold)

        status = self._initial_status(spam.score, threshold, model.borderline, language.moderated)
        comment = Comment(
            article=article,
            parent_id=submission.parent_id,
            author_name=submission.name,
            author_email=submission.email,
            body=submission.body,
            body_fingerprint=digest,
            body_html=render_markdown(submission.body),
            language=language.code,
            language_confidence=language.confidence,
            page_language=submission.page_language,
            spam_score=spam.score,
            spam_model_version=spam.model_version,
            reasons=[language.result.as_dict(), *(result.as_dict() for result in spam.results)],
            status=status,
            client_ip_hash=ip_hash,
            user_agent=submission.user_agent,
            created_at=now,
            updated_at=now,
            published_at=now if status is CommentStatus.APPROVED else None,
        )
        session.add(comment)
        if status is CommentStatus.APPROVED:
            article.thread_version += 1
        try:
            session.commit()
        except Exception:
            session.rollback()
            raise
        return comment

    def _initial_status(
        self, score: float | None, threshold: float, borderline: float, language_moderated: bool
    ) -> CommentStatus:
        if score is not None and score >= threshold:
            return CommentStatus.SPAM
        # Only a site that opted in publishes at once, and only what every check passed cleanly.
        if (
            self.publish_unreviewed
            and score is not None
            and score < borderline
            and language_moderated
        ):
            return CommentStatus.APPROVED
        return CommentStatus.PENDING

    @staticmethod
    def _check_parent(session: Session, article: Article, parent_id: int) -> None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.article_id != article.id:
            raise ValidationFailed({"parent_id": "There is no such comment on this article."})
        if parent.status is not CommentStatus.APPROVED:
            raise ValidationFailed({"parent_id": "You can only reply to a published comment."})

    @staticmethod
    def _repeats_recent(session: Session, digest: str, now: datetime) -> bool:
        since = now - REPEAT_WINDOW
        query = select(Comment.id).where(
            Comment.body_fingerprint == digest, Comment.created_at >= since
        )
        return session.scalar(query.limit(1)) is not None

    @staticmethod
    def _recent_posts(session: Session, ip_hash: str | None, now: datetime) -> int:
        if ip_hash is None:
            return 0
        since = now - VELOCITY_WINDOW
        query = select(func.count(Comment.id)).where(
            Comment.client_ip_hash == ip_hash, Comment.created_at >= since
        )
        return session.scalar(query) or 0
