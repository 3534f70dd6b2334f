"""A comment body as the spam checks read it: look-alike letters folded, links found in linear time.

Every pattern here is linear in the body's length: no nested quantifiers, candidates start only
at the beginning of a run (a lookbehind), and runs are consumed possessively, so a crafted body
such as "a.a.a.…" or "_____…" costs what a sentence of the same length costs.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from moderation.spam.destinations import registered_domain

# Longer bodies are read on their start: the cost of every check stays bounded.
MAX_CHARS = 5000

# Zero-width and soft-hyphen characters split words invisibly ("what\u200bsapp").
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
_TAG = re.compile(r"<[^<>]{0,200}>")
# Letters styled with Unicode "fonts": mathematical alphanumerics, fullwidth, circled and squared
# letters. NFKC turns them back into plain letters; their count is a signal of its own.
_STYLED = re.compile(
    "[\U0001d400-\U0001d7ff\uff21-\uff3a\uff41-\uff5a\u24b6-\u24e9\U0001f130-\U0001f189]"
)

# Look-alike letters (after Unicode's confusables.txt), for the two scripts spam mixes most:
# Cyrillic and Greek letters inside Latin words, and Latin letters inside Cyrillic words. Latin
# "small capitals" and a few phonetic letters are styling and fold like look-alikes too.
_LATIN_TWINS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ү": "y", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin small capitals and phonetic letters
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ᴩ": "p", "ı": "i", "ɑ": "a",
    "ɩ": "i",
    # Cherokee capitals
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭰ": "D", "Ꭼ": "E", "Ꮐ": "G", "Ꮋ": "H", "Ꭻ": "J", "Ꮶ": "K",
    "Ꮮ": "L", "Ꮇ": "M", "Ꮲ": "P", "Ꮢ": "R", "Ꮪ": "S", "Ꭲ": "T", "Ꮩ": "V", "Ꮃ": "W", "Ꮓ": "Z",
}  # fmt: skip
_CYRILLIC_TWINS = {
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "n": "п", "o": "о",
    "p": "р", "r": "г", "t": "т", "u": "и", "x": "х", "y": "у",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р",
    "T": "Т", "X": "Х", "Y": "У",
    "α": "а", "ε": "е", "ο": "о", "ρ": "р", "κ": "к", "τ": "т", "χ": "х", "Ó": "О", "ó": "о",
    "ᴀ": "а", "ʙ": "в", "ᴄ": "с", "ᴇ": "е", "ʜ": "н", "ᴋ": "к", "ᴍ": "м", "ᴏ": "о", "ᴘ": "р",
    "ᴛ": "т", "ᴨ": "п", "ᴧ": "л", "ʍ": "м", "ɜ": "з", "ɸ": "ф", "ɯ": "ш", "ᴦ": "г", "ɞ": "в",
    "ᴩ": "р",
    "Ꮶ": "К", "Ꮲ": "Р", "Ꮻ": "О", "Ꭺ": "А", "Ꮯ": "С", "Ꭼ": "Е", "Ꮋ": "Н", "Ꮇ": "М", "Ꭲ": "Т",
}  # fmt: skip
_TO_LATIN = str.maketrans(_LATIN_TWINS)
_TO_CYRILLIC = str.maketrans(_CYRILLIC_TWINS)
# Greek, Cyrillic, phonetic and small-capital letters, modifier letters, Cherokee: a body without
# any of them (nearly every Spanish, Portuguese or English comment) skips the folding entirely.
_FOREIGN_LETTER = re.compile("[\u0250-\u02af\u0370-\u04ff\u13a0-\u13ff\u1d00-\u1dbf\ua700-\ua7ff]")
_STYLING = "\u1d00-\u1dbf\u0250-\u02af\ua700-\ua7ff\u13a0-\u13ff"
# A word that mixes Latin letters with Cyrillic or Greek ones, or uses styling letters. Words are
# only tried where they start (\b), and each lookahead reads the word once: linear.
_DISGUISED = re.compile(
    r"\b(?:(?=[^\W\d_]*[A-Za-z\u00c0-\u024f])(?=[^\W\d_]*[\u0370-\u04ff])"
    r"|(?=[^\W\d_]*[" + _STYLING + r"]))[^\W\d_]+"
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
# Letters that give a word's real script away: a Cyrillic letter with no Latin twin ("д", "я"),
# a Latin letter with no Cyrillic twin ("d", "s").
_ONLY_CYRILLIC = re.compile(
    "[" + "".join(chr(c) for c in range(0x400, 0x500) if chr(c) not in _LATIN_TWINS) + "]"
)
_ONLY_LATIN = re.compile(
    "["
    + "".join(
        c
        for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if c not in _CYRILLIC_TWINS
    )
    + "\u00c0-\u024f]"
)


@dataclass(frozen=True, slots=True)
class Normalised:
    """A body ready for matching: entities decoded, NFKC, invisible characters gone, look-alikes
    folded; with what the folding found."""

    text: str
    disguised_words: int  # words mixing scripts or written in look-alike letters
    styled_letters: int  # letters in mathematical, fullwidth, circled or squared "fonts"


def _folder(text: str) -> Callable[[re.Match[str]], str]:
    """Folds a disguised word into the script most of its letters (on a tie: the text's) use."""
    text_cyrillic = len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text))

    def fold_word(match: re.Match[str]) -> str:
        word = match.group(0)
        cyrillic, latin = len(_ONLY_CYRILLIC.findall(word)), len(_ONLY_LATIN.findall(word))
        if cyrillic > latin or (cyrillic == latin and text_cyrillic):
            return word.translate(_TO_CYRILLIC)
        return word.translate(_TO_LATIN)

    return fold_word


def normalise(body: str) -> Normalised:
    """Decode, normalise and fold look-alike letters; linear in the body's length."""
    text = body[:MAX_CHARS]
    styled = len(_STYLED.findall(text))
    text = unicodedata.normalize("NFKC", html.unescape(text))
    text = _INVISIBLE.sub("", text)
    if text.isascii() or not _FOREIGN_LETTER.search(text):
        return Normalised(text, 0, styled)
    text, disguised = _DISGUISED.subn(_folder(text), text)
    return Normalised(text, disguised, styled)


# Accents and case, folded with one table (C speed): "Atención" and "atencion" read the same.
def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base and base != char:
            table[code] = base
    for code in range(0x300, 0x370):  # combining marks left over
        table[code] = ""
    return table


_ACCENTS = _accent_table()
_ACCENT_OF = {chr(code): base for code, base in _ACCENTS.items()}
# Only the letters that change are replaced: str.translate looks every character of a non-ASCII
# text up in its table, three times slower on a Portuguese comment.
_ACCENTED = re.compile("[" + "".join(re.escape(char) for char in _ACCENT_OF) + "]")


def _unaccent(match: re.Match[str]) -> str:
    return _ACCENT_OF[match.group(0)]


def fold(text: str) -> str:
    """Lower case without accents, single spaces: what phrases and the text model match."""
    lower = text.lower()
    if not lower.isascii():
        lower = _ACCENTED.sub(_unaccent, lower)
    return " ".join(lower.split())


# -- links, addresses, handles --------------------------------------------------------------------

# Bare domains count as links only with a known top-level domain, so "e.g." and "U.S." do not.
TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "edu",
        "gov",
        "mil",
        "int",
        "io",
        "co",
        "me",
        "ly",
        "tv",
        "ws",
        "cc",
        "gl",
        "to",
        "ai",
        "app",
        "dev",
        "xyz",
        "top",
        "site",
        "online",
        "shop",
        "store",
        "club",
        "live",
        "pro",
        "link",
        "click",
        "icu",
        "buzz",
        "fun",
        "vip",
        "win",
        "bid",
        "loan",
        "work",
        "money",
        "cash",
        "ltd",
        "llc",
        "services",
        "agency",
        "digital",
        "finance",
        "trade",
        "market",
        "ru",
        "su",
        "ua",
        "by",
        "kz",
        "cn",
        "in",
        "pk",
        "ng",
        "id",
        "ph",
        "vn",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "br",
        "ar",
        "mx",
        "es",
        "pt",
        "cl",
        "pe",
        "uy",
        "py",
        "bo",
        "ec",
        "ve",
        "cr",
        "gt",
        "hn",
        "sv",
        "ni",
        "pa",
        "do",
        "pr",
        "cu",
        "co",
        "uk",
        "us",
        "ca",
        "au",
        "nz",
        "de",
        "fr",
        "it",
        "nl",
        "be",
        "ch",
        "at",
        "se",
        "no",
        "dk",
        "fi",
        "pl",
        "cz",
        "gr",
        "ie",
        "eu",
        "asia",
        "page",
    ]
)
# A URL with a scheme or "www.", or a candidate bare domain: a run of labels starting where no
# label character precedes it, consumed possessively (no backtracking into the run).
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]++"
    r"|(?<![\w@.\-/])[a-z0-9\-]++(?:\.[a-z0-9\-]++)++(?:/[^\s<>\"'()\[\]{}]*+)?",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"https?://|www\.", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]++@[a-z0-9\-]++(?:\.[a-z0-9\-]++)++", re.IGNORECASE)
# An @handle as messaging apps and social networks write them; not the local part of an email.
_HANDLE = re.compile(r"(?<![\w@.])@[a-z][\w.]{2,31}+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in a body: its host (lower case, without www) and what follows it."""

    host: str
    path: str


def _bare_domain(candidate: str) -> str | None:
    """The longest prefix of dotted labels that ends in a known TLD, or None.

    A capitalised TLD is a sentence missing its space ("el gobierno.Es"), unless the whole
    candidate is in capitals.
    """
    labels = candidate.split(".")
    shouting = candidate.isupper()
    for end in range(len(labels) - 1, 0, -1):
        label = labels[end]
        if label.lower() in TLDS and (shouting or label.islower()) and all(labels[:end]):
            return ".".join(labels[: end + 1])
    return None


# Every link has a dot followed by a label character: prose without one has no link to find.
_MAYBE_LINK = re.compile(r"\.[a-zA-Z0-9]")


def links(text: str) -> list[Link]:
    """Every link in the text, with a scheme, "www." or as a bare domain with a known TLD."""
    found: list[Link] = []
    if not _MAYBE_LINK.search(text):
        return found
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        rest = _SCHEME.sub("", url, count=1)
        host, _, path = rest.partition("/")
        host = host.split("?", 1)[0].split("#", 1)[0].split(":", 1)[0].strip(".")
        if url[:4].lower() not in ("http", "www."):
            domain = _bare_domain(host)
            if domain is None:
                continue
            host = domain
        host = host.lower()
        if "." in host:
            found.append(Link(host.removeprefix("www."), path))
    return found


def has_scheme(text: str) -> bool:
    """Whether the text has an address written with a scheme or "www." (found or not)."""
    return bool(_ANY_SCHEME.search(text))


def strip_links(text: str) -> str:
    """The text with every link, email address and handle replaced by a space."""
    return _replace_links(text, lambda host: " ")


def links_as_domains(text: str) -> str:
    """The text with each link reduced to one token naming its domain ("gob_mx"), and email
    addresses and handles removed: the words around a link and where it points are what count,
    not its path."""
    return _replace_links(text, _domain_token)


def _domain_token(host: str) -> str:
    return " " + registered_domain(host).replace(".", "_").replace("-", "_") + " "


def _replace_links(text: str, replace: Callable[[str], str]) -> str:
    if "@" in text:
        text = _HANDLE.sub(" ", _EMAIL.sub(" ", text))
    if not _MAYBE_LINK.search(text):
        return text

    def one(match: re.Match[str]) -> str:
        url = match.group(0)
        if url[:4].lower() in ("http", "www."):
            host = _SCHEME.sub("", url, count=1).split("/", 1)[0]
        else:
            domain = _bare_domain(url.split("/", 1)[0])
            if domain is None:
                return url
            host = domain
        host = host.split("?", 1)[0].split("#", 1)[0].split(":", 1)[0].strip(".").lower()
        return replace(host.removeprefix("www."))

    return _URL.sub(one, text)


def emails(text: str) -> list[str]:
    """The domains of the email addresses in the text (those with a known TLD)."""
    found: list[str] = []
    if "@" not in text:
        return found
    for match in _EMAIL.finditer(text):
        domain = match.group(0).rsplit("@", 1)[1].lower()
        if _bare_domain(domain):
            found.append(domain)
    return found


def handles(text: str) -> list[str]:
    """The @handles in the text."""
    return _HANDLE.findall(text)


def plain(text: str) -> str:
    """The text without markup tags."""
    return _TAG.sub(" ", text) if "<" in text else text
