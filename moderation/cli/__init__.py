"""Command line: `flask --app wsgi db|articles|moderators|demo|spam|language ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole
from moderation import management, migrations
from moderation.demo import seed
from moderation.extensions import db
from moderation.pipeline import ValidationFailed
from moderation.pipeline.retention import forget_author
from moderation.services import services

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
articles_cli = AppGroup("articles", help="Articles open for comments.")
moderators_cli = AppGroup("moderators", help="Moderator accounts.")
comments_cli = AppGroup("comments", help="Comments: re-check unclassified ones, forget an author.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    migrations.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION (`base` empties it)."""
    migrations.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


def _site_languages() -> tuple[str, ...]:
    languages: tuple[str, ...] = current_app.config["TERTULIA_LANGUAGES"]
    return languages


def _refused(failed: ValidationFailed) -> click.ClickException:
    return click.ClickException(" ".join(failed.errors.values()))


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
            db.session, _site_languages(), slug, title, url, language, description
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
        found = counts.get(article.id, {})
        click.echo(
            f"{article.slug}  [{article.language or '-'}]  {article.title}  "
            f"({found.get('approved', 0)} published, {found.get('pending', 0)} pending)"
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
            db.session, _site_languages(), email, password, role, languages
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
        management.set_password(moderator, password)
    except ValidationFailed as failed:
        raise _refused(failed) from failed
    db.session.commit()
    click.echo(f"password of '{moderator.email}' changed")


@comments_cli.command("reclassify")
def comments_reclassify() -> None:
    """Run the checks again on pending comments that a failing check left unclassified."""
    pipeline = services().pipeline
    pending = db.session.scalars(select(Comment).where(Comment.status == CommentStatus.PENDING))
    waiting = [comment for comment in pending if comment.is_unclassified]
    done = sum(pipeline.reclassify(db.session, comment) for comment in waiting)
    db.session.commit()
    click.echo(f"{done} of {len(waiting)} unclassified comment(s) classified")


@comments_cli.command("forget")
@click.argument("email")
@click.confirmation_option(prompt="Delete every comment sent with this email?")
def comments_forget(email: str) -> None:
    """Delete every comment sent with EMAIL, with its decisions and what the filter learned."""

    found = services()
    forgotten = forget_author(
        db.session, found.spam_models, email, current_app.config["TERTULIA_SPAM_THRESHOLD"]
    )
    db.session.commit()
    click.echo(f"{forgotten.comments} comment(s) deleted")
    if forgotten.labels:
        click.echo(
            f"{forgotten.labels} spam label(s) forgotten; "
            f"{forgotten.versions} learned spam model version(s) dropped and learned again"
        )


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed the demo articles, comments and moderator (safe to run twice)."""

    for line in seed(db.session, services().pipeline):
        click.echo(line)


def register(app: Flask) -> None:
    """Add every command group to `app`."""
    from moderation.cli.spam import spam_cli
    from moderation.language.cli import language_cli

    for command in (
        db_cli,
        articles_cli,
        moderators_cli,
        comments_cli,
        demo_command,
        spam_cli,
        language_cli,
    ):
        app.cli.add_command(command)
