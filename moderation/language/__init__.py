"""Language of a comment: word + letter model over the site's languages, langdetect alongside."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from moderation.language.model import DEFAULT_PATH, Vector, WordLetterModel
from moderation.language.reference import SeededLangdetect
from moderation.language.text import is_latin, tokens

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_PATH",
    "KNOWN_LANGUAGES",
    "LanguageDetector",
    "LanguageResult",
    "language_name",
    "site_codes",
]

UNDETERMINED = "und"
NAMES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "it": "Italian",
    "de": "German", "ca": "Catalan", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian",
    "ar": "Arabic", "ro": "Romanian", "pl": "Polish", "tr": "Turkish", "sv": "Swedish",
    "id": "Indonesian", "hu": "Hungarian", "fi": "Finnish", "cs": "Czech", "vi": "Vietnamese",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "el": "Greek",
    "he": "Hebrew", "hi": "Hindi", "fa": "Persian", "th": "Thai", "bg": "Bulgarian",
}  # fmt: skip

# Each context hint (article language, page language) multiplies a language's odds by this:
# enough to settle a word both Spanish and Portuguese use, too little to overrule a sentence.
PRIOR_ODDS = 8.0
# A comment is called "not moderated here" only on this much text and this much certainty:
# short comments share too many words between neighbouring languages to exclude them.
FOREIGN_MIN_LETTERS = 20
FOREIGN_MIN_POSTERIOR = 0.99
# Below this posterior the answer is "und": a near three-way tie is no evidence.
UNDECIDED_BELOW = 0.4
# langdetect breaks ties only on long text: on word pairs it made the bench worse (92.9% -> 92.0%),
# on sentences it has enough n-grams to sample.
TIE_BREAK_MIN_LETTERS = 40
TIE_BREAK_BELOW = 0.9
TIE_BREAK_WEIGHT = 0.5
# Real text in a model language scores above about -4.1 nats per letter (0.5th percentile); text
# in a language the model lacks (Romanian, Polish, Turkish...) scores below. langdetect, which
# knows 55 languages, then names it.
POOR_FIT_PER_LETTER = -4.3
NAMING_MIN_PROBABILITY = 0.9


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """What the queue shows about a comment's language."""

    code: str
    confidence: float
    moderated: bool
    reason: str
    failed: bool = False  # the detector failed: the comment waits unclassified


def language_name(code: str) -> str:
    """Return the English name of a language code, or the code itself when it has none here."""
    return NAMES.get(code, code)


_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _model(path: Path) -> WordLetterModel:
    return WordLetterModel(path)


@lru_cache(maxsize=1)
def _all_profiles() -> SeededLangdetect:
    return SeededLangdetect()


@lru_cache(maxsize=16)
def _profiles(languages: tuple[str, ...]) -> SeededLangdetect:
    return SeededLangdetect(languages)


def _load_shared(path: Path) -> tuple[WordLetterModel, SeededLangdetect]:
    # lru_cache alone would let two cold threads each build a model; the lock makes it one.
    with _LOCK:
        return _model(path), _all_profiles()


def _tie_breaker(languages: tuple[str, ...]) -> SeededLangdetect | None:
    # langdetect cannot work with a single profile; a one-language site needs no tie-break.
    if len(languages) < 2:
        return None
    with _LOCK:
        return _profiles(languages)


KNOWN_LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr", "it", "de", "ca", "nl")


def _softmax(scores: Vector) -> Vector:
    shifted = np.exp(scores - scores.max())
    result: Vector = shifted / shifted.sum()
    return result


def site_codes(languages: Sequence[str]) -> tuple[str, ...]:
    """The codes of a site's languages, checked; raises ValueError for an unknown one."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in languages))
    unknown = [code for code in codes if code not in KNOWN_LANGUAGES]
    if unknown or not codes:
        raise ValueError(
            f"unknown language code(s) {unknown or list(languages)}; "
            f"known: {', '.join(KNOWN_LANGUAGES)}"
        )
    return codes


class LanguageDetector:
    """Detects the language of comments for a site that moderates `languages`; thread safe."""

    def __init__(self, languages: Sequence[str], model_path: Path = DEFAULT_PATH) -> None:
        codes = site_codes(languages)
        self.languages: tuple[str, ...] = codes
        # langdetect over every profile it ships: names languages this site's model lacks.
        self._model, self._langdetect_all = _load_shared(model_path)
        self._site = np.array([self._model.languages.index(code) for code in codes])
        self._column = {code: i for i, code in enumerate(self._model.languages)}
        self._tie_breaker = _tie_breaker(codes)

    def detect(self, text: str, *, priors: Sequence[str] = ()) -> LanguageResult:
        """Return the comment's language; never raises, whatever the text or priors."""
        try:
            return self._detect(text if isinstance(text, str) else str(text), priors or ())
        except Exception:  # a moderation pipeline must not fail on one comment's language
            log.exception("language detection failed")
            return LanguageResult(
                UNDETERMINED, 0.0, True, "unclassified: language detection failed", failed=True
            )

    def _detect(self, text: str, priors: Sequence[str]) -> LanguageResult:
        words = tokens(text)
        letters = sum(len(word) for word in words)
        if not letters:
            return LanguageResult(UNDETERMINED, 0.0, True, "no words to tell the language by")
        latin = sum(1 for word in words for char in word if is_latin(char))
        if latin * 2 < letters:
            return self._other_script(" ".join(words))

        scores = self._model.token_scores(self._model.split(words)).sum(axis=0)
        if letters >= FOREIGN_MIN_LETTERS and scores.max() / letters < POOR_FIT_PER_LETTER:
            probabilities = self._langdetect_all.probabilities(" ".join(words))
            code = (
                max(probabilities, key=probabilities.__getitem__) if probabilities else UNDETERMINED
            )
            if code not in self._column and probabilities.get(code, 0.0) >= NAMING_MIN_PROBABILITY:
                return self._foreign(code, probabilities[code])
        for code in priors:
            column = self._column.get(str(code).strip().lower()) if code else None
            if column is not None:
                scores[column] += math.log(PRIOR_ODDS)

        best = int(np.argmax(scores))
        if best not in self._site and letters >= FOREIGN_MIN_LETTERS:
            posterior = float(_softmax(scores)[best])
            if posterior >= FOREIGN_MIN_POSTERIOR:
                return self._foreign(self._model.languages[best], posterior)

        site_scores = scores[self._site]
        posterior_site = _softmax(site_scores)
        if (
            self._tie_breaker is not None
            and letters >= TIE_BREAK_MIN_LETTERS
            and posterior_site.max() < TIE_BREAK_BELOW
        ):
            probabilities = self._tie_breaker.probabilities(" ".join(words))
            votes = np.array([probabilities.get(code, 0.0) for code in self.languages])
            posterior_site = _softmax(site_scores + TIE_BREAK_WEIGHT * np.log(votes + 0.01))
        top = int(np.argmax(posterior_site))
        confidence = float(posterior_site[top])
        if confidence < UNDECIDED_BELOW:
            return LanguageResult(UNDETERMINED, confidence, True, "too little text to tell")
        code = self.languages[top]
        return LanguageResult(code, confidence, True, f"{language_name(code)} ({confidence:.0%})")

    def _other_script(self, text: str) -> LanguageResult:
        probabilities = self._langdetect_all.probabilities(text)
        if not probabilities:
            return LanguageResult(UNDETERMINED, 0.0, True, "too little text to tell")
        code = max(probabilities, key=probabilities.__getitem__)
        # Mostly another script, yet langdetect can still side with the Latin words among it.
        if code in self.languages:
            return LanguageResult(code, probabilities[code], True, f"{language_name(code)}")
        return self._foreign(code, probabilities[code])

    @staticmethod
    def _foreign(code: str, confidence: float) -> LanguageResult:
        return LanguageResult(code, confidence, False, f"language not moderated here: {code}")
