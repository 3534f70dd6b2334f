"""Which language a page speaks: the catalogs Tertulia ships and how a request picks one.

Public pages speak the article's language, then the page language an embedding page sent,
then the browser's (`Accept-Language`), then `TERTULIA_DEFAULT_LOCALE`. Views name the first
two with `use_locale`; the rest is `select_locale`, which Flask-Babel asks once per request.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import refresh

# The interface languages with a complete catalog under moderation/translations/.
LOCALES = ("en", "es", "pt")


def supported(tag: str | None) -> str | None:
    """`tag` ("es", "pt-BR", "es_AR") as one of `LOCALES`, or None."""
    if not tag:
        return None
    code = tag.replace("_", "-").split("-", 1)[0].strip().lower()
    return code if code in LOCALES else None


def use_locale(*candidates: str | None) -> None:
    """Speak the first supported of `candidates` for the rest of this request."""
    for candidate in candidates:
        if code := supported(candidate):
            g.locale = code
            refresh()  # text translated earlier in this request must not stay in another language
            return


def select_locale() -> str:
    """The request's language: what a view chose, else the browser's, else the site default."""
    chosen: str | None = g.get("locale")
    if chosen:
        return chosen
    browser = request.accept_languages.best_match(LOCALES) if request else None
    default: str = current_app.config["TERTULIA_DEFAULT_LOCALE"]
    return browser or default
