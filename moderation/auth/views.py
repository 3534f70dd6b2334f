"""Login and logout views."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.wrappers import Response as BaseResponse

from models import NotifyMode, utcnow
from moderation import messages
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
from moderation.i18n import ENDONYMS, LOCALES
from moderation.management import set_password
from moderation.messages import field_messages
from moderation.pipeline import hash_client_ip
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
    shared = services()
    client = hash_client_ip(shared.ip_key, request.remote_addr) or "no address"
    try:
        shared.sign_ins.hit(db.session, client, utcnow())
    except RateLimited as limited:
        error = _(messages.TOO_MANY_SIGN_INS, limit=str(limited.limit))
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
    flash(_(messages.SIGNED_OUT), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Let a signed-in moderator change their password; other sessions are signed out."""
    if request.method == "GET":
        return render_template("auth/password.html", errors={})
    moderator = signed_in_moderator()
    try:
        services().password_tries.hit(db.session, f"moderator:{moderator.id}", utcnow())
    except RateLimited as limited:
        errors = {"current": _(messages.TOO_MANY_PASSWORD_TRIES, limit=str(limited.limit))}
        page = render_template("auth/password.html", errors=errors)
        return page, 429, {"Retry-After": str(limited.retry_after)}
    errors = password_errors(
        moderator,
        request.form.get("current", ""),
        request.form.get("new", ""),
        request.form.get("confirm", ""),
    )
    if errors:
        return render_template("auth/password.html", errors=field_messages(errors)), 422
    set_password(db.session, moderator, request.form["new"])  # ends every session ...
    db.session.commit()
    sign_in(moderator)  # ... and this browser starts a new one
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


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def notifications() -> str | BaseResponse | tuple[str, int]:
    """Let a moderator choose mails about pending comments in their languages."""
    moderator = signed_in_moderator()
    if request.method == "GET":
        return render_template("auth/notifications.html", moderator=moderator, error=None)
    try:
        chosen = NotifyMode(request.form.get("notify", ""))
    except ValueError:
        error = _("Choose when to hear about pending comments.")
        page = render_template("auth/notifications.html", moderator=moderator, error=error)
        return page, 422
    if chosen is not moderator.notify:
        moderator.notify = chosen
        # A new digest covers the comments from now on, not the whole backlog.
        moderator.digest_until = utcnow() if chosen is NotifyMode.DAILY else None
    db.session.commit()
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("auth.notifications"))
