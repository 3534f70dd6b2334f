"""Command line: `flask --app wsgi db|articles|moderators|comments|demo|spam|language|...`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole
from moderation import audit, management, migrations, readers
from moderation.config import parse_languages, site_languages
from moderation.demo import seed
from moderation.extensions import db
from moderation.language import site_codes
from moderation.messages import field_messages
from moderation.pipeline import ValidationFailed
from moderation.pipeline.classifiers import detector_for
from moderation.services import services

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
articles_cli = AppGroup("articles", help="Articles open for comments.")
moderators_cli = AppGroup("moderators", help="Moderator accounts.")
comments_cli = AppGroup("comments", help="Comments: re-check unclassified ones, forget an author.")
language_cli = AppGroup("language", help="Language detection tools.")


class _EchoMigrations(logging.Handler):
    """Echoes the migrations Alembic runs (not its other chatter)."""

    def emit(self, record: logging.LogRecord) -> None:
        if (message := record.getMessage()).startswith("Running"):
            click.echo(message)


@contextmanager
def _migrations_shown() -> Iterator[None]:
    """Print each migration Alembic runs, without configuring the root logger for it."""
    logger = logging.getLogger("alembic.runtime.migration")
    handler = _EchoMigrations()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    with _migrations_shown():
        migrations.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
@click.option("--force", is_flag=True, help="Drop the data the downgrade destroys.")
def db_downgrade(revision: str, force: bool) -> None:
    """Migrate the database back to REVISION (`base` empties it).

    Refuses, naming what it would drop, when that destroys stored data, unless --force.
    """
    try:
        with _migrations_shown():
            migrations.downgrade(current_app.config["DATABASE_URL"], revision, force=force)
    except migrations.DataWouldBeLost as refused:
        raise click.ClickException(
            f"nothing done: downgrading to {revision} would drop {refused}. Back the database "
            "up, then run again with --force to drop it."
        ) from refused
    click.echo(f"database at {revision}")


def _refused(failed: ValidationFailed) -> click.ClickException:
    return click.ClickException(" ".join(field_messages(failed).values()))


@articles_cli.command("add")
@click.argument("slug")
@click.option("--title", required=True, help="The article's title.")
@click.option("--url", default=None, help="Where the article lives on the site.")
@click.option("--language", default=None, help="The article's language code, e.g. es.")
@click.option("--description", default=None, help="A sentence or two on what it is about.")
def articles_add(
    slug: str, title: str, url: str | None, language: str | None, description: str | None
) -> None:
    """Open the article SLUG for comments."""
    try:
        management.add_article(
            db.session, site_languages(), slug, title, url, language, description
        )
    except ValidationFailed as failed:
        raise _refused(failed) from failed
    db.session.commit()
    click.echo(f"article '{slug}' added")


@articles_cli.command("list")
def articles_list() -> None:
    """List the articles with their comment counts."""
    counts = management.article_counts(db.session)
    for article in db.session.scalars(select(Article).order_by(Article.created_at)):
        by_status = counts.get(article.id, {})
        click.echo(
            f"{article.slug}  [{article.language or '-'}]  {article.title}  "
            f"({by_status.get('approved', 0)} published, {by_status.get('pending', 0)} pending)"
        )


@moderators_cli.command("add")
@click.argument("email")
@click.option("--password", default=None, help="Prompted for (hidden) when not given.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in ModeratorRole]),
    default=ModeratorRole.MODERATOR.value,
    show_default=True,
)
@click.option("--languages", default="", help="Languages this moderator reads, e.g. es,pt.")
def moderators_add(email: str, password: str | None, role: str, languages: str) -> None:
    """Create the moderator EMAIL."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        moderator = management.add_moderator(
            db.session, site_languages(), email, password, role, languages
        )
    except ValidationFailed as failed:
        raise _refused(failed) from failed
    db.session.commit()
    click.echo(f"moderator '{moderator.email}' added ({role})")


@moderators_cli.command("password")
@click.argument("email")
@click.option("--password", default=None, help="Prompted for (hidden) when not given.")
def moderators_password(email: str, password: str | None) -> None:
    """Set a new password for the moderator EMAIL (signs out their sessions)."""
    moderator = db.session.scalar(select(Moderator).where(Moderator.email == email.strip().lower()))
    if moderator is None:
        raise click.ClickException(f"no moderator '{email}'")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        management.set_password(db.session, moderator, password)
    except ValidationFailed as failed:
        raise _refused(failed) from failed
    db.session.commit()
    click.echo(f"password of '{moderator.email}' changed")


@comments_cli.command("reclassify")
def comments_reclassify() -> None:
    """Run the checks again on pending comments that a failing check left unclassified."""
    intake = services().intake
    pending = db.session.scalars(select(Comment).where(Comment.status == CommentStatus.PENDING))
    waiting = [comment for comment in pending if comment.is_unclassified]
    done = sum(intake.reclassify(db.session, comment) for comment in waiting)
    db.session.commit()
    click.echo(f"{done} of {len(waiting)} unclassified comment(s) classified")


@comments_cli.command("forget")
@click.argument("email")
@click.confirmation_option(prompt="Delete every comment sent with this email?")
def comments_forget(email: str) -> None:
    """Delete every comment sent with EMAIL, with its decisions and what the filter learned."""
    from moderation.cli.spam import learn_due, outcome_line

    forgotten = readers.erase(
        db.session, audit.COMMAND_LINE, current_app.config["SECRET_KEY"], email
    )
    db.session.commit()
    click.echo(f"{forgotten.comments} comment(s) deleted")
    if forgotten.labels:
        click.echo(
            f"{forgotten.labels} spam label(s) forgotten; "
            f"{forgotten.versions} learned spam model version(s) dropped"
        )
    if forgotten.versions and (outcome := learn_due()) is not None:
        # The learning worker would do it too; here the operator sees it done.
        click.echo(f"learned again without them: {outcome_line(outcome)}")


@language_cli.command("detect")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
@click.option("--languages", help="Comma-separated languages, e.g. en,es,pt (default: the site's).")
def language_detect(source: TextIO, languages: str | None) -> None:
    """Print the language of each line of SOURCE (stdin by default); `und` when undecided."""
    try:
        codes = site_codes(parse_languages(languages) if languages else site_languages())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--languages") from error
    try:
        detector = detector_for(codes, services().classifiers.language_model)
    except Exception as error:  # the model file is missing or corrupt
        raise click.ClickException(f"the language model is unavailable: {error}") from error
    # No context priors here: a line of a file has no article and no page language.
    out = [detector.detect(line.rstrip("\r\n")).code for line in source]
    click.echo("\n".join(out) + ("\n" if out else ""), nl=False)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed the demo articles, comments and moderator (safe to run twice)."""

    for line in seed(db.session, services().intake, site_languages()):
        click.echo(line)


def register(app: Flask) -> None:
    """Add every command group to `app`."""
    from moderation.cli.mail import mail_cli
    from moderation.cli.spam import spam_cli
    from moderation.transfer import export_command, import_command

    for command in (
        db_cli,
        articles_cli,
        moderators_cli,
        comments_cli,
        demo_command,
        spam_cli,
        mail_cli,
        language_cli,
        import_command,
        export_command,
    ):
        app.cli.add_command(command)
