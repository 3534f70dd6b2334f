"""Check results and learning verdicts in words: the one table from codes to sentences.

Results are stored as codes with parameters (`pipeline/checks.py`); this module turns them into
sentences a moderator understands, at display time and in the moderator's language. Every
template is English marked for `make translations` (`N_`, or `NP_` for a singular and a plural
chosen by `count`) with named `{params}` and no format specs: numbers are written the reader's
way here (`87 %`, `0,93`), not in the template.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from moderation.i18n import (
    N_,
    NP_,
    decimal,
    language_name,
    percent,
    translate,
    translate_plural,
    when,
)

# code -> template, or (one, many) chosen by the `count` parameter.
TEMPLATES: dict[str, str | tuple[str, str]] = {
    # language
    "language.detected": N_("Written in {language_name} ({confidence} sure)"),
    "language.undetermined": N_("Too little text to tell the language"),
    "language.not_moderated": N_(
        "Written in {language_name}, a language this site does not moderate"
    ),
    "language.failed": N_("Unclassified: the language detector failed (run `comments reclassify`)"),
    "language.unavailable": N_(
        "Unclassified: the language model could not be loaded (see /readyz)"
    ),
    # spam summary
    "spam.score": N_("Spam score {score}: {verdict_label}"),
    "spam.failed": N_("Unclassified: the spam classifier failed (run `comments reclassify`)"),
    "spam.unavailable": N_("Unclassified: the spam model could not be loaded (see /readyz)"),
    # where links point
    "link.reference": N_(
        "Links to {domain}, a reference site (official, academic, encyclopaedia or this site)"
    ),
    "link.video": N_("Links to {domain}, a video site"),
    "link.social": N_("Links to {domain}, a social network"),
    "link.learned_genuine": N_("Links to {domain}, which moderators here approved before"),
    "link.unknown": N_("Links to {domain}, a site the filter knows nothing about"),
    "link.commercial": N_("Links to {domain}, a kind of domain that shops and landing pages use"),
    "link.shortener": N_("Links through {domain}, a link shortener that hides where it leads"),
    "link.messaging": N_("Links to {domain}, a messaging service often used by scams"),
    "link.learned_spam": N_("Links to {domain}, which moderators here marked as spam before"),
    "link.anchor": N_("Contains an HTML link with its own text, as link-building tools post"),
    "link.bare": N_(
        "Little more than a link to the front page, a profile or a shop or fundraising page "
        "at {domain}, not to something to read"
    ),
    "link.paid": N_(
        "Links to {domain} through an address that pays whoever posts it (a pay-per-click link "
        "or a referral code)"
    ),
    "link.piracy": N_("Links to {domain}, a source of pirated copies (torrents, pirate streaming)"),
    "link.repeated": N_("Repeats the same link to {domain} three times or more"),
    "link.spaced": N_(
        "Writes a web address broken up with spaces (“{address}”) so filters miss it"
    ),
    # contacts
    "contact.email": N_("Gives an email address at {domain}"),
    "contact.phone": NP_(
        "Offers a phone or WhatsApp number",
        "Offers {count} phone or WhatsApp numbers",
    ),
    # phrase families
    "phrase.investment": N_(
        "Reads like a fake investment or fund-recovery testimonial: “{phrase}”"
    ),
    "phrase.contact": N_("Asks readers to write to someone in private: “{phrase}”"),
    "phrase.giveaway": N_("Promises a crypto giveaway or reward: “{phrase}”"),
    "phrase.job": N_("Offers easy money or a job by chat: “{phrase}”"),
    "phrase.service_number": N_("Advertises a customer-service number: “{phrase}”"),
    "phrase.promotion": N_("Promotes a site, channel or service: “{phrase}”"),
    "phrase.engagement_bait": N_("Asks for likes or shares: “{phrase}”"),
    "phrase.adult": N_("Offers sex or dating: “{phrase}”"),
    "phrase.praise": N_("Generic praise, common in link spam: “{phrase}”"),
    # how it is written
    "letters.disguised": NP_(
        "Disguises a word with look-alike letters from other alphabets or styled “fonts”",
        "Disguises {count} words with look-alike letters from other alphabets or styled “fonts”",
    ),
    "text.capitals": N_("Capital letters: {percent} of the text"),
    "text.wording": N_("Its wording resembles spam the filter has learned: {words_list}"),
    # the request and the site
    "context.repeat": N_("Repeats a comment posted in the last day"),
    "context.author_spam": N_("A moderator marked an earlier comment by this author as spam"),
    "context.language_mismatch": N_(
        "Written in {language_name}, the article in {article_language_name}"
    ),
    "context.burst": N_("{count} comments from this client in {minutes} minutes"),
    "context.off_topic_link": N_("Off the article's topic, with a link to {domain}"),
    # bans and the site's word lists (`pipeline/rules.py`)
    "ban.author": N_("A moderator blocked this author ({until_label})"),
    "ban.network": N_("Sent from {network}, a network a moderator blocked ({until_label})"),
    "words.blocked": NP_(
        "Contains “{phrase}”, on the site's block list",
        "Contains “{phrase}” and more of the site's block list ({count} in all)",
    ),
    "words.held": NP_(
        "Contains “{phrase}”, on the site's hold list: a moderator must read it",
        "Contains “{phrase}” and more of the site's hold list ({count} in all): a moderator "
        "must read it",
    ),
    # comments brought in from another system (`flask import`)
    "import.awaiting_checks": N_("Imported: waiting for the language and spam checks"),
    # reasons stored before they were codes, kept as they were written (never translated)
    "legacy": "{text}",
    # learning verdicts (spam model versions)
    "learning.promoted": N_(
        "Promoted: on {n} comments, genuine ones sent to spam {genuine_to_spam_before} → "
        "{genuine_to_spam_after} (of the site's approved: {site_genuine_to_spam_before} → "
        "{site_genuine_to_spam_after}), spam caught {caught_before} → {caught_after} of {spam}"
    ),
    "learning.more_approved_to_spam": N_(
        "Refused: it would send more of this site's approved comments to spam "
        "({site_genuine_to_spam_before} → {site_genuine_to_spam_after} on {n} comments)"
    ),
    "learning.more_genuine_to_spam": N_(
        "Refused: it would send more genuine comments to spam "
        "({genuine_to_spam_before} → {genuine_to_spam_after} of {genuine})"
    ),
    "learning.less_spam_caught": N_(
        "Refused: it would catch less spam ({caught_before} → {caught_after} of {spam})"
    ),
}
VERDICT_LABELS = {
    "spam": N_("spam folder"),
    "likely": N_("likely spam"),
    "borderline": N_("borderline"),  # stored before likely spam began at the borderline
    "clean": N_("no concern"),
}


def _quoted(words: Any) -> Any:
    return [f"“{word}”" for word in words] if isinstance(words, list) else words


def _until(until: Any) -> str:
    """How long a block lasts: for good, or until a moment stored as ISO 8601."""
    if until is None:
        return translate(N_("for good"))
    return translate(N_("until {moment}"), {"moment": when(datetime.fromisoformat(str(until)))})


# Parameters written the reader's way; the others are filled in as they are (numbers and lists
# localized by `translate`). Each gets its own name so that a template can still show the raw one.
_SPELLED: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "language": ("language_name", lambda code: language_name(str(code))),
    "article_language": ("article_language_name", lambda code: language_name(str(code))),
    "verdict": (
        "verdict_label",
        lambda verdict: translate(VERDICT_LABELS.get(str(verdict), str(verdict))),
    ),
    "words": ("words_list", _quoted),
    "until": ("until_label", _until),
}
# Parameters replaced in place: fractions and scores, and the decimals they are written with.
_NUMBERS: dict[str, Callable[[float], str]] = {
    "confidence": percent,
    "score": decimal,
    "percent": lambda value: percent(value / 100),
}
_PLACES = {"confidence": 2, "score": 2, "percent": 0}


def describe(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence for a code with its parameters, in the current language; never raises.

    An unknown code is shown as the code itself: a newer server may have stored it.
    """
    values: dict[str, Any] = dict(params or {})
    template = TEMPLATES.get(code)
    if template is None:
        return code
    if code == "legacy":
        return str(values.get("text", ""))
    try:
        for name, (spelled_name, spell) in _SPELLED.items():
            if name in values:
                values[spelled_name] = spell(values[name])
        for name, write in _NUMBERS.items():
            if isinstance(values.get(name), int | float):
                values[name] = write(values[name])
    except (ValueError, TypeError):  # a parameter of the wrong type: show what there is
        return f"{code} {dict(params or {})}"
    if isinstance(template, tuple):
        count = values.get("count", 1)
        return translate_plural(template, count if isinstance(count, int) else 1, values)
    return translate(template, values)


def written(reason: Mapping[str, Any]) -> str:
    """What a stored reason's sentence depends on, as a string: two reasons with the same one
    read the same (numbers rounded as the sentence writes them: 0.93, 87 %)."""
    params = dict(reason.get("params") or {})
    for name, places in _PLACES.items():
        if isinstance(value := params.get(name), float):
            params[name] = round(value, places)
    return json.dumps([reason.get("code", "legacy"), params], sort_keys=True, default=str)


def reason_text(reason: Mapping[str, Any]) -> str:
    """A stored check result in words (the template filter `reason_text`)."""
    return describe(str(reason.get("code", "legacy")), reason.get("params") or {})
