"""Small security helpers: safe redirects and response headers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response

# Only our own scripts and styles; comment bodies are sanitised anyway, this is the second layer.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback` (no open redirects)."""
    if not target:
        return fallback
    # Browsers treat backslashes as slashes and ignore tabs/newlines: "/\\evil.com" is off-site.
    cleaned = target.replace("\\", "/")
    if any(ch in cleaned for ch in "\t\r\n") or not cleaned.startswith("/"):
        return fallback
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or cleaned.startswith("//"):
        return fallback
    return target


def add_security_headers(response: Response) -> Response:
    """Attach the headers every response carries."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
