"""Command line: `flask --app wsgi db|articles|moderators|demo|spam|language ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import Article, Comment, CommentStatus, Moderator, ModeratorRole
from moderation import migrations
from moderation.auth.session import MIN_PASSWORD_LENGTH
from moderation.config import parse_languages
from moderation.demo import seed
from moderation.extensions import db
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


def _language(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().lower()
    if code not in current_app.config["TERTULIA_LANGUAGES"]:
        raise click.BadParameter(
            f"'{code}' is not one of this site's languages "
            f"({', '.join(current_app.config['TERTULIA_LANGUAGES'])})"
        )
    return code


@articles_cli.command("add")
@click.argument("slug")
@click.option("--title", required=True, help="The article's title.")
@click.option("--url", default=None, help="Where the article lives on the site.")
@click.option("--language", default=None, help="The article's language code, e.g. es.")
def articles_add(slug: str, title: str, url: str | None, language: str | None) -> None:
    """Open the article SLUG for comments."""
    if db.session.scalar(select(Article).where(Article.slug == slug)) is not None:
        raise click.ClickException(f"an article '{slug}' already exists")
    db.session.add(Article(slug=slug, title=title, url=url, language=_language(language)))
    db.session.commit()
    click.echo(f"article '{slug}' added")


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
    email = email.strip().lower()
    if db.session.scalar(select(Moderator).where(Moderator.email == email)) is not None:
        raise click.ClickException(f"a moderator '{email}' already exists")
    password = _new_password(password)
    codes = parse_languages(languages)
    for code in codes:
        _language(code)
    db.session.add(
        Moderator(
            email=email,
            password_hash=generate_password_hash(password),
            role=ModeratorRole(role),
            languages=",".join(codes),
        )
    )
    db.session.commit()
    click.echo(f"moderator '{email}' added ({role})")


@moderators_cli.command("password")
@click.argument("email")
@click.option("--password", default=None, help="Prompted for (hidden) when not given.")
def moderators_password(email: str, password: str | None) -> None:
    """Set a new password for the moderator EMAIL (signs out their sessions)."""
    moderator = db.session.scalar(select(Moderator).where(Moderator.email == email.strip().lower()))
    if moderator is None:
        raise click.ClickException(f"no moderator '{email}'")
    moderator.password_hash = generate_password_hash(_new_password(password))
    db.session.commit()
    click.echo(f"password of '{moderator.email}' changed")


def _new_password(given: str | None) -> str:
    password: str = given or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    return password


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

    deleted = forget_author(db.session, email)
    db.session.commit()
    click.echo(f"{deleted} comment(s) deleted")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed the demo articles, comments and moderator (safe to run twice)."""

    for line in seed(db.session, services().pipeline):
        click.echo(line)


def register(app: Flask) -> None:
    """Add every command group to `app`."""
    from moderation.language.cli import language_cli
    from moderation.spam.cli import spam_cli

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
