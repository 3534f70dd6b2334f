"""What a request may carry before any view reads it: ids in URLs, text fields, JSON bodies.

Each rule is defined in a Flask-free module (`pipeline.submission.storable`, `parse_id`); this
module applies them to every request, so that no view, query or template ever sees a NUL
character, half a surrogate pair, a JSON body nested a thousand deep or a 5,000-digit id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter, ValidationError

from moderation.pipeline.submission import MAX_ID, Problem, ValidationFailed, parse_id, storable

# Deeper than any body this API takes (an object of strings): enough for clients that wrap it.
MAX_JSON_DEPTH = 16
# A JSON body nested deeper than that (`moderation/messages.py` words it).
TOO_DEEP = Problem("too_deep", {"depth": MAX_JSON_DEPTH})


class RefusedInput(ValidationFailed):
    """The request carries what no view may read; `errors` names each field, `status` is the
    HTTP status to answer with (422 for a field of a form or JSON body, 400 otherwise)."""

    def __init__(self, problems: dict[str, Problem], status: int) -> None:
        super().__init__(problems)
        self.status = status


class IdConverter(BaseConverter):
    """`<id:comment_id>`: a row id of ASCII digits that every database's integer holds.

    Werkzeug's `int` converter matches any Unicode digit and any length, so `/queue/comments/²`
    and a 5,000-digit id reached the view (or the database) and failed there.
    """

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        """The id, or no match (404) when it is out of range."""
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        """The id as written in a URL."""
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(f"not a row id: {value!r}")
        return str(number)


def _field_errors(fields: MultiDict[str, str]) -> dict[str, Problem]:
    errors: dict[str, Problem] = {}
    for name, value in fields.items(multi=True):
        if not storable(name):
            errors["request"] = Problem("not_storable")
        elif not storable(value):
            errors[name] = Problem("not_storable")
    return errors


def json_body() -> Any:
    """The request's JSON value, or None when it is not valid JSON.

    Raises `RefusedInput` (400) when it nests deeper than `MAX_JSON_DEPTH`, and (422) when a
    string in it holds a character no text may hold, naming the top-level field it is in.
    """
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        # The parser gives up on thousands of levels before it returns anything.
        raise RefusedInput({"json": TOO_DEEP}, 400) from None
    errors: dict[str, Problem] = {}
    # Iterative, so that the walk itself has no depth to exhaust.
    stack: list[tuple[Any, int, str]] = [(payload, 0, "json")]
    while stack:
        value, depth, field = stack.pop()
        if isinstance(value, str):
            if not storable(value):
                errors[field] = Problem("not_storable")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            raise RefusedInput({"json": TOO_DEEP}, 400)
        items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
        for key, item in items:
            if key is not None and not storable(key):
                errors["json"] = Problem("not_storable")
                continue
            # A field is named by its top-level key; anything deeper belongs to it.
            named = str(key) if depth == 0 and isinstance(value, dict) else field
            stack.append((item, depth + 1, named))
    if errors:
        raise RefusedInput(errors, 422)
    return payload


def read_streamed_body() -> None:
    """Read a body sent without a length (chunked) whole, or refuse it (413) when too large.

    Werkzeug stops reading such a body at `MAX_CONTENT_LENGTH` without a word: the form or the
    JSON a view then reads would be cut short, and answered as invalid (400, 422).
    """
    if request.method not in ("POST", "PUT", "PATCH") or request.content_length is not None:
        return
    if "wsgi.input_terminated" not in request.environ:
        return  # the server does not stream bodies: Werkzeug reads none
    limit = request.max_content_length
    # Kept: the form and JSON parsers read it from here.
    if limit is not None and len(request.get_data(cache=True)) >= limit:
        raise RequestEntityTooLarge()


# Views that raise the request size limit for themselves (an upload) and check their form
# with `check_form` once they have: reading it here would refuse it at the site's limit.
_OWN_LIMIT: set[str] = set()
V = TypeVar("V", bound=Callable[..., Any])


def sets_own_limit(view: V) -> V:
    """Mark `view` as one that raises the size limit and calls `check_form` itself."""
    _OWN_LIMIT.add(f"{view.__module__}.{view.__name__}")
    return view


def check_form() -> None:
    """Refuse (422) a form whose fields hold what no text may hold, naming each field."""
    form_types = ("application/x-www-form-urlencoded", "multipart/form-data")
    if request.mimetype in form_types and (errors := _field_errors(request.form)):
        raise RefusedInput(errors, 422)


def check_request() -> None:
    """Refuse a request whose query or form fields hold what no text may hold.

    The API reads no free-text query parameter, and its JSON bodies are checked where they
    are read (`json_body`), so only pages' query strings are looked at.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    own_limit = view is not None and f"{view.__module__}.{view.__name__}" in _OWN_LIMIT
    if request.method in ("POST", "PUT", "PATCH") and not own_limit:
        check_form()
    if not request.path.startswith("/api/") and (errors := _field_errors(request.args)):
        raise RefusedInput(errors, 400)


def register(app: Flask) -> None:
    """Install the id converter and the request checks."""
    app.url_map.converters["id"] = IdConverter
    app.before_request(read_streamed_body)
    app.before_request(check_request)
