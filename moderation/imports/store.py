"""Storing what an importer read: articles matched or created, comments with their threads,
one decision by "import" each, and optionally the spam labels they teach.

Comments are written in batches, each committed, so a long import never holds the database
(SQLite has one writer) and memory holds one batch. The file has been checked whole before
the first batch, so a malformed file writes nothing.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from models import (
    EMAIL_LENGTH,
    NAME_LENGTH,
    Article,
    Comment,
    CommentStatus,
    Decision,
    utcnow,
)
from moderation.imports.records import CommentRecord, Skipped, ThreadRecord
from moderation.imports.text import is_absolute, normalize_url, slug_from_url, slugify
from moderation.language import LanguageDetector
from moderation.markdown import render_markdown
from moderation.pipeline import fingerprint
from moderation.pipeline.checks import CheckResult, check_language
from moderation.pipeline.decisions import bump_thread
from moderation.pipeline.learning import label_decision

BATCH = 500
_COMMENTS = cast(Table, Comment.__table__)
_ARTICLES = cast(Table, Article.__table__)
# A pending comment waits for the site's own checks, run after it is stored (`classify`).
AWAITING_CHECKS = CheckResult("import", "import.awaiting_checks", flag=True, unclassified=True)


@dataclass
class ImportReport:
    """What an import did, in counts (shown by the CLI and the admin page, stored per run)."""

    source_format: str
    read: int = 0
    imported: int = 0
    already_imported: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in CommentStatus})
    replies: int = 0
    # Replies whose parent is not in the file: kept, at the top of their thread.
    detached_replies: int = 0
    missing_emails: int = 0
    articles_created: int = 0
    articles_matched: int = 0
    labels: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """The counts as JSON."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class ArticleIndex:
    """Finds the article for each imported thread: by address, then slug; else creates it."""

    def __init__(self, session: Session, report: ImportReport) -> None:
        self.session = session
        self.report = report
        self.by_url: dict[str, int] = {}
        self.by_path: dict[str, int] = {}
        self.urls: dict[int, str | None] = {}
        self.by_slug: dict[str, int] = {}
        for article_id, slug, url in session.execute(select(Article.id, Article.slug, Article.url)):
            self._remember(article_id, slug, url)
        self.threads: dict[str, int] = {}

    def _remember(self, article_id: int, slug: str, url: str | None) -> None:
        self.by_slug[slug] = article_id
        self.urls[article_id] = url
        if url:
            self.by_url.setdefault(normalize_url(url), article_id)
            self.by_path.setdefault(_path(url), article_id)

    def article_id(self, thread: ThreadRecord) -> int:
        """The id of the article for `thread`, created (and flushed) when there is none."""
        if thread.key in self.threads:
            return self.threads[thread.key]
        found = self._match(thread)
        if found is None:
            found = self._create(thread)
            self.report.articles_created += 1
        else:
            self.report.articles_matched += 1
        self.threads[thread.key] = found
        return found

    def _candidates(self, thread: ThreadRecord) -> list[str]:
        slugs = [slugify(thread.slug or ""), slug_from_url(thread.url or "")]
        return [slug for slug in slugs if slug]

    def _match(self, thread: ThreadRecord) -> int | None:
        url = thread.url
        if url and is_absolute(url) and (found := self.by_url.get(normalize_url(url))):
            return found
        # Isso keys its threads by path alone.
        if url and url.startswith("/") and (found := self.by_path.get(_path(url))):
            return found
        for slug in self._candidates(thread):
            found = self.by_slug.get(slug)
            known = self.urls.get(found) if found else None
            # The same slug on another address is another article.
            if found and not (known and url and is_absolute(url)):
                return found
        return None

    def _create(self, thread: ThreadRecord) -> int:
        base = next(iter(self._candidates(thread)), "") or "imported"
        slug, number = base, 1
        while slug in self.by_slug:
            number += 1
            suffix = f"-{number}"
            slug = base[: 200 - len(suffix)] + suffix
        url = thread.url if thread.url and is_absolute(thread.url) else None
        title = (thread.title.strip() or slug)[:300]
        # Straight to the database: an ORM flush here would also flush the pending batch.
        article_id: int = (
            self.session.connection()
            .execute(
                insert(_ARTICLES).values(slug=slug, title=title, url=url).returning(_ARTICLES.c.id)
            )
            .scalar_one()
        )
        self._remember(article_id, slug, url)
        return article_id


def _path(url: str) -> str:
    return normalize_url(url if is_absolute(url) else f"http://x{url}").split("/", 3)[-1]


Classify = Callable[[Session, Comment], object]


class Importer:
    """Writes imported comments in committed batches; `run` returns the report.

    `detector` gives decided comments their language; pending ones are handed to `classify`
    (the site's own checks) once stored. With `learn`, approved and spam comments become
    spam labels through the same path as moderators' decisions.
    """

    def __init__(
        self,
        session: Session,
        source_format: str,
        label: str,
        detector: LanguageDetector | None = None,
        classify: Classify | None = None,
        learn: bool = False,
        batch: int | None = None,
    ) -> None:
        self.session = session
        self.source_format = source_format
        self.label = label
        self.detector = detector
        self.classify = classify
        self.learn = learn
        self.batch = batch or BATCH
        self.report = ImportReport(source_format)
        self.articles = ArticleIndex(session, self.report)
        # Replies stored before their parent (child id, parent source id): few in practice.
        self.forward: list[tuple[int, str]] = []

    def run(
        self,
        records: Iterable[CommentRecord | Skipped],
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Store every record; `progress(records handled)` after each batch."""
        pending: list[CommentRecord] = []
        for record in records:
            if isinstance(record, Skipped):
                self.report.skipped[record.reason] = self.report.skipped.get(record.reason, 0) + 1
                continue
            self.report.read += 1
            pending.append(record)
            if len(pending) >= self.batch:
                self._store(pending)
                pending = []
                if progress:
                    progress(self.report.read)
        self._store(pending)
        self._link_forward()
        self.session.commit()
        if progress:
            progress(self.report.read)
        return self.report

    def _store(self, records: list[CommentRecord]) -> None:
        if not records:
            return
        fmt = self.source_format
        ids = [record.source_id(fmt) for record in records]
        existing = set(
            self.session.scalars(select(Comment.source_id).where(Comment.source_id.in_(ids)))
        )
        fresh: dict[str, tuple[Comment, CommentRecord]] = {}
        for sid, record in zip(ids, records, strict=True):
            if sid in existing or sid in fresh:
                self.report.already_imported += 1
                continue
            fresh[sid] = (self._comment(record, sid), record)
        if not fresh:
            return
        with self.session.no_autoflush:
            self._link_stored_parents(fresh)
        # Comments first, in one batched insert; parents inside the batch once they have ids.
        self.session.flush()
        touched: set[int] = set()
        for comment, record in fresh.values():
            parent = record.parent_source_id(fmt)
            if parent is not None and parent in fresh:
                comment.parent_id = fresh[parent][0].id
            self._decide(comment, record)
            if record.status is CommentStatus.APPROVED:
                touched.add(comment.article_id)
        self.session.flush()
        with self.session.no_autoflush:
            for comment, record in fresh.values():
                if record.parent_key is not None and comment.parent_id is None:
                    parent = record.parent_source_id(fmt)
                    assert parent is not None
                    self.forward.append((comment.id, parent))
                if self.classify and comment.status is CommentStatus.PENDING:
                    self.classify(self.session, comment)
        for article_id in touched:
            bump_thread(self.session, article_id)
        self.session.commit()
        self.session.expunge_all()

    def _comment(self, record: CommentRecord, sid: str) -> Comment:
        report = self.report
        report.imported += 1
        report.statuses[record.status.value] += 1
        if record.parent_key is not None:
            report.replies += 1
        email = record.author_email.strip()
        body = record.body.strip()
        if not email:
            report.missing_emails += 1
        comment = Comment(
            article_id=self.articles.article_id(record.thread),
            author_name=record.author_name.strip()[:NAME_LENGTH],
            author_email=email[:EMAIL_LENGTH],
            body=body,
            body_fingerprint=fingerprint(body),
            body_html=render_markdown(body),
            status=record.status,
            created_at=record.created_at,
            updated_at=record.created_at,
            published_at=record.created_at if record.status is CommentStatus.APPROVED else None,
            source_id=sid,
            reasons=[],
        )
        if record.status is CommentStatus.PENDING:
            comment.reasons = [AWAITING_CHECKS.as_dict()]
        elif self.detector is not None:
            language = check_language(self.detector, body, ())
            comment.language = language.code
            comment.language_confidence = language.confidence
            comment.reasons = [language.result.as_dict()]
        self.session.add(comment)
        return comment

    def _link_stored_parents(self, fresh: dict[str, tuple[Comment, CommentRecord]]) -> None:
        """Point replies at parents stored before this batch."""
        wanted: dict[str, list[Comment]] = collections.defaultdict(list)
        for comment, record in fresh.values():
            parent = record.parent_source_id(self.source_format)
            if parent is not None and parent not in fresh:
                wanted[parent].append(comment)
        if not wanted:
            return
        stored = self.session.execute(
            select(Comment.source_id, Comment.id).where(Comment.source_id.in_(list(wanted)))
        )
        for parent, parent_id in stored:
            for comment in wanted[str(parent)]:
                comment.parent_id = parent_id

    def _decide(self, comment: Comment, record: CommentRecord) -> None:
        """The import's decision: where the comment came from and the status it had there."""
        decision = Decision(
            comment=comment,
            moderator=None,
            from_status=CommentStatus.PENDING,
            to_status=record.status,
            reason=f"{self.source_format} {self.label} #{record.key}"[:500],
            created_at=utcnow(),
        )
        self.session.add(decision)
        if self.learn:
            before = len(self.session.new)
            label_decision(self.session, comment, decision)
            self.report.labels += len(self.session.new) - before

    def _link_forward(self) -> None:
        """Point replies stored before their parent; the rest stay at the top of the thread."""
        for start in range(0, len(self.forward), self.batch):
            chunk = self.forward[start : start + self.batch]
            wanted = {parent for _, parent in chunk}
            parents: dict[str | None, int] = {
                sid: cid
                for sid, cid in self.session.execute(
                    select(Comment.source_id, Comment.id).where(Comment.source_id.in_(wanted))
                )
            }
            found = [
                {"child": child, "parent": parents[parent]}
                for child, parent in chunk
                if parent in parents
            ]
            self.report.detached_replies += len(chunk) - len(found)
            if found:
                self.session.execute(
                    update(_COMMENTS)
                    .where(_COMMENTS.c.id == bindparam("child"))
                    .values(parent_id=bindparam("parent")),
                    found,
                )
        self.forward = []
