"""Test data built straight into the database, bypassing the pipeline where a test wants that."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole, utcnow
from moderation.markdown import render_markdown
from moderation.pipeline import fingerprint
from moderation.pipeline.decisions import bump_thread

_sequence = itertools.count(1)
APPROVED = CommentStatus.APPROVED
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

    def thread(self, article: Article, roots: int, replies_each: int = 0) -> dict[int, list[int]]:
        """`roots` published conversations ten minutes apart, each with a chain of published
        replies (which may come after later roots) and one pending reply that must never
        show; in one commit. Returns each root's id with its replies' ids, oldest first."""
        start = utcnow() - timedelta(days=10)
        conversations: dict[int, list[int]] = {}

        def add(body: str, minutes: int, parent: int | None, status: CommentStatus) -> int:
            moment = start + timedelta(minutes=minutes)
            row = Comment(
                article_id=article.id,
                parent_id=parent,
                author_name="Reader",
                author_email="reader@example.org",
                body=body,
                body_html=render_markdown(body),
                body_fingerprint=fingerprint(body),
                language="es",
                reasons=[],
                status=status,
                created_at=moment,
                published_at=moment if status is CommentStatus.APPROVED else None,
            )
            self.session.add(row)
            self.session.flush()
            return row.id

        for n in range(roots):
            root = add(f"Root {n}", n * 10, None, CommentStatus.APPROVED)
            chain = [root]
            for k in range(replies_each):
                chain.append(add(f"Reply {n}.{k}", n * 10 + 15 * (k + 1), chain[-1], APPROVED))
            add(f"Pending {n}", n * 10 + 1, root, CommentStatus.PENDING)
            conversations[root] = chain[1:]
        bump_thread(self.session, article.id)
        self.session.commit()
        return conversations

    def _save(self, row: T) -> T:
        self.session.add(row)
        self.session.commit()
        return row
