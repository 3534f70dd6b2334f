"""The checks every comment passes; each returns a result with a reason a moderator can read."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from models import UNCLASSIFIED
from moderation.language import LanguageDetector
from moderation.spam import SpamContext, SpamModel

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's verdict: `flag` marks something a moderator should look at."""

    check: str
    reason: str
    flag: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON stored on the comment and shown in the queue."""
        return {"check": self.check, "reason": self.reason, "flag": self.flag, **self.details}


@dataclass(frozen=True, slots=True)
class LanguageVerdict:
    """The language check's outcome."""

    code: str
    confidence: float | None
    moderated: bool
    result: CheckResult


@dataclass(frozen=True, slots=True)
class SpamVerdict:
    """The spam check's outcome; `score` is None when the classifier failed."""

    score: float | None
    model_version: str | None
    results: tuple[CheckResult, ...]


def check_language(
    detector: LanguageDetector, body: str, priors: tuple[str, ...]
) -> LanguageVerdict:
    """Detect the comment's language; a failing detector leaves it `und` and unclassified."""
    try:
        detected = detector.detect(body, priors=priors)
    except Exception:
        log.exception("language detector failed; comment queued as unclassified")
        return LanguageVerdict(
            "und",
            None,
            True,
            CheckResult("language", f"{UNCLASSIFIED}: language detector failed", flag=True),
        )
    return LanguageVerdict(
        detected.code,
        detected.confidence,
        detected.moderated,
        CheckResult(
            "language",
            detected.reason,
            flag=not detected.moderated or detected.reason.startswith(UNCLASSIFIED),
            details={"language": detected.code, "confidence": round(detected.confidence, 3)},
        ),
    )


def check_spam(model: SpamModel, body: str, context: SpamContext, threshold: float) -> SpamVerdict:
    """Score the comment; a failing classifier leaves it unscored and unclassified."""
    try:
        scored = model.score(body, context)
    except Exception:
        log.exception("spam classifier failed; comment queued as unclassified")
        return SpamVerdict(
            None,
            None,
            (CheckResult("spam", f"{UNCLASSIFIED}: spam classifier failed", flag=True),),
        )
    band = (
        "spam"
        if scored.score >= threshold
        else "borderline"
        if scored.score >= model.borderline
        else "ham"
    )
    summary = CheckResult(
        "spam",
        f"spam score {scored.score:.2f} ({band})",
        flag=band != "ham",
        details={
            "score": round(scored.score, 4),
            "band": band,
            "top_features": [[label, round(weight, 4)] for label, weight in scored.top_features],
        },
    )
    signals = tuple(CheckResult("signal", reason, flag=True) for reason in scored.reasons)
    return SpamVerdict(scored.score, scored.model_version, (summary, *signals))
