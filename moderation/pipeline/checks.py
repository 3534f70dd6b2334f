"""The checks every comment passes; each result is a code with parameters, never a sentence.

Words are added at display time, in one place (`moderation/reasons.py`), so the queue can speak
the moderator's language. `unclassified` is explicit: a check that failed says so with a flag.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from moderation.language import UNDETERMINED, LanguageDetector, LanguageResult
from moderation.spam import SpamContext, SpamModel, Verdict

log = logging.getLogger(__name__)

# Findings that reassure rather than warn: shown, but not flagged for a moderator's attention.
UNFLAGGED = frozenset({"link.reference", "link.video", "link.social", "link.learned_genuine"})


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's finding, stored on the comment and shown in the queue.

    `flag` marks something a moderator should look at; `unclassified` a check that failed;
    `evidence` a spam-specific signal (only those may send a comment to the spam folder).
    """

    check: str  # "language", "spam" or "signal"
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    flag: bool = False
    unclassified: bool = False
    evidence: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The JSON stored on the comment."""
        return {
            "check": self.check,
            "code": self.code,
            "params": self.params,
            "flag": self.flag,
            "unclassified": self.unclassified,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class LanguageVerdict:
    """The language check's outcome."""

    code: str
    confidence: float | None
    moderated: bool
    result: CheckResult


@dataclass(frozen=True, slots=True)
class SpamVerdict:
    """The spam check's outcome; `score` and `verdict` are None when the classifier failed."""

    score: float | None
    verdict: Verdict | None
    model_version: str | None
    results: tuple[CheckResult, ...]


def check_language(
    detector: LanguageDetector, body: str, priors: tuple[str, ...]
) -> LanguageVerdict:
    """Detect the comment's language; a failing detector leaves it `und` and unclassified."""
    detected: LanguageResult | None
    try:
        detected = detector.detect(body, priors=priors)
    except Exception:
        log.exception("language detector failed; comment queued as unclassified")
        detected = None
    if detected is None or detected.failed:
        failed = CheckResult("language", "language.failed", flag=True, unclassified=True)
        return LanguageVerdict(UNDETERMINED, None, True, failed)
    params = {"language": detected.code, "confidence": round(detected.confidence, 3)}
    if not detected.moderated:
        result = CheckResult("language", "language.not_moderated", params, flag=True)
    elif detected.code == UNDETERMINED:
        result = CheckResult("language", "language.undetermined", params)
    else:
        result = CheckResult("language", "language.detected", params)
    return LanguageVerdict(detected.code, detected.confidence, detected.moderated, result)


def check_spam(model: SpamModel, body: str, context: SpamContext, threshold: float) -> SpamVerdict:
    """Score the comment; a failing classifier leaves it unscored and unclassified."""
    try:
        scored = model.score(body, context)
    except Exception:
        log.exception("spam classifier failed; comment queued as unclassified")
        failed = CheckResult("spam", "spam.failed", flag=True, unclassified=True)
        return SpamVerdict(None, None, None, (failed,))
    verdict = scored.verdict(threshold)
    summary = CheckResult(
        "spam",
        "spam.score",
        {"score": round(scored.score, 4), "verdict": verdict.value},
        flag=verdict is not Verdict.CLEAN,
    )
    signals = tuple(
        CheckResult(
            "signal",
            reason.code,
            dict(reason.params),
            flag=reason.code not in UNFLAGGED,
            evidence=reason.evidence,
        )
        for reason in scored.reasons
    )
    return SpamVerdict(scored.score, verdict, scored.model_version, (summary, *signals))
