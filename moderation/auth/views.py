"""Login and logout views."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.wrappers import Response as BaseResponse

from models import utcnow
from moderation.auth.session import (
    authenticate,
    current_moderator,
    login_required,
    password_errors,
    sign_in,
    sign_out,
    signed_in_moderator,
)
from moderation.extensions import db
from moderation.i18n import ENDONYMS, LOCALES, duration
from moderation.management import set_password
from moderation.messages import field_messages
from moderation.ratelimit import RateLimited
from moderation.security import safe_next
from moderation.services import services

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Show the login form; on a good password, go to `next` if it is on this site."""
    target = safe_next(request.values.get("next"), url_for("queue.index"))
    if request.method == "GET":
        if current_moderator() is not None:
            return redirect(target)
        return render_template("auth/login.html", next=target, email="", error=None)
    email = request.form.get("email", "")
    try:
        services().logins.hit(request.remote_addr or "unknown")
    except RateLimited as limited:
        error = _(
            "Too many sign-in attempts. Please wait %(wait)s and try again.",
            wait=duration(limited.retry_after),
        )
        page = render_template("auth/login.html", next=target, email=email, error=error)
        return page, 429, {"Retry-After": str(limited.retry_after)}
    moderator = authenticate(email, request.form.get("password", ""))
    if moderator is None:
        error = _("Wrong email or password.")
        return render_template("auth/login.html", next=target, email=email, error=error), 401
    moderator.last_login_at = utcnow()
    db.session.commit()
    sign_in(moderator)
    return redirect(target)


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out (POST, so a link on another site cannot sign a moderator out)."""
    sign_out()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | BaseResponse | tuple[str, int]:
    """Let a signed-in moderator change their password; other sessions are signed out."""
    if request.method == "GET":
        return render_template("auth/password.html", errors={})
    moderator = signed_in_moderator()
    errors = password_errors(
        moderator,
        request.form.get("current", ""),
        request.form.get("new", ""),
        request.form.get("confirm", ""),
    )
    if errors:
        return render_template("auth/password.html", errors=field_messages(errors)), 422
    set_password(moderator, request.form["new"])
    db.session.commit()
    sign_in(moderator)  # this session stays signed in; the others no longer match the hash
    flash(_("Your password is changed."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | BaseResponse:
    """A moderator's own settings: the interface language (and a link to change the password)."""
    moderator = signed_in_moderator()
    if request.method == "POST":
        chosen = request.form.get("locale", "")
        moderator.locale = chosen if chosen in LOCALES else None  # None: as the browser says
        db.session.commit()
        refresh()  # this very message speaks the new language
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        moderator=moderator,
        locales=ENDONYMS,
        browser=request.accept_languages.best_match(LOCALES),
    )
