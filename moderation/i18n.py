"""Which language a page speaks, and words, numbers and dates in that language.

Public pages speak the article's language, then the page language an embedding page sent,
then the browser's (`Accept-Language`), then `TERTULIA_DEFAULT_LOCALE`. Views name the first
two with `use_locale`; moderators' pages speak the language a moderator chose on their account
page, else the browser's. `select_locale` is what Flask-Babel asks, once per request.

Tables of codes (`moderation/reasons.py`, `moderation/messages.py`) mark their English templates
with `N_` (one form) and `NP_` (singular and plural) for `make translations`, keep named
`{params}` in them, and word them at display time with `translate` and `translate_plural`,
which also write the numbers in the reader's way (`5.000`, `87 %`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from flask import Flask, current_app, g, request
from flask_babel import get_locale, get_timezone, get_translations, refresh
from werkzeug.wrappers import Response

# The interface languages with a complete catalog under moderation/translations/.
LOCALES = ("en", "es", "pt")
# Each language by its own name, for the moderator's choice.
ENDONYMS = {"en": "English", "es": "Español", "pt": "Português"}


def N_(message: str) -> str:
    """Mark `message` for `make translations`; it is translated where it is shown."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a singular and a plural form (chosen by the `count` parameter)."""
    return singular, plural


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
            g.pop("locale_from_browser", None)
            refresh()  # text translated earlier in this request must not stay in another language
            return


def select_locale(moderator_locale: Callable[[], str | None]) -> str:
    """The request's language: what a view chose, else the signed-in moderator's choice (not
    in the API; `moderator_locale` says it, so this module needs nothing of the sessions),
    else the browser's, else the site default."""
    code: str | None = g.get("locale")
    if code is None and request and request.blueprint != "api":
        code = supported(moderator_locale())
    if code is None:
        if request:
            g.locale_from_browser = True  # the answer varies with Accept-Language
            code = request.accept_languages.best_match(LOCALES)
        code = code or current_app.config["TERTULIA_DEFAULT_LOCALE"]
    g.locale_spoken = code
    return str(code)


def locale_code() -> str:
    """The language of the current request (or command) as one of `LOCALES`."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def add_language_headers(response: Response) -> Response:
    """Say which language a response speaks, and that it depends on Accept-Language if so."""
    if spoken := g.get("locale_spoken"):
        response.headers.setdefault("Content-Language", spoken)
        if g.get("locale_from_browser"):
            response.vary.add("Accept-Language")
    return response


# Numbers and dates ------------------------------------------------------------------------


def number(value: float) -> str:
    """A count as the reader writes it: 5,000 / 5.000."""
    return _decimal(value, None, get_locale() or _ENGLISH)


def percent(fraction: float) -> str:
    """A fraction of one as a percentage: 87% / 87 %."""
    return formats().percent(fraction)


def decimal(value: float, places: int = 2) -> str:
    """A number with a fixed count of decimals: 0.93 / 0,93."""
    return formats().decimal(value, places)


# Babel works out each number and date from its locale's patterns every time: a queue page
# writes hundreds of them, mostly the same few (confidences, counts, days, minutes).
_ENGLISH = Locale.parse("en")


@functools.lru_cache(maxsize=4096, typed=True)
def _decimal(value: float, pattern: str | None, locale: Locale) -> str:
    return format_decimal(value, format=pattern, locale=locale)


@functools.lru_cache(maxsize=1024, typed=True)
def _percent(fraction: float, locale: Locale) -> str:
    return format_percent(fraction, locale=locale)


@functools.lru_cache(maxsize=1024)
def _day(day: date, locale: Locale) -> str:
    return format_date(day, "long", locale=locale)


@functools.lru_cache(maxsize=4096)
def _time_of_day(moment: time, locale: Locale) -> str:
    return format_time(moment, "short", locale=locale)


@functools.lru_cache(maxsize=4096)
def _ago(seconds: int, locale: Locale) -> str:
    return format_timedelta(
        timedelta(seconds=-seconds), add_direction=True, threshold=1.0, locale=locale
    )


def duration(seconds: float) -> str:
    """A length of time in words: 1 minute / 1 minuto."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1.0, locale=get_locale() or "en")


def utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands back naive datetimes, all UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """A stored time for `<time datetime>`: 2026-11-27T20:01:00Z."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def when(moment: datetime) -> str:
    """Date and time in words, in the site's time zone: 27 de noviembre de 2026, 20:01."""
    return formats().when(moment)


def ago(moment: datetime, now: datetime | None = None) -> str:
    """How long ago, for the last day (hace 5 minutos); the date in words before that."""
    return formats().ago(moment, now)


@dataclass(frozen=True, slots=True)
class Formats:
    """Numbers and dates in one language and time zone, looked up once: a page that writes
    hundreds of them (the queue's cards) asks for `formats()` once and uses its methods."""

    locale: Locale
    zone: tzinfo

    def percent(self, fraction: float) -> str:
        """A fraction of one as a percentage: 87% / 87 %."""
        return _percent(fraction, self.locale)

    def decimal(self, value: float, places: int = 2) -> str:
        """A number with a fixed count of decimals: 0.93 / 0,93."""
        pattern = "0." + "0" * places if places else "0"
        # Rounded to what is shown first: scores are all different floats, their figures not.
        return _decimal(round(value, places), pattern, self.locale)

    def when(self, moment: datetime) -> str:
        """Date and time in words: 27 de noviembre de 2026, 20:01."""
        local = utc(moment).astimezone(self.zone)
        day = _day(local.date(), self.locale)
        clock = _time_of_day(local.time().replace(second=0, microsecond=0), self.locale)
        pattern: str = self.locale.datetime_formats["medium"]
        return pattern.replace("{1}", day).replace("{0}", clock)

    def ago(self, moment: datetime, now: datetime | None = None) -> str:
        """How long ago, for the last day (hace 5 minutos); the date in words before that."""
        elapsed = ((now or datetime.now(UTC)) - utc(moment)).total_seconds()
        if 0 <= elapsed < 86_400:
            # To the second in the first minute, to the minute after: the words are the same.
            return _ago(int(elapsed) if elapsed < 60 else int(elapsed) // 60 * 60, self.locale)
        return self.when(moment)


def formats() -> Formats:
    """Numbers and dates in the current request's language and the site's time zone."""
    return Formats(get_locale() or _ENGLISH, get_timezone())


def language_name(code: str) -> str:
    """A language's name in the reader's language (español, Spanish); the code if unknown."""
    locale = get_locale() or Locale.parse("en")
    return locale.languages.get(code) or code


# Translating templates with {params} -------------------------------------------------------


class _Missing(dict[str, Any]):
    """Format parameters that leave a missing one visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def spelled(value: Any) -> Any:
    """A parameter as the reader writes it: numbers localized, lists joined (a, b y c)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list | tuple):
        return format_list([str(item) for item in value], locale=get_locale() or "en")
    return value


def fill(template: str, params: Mapping[str, Any]) -> str:
    """`template` with its `{params}`; a missing one stays visible, a bad one never raises."""
    try:
        return template.format_map(_Missing(params))
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return template


def translate(template: str, params: Mapping[str, Any] | None = None) -> str:
    """A marked template in the current language, filled with `params` (numbers localized)."""
    text: str = get_translations().ugettext(template)
    values = {name: spelled(value) for name, value in (params or {}).items()}
    return fill(text, values)


def translate_plural(forms: tuple[str, str], count: int, params: Mapping[str, Any]) -> str:
    """The form of a marked (singular, plural) pair that `count` calls for, filled."""
    text: str = get_translations().ungettext(forms[0], forms[1], count)
    values = {name: spelled(value) for name, value in params.items()}
    return fill(text, values)


def register(app: Flask) -> None:
    """Template filters for dates and numbers, and the language headers of every response."""
    app.jinja_env.filters.update(
        when=when, ago=ago, iso=iso, number=number, percent=percent, decimal=decimal
    )
    app.jinja_env.globals.update(locale_code=locale_code, language_name=language_name)
    app.after_request(add_language_headers)
