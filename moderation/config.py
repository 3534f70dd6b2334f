"""Configuration from environment variables, with documented defaults."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy.engine import make_url

PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent
# A checkout keeps templates/, static/ and migrations/ at the top, as the design card lays it out;
# the wheel installs them inside the package (site-packages has no room for a `templates/`).
INSTALLED = (PACKAGE_ROOT / "templates").is_dir()
TEMPLATES = (PACKAGE_ROOT if INSTALLED else PROJECT_ROOT) / "templates"
STATIC = (PACKAGE_ROOT if INSTALLED else PROJECT_ROOT) / "static"
MIGRATIONS = PACKAGE_ROOT / "schema" if INSTALLED else PROJECT_ROOT / "migrations"
# Installed, the instance folder follows Flask's convention for packages: <prefix>/var/.
DEFAULT_INSTANCE = (
    Path(sys.prefix) / "var" / "tertulia-instance" if INSTALLED else PROJECT_ROOT / "instance"
)
DEFAULT_LANGUAGES = ("en", "es", "pt")
DEFAULT_COMMENT_RATE_LIMIT = "5 per minute;60 per hour"


def instance_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where all local state lives: database, secret key, learned models (`TERTULIA_INSTANCE`)."""
    return Path(environ.get("TERTULIA_INSTANCE", DEFAULT_INSTANCE)).resolve()


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """`DATABASE_URL`, or SQLite in the instance folder. `postgres://` is accepted as PostgreSQL."""
    url = environ.get("DATABASE_URL") or f"sqlite:///{instance_path(environ) / 'tertulia.sqlite3'}"
    # Heroku-style URLs name the scheme `postgres`; SQLAlchemy wants the driver spelled out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def secret_key(folder: Path) -> str:
    """`SECRET_KEY` from the environment, else one generated once into the instance folder.

    Workers that start together may each find no key yet: each writes a whole key under a name
    of its own and links it into place, which only the first can do (`os.link` never replaces
    a file). A worker therefore reads the first key whole, never a file still being written.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        draft = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(8)}"
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker was first: its key is the key
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it, and a new key is made at the next start")
    return key


def private_sqlite_file(url: str) -> None:
    """Create the SQLite file `url` names, readable by its owner only, if it does not exist yet.

    SQLite would create it with the process's umask (usually 0644: every local user could read
    readers' emails). Its -wal and -shm files take the database file's permissions.
    """
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return
    if name.startswith("file:") or Path(name).exists():
        return
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    # Created meanwhile by another worker? Then with these same permissions.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def parse_languages(value: str) -> tuple[str, ...]:
    """`"en, es,pt"` -> `("en", "es", "pt")`; order kept, duplicates and blanks dropped."""
    codes: list[str] = []
    for part in value.split(","):
        code = part.strip().lower()
        if code and code not in codes:
            codes.append(code)
    return tuple(codes)


def site_languages() -> tuple[str, ...]:
    """The languages the current application moderates (`TERTULIA_LANGUAGES`)."""
    languages: tuple[str, ...] = current_app.config["TERTULIA_LANGUAGES"]
    return languages


def _locale(value: str) -> str:
    code = value.strip().lower()
    if code not in ("en", "es", "pt"):
        raise ValueError(f"TERTULIA_DEFAULT_LOCALE must be en, es or pt, not {value!r}")
    return code


def _timezone(value: str) -> str:
    name = value.strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(
            f"TERTULIA_TIMEZONE must be a time zone such as UTC or America/Lima, not {value!r}"
        ) from None
    return name


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The application's settings as read from the environment."""
    folder = instance_path(environ)
    return {
        "TERTULIA_INSTANCE": folder,
        "DATABASE_URL": database_url(environ),
        "TERTULIA_LANGUAGES": parse_languages(
            environ.get("TERTULIA_LANGUAGES", ",".join(DEFAULT_LANGUAGES))
        ),
        # Unset means the threshold recommended with the bundled model (see its JSON sidecar).
        "TERTULIA_SPAM_THRESHOLD": (
            float(environ["TERTULIA_SPAM_THRESHOLD"])
            if environ.get("TERTULIA_SPAM_THRESHOLD")
            else None
        ),
        # The site's own and trusted domains: links there are never spam evidence.
        "TERTULIA_SPAM_REFERENCE_DOMAINS": tuple(
            domain.strip().lower()
            for domain in environ.get("TERTULIA_SPAM_REFERENCE_DOMAINS", "").split(",")
            if domain.strip()
        ),
        # Moderator labels gathered before the site's spam model learns a new version.
        "TERTULIA_SPAM_LEARN_BATCH": int(environ.get("TERTULIA_SPAM_LEARN_BATCH", "20")),
        # Seconds a request waits to connect to the database, or for SQLite's write lock,
        # before it is answered 503 (Retry-After) instead of holding the worker.
        "TERTULIA_DATABASE_TIMEOUT": float(environ.get("TERTULIA_DATABASE_TIMEOUT", "5")),
        "TERTULIA_TRUSTED_PROXIES": int(environ.get("TERTULIA_TRUSTED_PROXIES", "0")),
        # The path the site is served under (as gunicorn reads it), e.g. /comments. Without a
        # trusted proxy, a script root claimed by the request is never taken.
        "TERTULIA_SCRIPT_NAME": environ.get("SCRIPT_NAME", "").rstrip("/"),
        # Off by default: nothing reaches the public unreviewed unless the operator says so.
        "TERTULIA_PUBLISH_UNREVIEWED": _flag(environ.get("TERTULIA_PUBLISH_UNREVIEWED", "")),
        "TERTULIA_COMMENT_RATE_LIMIT": environ.get(
            "TERTULIA_COMMENT_RATE_LIMIT", DEFAULT_COMMENT_RATE_LIMIT
        ),
        # Sites whose pages may embed the comments (static/embed.js), e.g. https://news.example.
        "TERTULIA_EMBED_ORIGINS": tuple(
            origin.strip().rstrip("/").lower()
            for origin in environ.get("TERTULIA_EMBED_ORIGINS", "").split(",")
            if origin.strip()
        ),
        # A shared secret for `PUT /api/v1/articles/<slug>` (a CMS opening its articles).
        "TERTULIA_API_TOKEN": environ.get("TERTULIA_API_TOKEN") or None,
        "TERTULIA_LOGIN_RATE_LIMIT": environ.get("TERTULIA_LOGIN_RATE_LIMIT", "10 per minute"),
        # Tries at the current password when changing it, per moderator.
        "TERTULIA_PASSWORD_RATE_LIMIT": environ.get(
            "TERTULIA_PASSWORD_RATE_LIMIT", "5 per 15 minutes"
        ),
        # A moderator's session ends after this long without a request, and after this long
        # in any case; signing out, a new password or a new role end it at once.
        "TERTULIA_SESSION_IDLE_MINUTES": int(environ.get("TERTULIA_SESSION_IDLE_MINUTES", "60")),
        "TERTULIA_SESSION_HOURS": int(environ.get("TERTULIA_SESSION_HOURS", "12")),
        # The interface language when neither the article nor the browser names one we speak.
        "TERTULIA_DEFAULT_LOCALE": _locale(environ.get("TERTULIA_DEFAULT_LOCALE", "en")),
        # The time zone dates are shown in (Flask-Babel's setting, named the Tertulia way).
        "BABEL_DEFAULT_TIMEZONE": _timezone(environ.get("TERTULIA_TIMEZONE", "UTC")),
        # Tertulia's own log messages (the `moderation` logger); the root logger is left alone.
        "TERTULIA_LOG_LEVEL": environ.get("TERTULIA_LOG_LEVEL", "INFO").strip().upper(),
        # The largest export file an admin may upload to import (the command line has no limit).
        "TERTULIA_IMPORT_MAX_MB": int(environ.get("TERTULIA_IMPORT_MAX_MB", "512")),
        # The bundled model files; unset means the ones shipped with the code.
        "TERTULIA_LANGUAGE_MODEL": environ.get("TERTULIA_LANGUAGE_MODEL") or None,
        "TERTULIA_SPAM_MODEL": environ.get("TERTULIA_SPAM_MODEL") or None,
        # Rendered threads and pages each worker keeps, in megabytes (least recently used go).
        "TERTULIA_RENDER_CACHE_MB": float(environ.get("TERTULIA_RENDER_CACHE_MB", "16")),
        # Mail: the SMTP server (smtp://, smtp+starttls://, smtps://, with user:password@), unset
        # to write mails as .eml files under the instance folder; the sender; and the address
        # of this site that links in mails start with.
        "TERTULIA_SMTP_URL": environ.get("TERTULIA_SMTP_URL") or None,
        "TERTULIA_MAIL_FROM": environ.get("TERTULIA_MAIL_FROM", "Tertulia <tertulia@localhost>"),
        "TERTULIA_BASE_URL": environ.get("TERTULIA_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(environ.get("TERTULIA_SECURE_COOKIES", "")),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 64 * 1024,
    }
