"""What a commenter sends, validated field by field into a `Submission`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from models import (
    BODY_LENGTH,
    DESCRIPTION_LENGTH,
    EMAIL_LENGTH,
    FIELD_LIMITS,
    NAME_LENGTH,
    USER_AGENT_LENGTH,
)

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


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one field is refused: a stable code ("required", "too_long") and the facts a
    message is worded from (`{"limit": 80, "length": 95}`). The web app words it
    (`moderation/messages.py`), in the reader's language."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)


class ValidationFailed(Exception):
    """The input cannot be accepted; `problems` maps each bad field to its `Problem`."""

    def __init__(self, problems: Mapping[str, Problem]) -> None:
        super().__init__(dict(problems))
        self.problems = dict(problems)

    @property
    def codes(self) -> dict[str, str]:
        """Each bad field's code."""
        return {name: problem.code for name, problem in self.problems.items()}


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
    raw: Mapping[str, object], name: str, limit: int, problems: dict[str, Problem]
) -> str:
    """The trimmed text of a required field; records a `Problem` when it is bad."""
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        problems[name] = Problem("not_text")
        return ""
    text = (value or "").strip()
    if not storable(text):
        problems[name] = Problem("not_storable")
    elif not text:
        problems[name] = Problem("required")
    elif len(text) > limit:
        problems[name] = Problem("too_long", {"limit": limit, "length": len(text)})
    return text


def page_language_code(raw: object) -> str | None:
    """The language code of a page's language tag ("pt-BR" -> "pt"), or None.

    A hint sent by the embed from the host page's `<html lang>`, never typed: an unusual tag
    ("x-klingon", "") is ignored rather than refused, so the comment still goes through.
    """
    if not isinstance(raw, str):
        return None
    code = raw.strip().replace("_", "-").split("-", 1)[0].lower()
    return code if _LANGUAGE.match(code) else None


def validate(
    raw: Mapping[str, object], *, client_ip: str | None = None, user_agent: str | None = None
) -> Submission:
    """Check every field at once and raise `ValidationFailed` with one problem per bad field."""
    problems: dict[str, Problem] = {}

    name = _required_text(raw, "name", NAME_LENGTH, problems)
    email = _required_text(raw, "email", EMAIL_LENGTH, problems)
    if "email" not in problems and not looks_like_email(email):
        problems["email"] = Problem("invalid")
    body = _required_text(raw, "body", BODY_LENGTH, problems)

    parent_id: int | None = None
    raw_parent = raw.get("parent_id")
    if raw_parent not in (None, ""):
        parent_id = parse_id(raw_parent)
        if parent_id is None:
            problems["parent_id"] = Problem("invalid")

    page_description: str | None = None
    raw_description = raw.get("page_description")
    if raw_description not in (None, ""):
        if isinstance(raw_description, str):
            # Sent by the embed, not typed: a long one is cut rather than refused.
            page_description = " ".join(raw_description.split())[:DESCRIPTION_LENGTH] or None
        else:
            problems["page_description"] = Problem("not_text")

    notify = {name: _flag(raw.get(name), name, problems) for name in NOTIFY_FIELDS}

    if problems:
        raise ValidationFailed(problems)
    return Submission(
        name=name,
        email=email,
        body=body,
        parent_id=parent_id,
        page_language=page_language_code(raw.get("page_language")),
        page_description=page_description,
        client_ip=client_ip,
        # Not typed by the commenter, so cleaned rather than refused.
        user_agent=_UNSTORABLE.sub("", user_agent or "")[:USER_AGENT_LENGTH] or None,
        notify_published=notify["notify_published"],
        notify_replies=notify["notify_replies"],
    )


def _flag(value: object, field: str, problems: dict[str, Problem]) -> bool:
    """A tick box: a JSON boolean, or what a form sends ("on" when ticked, nothing when not)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    problems[field] = Problem("not_boolean")
    return False
