"""Submission -> checks (language, spam, rules) -> status; no Flask imports."""

from moderation.pipeline.checks import CheckResult
from moderation.pipeline.decisions import (
    ACTIONS,
    BulkOutcome,
    Conflict,
    NotAllowed,
    decide,
    decide_many,
)
from moderation.pipeline.intake import Intake, UnknownArticle, fingerprint, hash_client_ip
from moderation.pipeline.submission import (
    COMMENT_LIMITS,
    FIELDS,
    Problem,
    Submission,
    ValidationFailed,
    validate,
)

__all__ = [
    "ACTIONS",
    "COMMENT_LIMITS",
    "FIELDS",
    "BulkOutcome",
    "CheckResult",
    "Conflict",
    "Intake",
    "NotAllowed",
    "Problem",
    "Submission",
    "UnknownArticle",
    "ValidationFailed",
    "decide",
    "decide_many",
    "fingerprint",
    "hash_client_ip",
    "validate",
]
