"""Small security helpers: safe redirects and response headers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Response, g, request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Only our own scripts and styles; comment bodies are sanitised anyway, this is the second layer.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# What every response carries unless its view set the header itself.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
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


# The blueprints whose pages are for moderators (or hold a password form): never stored.
PRIVATE_BLUEPRINTS = ("queue", "admin", "auth")


def add_security_headers(response: Response) -> Response:
    """Attach the headers every response carries."""
    # One pass over the response's headers, not one per header: every response pays this.
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend(
        [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present]
    )
    # A moderator's pages hold readers' emails: no browser history, proxy or back button keeps
    # them, and a public page shown to a signed-in moderator carries their menu.
    if request.blueprint in PRIVATE_BLUEPRINTS or g.get("moderator") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


class PinnedScriptRoot:
    """Serve under the configured script root only, whatever the request claims.

    gunicorn takes `SCRIPT_NAME` from a request header of that name (from the addresses in its
    `forwarded_allow_ips`, the local ones by default). Every link of a page is built on it, so
    one request could point a cached page's links at another site. Without a trusted proxy,
    the request is answered as if it had named no script root: its claim goes back into the
    path, which then names no page of this site (404).
    """

    def __init__(self, app: WSGIApplication, script_name: str) -> None:
        self.app = app
        self.script_name = script_name

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer the request with the configured script root."""
        claimed = environ.get("SCRIPT_NAME", "")
        if claimed != self.script_name:
            path = claimed + environ.get("PATH_INFO", "")
            ours = self.script_name
            if ours and (path == ours or path.startswith(ours + "/")):
                path = path[len(ours) :]
            environ["SCRIPT_NAME"], environ["PATH_INFO"] = ours, path
        return self.app(environ, start_response)
