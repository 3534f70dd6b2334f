"""Who is signed in, and the guards that protect moderator pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as BaseResponse

from models import Moderator, utcnow
from moderation import messages, signins
from moderation.extensions import db
from moderation.management import password_problem
from moderation.pipeline import Problem
from moderation.services import services

P = ParamSpec("P")
R = TypeVar("R")

# A valid hash of a random password: checking it costs the same as checking a real one, so the
# response time does not reveal whether an email belongs to a moderator.
_DUMMY_HASH = generate_password_hash("no such moderator, constant-time placeholder")


def authenticate(email: str, password: str) -> Moderator | None:
    """The moderator with these credentials, or None."""
    moderator = db.session.scalar(
        select(Moderator).where(func.lower(Moderator.email) == email.strip().lower())
    )
    if moderator is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return moderator if check_password_hash(moderator.password_hash, password) else None


def password_errors(
    moderator: Moderator, current: str, new: str, confirm: str
) -> dict[str, Problem]:
    """One problem per field that stops `moderator` changing their password (none: go ahead)."""
    errors: dict[str, Problem] = {}
    if not check_password_hash(moderator.password_hash, current):
        errors["current"] = Problem("wrong")
    if problem := password_problem(new):
        errors["new"] = problem
    elif new != confirm:
        errors["confirm"] = Problem("mismatch")
    return errors


# Where Flask's signed cookie keeps the session's token; the database keeps its digest.
TOKEN = "session_token"


def sign_in(moderator: Moderator) -> None:
    """Start a fresh session for `moderator` (a new session defeats fixation)."""
    session.clear()
    token = signins.open_session(db.session, moderator, services().session_rules, utcnow())
    db.session.commit()
    session[TOKEN] = token
    session.permanent = True
    g.moderator = moderator


def sign_out() -> None:
    """End this browser's session, on every server."""
    if token := session.get(TOKEN):
        signins.end_session(db.session, token)
        db.session.commit()
    session.clear()
    g.moderator = None


def load_moderator() -> None:
    """Find who is signed in, once, at the start of the request (`before_request`).

    Early, because finding out may write (the session's last use, or its end) and commit, which
    must not happen halfway through a view's own changes.
    """
    g.moderator = None
    token = session.get(TOKEN)
    if token is None or request.endpoint == "static":
        return
    g.moderator = signins.signed_in(db.session, token, services().session_rules, utcnow())
    if db.session.dirty or db.session.deleted:  # most requests find the session as it was
        db.session.commit()
    if g.moderator is None:
        # Ended elsewhere (signed out, new password or role, removed) or timed out.
        session.pop(TOKEN)
        g.session_ended = True


def current_moderator() -> Moderator | None:
    """The signed-in moderator of this request."""
    if "moderator" not in g:
        load_moderator()  # a request refused before `before_request` reached it
    signed_in: Moderator | None = g.moderator
    return signed_in


def signed_in_moderator() -> Moderator:
    """The signed-in moderator, for views behind `login_required` (401 if there is none)."""
    moderator = current_moderator()
    if moderator is None:
        abort(401)
    return moderator


def login_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """Send anonymous visitors to the login page, coming back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        if current_moderator() is None:
            if g.get("session_ended"):
                flash(gettext(messages.SIGNED_OUT_EXPIRED))
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def admin_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """Only admins; others get 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        moderator = current_moderator()
        if moderator is None or not moderator.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def moderator_locale() -> str | None:
    """The language the signed-in moderator chose on /account, if any."""
    moderator = current_moderator()
    return moderator.locale if moderator is not None else None
