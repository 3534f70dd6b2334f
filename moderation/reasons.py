"""Check results and learning verdicts in words: the one table from codes to English sentences.

Results are stored as codes with parameters (`pipeline/checks.py`); this module turns them into
sentences a moderator understands, at display time. Every template is a plain string with named
`{params}`, so a translation pass can wrap each in gettext and give the moderator their language.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from moderation.language import language_name

# code -> template, or (one, many) chosen by the `count` parameter.
TEMPLATES: dict[str, str | tuple[str, str]] = {
    # language
    "language.detected": "Written in {language_name} ({confidence:.0%} sure)",
    "language.undetermined": "Too little text to tell the language",
    "language.not_moderated": "Written in {language_name}, a language this site does not moderate",
    "language.failed": "Unclassified: the language detector failed (run `comments reclassify`)",
    # spam summary
    "spam.score": "Spam score {score:.2f}: {verdict_label}",
    "spam.failed": "Unclassified: the spam classifier failed (run `comments reclassify`)",
    # where links point
    "link.reference": (
        "Links to {domain}, a reference site (official, academic, encyclopaedia or this site)"
    ),
    "link.video": "Links to {domain}, a video site",
    "link.social": "Links to {domain}, a social network",
    "link.learned_genuine": "Links to {domain}, which moderators here approved before",
    "link.unknown": "Links to {domain}, a site the filter knows nothing about",
    "link.commercial": "Links to {domain}, a kind of domain that shops and landing pages use",
    "link.shortener": "Links through {domain}, a link shortener that hides where it leads",
    "link.messaging": "Links to {domain}, a messaging service often used by scams",
    "link.learned_spam": "Links to {domain}, which moderators here marked as spam before",
    "link.anchor": "Contains an HTML link with its own text, as link-building tools post",
    # contacts
    "contact.email": "Gives an email address at {domain}",
    "contact.phone": (
        "Offers a phone or WhatsApp number",
        "Offers {count} phone or WhatsApp numbers",
    ),
    # phrase families
    "phrase.investment": "Reads like a fake investment or fund-recovery testimonial: “{phrase}”",
    "phrase.contact": "Asks readers to write to someone in private: “{phrase}”",
    "phrase.giveaway": "Promises a crypto giveaway or reward: “{phrase}”",
    "phrase.job": "Offers easy money or a job by chat: “{phrase}”",
    "phrase.service_number": "Advertises a customer-service number: “{phrase}”",
    "phrase.promotion": "Promotes a site, channel or service: “{phrase}”",
    "phrase.engagement_bait": "Asks for likes or shares: “{phrase}”",
    "phrase.adult": "Offers sex or dating: “{phrase}”",
    "phrase.praise": "Generic praise, common in link spam: “{phrase}”",
    # how it is written
    "letters.disguised": (
        "Disguises a word with look-alike letters from other alphabets or styled “fonts”",
        "Disguises {count} words with look-alike letters from other alphabets or styled “fonts”",
    ),
    "text.capitals": "{percent}% capitals",
    "text.wording": "Its wording resembles spam the filter has learned: {words_list}",
    # the request and the site
    "context.repeat": "Repeats a comment posted in the last day",
    "context.author_spam": "A moderator marked an earlier comment by this author as spam",
    "context.language_mismatch": (
        "Written in {language_name}, the article in {article_language_name}"
    ),
    "context.burst": "{count} comments from this client in {minutes} minutes",
    "context.off_topic_link": "Off the article's topic, with a link to {domain}",
    # bans and the site's word lists (`pipeline/rules.py`)
    "ban.author": "A moderator blocked this author ({until_label})",
    "ban.network": "Sent from {network}, a network a moderator blocked ({until_label})",
    "words.blocked": (
        "Contains “{phrase}”, on the site's block list",
        "Contains “{phrase}” and more of the site's block list ({count} in all)",
    ),
    "words.held": (
        "Contains “{phrase}”, on the site's hold list: a moderator must read it",
        "Contains “{phrase}” and more of the site's hold list ({count} in all): a moderator "
        "must read it",
    ),
    # comments brought in from another system (`flask import`)
    "import.awaiting_checks": "Imported: waiting for the language and spam checks",
    # reasons stored before they were codes, kept as they were written
    "legacy": "{text}",
    # learning verdicts (spam model versions)
    "learning.promoted": (
        "Promoted: on {n} comments, genuine ones sent to spam {genuine_to_spam_before} → "
        "{genuine_to_spam_after} (of the site's approved: {site_genuine_to_spam_before} → "
        "{site_genuine_to_spam_after}), spam caught {caught_before} → {caught_after} of {spam}"
    ),
    "learning.more_approved_to_spam": (
        "Refused: it would send more of this site's approved comments to spam "
        "({site_genuine_to_spam_before} → {site_genuine_to_spam_after} on {n} comments)"
    ),
    "learning.more_genuine_to_spam": (
        "Refused: it would send more genuine comments to spam "
        "({genuine_to_spam_before} → {genuine_to_spam_after} of {genuine})"
    ),
    "learning.less_spam_caught": (
        "Refused: it would catch less spam ({caught_before} → {caught_after} of {spam})"
    ),
}
VERDICT_LABELS = {
    "spam": "spam folder",
    "likely": "likely spam",
    "borderline": "borderline",  # stored before likely spam began at the borderline
    "clean": "no concern",
}


class _Missing(dict[str, Any]):
    """Format parameters that leave a missing one visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def describe(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The English sentence for a code with its parameters; never raises.

    An unknown code is shown as the code itself: a newer server may have stored it.
    """
    values: dict[str, Any] = dict(params or {})
    template = TEMPLATES.get(code)
    if template is None:
        return code
    if isinstance(template, tuple):
        template = template[0] if values.get("count", 1) == 1 else template[1]
    if "language" in values:
        values["language_name"] = language_name(str(values["language"]))
    if "article_language" in values:
        values["article_language_name"] = language_name(str(values["article_language"]))
    if "verdict" in values:
        values["verdict_label"] = VERDICT_LABELS.get(str(values["verdict"]), values["verdict"])
    if "until" in values:
        until = values["until"]
        values["until_label"] = "for good" if until is None else f"until {until}"
    if "words" in values and isinstance(values["words"], list):
        values["words_list"] = ", ".join(f"“{word}”" for word in values["words"])
    try:
        return string.Formatter().vformat(template, (), _Missing(values))
    except (ValueError, TypeError):  # a parameter of the wrong type: show what there is
        return f"{code} {dict(params or {})}"


def reason_text(reason: Mapping[str, Any]) -> str:
    """A stored check result in words (the template filter `reason_text`)."""
    return describe(str(reason.get("code", "legacy")), reason.get("params") or {})
