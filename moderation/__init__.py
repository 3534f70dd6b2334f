"""Tertulia: comments in, language and spam checked, moderated, published.

The application's imports wait for `create_app`: using a library of this package
(`moderation.language`, `moderation.spam`, `moderation.pipeline`) must not bring Flask in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, services, blueprints, errors, commands."""
    from flask import Flask

    from moderation import config

    settings = {**config.load(), **(test_config or {})}
    app = Flask(
        __name__,
        instance_path=str(settings["TERTULIA_INSTANCE"]),
        template_folder=str(config.TEMPLATES),
        static_folder=str(config.STATIC),
    )
    app.config.from_mapping(settings)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(Path(app.instance_path))

    register_input_checks(app)
    register_extensions(app)
    register_services(app)
    register_blueprints(app)
    register_sessions(app)
    register_errorhandlers(app)
    register_commands(app)
    register_security_headers(app)
    register_template_globals(app)
    register_logging(app)
    return app


def register_logging(app: Flask) -> None:
    """Let Tertulia's own messages through at `TERTULIA_LOG_LEVEL`.

    Only the `moderation` logger is touched, and only if nobody set its level; Flask gives it a
    stderr handler when nothing else would show its messages. The root logger belongs to whoever
    runs the application: gunicorn, pytest, an operator's logging configuration.
    """
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(app.config["TERTULIA_LOG_LEVEL"])


def register_extensions(app: Flask) -> None:
    """Bind the database, CSRF protection and the translations."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from moderation.auth.session import moderator_locale
    from moderation.extensions import babel, csrf, db
    from moderation.i18n import select_locale
    from moderation.security import PinnedScriptRoot

    db.init_app(app)
    csrf.init_app(app)
    # Catalogs are found in moderation/translations/, Flask-Babel's default beside the package.
    babel.init_app(app, locale_selector=lambda: select_locale(moderator_locale))
    if proxies := int(app.config.get("TERTULIA_TRUSTED_PROXIES", 0)):
        # Behind a reverse proxy, the client address comes from X-Forwarded-For, and the path
        # the site is served under from X-Forwarded-Prefix (or the proxy's SCRIPT_NAME).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_prefix=proxies
        )
    else:
        app.wsgi_app = PinnedScriptRoot(  # type: ignore[method-assign]
            app.wsgi_app, app.config.get("TERTULIA_SCRIPT_NAME", "")
        )


def register_services(app: Flask) -> None:
    """Build the language detector, spam model and pipeline once per process."""
    from moderation.services import build_services

    app.extensions["tertulia"] = build_services(app.config)


def register_input_checks(app: Flask) -> None:
    """The `id` URL converter, and the checks of every request's body and fields.

    First, so that they run before any other `before_request` (CSRF protection reads the form).
    """
    from moderation import inputs

    inputs.register(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per audience."""
    from moderation.admin import bp as admin_bp
    from moderation.api import bp as api_bp
    from moderation.auth import bp as auth_bp
    from moderation.extensions import csrf
    from moderation.health import bp as health_bp
    from moderation.public import bp as public_bp
    from moderation.queue import bp as queue_bp

    csrf.exempt(api_bp)  # JSON only: it refuses form content types, which browsers send cross-site
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(auth_bp)
    app.register_blueprint(queue_bp, url_prefix="/queue")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(health_bp)


def register_sessions(app: Flask) -> None:
    """Find the signed-in moderator at the start of each request (sessions live in the database).

    The cookie that carries a session's token expires with the session's lifetime.
    """
    from datetime import timedelta

    from moderation.auth.session import load_moderator
    from moderation.extensions import SessionCookies

    app.session_interface = SessionCookies()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["TERTULIA_SESSION_HOURS"])
    app.before_request(load_moderator)


def register_errorhandlers(app: Flask) -> None:
    """One handler decides between JSON and HTML."""
    from moderation.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """`flask db`, `articles`, `moderators`, `demo`, `spam`, `language`."""
    from moderation.cli import register

    register(app)


def register_security_headers(app: Flask) -> None:
    """Headers every response carries."""
    from moderation.security import add_security_headers

    app.after_request(add_security_headers)


def register_template_globals(app: Flask) -> None:
    """Names every template may use: the signed-in moderator, the limits every form announces,
    the problems moderators must see, and words, dates and numbers in the page's language."""
    from moderation import i18n, messages
    from moderation.auth.session import current_moderator
    from moderation.reasons import describe, reason_text
    from moderation.services import site_problems

    app.jinja_env.globals["current_moderator"] = current_moderator
    app.jinja_env.globals["site_problems"] = site_problems
    app.jinja_env.filters["reason_text"] = reason_text
    app.jinja_env.globals.update(
        describe=describe,
        status_label=messages.status_label,
        folder_label=messages.folder_label,
        action_label=messages.action_label,
        decision_reason=messages.decision_reason,
    )
    i18n.register(app)  # dates and numbers in the page's language; Content-Language
    app.context_processor(form_rules)


def form_rules() -> dict[str, Any]:
    """`limits` (most characters per field) and `min_password_length`, defined in one place."""
    from models import FIELD_LIMITS
    from moderation.management import MIN_PASSWORD_LENGTH

    return {"limits": FIELD_LIMITS, "min_password_length": MIN_PASSWORD_LENGTH}
