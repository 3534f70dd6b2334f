"""What a commenter sends, validated field by field into a `Submission`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from models import BODY_LENGTH, EMAIL_LENGTH, NAME_LENGTH

# Deliberately loose: a real address has one @, no spaces, and a dot in the domain.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")

FIELDS = ("name", "email", "body", "parent_id", "page_language")


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
    client_ip: str | None = None
    user_agent: str | None = None


def _text(raw: Mapping[str, object], field: str) -> str | None:
    value = raw.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return value.strip()


def validate(
    raw: Mapping[str, object], *, client_ip: str | None = None, user_agent: str | None = None
) -> Submission:
    """Check every field at once and raise `ValidationFailed` with one message per bad field."""
    errors: dict[str, str] = {}

    name = _text(raw, "name")
    if name is None:
        errors["name"] = "Name must be text."
    elif not name:
        errors["name"] = "Please give your name."
    elif len(name) > NAME_LENGTH:
        errors["name"] = f"Name must be at most {NAME_LENGTH} characters."

    email = _text(raw, "email")
    if email is None:
        errors["email"] = "Email must be text."
    elif not email:
        errors["email"] = "Please give your email; it is never published."
    elif len(email) > EMAIL_LENGTH or not _EMAIL.match(email):
        errors["email"] = "This does not look like an email address."

    body = _text(raw, "body")
    if body is None:
        errors["body"] = "Comment must be text."
    elif not body:
        errors["body"] = "Please write a comment."
    elif len(body) > BODY_LENGTH:
        errors["body"] = f"Comment must be at most {BODY_LENGTH} characters (it has {len(body)})."

    parent_id: int | None = None
    raw_parent = raw.get("parent_id")
    if raw_parent not in (None, ""):
        if isinstance(raw_parent, bool):
            errors["parent_id"] = "Reply-to must be a comment number."
        elif isinstance(raw_parent, int):
            parent_id = raw_parent
        elif isinstance(raw_parent, str) and raw_parent.strip().isdigit():
            parent_id = int(raw_parent.strip())
        else:
            errors["parent_id"] = "Reply-to must be a comment number."
        if parent_id is not None and not 0 < parent_id < 2**31:
            errors["parent_id"] = "Reply-to must be a comment number."
            parent_id = None

    page_language: str | None = None
    raw_language = raw.get("page_language")
    if raw_language not in (None, ""):
        if isinstance(raw_language, str) and _LANGUAGE.match(raw_language.strip().lower()):
            page_language = raw_language.strip().lower()
        else:
            errors["page_language"] = "Page language must be a language code such as 'es'."

    if errors:
        raise ValidationFailed(errors)
    assert name is not None and email is not None and body is not None
    return Submission(
        name=name,
        email=email,
        body=body,
        parent_id=parent_id,
        page_language=page_language,
        client_ip=client_ip,
        user_agent=(user_agent or None) and user_agent[:300],
    )
