"""The bundled model on disk: the scikit-learn pipeline (skops), its sidecar, its scoring tables.

`model.skops` is the fitted pipeline, loaded only with an explicit list of trusted types, for
training, evaluation and checks. `scorer.json.gz` holds the same linear model as plain tables
(vocabulary, idf, coefficients) that workers load without scikit-learn or SciPy: a third of the
memory and a fraction of the start-up time. `model.json` records versions, training data with
hashes, metrics, threshold and the hashes of both files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from moderation.spam.scoring import SpamModel
from moderation.spam.signals import FEATURE_NAMES
from moderation.spam.textmodel import Block, TextModel

BUNDLED_DIR = Path(__file__).parent / "bundled"
BUNDLED_PIPELINE = BUNDLED_DIR / "model.skops"
BUNDLED_SIDECAR = BUNDLED_DIR / "model.json"
BUNDLED_TABLES = BUNDLED_DIR / "scorer.json.gz"
FORMAT = 2

# skops refuses any type not named here, so a tampered model file cannot run code on load.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "builtins.slice",
    "numpy.float64",
)


class ModelFileError(ValueError):
    """A model file that is not a Tertulia spam model of a format this code reads."""


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the pipeline (scikit-learn, skops) -----------------------------------------------------------


def pipeline_to_bytes(pipeline: Any, meta: dict[str, Any]) -> bytes:
    """skops bytes holding the fitted pipeline and its metadata."""
    import skops.io  # training and checks only: workers never load the pipeline

    state = {"format": FORMAT, "pipeline": pipeline, "meta": json.dumps(meta, sort_keys=True)}
    data: bytes = skops.io.dumps(state, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    return data


def pipeline_from_bytes(data: bytes) -> tuple[Any, dict[str, Any]]:
    """The pipeline and metadata from `pipeline_to_bytes` bytes, trusting only listed types."""
    import skops.io

    state = skops.io.loads(data, trusted=list(TRUSTED_TYPES))
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ModelFileError("not a Tertulia spam model (unknown format)")
    return state["pipeline"], json.loads(state["meta"])


# -- the scoring tables (plain JSON) --------------------------------------------------------------


def tables_from_pipeline(pipeline: Any) -> dict[str, Any]:
    """The fitted pipeline's linear model as JSON-ready tables."""
    columns = pipeline.named_steps["features"]
    clf = pipeline.named_steps["clf"]
    coef = [float(c) for c in clf.coef_[0]]
    tables: dict[str, Any] = {"format": FORMAT, "intercept": float(clf.intercept_[0])}
    offset = 0
    for name in ("word", "char"):
        vectorizer = columns.named_transformers_[name]
        vocabulary = vectorizer.vocabulary_
        tokens = sorted(vocabulary, key=vocabulary.__getitem__)
        tables[name] = {
            "tokens": tokens,
            "idf": [float(v) for v in vectorizer.idf_],
            "coef": coef[offset : offset + len(tokens)],
        }
        if name == "char":
            tables["char_range"] = list(vectorizer.ngram_range)
        offset += len(tokens)
    tables["signals"] = {"names": list(FEATURE_NAMES), "coef": coef[offset:]}
    return tables


def text_model(tables: dict[str, Any]) -> TextModel:
    """A scorer built from tables; refuses tables made for other signals."""
    if tables.get("format") != FORMAT:
        raise ModelFileError("scoring tables of an unknown format")
    if tables["signals"]["names"] != list(FEATURE_NAMES):
        raise ModelFileError("scoring tables made for other signals: retrain (`spam train`)")

    def block(name: str) -> Block:
        part = tables[name]
        if not len(part["tokens"]) == len(part["idf"]) == len(part["coef"]):
            raise ModelFileError(f"scoring tables: the {name} block is inconsistent")
        index = {token: row for row, token in enumerate(part["tokens"])}
        idf = np.array(part["idf"], dtype=np.float64)
        return Block(index, idf, np.array(part["coef"], dtype=np.float64))

    low, high = tables["char_range"]
    return TextModel(
        intercept=float(tables["intercept"]),
        word=block("word"),
        char=block("char"),
        char_range=(int(low), int(high)),
        signal_coef=tuple(float(c) for c in tables["signals"]["coef"]),
    )


def write_tables(tables: dict[str, Any], path: Path) -> None:
    """Write tables as deterministic gzipped JSON (the same model gives the same bytes)."""
    raw = json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def read_tables(path: Path) -> dict[str, Any]:
    """Tables written by `write_tables`."""
    try:
        tables: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError) as error:
        raise ModelFileError(f"{path.name}: not readable scoring tables ({error})") from error
    return tables


_bundled: SpamModel | None = None
_lock = threading.Lock()


def bundled() -> SpamModel:
    """The committed model, loaded once per process (no scikit-learn needed)."""
    global _bundled
    if _bundled is None:
        with _lock:
            if _bundled is None:
                meta = json.loads(BUNDLED_SIDECAR.read_text(encoding="utf-8"))
                _bundled = SpamModel(text_model(read_tables(BUNDLED_TABLES)), meta)
    return _bundled
