"""One error handler that answers JSON to the API and HTML to people."""

from __future__ import annotations

import logging
from typing import NoReturn

from flask import Flask, Response, abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from moderation.extensions import db
from moderation.ratelimit import RateLimited

log = logging.getLogger(__name__)

# Where a rejected POST re-renders the commenter's form instead of an error page, so nothing
# typed is lost (an expired CSRF token, a rate limit).
_FORM_ENDPOINTS = {"public.post_comment"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException) -> tuple[Response | str, int, list[tuple[str, str]]]:
    """Render an HTTP error as JSON or HTML, keeping its headers (Retry-After, Allow)."""
    status = error.code or 500
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    if _wants_json():
        return jsonify(errors={"request": error.description or error.name}), status, headers
    if request.endpoint in _FORM_ENDPOINTS and request.view_args:
        return *_refill_comment_form(error, status), headers
    return render_template("errors/error.html", error=error, status=status), status, headers


def _refill_comment_form(error: HTTPException, status: int) -> tuple[str, int]:
    from moderation.articles import article_or_404
    from moderation.public.views import render_article, typed_fields

    typed = typed_fields()
    message = (
        "Your session expired before you sent this. Please send it again."
        if isinstance(error, CSRFError)
        else error.description or error.name
    )
    found = article_or_404(str((request.view_args or {})["slug"]))
    return render_article(found, typed, {"form": message}, status=status)


def handle_unexpected(error: Exception) -> tuple[Response | str, int, list[tuple[str, str]]]:
    """Log the failure, roll back whatever the request half-wrote, answer 500."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_error(InternalServerError())


def too_many(limited: RateLimited) -> NoReturn:
    """Answer 429 with a Retry-After; the error handler refills the form or answers JSON."""
    abort(
        429,
        description=f"You are commenting too fast ({limited}). Please wait and send it again.",
        retry_after=limited.retry_after,
    )


def register(app: Flask) -> None:
    """Install the handlers on `app`."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
