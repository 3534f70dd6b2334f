"""Admin pages: thin views over `moderation.management`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from models import Article, Moderator, ModeratorRole, utcnow
from moderation import audit, management, messages, signins
from moderation.auth.session import admin_required, signed_in_moderator
from moderation.config import site_languages
from moderation.extensions import db
from moderation.messages import field_messages
from moderation.pipeline import ValidationFailed
from moderation.services import services

bp = Blueprint("admin", __name__)


def _articles_page(form: dict[str, str], errors: dict[str, str], status: int) -> tuple[str, int]:
    articles = db.session.scalars(select(Article).order_by(Article.created_at.desc())).all()
    page = render_template(
        "admin/articles.html",
        articles=articles,
        counts=management.article_counts(db.session),
        languages=site_languages(),
        embed_script=url_for("static", filename="embed.js", _external=True),
        form=form,
        errors=errors,
    )
    return page, status


@bp.get("/articles")
@admin_required
def articles() -> tuple[str, int]:
    """The articles open for comments, and a form to open another."""
    return _articles_page({}, {}, 200)


@bp.post("/articles")
@admin_required
def add_article() -> BaseResponse | tuple[str, int]:
    """Open an article for comments."""
    names = ("slug", "title", "url", "language", "description")
    typed = {name: request.form.get(name, "") for name in names}
    try:
        article = management.add_article(
            db.session,
            site_languages(),
            typed["slug"],
            typed["title"],
            typed["url"] or None,
            typed["language"] or None,
            typed["description"] or None,
        )
    except ValidationFailed as failed:
        return _articles_page(typed, field_messages(failed), 422)
    audit.record(db.session, signed_in_moderator().email, "article.add", article.slug)
    db.session.commit()
    flash(_("The article %(slug)s is open for comments.", slug=article.slug), "success")
    return redirect(url_for("admin.articles"))


def _moderators_page(form: dict[str, str], errors: dict[str, str], status: int) -> tuple[str, int]:
    moderators = db.session.scalars(select(Moderator).order_by(Moderator.email)).all()
    page = render_template(
        "admin/moderators.html",
        moderators=moderators,
        sessions=signins.live_sessions(db.session, services().session_rules, utcnow()),
        roles=[role.value for role in ModeratorRole],
        languages=site_languages(),
        form=form,
        errors=errors,
    )
    return page, status


@bp.get("/moderators")
@admin_required
def moderators() -> tuple[str, int]:
    """The moderator accounts, and a form to add one."""
    return _moderators_page({}, {}, 200)


@bp.post("/moderators")
@admin_required
def add_moderator() -> BaseResponse | tuple[str, int]:
    """Create a moderator account."""
    typed = {name: request.form.get(name, "") for name in ("email", "role", "languages")}
    typed["languages"] = ",".join(request.form.getlist("languages"))
    try:
        moderator = management.add_moderator(
            db.session,
            site_languages(),
            typed["email"],
            request.form.get("password", ""),
            typed["role"],
            typed["languages"],
        )
    except ValidationFailed as failed:
        return _moderators_page(typed, field_messages(failed), 422)
    audit.record(
        db.session,
        signed_in_moderator().email,
        "moderator.add",
        moderator.email,
        {"role": moderator.role.value, "languages": moderator.languages},
    )
    db.session.commit()
    flash(_("Moderator %(email)s added.", email=moderator.email), "success")
    return redirect(url_for("admin.moderators"))


def _moderator_or_404(moderator_id: int) -> Moderator:
    moderator = db.session.get(Moderator, moderator_id)
    if moderator is None:
        abort(404)
    return moderator


@bp.post("/moderators/<id:moderator_id>")
@admin_required
def update_moderator(moderator_id: int) -> BaseResponse:
    """Change a moderator's role, languages or password."""
    moderator = _moderator_or_404(moderator_id)
    try:
        management.update_moderator(
            db.session,
            site_languages(),
            moderator,
            request.form.get("role", ""),
            ",".join(request.form.getlist("languages")),
        )
        if password := request.form.get("password", ""):
            management.set_password(db.session, moderator, password)
    except ValidationFailed as failed:
        db.session.rollback()
        problems = " ".join(field_messages(failed).values())
        flash(f"{moderator.email}: {problems}", "error")
    else:
        audit.record(
            db.session,
            signed_in_moderator().email,
            "moderator.update",
            moderator.email,
            {
                "role": moderator.role.value,
                "languages": moderator.languages,
                "password_changed": bool(password),
            },
        )
        db.session.commit()
        flash(_("%(email)s updated.", email=moderator.email), "success")
    return redirect(url_for("admin.moderators"))


@bp.post("/moderators/<id:moderator_id>/sign-out")
@admin_required
def sign_out_moderator(moderator_id: int) -> BaseResponse:
    """End every session of a moderator, on every server (a lost laptop, a shared computer)."""
    moderator = _moderator_or_404(moderator_id)
    signins.end_sessions(db.session, moderator.id)
    db.session.commit()
    flash(_(messages.SIGNED_OUT_EVERYWHERE, email=moderator.email), "success")
    return redirect(url_for("admin.moderators"))


@bp.post("/moderators/<id:moderator_id>/remove")
@admin_required
def remove_moderator(moderator_id: int) -> BaseResponse:
    """Delete a moderator account; their past decisions stay."""
    moderator = _moderator_or_404(moderator_id)
    try:
        management.remove_moderator(db.session, moderator, signed_in_moderator())
    except ValidationFailed as failed:
        flash(" ".join(field_messages(failed).values()), "error")
    else:
        audit.record(db.session, signed_in_moderator().email, "moderator.remove", moderator.email)
        db.session.commit()
        flash(_("%(email)s removed.", email=moderator.email), "success")
    return redirect(url_for("admin.moderators"))
