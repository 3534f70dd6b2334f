"""The Flask side of imports and exports: `flask import`, `flask export`, and import jobs.

An import started from the admin page runs in a thread of the worker that received the
upload; its progress and report live in an `ImportRun` row, so any worker can show them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select, update

from models import Article, ImportRun, ImportRunStatus, utcnow
from moderation import audit, imports
from moderation.exports import site_lines, wxr_chunks
from moderation.extensions import db
from moderation.imports import Importer, ImportReport, MalformedFile
from moderation.pipeline import learning
from moderation.services import services

log = logging.getLogger(__name__)
EXPORT_FORMATS = ("jsonl", "wxr")


def import_checked(
    source_format: str,
    path: Path,
    actor: str,
    *,
    label: str | None = None,
    learn: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `path`, which `imports.check` has read whole; needs an application context.

    With `learn`, the imported approved and spam comments teach the site's spam filter,
    which then learns a version from them at once.
    """
    label = label or path.name
    shared = services()
    importer = Importer(
        db.session,
        source_format,
        label,
        # Without the language model, decided comments come in with no language.
        detector=shared.classifiers.language.available(),
        classify=shared.intake.reclassify,
        learn=learn,
    )
    report = importer.run(imports.read(source_format, path), progress)
    # The labels are stored either way: without the spam model, the next round learns them.
    if learn and report.labels and (models := shared.classifiers.spam.available()):
        learning.learn(db.session, models, batch=1, force=True)
    audit.record(db.session, actor, "site.import", label, report.as_dict())
    db.session.commit()
    return report


def report_lines(report: ImportReport) -> list[str]:
    """The report as the command line prints it."""
    statuses = ", ".join(f"{count} {status}" for status, count in report.statuses.items() if count)
    lines = [
        f"{report.read} comment(s) read: {report.imported} imported ({statuses or 'none'}), "
        f"{report.already_imported} already imported",
        f"articles: {report.articles_created} created, {report.articles_matched} matched",
        f"replies: {report.replies} ({report.detached_replies} whose parent is not in the file)",
        f"without email: {report.missing_emails}",
    ]
    if report.skipped:
        lines.append("skipped: " + ", ".join(f"{n} {why}" for why, n in report.skipped.items()))
    if report.labels:
        lines.append(f"spam labels learned: {report.labels}")
    return lines


@click.command("import")
@click.argument("source_format", metavar="FORMAT", type=click.Choice(list(imports.FORMATS)))
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--learn", is_flag=True, help="Teach the spam filter the approved and spam history.")
@with_appcontext
def import_command(source_format: str, file: Path, learn: bool) -> None:
    """Import FILE from another comment system.

    FORMAT is wordpress (WXR), disqus (XML export), isso (comments.db) or generic (Isso's
    JSON format). Running it twice adds nothing; a malformed file is refused, naming the
    line or element, and nothing is written.
    """
    try:
        with click.progressbar(length=file.stat().st_size, label="Checking ") as bar:
            total = imports.check(source_format, file, _Meter(bar.update).bytes_read)
    except MalformedFile as error:
        raise click.ClickException(f"{file}: {error}. Nothing was imported.") from error
    with click.progressbar(length=total, label="Importing", show_pos=True) as bar:
        report = import_checked(
            source_format, file, audit.COMMAND_LINE, learn=learn, progress=_Meter(bar.update).to
        )
    for line in report_lines(report):
        click.echo(line)


class _Meter:
    """Turns "done so far" into the increments a click progress bar wants."""

    def __init__(self, update: Callable[[int], None]) -> None:
        self.update = update
        self.done = 0

    def to(self, done: int) -> None:
        """Move the bar to `done`."""
        self.update(done - self.done)
        self.done = done

    def bytes_read(self, done: int, _size: int) -> None:
        """Move the bar to `done` bytes."""
        self.to(done)


@click.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8", lazy=True))
@click.option(
    "--format",
    "export_format",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
)
@click.option("--article", "slug", default=None, help="Only this article's thread (JSON Lines).")
@click.option(
    "--site-url",
    default="http://127.0.0.1:5000/",
    show_default=True,
    help="This server's address, for WXR links to articles that have none of their own.",
)
@with_appcontext
def export_command(file: TextIO, export_format: str, slug: str | None, site_url: str) -> None:
    """Write the whole site (or one article) to FILE ("-" for standard output).

    The export holds readers' emails: keep it as safe as the database.
    """
    article = None
    if slug is not None:
        if export_format != "jsonl":
            raise click.ClickException("--article exports JSON Lines only")
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        if article is None:
            raise click.ClickException(f"no article '{slug}'")
    if export_format == "wxr":
        chunks = wxr_chunks(db.session, "Tertulia", site_url)
    else:
        chunks = site_lines(db.session, article)
    for chunk in chunks:
        file.write(chunk)
    audit.record(
        db.session, audit.COMMAND_LINE, "site.export", slug or "site", {"format": export_format}
    )
    db.session.commit()


class ImportJobs:
    """Import runs started from the admin page, each in a thread of this process."""

    def __init__(self) -> None:
        self._threads: dict[int, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, app: Flask, run_id: int, path: Path) -> None:
        """Run the import of `path` for the run `run_id` in the background."""
        thread = threading.Thread(
            target=_run_job, args=(app, run_id, path), name=f"import-{run_id}", daemon=True
        )
        with self._lock:
            self._threads[run_id] = thread
        thread.start()

    def wait(self, run_id: int, timeout: float | None = None) -> None:
        """Wait for the run `run_id` of this process to finish (tests, shutdown)."""
        with self._lock:
            thread = self._threads.get(run_id)
        if thread is not None:
            thread.join(timeout)


def jobs(app: Flask) -> ImportJobs:
    """The application's import jobs."""
    jobs: ImportJobs = app.extensions.setdefault("tertulia.import_jobs", ImportJobs())
    return jobs


PROGRESS_EVERY = 0.5  # seconds between progress writes


def _run_job(app: Flask, run_id: int, path: Path) -> None:
    with app.app_context():
        session = db.session
        run = session.get_one(ImportRun, run_id)
        fmt, learn, actor, label = run.source_format, run.learn, run.started_by, run.filename
        progress = _RunProgress(run_id)
        try:
            total = imports.check(fmt, path, progress.checked)
            progress.save(force=True, total=total, report={"checked": 100})
            report = import_checked(
                fmt, path, actor, label=label, learn=learn, progress=progress.imported
            )
        except MalformedFile as error:
            session.rollback()
            progress.finish(ImportRunStatus.FAILED, error=str(error))
        except Exception:
            log.exception("import run %s failed", run_id)
            session.rollback()
            progress.finish(ImportRunStatus.FAILED, error=UNEXPECTED)
        else:
            progress.finish(ImportRunStatus.DONE, done=report.read, report=report.as_dict())
        finally:
            # The upload holds readers' emails: it is not kept once read.
            path.unlink(missing_ok=True)


UNEXPECTED = "unexpected"


class _RunProgress:
    """Writes a run's progress to its row, at most every `PROGRESS_EVERY` seconds."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def save(self, force: bool = False, **values: object) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        db.session.execute(update(ImportRun).where(ImportRun.id == self.run_id).values(**values))
        db.session.commit()

    def checked(self, done: int, size: int) -> None:
        self.save(report={"checked": round(100 * done / max(size, 1))})

    def imported(self, done: int) -> None:
        self.save(done=done)

    def finish(self, status: ImportRunStatus, **values: object) -> None:
        self.save(force=True, status=status, finished_at=utcnow(), **values)


def register(app: Flask) -> None:
    """Add `flask import` and `flask export`."""
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)
