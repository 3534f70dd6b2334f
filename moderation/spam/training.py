"""Training the bundled model: `python -m moderation.spam.training [--data-dir DIR]`.

Reads the shared public corpora and real reader comments (`../shared/data`, never its
comments-eval folder) plus our own corpora under `moderation/spam/corpus/`, fits the pipeline,
and writes `bundled/model.skops`, `bundled/scorer.json.gz` and `bundled/model.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from moderation.spam import (
    corpora,
    destinations,
    phrases,
    scoring,
    signals,
    storage,
    text,
    textmodel,
)
from moderation.spam.corpora import Example
from moderation.spam.metrics import Metrics
from moderation.spam.scoring import SpamModel

# Share of the total training weight each source gets, split evenly between its spam and ham
# (a one-class source is paired with the others' opposite class). The real reader comments are
# the genre we serve; the public spam corpora teach spam wording; ours cover today's scams.
SOURCE_WEIGHT = {
    "youtube": 0.2,
    "sms-en": 0.1,
    "sms-pt": 0.08,
    "es": 0.08,
    "corpus": 0.2,
    "scams": 0.1,
    "real": 0.24,
}
DEFAULT_THRESHOLD = 0.85
DEFAULT_BORDERLINE = 0.5
C = 10.0
MIN_DF = 2


def group(example: Example) -> str:
    """The SOURCE_WEIGHT group of an example."""
    if example.source in ("corpus", "scams"):
        return example.source
    if example.source.startswith("comments/"):
        return "real"
    return example.source.split("/")[1]


def weights(
    examples: Sequence[Example], source_weight: dict[str, float] | None = None
) -> list[float]:
    """Per-example training weights: each source's mass, halved between its two classes."""
    shares = source_weight or SOURCE_WEIGHT
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    for e in examples:
        counts[(group(e), e.spam)] += 1
    present = {g for g, _ in counts}
    mass = {g: shares[g] / sum(shares[p] for p in present) for g in present}
    raw = [
        mass[group(e)]
        / ((2 if (group(e), not e.spam) in counts else 1) * counts[(group(e), e.spam)])
        for e in examples
    ]
    # Rescale to a mean of 1 so the regularisation strength C keeps its usual meaning.
    scale = len(raw) / sum(raw)
    return [w * scale for w in raw]


def design(bodies: Sequence[str]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Rows of [prepared text, signal values...] for the pipeline."""
    judge = destinations.Destinations()
    matrix = np.empty((len(bodies), 1 + len(signals.FEATURE_NAMES)), dtype=object)
    for i, body in enumerate(bodies):
        normalised = text.normalise(body)
        folded = text.fold(normalised.text)
        prepared = textmodel.prepare(folded)
        matrix[i, 0] = prepared
        matrix[i, 1:] = signals.extract(normalised, folded, textmodel.words(prepared), judge).values
    return matrix


def build_pipeline(c: float = C, min_df: int = MIN_DF) -> Pipeline:
    """Word 1-2 and in-word character 3-5 grams (TF-IDF) plus the signals; logistic regression.

    The text arrives folded (`textmodel.prepare`), so the vectorizers neither lower-case nor strip
    accents: the scorer's tokenizer reproduces theirs exactly.
    """
    tfidf = {"lowercase": False, "sublinear_tf": True, "min_df": min_df, "dtype": np.float64}
    columns = ColumnTransformer(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2), **tfidf), 0),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), **tfidf), 0),
            ("struct", "passthrough", list(range(1, 1 + len(signals.FEATURE_NAMES)))),
        ]
    )
    return Pipeline(
        [("features", columns), ("clf", LogisticRegression(C=c, max_iter=5000, tol=1e-4))]
    )


def fit_pipeline(
    examples: Sequence[Example],
    source_weight: dict[str, float] | None = None,
    c: float = C,
    min_df: int = MIN_DF,
) -> Pipeline:
    """Fit a fresh pipeline on labelled examples with source-balanced weights."""
    pipeline = build_pipeline(c, min_df)
    pipeline.fit(
        design([e.text for e in examples]),
        np.asarray([e.spam for e in examples], dtype=int),
        clf__sample_weight=np.asarray(weights(examples, source_weight)),
    )
    return pipeline


def model_of(pipeline: Pipeline, meta: dict[str, Any] | None = None) -> SpamModel:
    """The scorer of a fitted pipeline, as workers will load it."""
    sidecar = {
        "threshold": DEFAULT_THRESHOLD,
        "borderline": DEFAULT_BORDERLINE,
        "version": "unversioned",
        **(meta or {}),
    }
    return SpamModel(storage.text_model(storage.tables_from_pipeline(pipeline)), sidecar)


def fit(examples: Sequence[Example], **options: Any) -> SpamModel:
    """Fit and return the scorer (benchmarks and experiments)."""
    return model_of(fit_pipeline(examples, **options))


def versions() -> dict[str, str]:
    """Library versions the artefact was written with; loading checks scikit-learn's."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def recipe_sha256() -> str:
    """Hash of the code that turns a body into model inputs and of this recipe.

    Part of the version, so a retrain after a change of checks gets a new version even when the
    training files are the same.
    """
    digest = hashlib.sha256()
    for module in (text, signals, phrases, scoring, textmodel, destinations):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(json.dumps([SOURCE_WEIGHT, C, MIN_DF], sort_keys=True).encode())
    return digest.hexdigest()


def training_examples(data_dir: Path) -> list[Example]:
    """Everything the bundled model learns from (the own corpora's train splits only)."""
    return (
        corpora.shared(data_dir)
        + corpora.real(data_dir)
        + corpora.comments("train")
        + corpora.scams("train")
    )


def evaluate(
    model: SpamModel, examples: Sequence[tuple[str, bool]], threshold: float
) -> dict[str, Any]:
    """Metrics of the spam-folder decision and of "caught" (folder or likely spam)."""
    results = [(spam, model.score(body).verdict(threshold)) for body, spam in examples]
    folder = Metrics.from_pairs((spam, v is scoring.Verdict.SPAM) for spam, v in results)
    caught = Metrics.from_pairs(
        (spam, v in (scoring.Verdict.SPAM, scoring.Verdict.LIKELY)) for spam, v in results
    )
    return {"folder": folder.as_dict(), "caught": caught.as_dict()}


def train_bundled(data_dir: Path, out_dir: Path | None = None) -> tuple[SpamModel, dict[str, Any]]:
    """Train on every trainable source; write the pipeline, the tables and the sidecar."""
    started = time.perf_counter()
    examples = training_examples(data_dir)
    pipeline = fit_pipeline(examples)
    seconds = time.perf_counter() - started
    files = corpora.describe(corpora.shared_files(data_dir), examples)
    for name, path, rows in (
        ("moderation/spam/corpus/comments.csv", corpora.CORPUS_PATH, corpora.comments("train")),
        ("moderation/spam/corpus/scams.csv", corpora.SCAMS_PATH, corpora.scams("train")),
    ):
        files.append(
            corpora.SourceFile(
                f"{name} (split=train)",
                corpora.sha256_file(path),
                len(rows),
                sum(e.spam for e in rows),
            )
        )
    recipe = recipe_sha256()
    digest = hashlib.sha256(("".join(f.sha256 for f in files) + recipe).encode()).hexdigest()[:8]
    now = dt.datetime.now(dt.UTC)
    meta: dict[str, Any] = {
        "threshold": DEFAULT_THRESHOLD,
        "borderline": DEFAULT_BORDERLINE,
        "version": f"spam-{now:%Y%m%d}-{digest}",
        "created": now.isoformat(timespec="seconds"),
        "versions": versions(),
        "training": {
            "files": [asdict(f) for f in files],
            "rows": len(examples),
            "spam": sum(1 for e in examples if e.spam),
            "source_weight": SOURCE_WEIGHT,
            "c": C,
            "min_df": MIN_DF,
            "recipe_sha256": recipe,
            "seconds": round(seconds, 1),
        },
    }
    model = model_of(pipeline, meta)
    held_out = corpora.comments("test") + corpora.scams("test")
    meta["metrics"] = {
        "held_out_corpus": {
            "files": [
                "moderation/spam/corpus/comments.csv (split=test)",
                "moderation/spam/corpus/scams.csv (split=test)",
            ],
            "threshold": DEFAULT_THRESHOLD,
            **evaluate(model, [(e.text, e.spam) for e in held_out], DEFAULT_THRESHOLD),
        }
    }
    target = out_dir or storage.BUNDLED_DIR
    target.mkdir(parents=True, exist_ok=True)
    storage.write_tables(
        storage.tables_from_pipeline(pipeline), target / storage.BUNDLED_TABLES.name
    )
    (target / storage.BUNDLED_PIPELINE.name).write_bytes(storage.pipeline_to_bytes(pipeline, meta))
    meta["files"] = {
        name: storage.sha256(target / name)
        for name in (storage.BUNDLED_PIPELINE.name, storage.BUNDLED_TABLES.name)
    }
    (target / storage.BUNDLED_SIDECAR.name).write_text(
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    return SpamModel(model.text, meta), meta


def default_data_dir() -> Path:
    """`TERTULIA_SHARED_DATA`, else ../shared/data beside the repository."""
    configured = os.environ.get("TERTULIA_SHARED_DATA")
    return (
        Path(configured) if configured else Path(__file__).resolve().parents[3] / "shared" / "data"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Train the bundled model and print what was written."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: ../shared/data")
    parser.add_argument("--out-dir", type=Path, default=None, help="default: the bundled folder")
    args = parser.parse_args(argv)
    model, meta = train_bundled(args.data_dir or default_data_dir(), args.out_dir)
    held_out = meta["metrics"]["held_out_corpus"]
    rows, seconds = meta["training"]["rows"], meta["training"]["seconds"]
    print(f"trained {model.version} on {rows} rows in {seconds} s")
    for name in ("folder", "caught"):
        m = held_out[name]
        print(
            f"held-out {name}: n={m['n']} precision={m['precision']} recall={m['recall']} "
            f"false_positive_rate={m['false_positive_rate']} MCC={m['mcc']}"
        )


if __name__ == "__main__":
    main()
