"""What a body shows besides its wording: links by destination, contacts, scam phrases, disguises.

Each finding is a `Reason`: a code with parameters, rendered into the moderator's language at
display time (`moderation/reasons.py`). A reason marked `evidence` is a spam-specific signal:
only a comment with at least one may go to the spam folder. Neither length nor the bare presence
of a link is a signal; a link counts by where it points.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moderation.spam import text as texts
from moderation.spam.destinations import (
    Destination,
    Destinations,
    is_a_place,
    is_piracy,
    pays_its_poster,
    registered_domain,
)
from moderation.spam.phrases import GATE_ONLY, MODEL_FAMILIES, NOT_EVIDENCE, REPORTED_AS, phrases

# A phone number: 9-15 digits in groups, optionally after + or a bracketed area code. Groups are
# bounded, so the match is linear; dot-grouped thousands ("1.400.000.000"), dates and lists of
# years are numbers readers write, not phones.
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[.,])(?:\+ ?)?(?:\(\d{1,4}\) ?)?\d{1,5}(?:[ .\-]?\d{1,5}){1,5}+(?!\w|[.,]\d)"
)
_NINE_DIGITS = re.compile(r"\d(?:\D{0,3}\d){8}")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_YEARS = re.compile(r"^(?:(?:19|20)\d\d[ .\-]*)+$")
_DATE = re.compile(r"^(?:19|20)\d\d[\-.]\d\d?[\-.]\d\d?\b")
_RANGE_PART = re.compile(r"^(?:\d{1,3}|\d{1,3}(?:[.,]\d{3})+)$")
_DIGIT = re.compile(r"\d")
_MESSAGING_APPS = frozenset(
    {"whatsapp", "whats", "wpp", "zap", "wasap", "telegram", "signal", "viber", "wechat"}
)
# HTML or BBCode links: a comment box takes plain text and markdown; pasted anchors with
# keyword text are what link-building tools post.
_ANCHOR = re.compile(r"<a\s[^<>]{0,300}href|\[url=", re.IGNORECASE)
# A web address broken up around its dot so link filters miss it: "site . com/page" (a sentence
# never puts a space before its full stop), or "site. com/page" with an instruction to join it
# ("delete the spaces"; without one, "fui. com/sem" is Portuguese). A reader citing something
# writes the address whole.
_SPACED_ADDRESS = re.compile(
    r"(?<!\w)[a-z0-9][a-z0-9\-]{0,62}+( *+)\. *+([a-z]{2,6})/\w", re.IGNORECASE
)
_JOIN_SPACES = re.compile(
    r"\b(?:delete|remove|take out|join)(?: the)? spaces\b"
    r"|\b(?:quita|quite|quitar|borra|borre|borrar|elimina|elimine|junta|junte)(?: los)? espacios\b"
    r"|\b(?:tira|tire|tirar|remova|remover|apaga|apague|junta|junte)(?: os)? espacos\b"
)
_REPEAT = re.compile(r"(.)\1{3,}+", re.DOTALL)
_MONEY_SIGN = re.compile(
    r"\$ ?\d|\d ?k? ?(?:\$|€|£|usd|dollars?|dolares|reais|euros?|usdt|btc|eth)\b"
)
_NOT_UPPER = re.compile(r"[^A-ZÀ-ÖØ-ÞА-Я]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")
# Below this share of capitals a comment is not shouting; the model reads only the excess.
SHOUTING = 0.6
# A comment of at most this many words besides its links offers little more than the link: when
# that leads to a front page, a profile or a storefront rather than to something to read, the
# comment is there to send readers away. About one sentence.
BARE_LINK_WORDS = 12
_WORD = re.compile(r"[^\W\d_]{2,}")
# The same address this many times in one comment: a citation is given once (or twice, as a
# markdown link that shows its own address); repeating it is asking for the click.
REPEATED_LINK = 3
# Disguised words needed before the disguise counts as evidence: one may be an accident.
DISGUISE_MIN_WORDS = 2
STYLED_MIN_LETTERS = 4

# Order of the numeric columns fed to the linear model next to the word and character blocks.
# Links count by the kind of place they point to; the model learns what each kind weighs (a
# site's own learned reputation is added by hand in scoring, as no corpus has it).
LINK_FEATURES = (
    Destination.REFERENCE,
    Destination.VIDEO,
    Destination.SOCIAL,
    Destination.UNKNOWN,
    Destination.COMMERCIAL,
    Destination.SHORTENER,
    Destination.MESSAGING,
)
FEATURE_NAMES: tuple[str, ...] = (
    *(f"link.{kind.value}" for kind in LINK_FEATURES),
    "anchor",
    "phone",
    "email",
    "handle",
    "messaging_app",
    "money",
    "disguised",
    "styled",
    "repeated",
    "capitals",
    *(f"phrase.{family}" for family in MODEL_FAMILIES),
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One finding as a code with parameters; `evidence` marks a spam-specific signal."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    evidence: bool = False


@dataclass(frozen=True, slots=True)
class LinkFinding:
    """A link or address and how its destination was judged."""

    domain: str
    destination: Destination


@dataclass(frozen=True, slots=True)
class Signals:
    """What the checks found in one body: model inputs, reasons, and the links judged."""

    values: tuple[float, ...]  # aligned with FEATURE_NAMES
    reasons: tuple[Reason, ...]
    links: tuple[LinkFinding, ...]
    # Self-promotion or an offer of easy money in the commenter's own words (`GATE_ONLY`), or an
    # address broken up with spaces (which the model does not read as a link): a strong signal
    # that is no model input, so the score cannot have counted it and the borderline is enough
    # with it (`SpamResult.verdict`). Not a bare or paid link: where a link leads is never
    # enough by itself.
    unscored: bool = False

    @property
    def evidence(self) -> bool:
        """Whether any finding is a spam-specific signal."""
        return any(reason.evidence for reason in self.reasons)


def phones(text: str) -> int:
    """How many phone numbers the text offers."""
    if not _NINE_DIGITS.search(text):
        return 0
    found = 0
    for match in _PHONE.finditer(text):
        number = match.group(0).strip()
        digits = len(_DIGIT.findall(number))
        if 9 <= digits <= 15 and not (
            _THOUSANDS.match(number)
            or _YEARS.match(number)
            or _DATE.match(number)
            or _is_range(number)
        ):
            found += 1
    return found


def _is_range(number: str) -> bool:
    """ "300-400.000": a range of amounts, each short or grouped in thousands."""
    parts = number.split("-")
    return (
        len(parts) > 1
        and all(_RANGE_PART.match(part.strip()) for part in parts)
        and any(not part.strip().isdigit() for part in parts)
    )


def _has_digits(text: str, least: int) -> bool:
    """Whether the text has at least `least` digits (counted by C-level scans when it can)."""
    ascii_digits = sum(text.count(digit) for digit in "0123456789")
    if ascii_digits >= least or text.isascii():
        return ascii_digits >= least
    return len(_DIGIT.findall(text)) >= least


def capitals(text: str) -> float:
    """The share of capitals among the letters, when it is shouting (else 0)."""
    upper = len(_NOT_UPPER.sub("", text))
    if upper < 8:  # too few to shout with: skip counting every letter
        return 0.0
    # Shouting needs fewer than upper / SHOUTING letters in all: a prefix with more settles it
    # without counting the rest.
    most = upper / SHOUTING
    if len(_NOT_LETTER.sub("", text[: 2 * int(most) + 16])) > most:
        return 0.0
    share = upper / len(_NOT_LETTER.sub("", text))
    return share if share >= SHOUTING else 0.0


def _excerpt(match: re.Match[str]) -> str:
    return " ".join(match.group(0).split())[:60]


def extract(
    normalised: texts.Normalised,
    folded: str,
    words: Iterable[str],
    destinations: Destinations | None = None,
) -> Signals:
    """Run every check on a normalised body, its folded form (`text.fold`) and its words."""
    judge = destinations or Destinations()
    body = normalised.text
    word_set = set(words)
    reasons: list[Reason] = []

    found: dict[str, Destination] = {}
    places: dict[str, None] = {}  # domains linked at a front page or profile
    paid: dict[str, None] = {}  # domains linked through an address that pays its poster
    pirated: dict[str, None] = {}  # domains linked for a pirated copy
    addresses: dict[texts.Link, int] = {}
    for link in texts.links(body):
        addresses[link] = addresses.get(link, 0) + 1
        domain, destination = registered_domain(link.host), judge.judge(link.host)
        found.setdefault(domain, destination)
        if destination in _PLACES and is_a_place(destination, link.path, domain):
            places.setdefault(domain)
        if destination not in _NEVER_PAID:
            if pays_its_poster(domain, link.path):
                paid.setdefault(domain)
            if is_piracy(link.host, link.path):
                pirated.setdefault(domain)
    for domain, destination in found.items():
        evidence = _is_evidence(destination)
        reasons.append(Reason(f"link.{destination.value}", {"domain": domain}, evidence=evidence))
    if places and _few_words(texts.strip_links(texts.plain(body)), BARE_LINK_WORDS):
        reasons.append(Reason("link.bare", {"domain": next(iter(places))}, evidence=True))
    if paid:
        reasons.append(Reason("link.paid", {"domain": next(iter(paid))}, evidence=True))
    if pirated:
        reasons.append(Reason("link.piracy", {"domain": next(iter(pirated))}, evidence=True))
    repeated = next((link for link, n in addresses.items() if n >= REPEATED_LINK), None)
    if repeated:
        domain = registered_domain(repeated.host)
        reasons.append(Reason("link.repeated", {"domain": domain}, evidence=True))
    emails = texts.emails(body)
    for domain in dict.fromkeys(emails):
        evidence = _is_evidence(judge.judge(domain))
        reasons.append(Reason("contact.email", {"domain": domain}, evidence=evidence))
    spaced = _spaced_address(body, folded)
    if spaced:
        reasons.append(Reason("link.spaced", {"address": spaced}, evidence=True))
    anchor = ("<a" in body or "[url" in body.lower()) and bool(_ANCHOR.search(body))
    if anchor:
        reasons.append(Reason("link.anchor", evidence=True))
    # A phone needs nine digits. Digits inside links and addresses are no phone: take those out
    # first, when there are any (without a link found, an "@" or a scheme, there is nothing to
    # take out).
    if not _has_digits(body, 9):
        n_phones = 0
    elif found or "@" in body or texts.has_scheme(body):
        n_phones = phones(texts.strip_links(body))
    else:
        n_phones = phones(body)
    if n_phones:
        reasons.append(Reason("contact.phone", {"count": n_phones}, evidence=True))

    matches = phrases(folded, word_set)
    for family, match in matches.items():
        shown = REPORTED_AS.get(family, family)
        if shown != family and shown in matches:
            continue  # the family it is reported as said it already
        evidence = family not in NOT_EVIDENCE
        reasons.append(Reason(f"phrase.{shown}", {"phrase": _excerpt(match)}, evidence=evidence))
    phrase_values = [1.0 if family in matches else 0.0 for family in MODEL_FAMILIES]

    disguised, styled = normalised.disguised_words, normalised.styled_letters
    if disguised >= DISGUISE_MIN_WORDS or styled >= STYLED_MIN_LETTERS:
        reasons.append(Reason("letters.disguised", {"count": max(1, disguised)}, evidence=True))
    shouting = capitals(body)
    if shouting:
        reasons.append(Reason("text.capitals", {"percent": round(shouting * 100)}))

    kinds = set(found.values())
    values = (
        *(1.0 if kind in kinds else 0.0 for kind in LINK_FEATURES),
        1.0 if anchor else 0.0,
        min(n_phones, 2) / 2 + (0.5 if n_phones else 0.0),
        1.0 if emails else 0.0,
        1.0 if "@" in body and texts.handles(body) else 0.0,
        1.0 if not word_set.isdisjoint(_MESSAGING_APPS) else 0.0,
        1.0 if _MONEY_SIGN.search(folded) else 0.0,
        math.log1p(disguised),
        1.0 if styled >= STYLED_MIN_LETTERS else 0.0,
        min(len(_REPEAT.findall(body)), 3) / 3,
        shouting,
        *phrase_values,
    )
    links = tuple(LinkFinding(domain, destination) for domain, destination in found.items())
    unscored = bool(spaced) or not GATE_ONLY.isdisjoint(matches)
    return Signals(values=values, reasons=tuple(reasons), links=links, unscored=unscored)


# A reference site or one the site's moderators approved is cited whatever its address says.
_NEVER_PAID = frozenset({Destination.REFERENCE, Destination.LEARNED_GENUINE})
# Destinations whose address tells a citation from an invitation (a reference site is cited
# whatever the address; a shortener or messaging link is evidence anyway).
_PLACES = frozenset(
    {Destination.UNKNOWN, Destination.COMMERCIAL, Destination.SOCIAL, Destination.VIDEO}
)


def _spaced_address(body: str, folded: str) -> str:
    """The first web address written with spaces around the dot before its TLD, else ""."""
    if "/" not in body or (". " not in body and " ." not in body):
        return ""
    joined = None  # whether the body asks to join the spaces, looked up once if needed
    for match in _SPACED_ADDRESS.finditer(body):
        if match.group(2).lower() not in texts.TLDS:
            continue
        if not match.group(1):
            if joined is None:
                joined = bool(_JOIN_SPACES.search(folded))
            if not joined:
                continue
        return " ".join(match.group(0)[:-2].split())
    return ""


def _few_words(text: str, most: int) -> bool:
    """Whether a text has at most `most` words; stops counting past it."""
    return all(count <= most for count, _ in enumerate(_WORD.finditer(text), 1))


def _is_evidence(destination: Destination) -> bool:
    return destination not in (
        Destination.REFERENCE,
        Destination.VIDEO,
        Destination.SOCIAL,
        Destination.LEARNED_GENUINE,
    )
