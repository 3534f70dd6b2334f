"""Site management shared by the command line and the admin pages: articles and moderators."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import (
    DESCRIPTION_LENGTH,
    EMAIL_LENGTH,
    SLUG_LENGTH,
    TITLE_LENGTH,
    URL_LENGTH,
    Article,
    Comment,
    CommentStatus,
    Moderator,
    ModeratorRole,
)
from moderation import signins
from moderation.config import parse_languages
from moderation.pipeline import Problem, ValidationFailed
from moderation.pipeline.decisions import bump_thread
from moderation.pipeline.submission import looks_like_email

MIN_PASSWORD_LENGTH = 8
_SLUG = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{SLUG_LENGTH - 1}}}$")


def valid_slug(slug: str) -> bool:
    """Whether `slug` could name an article (a URL that cannot is not looked up at all)."""
    return _SLUG.fullmatch(slug) is not None


def _language(code: str, site_languages: Sequence[str]) -> Problem | None:
    """The problem with a language the site does not moderate, or None when it is fine."""
    if code in site_languages:
        return None
    return Problem("not_site_language", {"language": code, "languages": ", ".join(site_languages)})


def password_problem(password: str) -> Problem | None:
    """Why `password` is too weak to use, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return Problem("too_short", {"minimum": MIN_PASSWORD_LENGTH})
    return None


def _article_details(
    site_languages: Sequence[str],
    title: str,
    url: str | None,
    language: str | None,
    description: str | None,
) -> tuple[tuple[str, str | None, str | None, str | None], dict[str, Problem]]:
    """Cleaned (title, url, language, description) and one problem per bad field."""
    errors: dict[str, Problem] = {}
    title = title.strip()
    summary = " ".join((description or "").split()) or None
    if summary and len(summary) > DESCRIPTION_LENGTH:
        errors["description"] = Problem(
            "too_long", {"limit": DESCRIPTION_LENGTH, "length": len(summary)}
        )
    code = (language or "").strip().lower() or None
    if not title:
        errors["title"] = Problem("required")
    elif len(title) > TITLE_LENGTH:
        errors["title"] = Problem("too_long", {"limit": TITLE_LENGTH, "length": len(title)})
    if url and not url.startswith(("https://", "http://")):
        errors["url"] = Problem("invalid")
    elif url and len(url) > URL_LENGTH:
        errors["url"] = Problem("too_long", {"limit": URL_LENGTH, "length": len(url)})
    if code and (problem := _language(code, site_languages)):
        errors["language"] = problem
    return (title, url or None, code, summary), errors


def add_article(
    session: Session,
    site_languages: Sequence[str],
    slug: str,
    title: str,
    url: str | None = None,
    language: str | None = None,
    description: str | None = None,
) -> Article:
    """Open an article for comments; `ValidationFailed` names each bad field. Caller commits."""
    slug = slug.strip()
    (title, url, code, summary), errors = _article_details(
        site_languages, title, url, language, description
    )
    if not valid_slug(slug):
        errors["slug"] = Problem("invalid")
    elif session.scalar(select(Article.id).where(Article.slug == slug)) is not None:
        errors["slug"] = Problem("taken", {"slug": slug})
    if errors:
        raise ValidationFailed(errors)
    article = Article(slug=slug, title=title, url=url, language=code, description=summary)
    session.add(article)
    return article


def update_article(
    session: Session,
    site_languages: Sequence[str],
    article: Article,
    title: str,
    url: str | None = None,
    language: str | None = None,
    description: str | None = None,
) -> bool:
    """Change an article's title, address, language and description; whether anything changed."""
    new, errors = _article_details(site_languages, title, url, language, description)
    if errors:
        raise ValidationFailed(errors)
    if new == (article.title, article.url, article.language, article.description):
        return False
    article.title, article.url, article.language, article.description = new
    # The cached article page shows the title: a new version renders it again.
    bump_thread(session, article.id)
    return True


def put_article(
    session: Session,
    site_languages: Sequence[str],
    slug: str,
    title: str,
    url: str | None = None,
    language: str | None = None,
    description: str | None = None,
) -> tuple[Article, bool]:
    """Open the article `slug`, or update it if it exists; returns it and whether it is new."""
    slug = slug.strip()
    article = (
        session.scalar(select(Article).where(Article.slug == slug)) if valid_slug(slug) else None
    )
    if article is None:
        return add_article(session, site_languages, slug, title, url, language, description), True
    update_article(session, site_languages, article, title, url, language, description)
    return article, False


def add_moderator(
    session: Session,
    site_languages: Sequence[str],
    email: str,
    password: str,
    role: str = ModeratorRole.MODERATOR.value,
    languages: str = "",
) -> Moderator:
    """Create a moderator account; `ValidationFailed` names each bad field. Caller commits."""
    email = email.strip().lower()
    errors: dict[str, Problem] = {}
    if len(email) > EMAIL_LENGTH:
        errors["email"] = Problem("too_long", {"limit": EMAIL_LENGTH, "length": len(email)})
    elif not looks_like_email(email):
        errors["email"] = Problem("invalid")
    elif session.scalar(select(Moderator.id).where(Moderator.email == email)) is not None:
        errors["email"] = Problem("taken", {"email": email})
    if problem := password_problem(password):
        errors["password"] = problem
    errors.update(_role_and_languages(site_languages, role, languages))
    if errors:
        raise ValidationFailed(errors)
    moderator = Moderator(
        email=email,
        password_hash=generate_password_hash(password),
        role=ModeratorRole(role),
        languages=",".join(parse_languages(languages)),
    )
    session.add(moderator)
    return moderator


def update_moderator(
    session: Session,
    site_languages: Sequence[str],
    moderator: Moderator,
    role: str,
    languages: str,
) -> None:
    """Change a moderator's role and languages, keeping at least one admin. Caller commits."""
    errors = _role_and_languages(site_languages, role, languages)
    if (
        not errors
        and moderator.is_admin
        and role != ModeratorRole.ADMIN.value
        and _admins(session) == 1
    ):
        errors["role"] = Problem("last_admin")
    if errors:
        raise ValidationFailed(errors)
    if moderator.role is not ModeratorRole(role):
        # A session was signed in with the old powers: it ends, on every server.
        signins.end_sessions(session, moderator.id)
    moderator.role = ModeratorRole(role)
    moderator.languages = ",".join(parse_languages(languages))


def remove_moderator(session: Session, moderator: Moderator, acting: Moderator) -> None:
    """Delete an account (their decisions stay, unattributed). Caller commits."""
    if moderator.id == acting.id:
        raise ValidationFailed({"moderator": Problem("own_account")})
    signins.end_sessions(session, moderator.id)
    session.delete(moderator)


def set_password(session: Session, moderator: Moderator, password: str) -> None:
    """Set a new password and end every session of the account. Caller commits."""
    if problem := password_problem(password):
        raise ValidationFailed({"password": problem})
    moderator.password_hash = generate_password_hash(password)
    signins.end_sessions(session, moderator.id)


def article_counts(session: Session) -> dict[int, dict[str, int]]:
    """Per article id, how many comments it has in each status."""
    rows = session.execute(
        select(Comment.article_id, Comment.status, func.count(Comment.id)).group_by(
            Comment.article_id, Comment.status
        )
    )
    counts: dict[int, dict[str, int]] = {}
    for article_id, status, count in rows:
        counts.setdefault(article_id, {s.value: 0 for s in CommentStatus})[status.value] = count
    return counts


def _role_and_languages(
    site_languages: Sequence[str], role: str, languages: str
) -> dict[str, Problem]:
    errors: dict[str, Problem] = {}
    if role not in {member.value for member in ModeratorRole}:
        errors["role"] = Problem("invalid")
    for code in parse_languages(languages):
        if problem := _language(code, site_languages):
            errors["languages"] = problem
    return errors


def _admins(session: Session) -> int:
    return (
        session.scalar(
            select(func.count(Moderator.id)).where(Moderator.role == ModeratorRole.ADMIN)
        )
        or 0
    )
