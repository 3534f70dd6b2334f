"""The per-process services the views use: models, comment intake, render cache, login limits."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext

from moderation import messages
from moderation.language import LanguageDetector
from moderation.pipeline import Intake
from moderation.pipeline.classifiers import Classifiers
from moderation.pipeline.learning import SiteModels
from moderation.ratelimit import CountedAttempts, parse_limits
from moderation.signins import SessionRules
from moderation.threads import RenderCache


@dataclass(frozen=True)
class Services:
    """Built with the application; the models inside load on first use or before forking."""

    classifiers: Classifiers
    learn_batch: int
    intake: Intake
    # Rendered threads (HTML, JSON) and whole anonymous article pages, per thread version.
    render_cache: RenderCache
    # Keys the client addresses that sign-in attempts are counted by (as comments are).
    ip_key: bytes
    sign_ins: CountedAttempts
    # Tries at the current password on /account/password, counted per moderator.
    password_tries: CountedAttempts
    session_rules: SessionRules

    @property
    def detector(self) -> LanguageDetector:
        """The language detector; raises `ModelUnavailable` if its model could not be loaded."""
        return self.classifiers.language.get()

    @property
    def spam_models(self) -> SiteModels:
        """The spam models; raises `ModelUnavailable` if the bundled one could not be loaded."""
        return self.classifiers.spam.get()


def build_services(settings: Mapping[str, Any]) -> Services:
    """Build the services for one application from its settings; loads no model."""
    files = {
        name: Path(settings[setting]).resolve()
        for name, setting in (
            ("language_model", "TERTULIA_LANGUAGE_MODEL"),
            ("spam_model", "TERTULIA_SPAM_MODEL"),
        )
        if settings.get(setting)
    }
    classifiers = Classifiers(tuple(settings["TERTULIA_LANGUAGES"]), **files)
    # The client-address key is derived from the secret key, so rotating one rotates the other.
    ip_key = hashlib.sha256(b"tertulia-client-ip:" + str(settings["SECRET_KEY"]).encode()).digest()
    email_key = hashlib.sha256(b"tertulia-email:" + str(settings["SECRET_KEY"]).encode()).digest()
    intake = Intake(
        classifiers=classifiers,
        spam_threshold=settings["TERTULIA_SPAM_THRESHOLD"],
        reference_domains=tuple(settings.get("TERTULIA_SPAM_REFERENCE_DOMAINS", ())),
        ip_key=ip_key,
        email_key=email_key,
        publish_unreviewed=settings["TERTULIA_PUBLISH_UNREVIEWED"],
        rate_limits=parse_limits(settings["TERTULIA_COMMENT_RATE_LIMIT"]),
    )
    return Services(
        classifiers=classifiers,
        learn_batch=settings["TERTULIA_SPAM_LEARN_BATCH"],
        intake=intake,
        render_cache=RenderCache(int(settings["TERTULIA_RENDER_CACHE_MB"] * 2**20)),
        ip_key=ip_key,
        sign_ins=CountedAttempts("sign-in", parse_limits(settings["TERTULIA_LOGIN_RATE_LIMIT"])),
        password_tries=CountedAttempts(
            "password", parse_limits(settings["TERTULIA_PASSWORD_RATE_LIMIT"])
        ),
        session_rules=SessionRules(
            idle=timedelta(minutes=settings["TERTULIA_SESSION_IDLE_MINUTES"]),
            lifetime=timedelta(hours=settings["TERTULIA_SESSION_HOURS"]),
        ),
    )


def services() -> Services:
    """The current application's services."""
    built: Services = current_app.extensions["tertulia"]
    return built


def preload(app: Flask) -> None:
    """Load what every request may need, before forking workers: the models, the templates."""
    built: Services = app.extensions["tertulia"]
    built.classifiers.load()
    for name in app.jinja_env.list_templates(extensions=("html", "xml")):
        app.jinja_env.get_template(name)


def site_problems() -> list[str]:
    """What moderators must know: a model that failed to load, storage that cannot be written.

    Shown as a banner on every page they see; the models are loaded first if they never were.
    """
    problems = [
        gettext(messages.MODEL_UNAVAILABLE, name=status.name, problem=status.problem or "")
        for status in services().classifiers.problems()
    ]
    if (folder := current_app.extensions["tertulia.read_only"]) is not None:
        read_only = f"{folder} is read-only"
        problems.append(gettext(messages.READ_ONLY_ADMIN, problem=read_only))
    return problems
