"""Who is signed in, and the guards that protect moderator pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as BaseResponse

from models import Moderator
from moderation.extensions import db
from moderation.management import password_problem
from moderation.pipeline import Problem

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


def sign_in(moderator: Moderator) -> None:
    """Start a fresh session for `moderator` (a new session defeats fixation)."""
    session.clear()
    session["moderator_id"] = moderator.id
    # Changing the password changes this, which signs out every other session.
    session["password_stamp"] = moderator.password_hash[-16:]
    session.permanent = True


def sign_out() -> None:
    """End the session."""
    session.clear()


def current_moderator() -> Moderator | None:
    """The signed-in moderator of this request, loaded once."""
    if "moderator" not in g:
        moderator = None
        if (moderator_id := session.get("moderator_id")) is not None:
            moderator = db.session.get(Moderator, moderator_id)
            if moderator is not None and moderator.password_hash[-16:] != session.get(
                "password_stamp"
            ):
                moderator = None
        g.moderator = moderator
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
