"""The committed word + letter model: log-likelihood of a comment's tokens in each language."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "model.json.gz"


def _unpack(text: str, scale: int, columns: int) -> npt.NDArray[np.float64]:
    raw = np.frombuffer(base64.b64decode(text), dtype="<i2")
    return raw.reshape(-1, columns).astype(np.float64) / scale


class WordLetterModel:
    """Per token: P(word) from a frequency list, else the list's leftover mass times a letter model.

    The letter model is an interpolated character n-gram model over whole words, so a word the
    list never saw ("resolucion", a name, a typo) still counts as evidence by its spelling.
    """

    def __init__(self, path: Path = DEFAULT_PATH) -> None:
        with gzip.open(path, "rb") as handle:
            doc: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
        self.languages: tuple[str, ...] = tuple(doc["languages"])
        count = len(self.languages)
        scale = int(doc["scale"])
        self.order = int(doc["order"])
        self._bos = str(doc["bos"]) * (self.order - 1)
        self._eos = str(doc["eos"])
        self._oov: Vector = np.array(doc["oov_logmass"], dtype=np.float64)

        # One matrix of rows: letter n-grams, then backoff weights, then the unseen-letter row.
        ngram_keys = doc["ngrams"]["keys"].split("\n")
        backoff_keys = doc["backoff"]["keys"].split("\n")
        rows = [
            _unpack(doc["ngrams"]["logp"], scale, count),
            _unpack(doc["backoff"]["logp"], scale, count),
            np.array([doc["unknown"]], dtype=np.float64),
        ]
        self._letters: Vector = np.concatenate(rows)
        self._ngram = {key: i for i, key in enumerate(ngram_keys)}
        self._backoff = {key: i + len(ngram_keys) for i, key in enumerate(backoff_keys)}
        self._unknown = len(self._letters) - 1

        # Words: one row per distinct word, -inf where a language's list lacks it. Filled a
        # column at a time: a worker loads this at start-up, word by word it took a second.
        index: dict[str, int] = {}
        columns: list[tuple[npt.NDArray[np.intp], Vector]] = []
        for lang in self.languages:
            table = doc["words"][lang]
            logp = _unpack(table["logp"], scale, 1)[:, 0]
            listed = table["words"].split("\n")
            if len(listed) != len(logp):
                raise ValueError(f"{path}: {lang} has {len(listed)} words, {len(logp)} values")
            positions = [index.setdefault(word, len(index)) for word in listed]
            columns.append((np.array(positions, dtype=np.intp), logp))
        words = np.full((len(index) + 1, count), -np.inf)
        for column, (word_rows, logp) in enumerate(columns):
            words[word_rows, column] = logp
        self._words: Vector = words
        self._word = index
        self._missing = len(index)

    def _letter_rows(self, word: str, into: list[int]) -> None:
        padded = self._bos + word + self._eos
        ngram, backoff = self._ngram, self._backoff
        for i in range(self.order - 1, len(padded)):
            history, char = padded[i - self.order + 1 : i], padded[i]
            while True:
                row = ngram.get(history + char)
                if row is not None:
                    into.append(row)
                    break
                if not history:
                    into.append(self._unknown)
                    break
                weight = backoff.get(history)
                if weight is not None:
                    into.append(weight)
                history = history[1:]

    def split(self, tokens: list[str]) -> list[str]:
        """Split elided tokens ("l'amour") the frequency lists do not hold whole."""
        out: list[str] = []
        for token in tokens:
            if "'" in token and token not in self._word:
                out.extend(part for part in token.split("'") if part)
            else:
                out.append(token)
        return out

    def token_scores(self, tokens: list[str]) -> Vector:
        """Return a (tokens, languages) matrix of log P(token | language)."""
        rows: list[int] = []
        starts: list[int] = []
        for token in tokens:
            starts.append(len(rows))
            self._letter_rows(token, rows)
        letters = np.add.reduceat(self._letters[rows], starts, axis=0)
        known = self._words[[self._word.get(t, self._missing) for t in tokens]]
        scores: Vector = np.logaddexp(known, letters + self._oov)
        return scores
