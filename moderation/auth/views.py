"""Login and logout views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from models import utcnow
from moderation.auth import bp
from moderation.auth.session import authenticate, current_moderator, sign_in, sign_out
from moderation.extensions import db, limiter
from moderation.security import safe_next


def _login_limit() -> str:
    from flask import current_app

    limit: str = current_app.config["TERTULIA_LOGIN_RATE_LIMIT"]
    return limit


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | BaseResponse | tuple[str, int]:
    """Show the login form; on a good password, go to `next` if it is on this site."""
    target = safe_next(request.values.get("next"), url_for("queue.index"))
    if request.method == "GET":
        if current_moderator() is not None:
            return redirect(target)
        return render_template("auth/login.html", next=target, email="", error=None)
    email = request.form.get("email", "")
    moderator = authenticate(email, request.form.get("password", ""))
    if moderator is None:
        error = "Wrong email or password."
        return render_template("auth/login.html", next=target, email=email, error=error), 401
    moderator.last_login_at = utcnow()
    db.session.commit()
    sign_in(moderator)
    return redirect(target)


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out (POST, so a link on another site cannot sign a moderator out)."""
    sign_out()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))
