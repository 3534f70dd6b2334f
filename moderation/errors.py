"""Application-wide error handlers: JSON to the API, an error page to people.

Views let the errors several blueprints share reach these handlers (an unknown article, a rate
limit) and catch only validation failures. A blueprint that answers some errors its own way
registers its own handler, which Flask asks first (the public form keeps what was typed).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    UnprocessableEntity,
)

from moderation import messages
from moderation.extensions import (
    RETRY_AFTER,
    database_unreachable,
    db,
    driver_message,
    storage_read_only,
)
from moderation.inputs import RefusedInput
from moderation.pipeline import UnknownArticle
from moderation.ratelimit import RateLimited

log = logging.getLogger(__name__)

Answer = tuple[Response | str, int, list[tuple[str, str]]]


def as_http_error(error: Exception) -> HTTPException:
    """The HTTP error that answers `error`; an unexpected one is logged and its writes undone."""
    if isinstance(error, HTTPException):
        return error
    if isinstance(error, RateLimited):
        return TooManyRequests(
            f"You are commenting too fast ({error}). Please wait and send it again.",
            retry_after=error.retry_after,
        )
    if isinstance(error, UnknownArticle):
        return NotFound(f"There is no article '{error.slug}'.")
    if isinstance(error, RefusedInput):
        refused = UnprocessableEntity if error.status == 422 else BadRequest
        return refused(" ".join(f"{field}: {text}" for field, text in error.errors.items()))
    # Faults of the moment, not bugs: one clear log line, and 503 with Retry-After.
    if (unwritable := storage_read_only(error)) is not None:
        log.error(
            "%s %s not saved: %s cannot be written (read-only or full)",
            request.method,
            request.path,
            unwritable,
        )
        _roll_back()
        return ServiceUnavailable(gettext(messages.READ_ONLY), retry_after=RETRY_AFTER)
    if database_unreachable(error):
        cause = driver_message(error)
        log.error("%s %s failed: database unavailable: %s", request.method, request.path, cause)
        _roll_back()
        return ServiceUnavailable(gettext(messages.DATABASE_UNAVAILABLE), retry_after=RETRY_AFTER)
    log.exception("unhandled error on %s %s", request.method, request.path)
    _roll_back()
    return InternalServerError()


def _roll_back() -> None:
    """Undo the request's writes; with the database gone, there is nothing left to undo."""
    try:
        db.session.rollback()
    except Exception:
        log.debug("rollback failed", exc_info=True)


def status_and_headers(error: HTTPException) -> tuple[int, list[tuple[str, str]]]:
    """The status of an HTTP error and the headers it carries (Retry-After, Allow)."""
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return error.code or 500, headers


def answer(error: Exception) -> Answer:
    """Answer any error as JSON under /api/ and as an error page elsewhere."""
    http_error = as_http_error(error)
    status, headers = status_and_headers(http_error)
    if request.path.startswith("/api/"):
        message = http_error.description or http_error.name
        fields = error.errors if isinstance(error, RefusedInput) else {"request": message}
        return jsonify(errors=fields), status, headers
    # A page about the database failing must not ask it who is signed in.
    offline = status == ServiceUnavailable.code
    page = render_template("errors/error.html", error=http_error, status=status, offline=offline)
    return page, status, headers


def register(app: Flask) -> None:
    """Install the handlers: HTTP errors, the shared domain errors, anything unexpected (500)."""
    for error_class in (HTTPException, RateLimited, UnknownArticle, RefusedInput, Exception):
        app.register_error_handler(error_class, answer)
