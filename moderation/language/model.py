"""The committed word + letter model: log-likelihood of a comment's tokens in each language.

Stored as a handful of NumPy arrays (`data/model.npz`) and kept that way in memory: sorted keys
searched in bulk, log-probabilities as int16 hundredths of a nat. A worker holds about 11 MB
of plain buffers instead of dictionaries of Python strings and ints (which took ten times
that), and pages that nothing writes to stay shared between workers forked from one master.

Every letter of a key is written as one byte, its rank in the model's alphabet (1 to 126;
127 stands for any letter the model never saw). A letter n-gram of up to four letters is then
one integer, first letter in the highest byte; a word is a fixed-width byte string.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
Indexes = npt.NDArray[np.intp]
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "model.npz"
FORMAT = 2
# The byte of a letter outside the alphabet: no key holds it, so nothing it is part of is found.
UNSEEN = 127
# Code points the letter table covers directly; any beyond are letters the model never saw.
_PLANE = 0x10000
# The int16 that stands for "this language's list lacks the word" (a log-probability of -inf).
ABSENT = -32768


def letter_codes(alphabet: str) -> dict[str, int]:
    """The byte each letter of the model's alphabet is written as."""
    if len(alphabet) >= UNSEEN:
        raise ValueError(f"an alphabet of {len(alphabet)} letters does not fit in 7 bits")
    return {letter: n + 1 for n, letter in enumerate(alphabet)}


def ngram_code(key: str, codes: dict[str, int]) -> int:
    """A letter n-gram (at most four letters) as one integer, first letter highest."""
    value = 0
    for letter in key:
        value = value << 8 | codes[letter]
    return value


class WordLetterModel:
    """Per token: P(word) from a frequency list, else the list's leftover mass times a letter model.

    The letter model is an interpolated character n-gram model over whole words, so a word the
    list never saw ("resolucion", a name, a typo) still counts as evidence by its spelling.
    """

    def __init__(self, path: Path = DEFAULT_PATH) -> None:
        # The file is opened here so that it is closed even when it is not a zip at all.
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        meta = json.loads(arrays.pop("meta").item())
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: not a language model of format {FORMAT}")
        self.languages: tuple[str, ...] = tuple(meta["languages"])
        self.order = int(meta["order"])
        self._scale = int(meta["scale"])
        self._bos = str(meta["bos"]) * (self.order - 1)
        self._eos = str(meta["eos"])
        self._oov: Vector = np.array(meta["oov_logmass"], dtype=np.float64)
        self._unknown: Vector = np.array(meta["unknown"], dtype=np.float64)
        codes = letter_codes(meta["alphabet"])
        if max(map(ord, codes)) >= _PLANE:
            raise ValueError(f"{path}: the alphabet goes beyond the Basic Multilingual Plane")
        # Code point -> letter byte over the whole plane (its last point stands for all beyond).
        table = np.full(_PLANE, UNSEEN, dtype=np.uint8)
        table[[ord(letter) for letter in codes]] = list(codes.values())
        self._table = table
        self._start_mark = codes[str(meta["bos"])]
        # The same as a str.translate table: a word's key is its letters' bytes.
        self._bytes = _Letters({ord(letter): chr(code) for letter, code in codes.items()})

        self._words: npt.NDArray[np.bytes_] = arrays["word_keys"]
        self._width = self._words.dtype.itemsize
        self._word_logp: npt.NDArray[np.int16] = arrays["word_logp"]
        self._missing = len(self._words)  # the last row of word_logp: absent everywhere
        self._ngrams: npt.NDArray[np.uint32] = arrays["ngram_keys"]
        self._histories: npt.NDArray[np.uint32] = arrays["backoff_keys"]
        # One table of rows: letter n-grams, then the backoff weights of their histories.
        self._letters: npt.NDArray[np.int16] = np.concatenate(
            [arrays["ngram_logp"], arrays["backoff_logp"]]
        )
        self._unseen_row = len(self._letters)
        # int16 hundredths of a nat -> float64 nats, by table: the same float the division gives.
        hundredths = np.arange(np.iinfo(np.int16).min, np.iinfo(np.int16).max + 1)
        value = hundredths.astype(np.float64) / self._scale
        value[hundredths == ABSENT] = -np.inf
        self._value: Vector = np.roll(value, np.iinfo(np.int16).min)  # indexed by the int16
        if (len(self._word_logp), len(self._letters)) != (
            self._missing + 1,
            len(self._ngrams) + len(self._histories),
        ):
            raise ValueError(f"{path}: keys and log-probabilities of different lengths")

    def _encode(self, text: str) -> npt.NDArray[np.uint8]:
        """The letter bytes of `text`, one per character."""
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        letters: npt.NDArray[np.uint8] = self._table[np.minimum(points, _PLANE - 1)]
        return letters

    def _word_rows(self, tokens: list[str]) -> Indexes:
        """Each token's row in the word table; the all-absent row for a word no list holds."""
        width = self._width
        # A word longer than the widest key is in no list (and must not be cut to fit).
        keys = "".join(
            token.translate(self._bytes).ljust(width, "\0") if len(token) <= width else "\0" * width
            for token in tokens
        )
        wanted = np.frombuffer(keys.encode("ascii"), dtype=f"S{width}")
        found = np.minimum(np.searchsorted(self._words, wanted), self._missing - 1)
        rows: Indexes = np.where(self._words[found] == wanted, found, self._missing)
        return rows

    def split(self, tokens: list[str]) -> list[str]:
        """Split elided tokens ("l'amour") the frequency lists do not hold whole."""
        elided = [token for token in tokens if "'" in token]
        if not elided:
            return tokens
        unknown = {
            token
            for token, row in zip(elided, self._word_rows(elided), strict=True)
            if row == self._missing
        }
        out: list[str] = []
        for token in tokens:
            if token in unknown:
                out.extend(part for part in token.split("'") if part)
            else:
                out.append(token)
        return out

    def _letter_rows(self, tokens: list[str]) -> tuple[Indexes, Indexes]:
        """The letter model's rows for every token, and where each token's rows start.

        For each letter (and the end mark), with the `order - 1` letters before it as history:
        the n-gram of the longest history the model saw; before it, the backoff weight of each
        longer history it saw but without this letter after; the unseen-letter row if even the
        letter alone is new. The rows come in the order a letter-by-letter walk adds them.

        The n-gram of the full history is one integer of four letter bytes; its shorter
        histories and n-grams are its low bytes. Most letters end the walk at once.
        """
        letters = self._encode("".join(self._bos + token + self._eos for token in tokens))
        history = self.order - 1
        # Every run of `order` letter bytes, read as one big-endian integer (order 4: 32 bits).
        windows = np.ndarray(
            (len(letters) - history,), dtype=f">u{self.order}", buffer=letters, strides=(1,)
        ).astype(np.uint32)
        # The start marks are context only: every other character is scored.
        keys = windows[letters[history:] != self._start_mark]
        steps = np.fromiter(map(len, tokens), dtype=np.intp, count=len(tokens)) + 1
        before = np.cumsum(steps) - steps
        rows, found = _lookup(self._ngrams, keys)
        if found.all():
            return rows, before
        walk = np.full((len(keys), self.order), -1, dtype=np.intp)
        walk[found, history] = rows[found]
        walking = np.flatnonzero(~found)
        for length in range(history, 0, -1):  # the history the walk now backs off from
            context = keys[walking] >> np.uint32(8)
            if length < history:
                context &= np.uint32((1 << 8 * length) - 1)
            rows, seen = _lookup(self._histories, context)
            walk[walking[seen], history - length] = rows[seen] + len(self._ngrams)
            shorter = keys[walking] & np.uint32((1 << 8 * length) - 1)
            rows, found = _lookup(self._ngrams, shorter)
            walk[walking[found], history] = rows[found]
            walking = walking[~found]
            if not len(walking):
                break
        walk[walking, history] = self._unseen_row
        taken = walk >= 0
        per_token = np.add.reduceat(taken.sum(axis=1), before)
        starts: Indexes = np.cumsum(per_token) - per_token
        return walk[taken], starts

    def token_scores(self, tokens: list[str]) -> Vector:
        """Return a (tokens, languages) matrix of log P(token | language)."""
        if not tokens:
            return np.empty((0, len(self.languages)))
        rows, starts = self._letter_rows(tokens)
        unseen = rows == self._unseen_row
        if unseen.any():
            values = self._value[self._letters[np.where(unseen, 0, rows)]]
            values[unseen] = self._unknown
        else:
            values = self._value[self._letters[rows]]
        letters = np.add.reduceat(values, starts, axis=0)
        known = self._value[self._word_logp[self._word_rows(tokens)]]
        scores: Vector = np.logaddexp(known, letters + self._oov)
        return scores


class _Letters(dict[int, str]):
    """A str.translate table that writes any letter outside the alphabet as UNSEEN."""

    def __missing__(self, point: int) -> str:
        return chr(UNSEEN)


def _lookup(
    keys: npt.NDArray[np.uint32], wanted: npt.NDArray[np.uint32]
) -> tuple[Indexes, npt.NDArray[np.bool_]]:
    """Where each wanted key sits in the sorted `keys`, and whether it is there at all."""
    found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return found, keys[found] == wanted
