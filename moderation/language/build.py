"""Rebuild the committed language model from wordfreq: `python -m moderation.language.build`.

The model is computed as a document of word lists and letter n-grams (`build`), then packed
into the arrays the service reads (`pack`, see `model.py`) and written as an `.npz` file whose
bytes depend only on its contents.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
import zipfile
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from moderation.language.model import (
    ABSENT,
    DEFAULT_PATH,
    FORMAT,
    letter_codes,
    ngram_code,
)
from moderation.language.text import WORD

MODEL_LANGUAGES = ("en", "es", "pt", "fr", "it", "de", "ca", "nl")
MODEL_PATH = DEFAULT_PATH
# Log-probabilities are stored as int16 hundredths of a nat: 0.01 is far below any margin
# that decides a language, and it halves the file against float32.
SCALE = 100
BOS, EOS = "^", "$"

Document = dict[str, object]


def _base64_int16(matrix: np.ndarray) -> str:
    clipped = np.clip(np.round(matrix * SCALE), -32767, 0).astype("<i2")
    return base64.b64encode(clipped.tobytes()).decode("ascii")


def _frequency_list(language: str) -> list[tuple[str, float]]:
    """Return (word, frequency) for the alphabetic words wordfreq knows, most frequent first."""
    import wordfreq  # build-time only: the service reads the derived table

    size = "large" if language in wordfreq.available_languages("large") else "small"
    pairs = wordfreq.get_frequency_dict(language, wordlist=size).items()
    return [(w, f) for w, f in pairs if WORD.fullmatch(w) and w == w.lower()]


def _char_events(word: str, order: int) -> list[tuple[str, str]]:
    padded = BOS * (order - 1) + word + EOS
    return [(padded[i - order + 1 : i], padded[i]) for i in range(order - 1, len(padded))]


class _CharCounts:
    """Counts of (history, char) for every history length up to order-1, for one language."""

    def __init__(self, words: list[str], order: int) -> None:
        self.order = order
        self.joint: Counter[str] = Counter()
        self.history: Counter[str] = Counter()
        for word in words:
            for history, char in _char_events(word, order):
                for start in range(len(history) + 1):
                    h = history[start:]
                    self.joint[h + char] += 1
                    self.history[h] += 1
        self.alphabet = {key for key in self.joint if len(key) == 1}


def _interpolated(counts: _CharCounts, keys: list[str], beta: float, vocab: int) -> np.ndarray:
    """Return log P(char | history) for each key, interpolating every order down to unigrams."""
    total = counts.history[""]
    cache: dict[str, float] = {}

    def prob(key: str) -> float:
        if key in cache:
            return cache[key]
        if len(key) == 1:
            value = (counts.joint[key] + 1.0) / (total + vocab)
        else:
            lower = prob(key[1:])
            value = (counts.joint[key] + beta * lower) / (counts.history[key[:-1]] + beta)
        cache[key] = value
        return value

    return np.array([math.log(prob(k)) for k in keys])


def build(
    words: int, char_words: int, order: int, beta: float
) -> tuple[dict[str, object], dict[str, object]]:
    """Return the model document and its sidecar metadata."""
    lists = {lang: _frequency_list(lang) for lang in MODEL_LANGUAGES}
    counts = {
        lang: _CharCounts([w for w, _ in lists[lang][:char_words]], order)
        for lang in MODEL_LANGUAGES
    }
    alphabet = sorted(set().union(*(c.alphabet for c in counts.values())))
    vocab = len(alphabet) + 1
    keys = sorted(set().union(*(c.joint for c in counts.values())))
    histories = sorted(set().union(*(c.history for c in counts.values())) - {""})
    ngram_rows = np.stack(
        [_interpolated(counts[lang], keys, beta, vocab) for lang in MODEL_LANGUAGES], axis=1
    )
    # Weight left for the shorter history when the longer one was seen: beta / (C(h) + beta).
    backoff_rows = np.array(
        [
            [math.log(beta / (counts[lang].history[h] + beta)) for lang in MODEL_LANGUAGES]
            for h in histories
        ]
    )
    unknown = [math.log(1.0 / (counts[lang].history[""] + vocab)) for lang in MODEL_LANGUAGES]
    word_tables: Document = {}
    oov_mass = []
    for lang in MODEL_LANGUAGES:
        total = sum(f for _, f in lists[lang])
        top = lists[lang][:words]
        kept = sum(f for _, f in top)
        oov_mass.append(math.log(max(1.0 - kept / total, 1e-6)))
        word_tables[lang] = {
            "words": "\n".join(w for w, _ in top),
            "logp": _base64_int16(np.log(np.array([f / total for _, f in top]))),
        }
    model: Document = {
        "languages": list(MODEL_LANGUAGES),
        "order": order,
        "scale": SCALE,
        "bos": BOS,
        "eos": EOS,
        "words": word_tables,
        "oov_logmass": oov_mass,
        "ngrams": {"keys": "\n".join(keys), "logp": _base64_int16(ngram_rows)},
        "backoff": {"keys": "\n".join(histories), "logp": _base64_int16(backoff_rows)},
        "unknown": unknown,
    }
    meta: Document = {
        "languages": list(MODEL_LANGUAGES),
        "parameters": {"words": words, "char_words": char_words, "order": order, "beta": beta},
        "source": f"wordfreq {metadata.version('wordfreq')} (data CC BY-SA 4.0, docs/language.md)",
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "sizes": {"ngrams": len(keys), "histories": len(histories)},
    }
    return model, meta


def _int16(packed: str, columns: int) -> np.ndarray:
    return np.frombuffer(base64.b64decode(packed), dtype="<i2").reshape(-1, columns)


def pack(model: Document) -> dict[str, np.ndarray]:
    """The arrays `WordLetterModel` reads, from a model document (`build`, or format 1's JSON).

    Keys are sorted for binary search and their rows reordered to match; log-probabilities
    keep their int16 values, so every score is the same to the last bit.
    """
    languages = [str(code) for code in model["languages"]]  # type: ignore[attr-defined]
    count = len(languages)
    words: dict[str, Any] = model["words"]  # type: ignore[assignment]
    ngrams: dict[str, str] = model["ngrams"]  # type: ignore[assignment]
    backoff: dict[str, str] = model["backoff"]  # type: ignore[assignment]
    ngram_keys = ngrams["keys"].split("\n")
    backoff_keys = backoff["keys"].split("\n")
    listed = {lang: words[lang]["words"].split("\n") for lang in languages}
    letters = {char for key in ngram_keys + backoff_keys for char in key}
    letters |= {char for vocabulary in listed.values() for word in vocabulary for char in word}
    letters |= {str(model["bos"]), str(model["eos"])}
    alphabet = "".join(sorted(letters))
    codes = letter_codes(alphabet)

    # Words: one row per distinct word, ABSENT where a language's list lacks it. A word listed
    # twice in one language keeps its last value, as the dictionary of format 1 did.
    vocabulary = sorted({word for words_of in listed.values() for word in words_of})
    width = max(map(len, vocabulary))
    encoded = np.array(
        ["".join(chr(codes[char]) for char in word).encode("ascii") for word in vocabulary],
        dtype=f"S{width}",
    )
    order = np.argsort(encoded, kind="stable")
    row_of = {vocabulary[i]: row for row, i in enumerate(order)}
    word_logp = np.full((len(vocabulary) + 1, count), ABSENT, dtype="<i2")
    for column, lang in enumerate(languages):
        values = _int16(words[lang]["logp"], 1)[:, 0]
        if len(values) != len(listed[lang]):
            raise ValueError(f"{lang} has {len(listed[lang])} words, {len(values)} values")
        word_logp[[row_of[word] for word in listed[lang]], column] = values

    def table(keys: list[str], packed: str) -> tuple[np.ndarray, np.ndarray]:
        numbers = np.array([ngram_code(key, codes) for key in keys], dtype=np.uint32)
        sort = np.argsort(numbers, kind="stable")
        if len(set(numbers.tolist())) != len(numbers):
            raise ValueError("two letter n-grams share a code")
        return numbers[sort], _int16(packed, count)[sort]

    ngram_numbers, ngram_logp = table(ngram_keys, ngrams["logp"])
    backoff_numbers, backoff_logp = table(backoff_keys, backoff["logp"])
    meta = {
        "format": FORMAT,
        "languages": languages,
        "order": model["order"],
        "scale": model["scale"],
        "bos": model["bos"],
        "eos": model["eos"],
        "alphabet": alphabet,
        "oov_logmass": model["oov_logmass"],
        "unknown": model["unknown"],
    }
    return {
        "meta": np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
        "word_keys": encoded[order],
        "word_logp": word_logp,
        "ngram_keys": ngram_numbers,
        "ngram_logp": ngram_logp,
        "backoff_keys": backoff_numbers,
        "backoff_logp": backoff_logp,
    }


def write(arrays: dict[str, np.ndarray], meta: Document, path: Path = MODEL_PATH) -> None:
    """Write the arrays as a compressed `.npz` with fixed timestamps, so a rebuild is byte for
    byte the same, and beside it the sidecar (`.meta.json`) with its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as npz:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with npz.open(entry, "w") as out:
                np.lib.format.write_array(out, np.ascontiguousarray(array), allow_pickle=False)
    meta = {**meta, "format": FORMAT, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    sidecar = path.with_suffix(".meta.json")
    sidecar.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Parse options, build, write."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--words", type=int, default=30000, help="most frequent words kept per language"
    )
    parser.add_argument(
        "--char-words", type=int, default=60000, help="words the letter model learns from"
    )
    parser.add_argument("--order", type=int, default=4, help="letters of context + 1")
    parser.add_argument(
        "--beta", type=float, default=2.0, help="weight given to the shorter context"
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    model, meta = build(args.words, args.char_words, args.order, args.beta)
    write(pack(model), meta, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
