"""Signed unsubscribe tokens: who may stop which mails, with no login (no Flask)."""

from __future__ import annotations

import base64
import hashlib
import hmac

READER = "c"  # the subscriptions of the author of a comment, named by the comment's id
MODERATOR = "m"  # a moderator's mails about pending comments


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"tertulia-unsubscribe:" + secret.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign(secret: str, kind: str, number: int) -> str:
    """A token for `kind` (READER or MODERATOR) and the comment or moderator id."""
    payload = f"{kind}{number}"
    mac = hmac.new(_key(secret), payload.encode(), hashlib.sha256).digest()[:18]
    return f"{payload}.{_b64(mac)}"


def verify(secret: str, token: str) -> tuple[str, int] | None:
    """(kind, id) of a genuine token, else None."""
    payload, _, mac = token.partition(".")
    number = payload[1:]
    if payload[:1] not in (READER, MODERATOR) or not (number.isascii() and number.isdigit()):
        return None
    if len(number) > 10:
        return None
    expected = sign(secret, payload[0], int(payload[1:]))
    if not hmac.compare_digest(expected.encode(), f"{payload}.{mac}".encode()):
        return None
    return payload[0], int(payload[1:])
