"""Turn a raw comment into the lowercase letter tokens that carry evidence of its language."""

from __future__ import annotations

import re
import unicodedata

# Past this many characters a comment holds far more evidence than any detector needs; cutting
# before the regexes keeps a 100 kB paste as cheap as a long comment.
MAX_INPUT_CHARS = 4000
MAX_TOKENS = 120
MAX_WORD_LETTERS = 30

# Every pattern is linear in the text's length: candidates start only where no character of
# the run precedes them (a lookbehind), and runs are consumed possessively, so "a.a.a.…" or
# "_____…" cost what a sentence of the same length costs.
_URL = re.compile(r"(?:https?|ftp)://\S++|(?<![\w.-])www\.\S++", re.IGNORECASE)
# Bare domains ("visit example.com/promo"): their words are brand names, not language. A dotted
# run counts when its last label is one of these.
_DOTTED = re.compile(r"(?<![\w.-])[\w-]++(?:\.[\w-]++)++(?:/\S*+)?")
_BARE_TLDS = frozenset(
    ["com", "net", "org", "info", "biz", "io", "co", "me", "ly", "tv", "br", "es", "pt", "uk", "us"]
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
# Mentions and hashtags are names the author did not write in their language.
_TAG = re.compile(r"(?<!\w)[@#]\w+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Letters only (no digits, underscores, emoji or symbols), with inner apostrophes kept so that
# "don't" and "aujourd'hui" can be looked up whole. The model's word lists are cut by it too.
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def clean(text: str) -> str:
    """Return the text without URLs, emails, mentions, hashtags, and in NFC lowercase."""
    text = unicodedata.normalize("NFC", text[:MAX_INPUT_CHARS])
    # Emails first: their domain part would otherwise be taken for a bare URL.
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _DOTTED.sub(_bare_domain, text)
    text = _TAG.sub(" ", text)
    # Lowercasing everything folds ALL CAPS, which langdetect would otherwise skip word by word.
    return text.translate(_APOSTROPHES).lower()


def _bare_domain(match: re.Match[str]) -> str:
    run = match.group(0)
    last = run.split("/", 1)[0].rsplit(".", 1)[-1].lower()
    return " " if last in _BARE_TLDS else run


def tokens(text: str) -> list[str]:
    """Return the letter tokens of a raw comment, lowercased, at most MAX_TOKENS of them."""
    # Runs of letters longer than any word ("aaaaaaaa…", base64) are noise, not evidence.
    words = [word for word in WORD.findall(clean(text)) if len(word) <= MAX_WORD_LETTERS]
    return words[:MAX_TOKENS]


def is_latin(char: str) -> bool:
    """Tell whether a letter belongs to the Latin script (basic, supplements, extended)."""
    code = ord(char)
    return code < 0x250 or 0x1E00 <= code <= 0x1EFF
