"""What a commenter sends, validated field by field into a `Submission`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from models import (
    BODY_LENGTH,
    DESCRIPTION_LENGTH,
    EMAIL_LENGTH,
    FIELD_LIMITS,
    NAME_LENGTH,
    USER_AGENT_LENGTH,
)
from moderation import messages

# Deliberately loose: a real address has one @, no spaces, and a dot in the domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# What no column can hold: PostgreSQL refuses NUL (SQLite would keep it, silently), and half a
# surrogate pair cannot be written as UTF-8 at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A row id as people and forms write it: ASCII digits only ("²".isdigit() is true, and int()
# refuses it), few enough that int() is cheap, and small enough for every database's integer.
_ID = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1

FIELDS = (
    "name",
    "email",
    "body",
    "parent_id",
    "page_language",
    "page_description",
    "notify_published",
    "notify_replies",
)
# The two tick boxes: tell me when my comment is published, tell me about replies.
NOTIFY_FIELDS = ("notify_published", "notify_replies")
_TRUE = frozenset({"on", "1", "true", "yes"})
_FALSE = frozenset({"", "0", "false", "off", "no"})
# What the form and the embed tell the commenter about lengths (`maxlength`).
COMMENT_LIMITS = {name: FIELD_LIMITS[name] for name in ("name", "email", "body")}


def storable(text: str) -> bool:
    """Whether every character of `text` can be stored (no NUL, no lone surrogate)."""
    return _UNSTORABLE.search(text) is None


def unstorable_shown(text: str) -> str:
    """`text` with each character that cannot be stored replaced by U+FFFD, to show it back."""
    return _UNSTORABLE.sub("\ufffd", text)


def parse_id(value: object) -> int | None:
    """The row id `value` stands for (an int, or ASCII digits), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if _ID.fullmatch(text) else None
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


def looks_like_email(address: str) -> bool:
    """Whether `address` could be an email address (for commenters and moderators alike)."""
    return _EMAIL.match(address) is not None


class ValidationFailed(Exception):
    """The submission cannot be accepted; `errors` maps each bad field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Submission:
    """A validated comment, plus what the request tells about its client."""

    name: str
    email: str
    body: str
    parent_id: int | None = None
    page_language: str | None = None
    # The embedding page's meta description: what the comment should be on topic with.
    page_description: str | None = None
    client_ip: str | None = None
    user_agent: str | None = None
    # The author's opt-ins to email notifications about this comment.
    notify_published: bool = False
    notify_replies: bool = False


def _required_text(
    raw: Mapping[str, object],
    field: str,
    label: str,
    missing: str,
    limit: int,
    errors: dict[str, str],
) -> str:
    """The trimmed text of a required field; records a message in `errors` when it is bad."""
    value = raw.get(field)
    if value is not None and not isinstance(value, str):
        errors[field] = f"{label} must be text."
        return ""
    text = (value or "").strip()
    if not storable(text):
        errors[field] = messages.UNSTORABLE_FIELD
    elif not text:
        errors[field] = missing
    elif len(text) > limit:
        errors[field] = f"{label} must be at most {limit} characters (it has {len(text)})."
    return text


def validate(
    raw: Mapping[str, object], *, client_ip: str | None = None, user_agent: str | None = None
) -> Submission:
    """Check every field at once and raise `ValidationFailed` with one message per bad field."""
    errors: dict[str, str] = {}

    name = _required_text(raw, "name", "Name", "Please give your name.", NAME_LENGTH, errors)
    email = _required_text(
        raw,
        "email",
        "Email",
        "Please give your email; it is never published.",
        EMAIL_LENGTH,
        errors,
    )
    if "email" not in errors and not looks_like_email(email):
        errors["email"] = "This does not look like an email address."
    body = _required_text(raw, "body", "Comment", "Please write a comment.", BODY_LENGTH, errors)

    parent_id: int | None = None
    raw_parent = raw.get("parent_id")
    if raw_parent not in (None, ""):
        parent_id = parse_id(raw_parent)
        if parent_id is None:
            errors["parent_id"] = messages.COMMENT_NUMBER

    page_language: str | None = None
    raw_language = raw.get("page_language")
    if raw_language not in (None, ""):
        if isinstance(raw_language, str) and _LANGUAGE.match(raw_language.strip().lower()):
            page_language = raw_language.strip().lower()
        else:
            errors["page_language"] = "Page language must be a language code such as 'es'."

    page_description: str | None = None
    raw_description = raw.get("page_description")
    if raw_description not in (None, ""):
        if isinstance(raw_description, str):
            # Sent by the embed, not typed: a long one is cut rather than refused.
            page_description = " ".join(raw_description.split())[:DESCRIPTION_LENGTH] or None
        else:
            errors["page_description"] = "Page description must be text."

    notify = {name: _flag(raw.get(name), name, errors) for name in NOTIFY_FIELDS}

    if errors:
        raise ValidationFailed(errors)
    return Submission(
        name=name,
        email=email,
        body=body,
        parent_id=parent_id,
        page_language=page_language,
        page_description=page_description,
        client_ip=client_ip,
        # Not typed by the commenter, so cleaned rather than refused.
        user_agent=_UNSTORABLE.sub("", user_agent or "")[:USER_AGENT_LENGTH] or None,
        notify_published=notify["notify_published"],
        notify_replies=notify["notify_replies"],
    )


def _flag(value: object, field: str, errors: dict[str, str]) -> bool:
    """A tick box: a JSON boolean, or what a form sends ("on" when ticked, nothing when not)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    errors[field] = "Must be true or false."
    return False
