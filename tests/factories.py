"""Test data built straight into the database, bypassing the pipeline where a test wants that."""

from __future__ import annotations

import itertools
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole, utcnow
from moderation.markdown import render_markdown
from moderation.pipeline import fingerprint
from moderation.pipeline.decisions import bump_thread

_sequence = itertools.count(1)
T = TypeVar("T")


class Factory:
    """Creates and commits rows with sensible defaults."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def article(
        self, slug: str | None = None, language: str | None = "es", **extra: Any
    ) -> Article:
        number = next(_sequence)
        fields: dict[str, Any] = {"title": f"Article {number}", **extra}
        article = Article(slug=slug or f"article-{number}", language=language, **fields)
        return self._save(article)

    def comment(
        self,
        article: Article,
        body: str = "Un comentario cualquiera sobre el artículo.",
        status: CommentStatus = CommentStatus.PENDING,
        **extra: Any,
    ) -> Comment:
        number = next(_sequence)
        fields: dict[str, Any] = {
            "author_name": f"Reader {number}",
            "author_email": f"reader{number}@example.org",
            "language": "es",
            "language_confidence": 0.9,
            "spam_score": 0.05,
            "reasons": [],
            "created_at": utcnow(),
            **extra,
        }
        comment = Comment(
            article=article,
            body=body,
            body_html=render_markdown(body),
            body_fingerprint=fingerprint(body),
            status=status,
            published_at=utcnow() if status is CommentStatus.APPROVED else None,
            **fields,
        )
        self._save(comment)
        if status is CommentStatus.APPROVED:
            bump_thread(self.session, article.id)
            self.session.commit()
        return comment

    def moderator(
        self,
        email: str = "mod@example.org",
        password: str = "correct horse",
        role: ModeratorRole = ModeratorRole.MODERATOR,
        languages: str = "",
    ) -> Moderator:
        moderator = Moderator(
            email=email,
            password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"),
            role=role,
            languages=languages,
        )
        return self._save(moderator)

    def reset_password(self, moderator_id: int, password: str) -> None:
        moderator = self.session.get_one(Moderator, moderator_id)
        moderator.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
        self.session.commit()

    def _save(self, row: T) -> T:
        self.session.add(row)
        self.session.commit()
        return row
