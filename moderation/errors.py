"""Application-wide error handlers: JSON to the API, an error page to people.

Views let the errors several blueprints share reach these handlers (an unknown article, a rate
limit) and catch only validation failures. A blueprint that answers some errors its own way
registers its own handler, which Flask asks first (the public form keeps what was typed).

Every error has a stable code (`not_found`, `rate_limited`) for machines, and a title and a
message in the reader's language for people.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, Response, jsonify, render_template, request
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
from moderation.i18n import N_, duration, translate
from moderation.inputs import RefusedInput
from moderation.messages import field_messages
from moderation.pipeline import UnknownArticle
from moderation.ratelimit import RateLimited

log = logging.getLogger(__name__)

Answer = tuple[Response | str, int, list[tuple[str, str]]]

# HTTP status -> (code, title, message). A status missing here is worded as its neighbour
# family (4xx as 400, 5xx as 500).
STATUSES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", N_("Bad request"), N_("The request could not be understood.")),
    401: ("unauthorized", N_("Please sign in"), N_("This page is for signed-in moderators.")),
    403: ("forbidden", N_("Not allowed"), N_("Your account may not open this page.")),
    404: ("not_found", N_("Page not found"), N_("There is nothing at this address.")),
    405: (
        "method_not_allowed",
        N_("Not allowed"),
        N_("This address does not take this kind of request."),
    ),
    413: ("too_large", N_("Too large"), N_("What you sent is larger than this site accepts.")),
    415: ("unsupported_media_type", N_("Bad request"), N_("This content type is not accepted.")),
    429: ("rate_limited", N_("Too many requests"), N_("Please wait a little and try again.")),
    500: (
        "internal_error",
        N_("Something went wrong"),
        N_("Something failed on our side and nothing was saved. Please try again later."),
    ),
    503: (
        "unavailable",
        N_("Temporarily unavailable"),
        N_("The service is busy or under maintenance. Please try again in a moment."),
    ),
}
UNKNOWN_ARTICLE = N_("There is no article “{slug}”.")
TOO_FAST = N_("You are commenting too fast. Please wait {wait} and send it again.")
SESSION_EXPIRED = N_("Your session expired before you sent this. Please send it again.")


@dataclass(frozen=True, slots=True)
class Failure:
    """An error as people and machines are told about it."""

    status: int
    code: str
    title: str
    message: str
    headers: list[tuple[str, str]]


def as_http_error(error: Exception) -> HTTPException:
    """The HTTP error that answers `error`; an unexpected one is logged and its writes undone."""
    if isinstance(error, HTTPException):
        return error
    if isinstance(error, RateLimited):
        return TooManyRequests(str(error), retry_after=error.retry_after)
    if isinstance(error, UnknownArticle):
        return NotFound(error.slug)
    if isinstance(error, RefusedInput):
        return UnprocessableEntity() if error.status == 422 else BadRequest()
    # Faults of the moment, not bugs: one clear log line, and 503 with Retry-After.
    if (unwritable := storage_read_only(error)) is not None:
        log.error(
            "%s %s not saved: %s cannot be written (read-only or full)",
            request.method,
            request.path,
            unwritable,
        )
        _roll_back()
        return ServiceUnavailable(messages.READ_ONLY, retry_after=RETRY_AFTER)
    if database_unreachable(error):
        cause = driver_message(error)
        log.error("%s %s failed: database unavailable: %s", request.method, request.path, cause)
        _roll_back()
        return ServiceUnavailable(messages.DATABASE_UNAVAILABLE, retry_after=RETRY_AFTER)
    log.exception("unhandled error on %s %s", request.method, request.path)
    _roll_back()
    return InternalServerError()


def _roll_back() -> None:
    """Undo the request's writes; with the database gone, there is nothing left to undo."""
    try:
        db.session.rollback()
    except Exception:
        log.debug("rollback failed", exc_info=True)


def unavailable(error: Exception) -> bool:
    """Whether `error` is a fault of the moment: the database unreachable or unwritable."""
    return storage_read_only(error) is not None or database_unreachable(error)


# What a 503 of ours says (English msgids, translated when told).
FAULTS = frozenset({messages.READ_ONLY, messages.DATABASE_UNAVAILABLE})


def failure(error: Exception) -> Failure:
    """What to tell about `error`, in the current language (unexpected errors are logged)."""
    http_error = as_http_error(error)
    status = http_error.code or 500
    headers = [(name, value) for name, value in http_error.get_headers() if name != "Content-Type"]
    code, title, message = STATUSES.get(status) or STATUSES[500 if status >= 500 else 400]
    text = translate(message)
    if isinstance(error, UnknownArticle):
        text = translate(UNKNOWN_ARTICLE, {"slug": error.slug})
    elif isinstance(error, RateLimited):
        text = translate(TOO_FAST, {"wait": duration(error.retry_after)})
    elif isinstance(error, RefusedInput):
        text = " ".join(f"{field}: {message}" for field, message in field_messages(error).items())
    elif http_error.description in FAULTS:
        text = translate(http_error.description)
    return Failure(status, code, translate(title), text, headers)


def answer(error: Exception) -> Answer:
    """Answer any error as JSON under /api/ and as an error page elsewhere."""
    told = failure(error)
    if request.path.startswith("/api/"):
        if isinstance(error, RefusedInput):
            body = jsonify(errors=field_messages(error), codes=error.codes)
        else:
            body = jsonify(errors={"request": told.message}, codes={"request": told.code})
        return body, told.status, told.headers
    # A page about the database failing must not ask it who is signed in.
    offline = told.status == ServiceUnavailable.code
    page = render_template("errors/error.html", failure=told, offline=offline)
    return page, told.status, told.headers


def session_expired() -> str:
    """The message for a form sent with an expired or missing CSRF token."""
    return translate(SESSION_EXPIRED)


def register(app: Flask) -> None:
    """Install the handlers: HTTP errors, the shared domain errors, anything unexpected (500)."""
    for error_class in (HTTPException, RateLimited, UnknownArticle, RefusedInput, Exception):
        app.register_error_handler(error_class, answer)
