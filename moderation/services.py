"""The per-process services the views use: detector, spam model, comment intake and render cache."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app

from moderation import spam
from moderation.language import LanguageDetector
from moderation.pipeline import Intake
from moderation.pipeline.learning import SiteModels
from moderation.ratelimit import CountedAttempts, parse_limits
from moderation.signins import SessionRules
from moderation.threads import RenderCache


@dataclass(frozen=True)
class Services:
    """Built once at start-up: the detector and model are expensive and thread-safe."""

    detector: LanguageDetector
    spam_models: SiteModels
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


@functools.cache
def detector_for(languages: tuple[str, ...]) -> LanguageDetector:
    """One detector per language set per process: it is immutable and thread-safe."""
    return LanguageDetector(languages)


def build_services(settings: Mapping[str, Any]) -> Services:
    """Build the services for one application from its settings."""
    detector = detector_for(tuple(settings["TERTULIA_LANGUAGES"]))
    spam_models = SiteModels(spam.bundled())
    # The client-address key is derived from the secret key, so rotating one rotates the other.
    ip_key = hashlib.sha256(b"tertulia-client-ip:" + str(settings["SECRET_KEY"]).encode()).digest()
    email_key = hashlib.sha256(b"tertulia-email:" + str(settings["SECRET_KEY"]).encode()).digest()
    intake = Intake(
        detector=detector,
        spam_models=spam_models,
        spam_threshold=settings["TERTULIA_SPAM_THRESHOLD"],
        reference_domains=tuple(settings.get("TERTULIA_SPAM_REFERENCE_DOMAINS", ())),
        ip_key=ip_key,
        email_key=email_key,
        publish_unreviewed=settings["TERTULIA_PUBLISH_UNREVIEWED"],
        rate_limits=parse_limits(settings["TERTULIA_COMMENT_RATE_LIMIT"]),
    )
    return Services(
        detector=detector,
        spam_models=spam_models,
        learn_batch=settings["TERTULIA_SPAM_LEARN_BATCH"],
        intake=intake,
        render_cache=RenderCache(),
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
