"""The text model as workers hold it: how a body is read into n-grams, and the exported tables.

`prepare`, `words`, `word_grams` and `char_grams` reproduce exactly what the fitted scikit-learn
vectorizers do, so the tables (`storage.tables_from_pipeline`) score a body as the pipeline's
`decision_function` would, without scikit-learn.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from moderation.spam import text as texts

Vector = np.ndarray[Any, np.dtype[np.float64]]
Rows = np.ndarray[Any, np.dtype[np.int32]]
# Words whose character n-grams each worker keeps looked up (cleared when full).
ROWS_CACHE = 1 << 16

_DIGITS = re.compile(r"\d+")
_WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def _digit_shape(match: re.Match[str]) -> str:
    """A run of digits as its shape: "2015" and "1884" are both "0000", longer runs cap at 4."""
    return "0" * min(len(match.group(0)), 4)


def prepare(folded: str) -> str:
    """The text the word and character models read, from the folded body: no markup, each link
    reduced to its domain, no addresses or handles; digits reduced to their shape."""
    plain = texts.links_as_domains(texts.plain(folded))
    return " ".join(_DIGITS.sub(_digit_shape, plain).split())


def words(prepared: str) -> list[str]:
    """The words as the fitted TfidfVectorizer tokenizes them."""
    return _WORD_TOKEN.findall(prepared)


def word_grams(tokens: list[str]) -> list[str]:
    """Word 1-2 grams, exactly as the fitted TfidfVectorizer makes them."""
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def char_grams(prepared: str, low: int, high: int) -> list[str]:
    """In-word character n-grams, exactly as scikit-learn's `char_wb` analyzer makes them."""
    grams: list[str] = []
    for word in prepared.split():
        grams.extend(_word_char_grams(word, low, high))
    return grams


@functools.lru_cache(maxsize=1 << 16)
def _word_char_grams(word: str, low: int, high: int) -> tuple[str, ...]:
    """One word's n-grams; words repeat across comments, so they are cut once per process."""
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size <= n:
            grams.append(padded)  # a short word counts once, as in scikit-learn
            break
        grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return tuple(grams)


class Parts(NamedTuple):
    """A block's contribution to the logit, and what each known token gave of it."""

    logit: float
    tokens: list[str]
    raw: list[float]  # each token's tf-idf times its coefficient, before l2 normalisation
    scale: float

    def contributions(self) -> dict[str, float]:
        """Token -> its share of the logit (for explanations)."""
        return {token: raw * self.scale for token, raw in zip(self.tokens, self.raw, strict=True)}


@dataclass(frozen=True)
class Block:
    """One TF-IDF block of the text model: token -> row of (idf, coefficient).

    Rows live in two flat arrays rather than a tuple per token: a third less memory for a
    vocabulary of a hundred thousand n-grams, and the character block is summed with NumPy.
    The word block, a few hundred tokens at most, is summed in Python through memory views
    of the arrays (a NumPy scalar per token costs more than the sum).
    """

    index: Mapping[str, int]
    idf: Vector
    coef: Vector
    _idf: memoryview = field(init=False, repr=False, compare=False)
    _coef: memoryview = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_idf", np.ascontiguousarray(self.idf).data)
        object.__setattr__(self, "_coef", np.ascontiguousarray(self.coef).data)

    def logit(self, counts: Mapping[str, int]) -> float:
        """The block's contribution: sublinear tf-idf, l2-normalised, times the coefficients."""
        return self.parts(counts).logit

    def parts(self, counts: Mapping[str, int]) -> Parts:
        """The block's contribution and each known token's part in it."""
        get, idf, coef, log = self.index.get, self._idf, self._coef, math.log
        tokens: list[str] = []
        raw: list[float] = []
        squares = 0.0
        for token, count in counts.items():
            row = get(token)
            if row is None:
                continue
            value = idf[row] if count == 1 else (1.0 + log(count)) * idf[row]
            squares += value * value
            tokens.append(token)
            raw.append(value * coef[row])
        if not squares:
            return Parts(0.0, [], [], 0.0)
        scale = 1.0 / math.sqrt(squares)
        return Parts(math.fsum(raw) * scale, tokens, raw, scale)

    def logit_of_rows(self, rows: Rows) -> float:
        """The same for tokens given as their rows, repeated as often as they occur."""
        if not len(rows):
            return 0.0
        unique, counts = np.unique(rows, return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[unique]
        squares = float(values @ values)
        return float(values @ self.coef[unique]) / math.sqrt(squares) if squares else 0.0


@dataclass(frozen=True)
class TextModel:
    """The exported linear model: intercept, word and character blocks, signal coefficients."""

    intercept: float
    word: Block
    char: Block
    char_range: tuple[int, int]
    signal_coef: tuple[float, ...]  # aligned with signals.FEATURE_NAMES
    # word -> rows of its character n-grams in the vocabulary: words repeat across comments,
    # so each is cut and looked up once (bounded; cleared when full).
    _rows: dict[str, Rows] = field(default_factory=dict, compare=False, repr=False)

    def char_rows(self, prepared: str) -> Rows:
        """The character block's rows of a prepared text, one per n-gram occurrence."""
        cache, index = self._rows, self.char.index
        low, high = self.char_range
        parts = []
        for word in prepared.split():
            rows = cache.get(word)
            if rows is None:
                found = (index.get(gram) for gram in _word_char_grams(word, low, high))
                rows = np.fromiter((row for row in found if row is not None), dtype=np.int32)
                if len(cache) >= ROWS_CACHE:
                    cache.clear()
                cache[word] = rows
            parts.append(rows)
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
