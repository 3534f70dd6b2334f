"""Whether a comment is on its article's topic: content words shared with title and description.

Only an off-topic comment *with a link* is evidence: a reader who wanders off topic without
sending anyone anywhere is not a spammer. Without a description nothing is judged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from moderation.spam import text as texts

# Words are compared by their first letters, so "presupuesto" and "presupuestos", "corruption"
# and "corrupt" meet; short words carry no topic.
STEM_LETTERS = 5
MIN_LETTERS = 4
_WORD = re.compile(r"[^\W\d_]{4,}")
_COMMON = frozenset(
    [
        "this",
        "that",
        "with",
        "your",
        "from",
        "have",
        "they",
        "will",
        "what",
        "when",
        "there",
        "their",
        "about",
        "would",
        "which",
        "were",
        "been",
        "just",
        "like",
        "more",
        "than",
        "them",
        "only",
        "some",
        "also",
        "into",
        "other",
        "very",
        "even",
        "most",
        "much",
        "such",
        "then",
        "these",
        "para",
        "como",
        "pero",
        "esta",
        "este",
        "esto",
        "estos",
        "estas",
        "pues",
        "porque",
        "cuando",
        "donde",
        "sobre",
        "tiene",
        "hace",
        "todo",
        "todos",
        "todas",
        "muy",
        "mas",
        "solo",
        "desde",
        "hasta",
        "entre",
        "ellos",
        "ellas",
        "esos",
        "esas",
        "aqui",
        "ahora",
        "sera",
        "sido",
        "isso",
        "esse",
        "essa",
        "mais",
        "pelo",
        "pela",
        "quando",
        "onde",
        "muito",
        "voce",
        "tudo",
        "todos",
        "todas",
        "agora",
        "ainda",
        "entao",
        "ser",
        "estar",
        "fazer",
    ]
)


def stems(words: Iterable[str]) -> frozenset[str]:
    """The content stems of folded words."""
    return frozenset(
        word[:STEM_LETTERS] for word in words if len(word) >= MIN_LETTERS and word not in _COMMON
    )


@functools.lru_cache(maxsize=256)
def topic_stems(topic: str) -> frozenset[str]:
    """The content stems of an article's title and description (cached: articles repeat)."""
    return stems(_WORD.findall(texts.fold(topic)))


def on_topic(topic: str, words: Iterable[str]) -> bool:
    """Whether a comment's words share any content word with the topic."""
    return not topic_stems(topic).isdisjoint(stems(words))
